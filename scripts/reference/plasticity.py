"""Reference: STDP rules of docs/spiking-engine.md on fixed pre and post spike trains.

20 presynaptic SpikeGeneratorGroup trains, all-to-all onto 3 postsynaptic trains (60 plastic
synapses). Both sides spike at fixed, listed steps, so only the weight dynamics are tested:
triplet, pair and Vogels STDP without normalisation, and triplet and Vogels with competitive
normalisation (Giannakakis eq 12, Sigma w as Brian2's `(summed)` variable). Brian2 runtime,
numpy target, float64; event-driven traces.

The post side is a NeuronGroup (it must own the summed variable `sumw` for the normalisation)
whose threshold `post_spikes(t, i) > 0.5` reads a 2-D TimedArray of the listed post spike steps;
the script checks with SpikeMonitors that pre and post spiked exactly at the listed steps, and
(triplet case) that a SpikeGeneratorGroup post gives bit-identical weights.

Order within a step (Brian2 2.5.1): 'groups' (the summed variable Sigma w is recomputed here,
before any plasticity of the step) -> 'thresholds' (pre and post spikes of the step) ->
'synapses': the on_pre pathway (SynapticPathway order -1) before the on_post pathway (order +1).
Each pathway first decays *all* event-driven traces of the synapse to t (Brian2 inserts
`x = x*exp(-(t - lastupdate)/tau)` before the user code), then runs the user code in which the
trace increment comes first, then the weight update, clip, and (optionally) normalisation.
So a pre-spike update sees the post traces without this step's post spike and a post-spike
update sees the pre traces with this step's pre spike, as the contract states.
The script also runs an independent numpy implementation of the contract and asserts that both
agree to 1e-12 (relative) at every checkpoint.
"""
import sys
import time

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
from _common import fl, generated_by, ints, parse_args, versions, write_json  # noqa: E402

NAME = 'plasticity'

DT_MS = 0.1
N_STEPS = 20000          # 2 s
CHECK_EVERY = 1000       # checkpoint every 100 ms
N_PRE, N_POST = 20, 3
W_MIN, W_MAX = 0.001, 100.0
SEED = 4242

RULES = {
    'triplet': dict(rule='triplet', eta=2.5e-3, A_LTP=1.0, A_LTD=0.1, tau1_ms=10.0, tau2_ms=50.0),
    'pair': dict(rule='pair', eta=1e-2, A_LTP=1.0, A_LTD=1.05, tauPlus_ms=16.8, tauMinus_ms=33.7),
    'vogels': dict(rule='vogels', eta=1e-2, tau_ms=10.0, rho0_Hz=3.0),
}
NORM = dict(etaN=3e-3, target_per_synapse=5.0)
CASES = {
    'triplet': dict(RULES['triplet'], norm=None),
    'pair': dict(RULES['pair'], norm=None),
    'vogels': dict(RULES['vogels'], norm=None),
    'triplet_norm': dict(RULES['triplet'], norm='competitive'),
    'vogels_norm': dict(RULES['vogels'], norm='competitive'),
}

# Forced events added to the random trains: (pre trains, post trains, step) in one step, and
# neighbouring steps, at the first and last step and across a checkpoint boundary.
FORCED_PRE = [(7, 0), (9, 999), (0, 5000), (1, 6000), (2, 7001), (3, 8000), (4, 8000), (5, 8000),
              (6, 9000), (6, 9001), (10, 15000), (11, 15000), (8, 19999)]
FORCED_POST = [(2, 0), (1, 1000), (0, 5000), (0, 6001), (0, 7000), (1, 8000), (2, 8000),
               (1, 9001), (2, 12000), (2, 12001), (0, 19999)]


def make_inputs():
    """numpy Generator(PCG64(SEED)), in this order: pre rates U(20,40) Hz, post rates U(10,20) Hz,
    Bernoulli(rate*dt) per step as uniform arrays (20 x n_steps) then (3 x n_steps), initial weights
    (60, pre-major: synapse s = j*3 + i): posts 0 and 1 U(0.5,1.5), post 2 U(0.001,0.05)."""
    rng = np.random.Generator(np.random.PCG64(SEED))
    pre_rates = rng.uniform(20.0, 40.0, N_PRE)
    post_rates = rng.uniform(10.0, 20.0, N_POST)
    pre_hit = rng.random((N_PRE, N_STEPS)) < (pre_rates * DT_MS * 1e-3)[:, None]
    post_hit = rng.random((N_POST, N_STEPS)) < (post_rates * DT_MS * 1e-3)[:, None]
    w_hi = rng.uniform(0.5, 1.5, (N_PRE, N_POST))
    w_lo = rng.uniform(0.001, 0.05, N_PRE)
    w0 = w_hi.copy()
    w0[:, 2] = w_lo
    for j, k in FORCED_PRE:
        pre_hit[j, k] = True
    for i, k in FORCED_POST:
        post_hit[i, k] = True

    def events(hit):
        tr, st = np.nonzero(hit)
        order = np.lexsort((tr, st))
        return tr[order], st[order]

    return pre_rates, post_rates, events(pre_hit), events(post_hit), w0.ravel()


def rule_code(c):
    """Brian2 model and pathway code of a case."""
    if c['rule'] == 'triplet':
        model = '''
        dy1/dt = -y1/tau1 : 1 (event-driven)
        dy2/dt = -y2/tau2 : 1 (event-driven)
        dx1/dt = -x1/tau1 : 1 (event-driven)
        dx2/dt = -x2/tau2 : 1 (event-driven)
        '''
        pre = 'y1 += 1\ny2 += 1\nwnew = w - eta*A_LTD*y2*x1'
        post = 'x1 += 1\nx2 += 1\nwnew = w + eta*A_LTP*y1*x2'
    elif c['rule'] == 'pair':
        model = '''
        dy/dt = -y/tauPlus : 1 (event-driven)
        dx/dt = -x/tauMinus : 1 (event-driven)
        '''
        pre = 'y += 1\nwnew = w - eta*A_LTD*x'
        post = 'x += 1\nwnew = w + eta*A_LTP*y'
    else:
        model = '''
        dy/dt = -y/tau : 1 (event-driven)
        dx/dt = -x/tau : 1 (event-driven)
        '''
        pre = 'y += 1\nwnew = w + eta*(x - alpha)'
        post = 'x += 1\nwnew = w + eta*y'
    model = 'w : 1\nnlo : 1\nnhi : 1\n' + model
    tail = '\nnlo += int(wnew < wmin)\nnhi += int(wnew > wmax)\nw = clip(wnew, wmin, wmax)'
    if c['norm']:
        model += 'sumw_post = w : 1 (summed)\n'
        tail += '\nw = w*(1 - etaN + etaN*T/sumw_post)'
    return model, pre + tail, post + tail


def run_brian(c, pre_ev, post_ev, w0, post_generator=False):
    import brian2 as b2
    from brian2 import ms

    b2.start_scope()
    b2.prefs.codegen.target = 'numpy'
    b2.defaultclock.dt = DT_MS * ms
    ns = dict(eta=c['eta'], wmin=W_MIN, wmax=W_MAX, etaN=NORM['etaN'],
              T=NORM['target_per_synapse'] * N_PRE)
    if c['rule'] == 'triplet':
        ns.update(A_LTP=c['A_LTP'], A_LTD=c['A_LTD'], tau1=c['tau1_ms'] * ms, tau2=c['tau2_ms'] * ms)
    elif c['rule'] == 'pair':
        ns.update(A_LTP=c['A_LTP'], A_LTD=c['A_LTD'], tauPlus=c['tauPlus_ms'] * ms,
                  tauMinus=c['tauMinus_ms'] * ms)
    else:
        ns.update(tau=c['tau_ms'] * ms, alpha=2 * c['rho0_Hz'] * c['tau_ms'] * 1e-3)
    pre = b2.SpikeGeneratorGroup(N_PRE, pre_ev[0], pre_ev[1] * DT_MS * ms)
    if post_generator:
        # Cross-check (no normalisation only: a SpikeGeneratorGroup cannot own `sumw`).
        assert not c['norm']
        post = b2.SpikeGeneratorGroup(N_POST, post_ev[0], post_ev[1] * DT_MS * ms)
    else:
        table = np.zeros((N_STEPS, N_POST))
        table[post_ev[1], post_ev[0]] = 1.0
        ns['post_spikes'] = b2.TimedArray(table, dt=DT_MS * ms)
        post = b2.NeuronGroup(N_POST, 'sumw : 1', threshold='post_spikes(t, i) > 0.5', reset='',
                              namespace=ns)
    model, on_pre, on_post = rule_code(c)
    S = b2.Synapses(pre, post, model, on_pre=on_pre, on_post=on_post, namespace=ns)
    jj, ii = np.divmod(np.arange(N_PRE * N_POST), N_POST)
    S.connect(i=jj, j=ii)
    assert np.array_equal(np.asarray(S.i[:]), jj) and np.array_equal(np.asarray(S.j[:]), ii)
    S.w = w0
    m_pre = b2.SpikeMonitor(pre)
    m_post = b2.SpikeMonitor(post)
    net = b2.Network(pre, post, S, m_pre, m_post)
    checkpoints = [np.asarray(S.w[:]).copy()]
    for _ in range(N_STEPS // CHECK_EVERY):
        net.run(CHECK_EVERY * DT_MS * ms)
        checkpoints.append(np.asarray(S.w[:]).copy())
    dt_s = DT_MS * 1e-3
    for m, (tr, st) in ((m_pre, pre_ev), (m_post, post_ev)):
        got = sorted(zip(np.round(np.asarray(m.t[:]) / dt_s).astype(int).tolist(), m.i[:].tolist()))
        assert got == sorted(zip(st.tolist(), tr.tolist())), 'spikes differ from the listed steps'
    return (np.array(checkpoints), np.asarray(S.nlo[:]).astype(int), np.asarray(S.nhi[:]).astype(int))


def run_numpy(c, pre_ev, post_ev, w0):
    """The contract in float64 numpy: per step, Sigma w at the start, pre events (ascending pre),
    then post events; traces per entity, stored at their last touch and decayed exactly."""
    if c['rule'] == 'triplet':
        taus_pre = [c['tau1_ms'], c['tau2_ms']]
        taus_post = [c['tau1_ms'], c['tau2_ms']]
    elif c['rule'] == 'pair':
        taus_pre = [c['tauPlus_ms']]
        taus_post = [c['tauMinus_ms']]
    else:
        taus_pre = [c['tau_ms']]
        taus_post = [c['tau_ms']]
    alpha = 2 * c.get('rho0_Hz', 0) * c.get('tau_ms', 0) * 1e-3
    T = NORM['target_per_synapse'] * N_PRE
    w = w0.reshape(N_PRE, N_POST).copy()
    ytr = np.zeros((N_PRE, len(taus_pre)))
    ylast = np.zeros(N_PRE, dtype=np.int64)
    xtr = np.zeros((N_POST, len(taus_post)))
    xlast = np.zeros(N_POST, dtype=np.int64)
    pre_by = {}
    for j, k in zip(*pre_ev):
        pre_by.setdefault(int(k), []).append(int(j))
    post_by = {}
    for i, k in zip(*post_ev):
        post_by.setdefault(int(k), []).append(int(i))

    def dec(tr, el, taus):
        return tr * np.exp(-el * DT_MS / np.array(taus))

    def update(j, i, dw, sumw):
        x = min(max(w[j, i] + dw, W_MIN), W_MAX)
        if c['norm']:
            x = x * (1 - NORM['etaN'] + NORM['etaN'] * T / sumw[i])
        w[j, i] = x

    checkpoints = [w.ravel().copy()]
    for k in range(N_STEPS):
        if k in pre_by or k in post_by:
            sumw = w.sum(axis=0)
            for j in sorted(pre_by.get(k, [])):
                ytr[j] = dec(ytr[j], k - ylast[j], taus_pre) + 1
                ylast[j] = k
                for i in range(N_POST):
                    x = dec(xtr[i], k - xlast[i], taus_post)
                    if c['rule'] == 'triplet':
                        dw = -c['eta'] * c['A_LTD'] * ytr[j][1] * x[0]
                    elif c['rule'] == 'pair':
                        dw = -c['eta'] * c['A_LTD'] * x[0]
                    else:
                        dw = c['eta'] * (x[0] - alpha)
                    update(j, i, dw, sumw)
            for i in sorted(post_by.get(k, [])):
                xtr[i] = dec(xtr[i], k - xlast[i], taus_post) + 1
                xlast[i] = k
                for j in range(N_PRE):
                    y = dec(ytr[j], k - ylast[j], taus_pre)
                    if c['rule'] == 'triplet':
                        dw = c['eta'] * c['A_LTP'] * y[0] * xtr[i][1]
                    elif c['rule'] == 'pair':
                        dw = c['eta'] * c['A_LTP'] * y[0]
                    else:
                        dw = c['eta'] * y[0]
                    update(j, i, dw, sumw)
        if (k + 1) % CHECK_EVERY == 0:
            checkpoints.append(w.ravel().copy())
    return np.array(checkpoints)


def main():
    args = parse_args(__doc__.splitlines()[0])
    t0 = time.time()
    pre_rates, post_rates, pre_ev, post_ev, w0 = make_inputs()
    cases = {}
    for name, c in CASES.items():
        W, nlo, nhi = run_brian(c, pre_ev, post_ev, w0)
        if name == 'triplet':
            # The NeuronGroup post and a SpikeGeneratorGroup post give identical weights.
            W_sgg = run_brian(c, pre_ev, post_ev, w0, post_generator=True)[0]
            assert np.array_equal(W, W_sgg), 'post NeuronGroup and SpikeGeneratorGroup differ'
        Wn = run_numpy(c, pre_ev, post_ev, w0)
        rel = float(np.max(np.abs(W - Wn) / np.abs(Wn)))
        assert rel < 1e-12, (name, rel)
        params = {k: v for k, v in c.items() if k not in ('rule', 'norm')}
        if c['rule'] == 'vogels':
            params['alpha'] = 2 * c['rho0_Hz'] * c['tau_ms'] * 1e-3
        norm = None
        if c['norm']:
            norm = dict(kind='competitive', etaN=NORM['etaN'],
                        target=NORM['target_per_synapse'] * N_PRE,
                        target_per_synapse=NORM['target_per_synapse'])
        cases[name] = {
            'rule': c['rule'],
            'params': params,
            'norm': norm,
            'weights': [fl(x) for x in W],
            'clip_low_events': int(nlo.sum()),
            'clip_high_events': int(nhi.sum()),
            'numpy_contract_max_rel_diff': rel,
        }
        print(f'{name}: final w in [{W[-1].min():.4f}, {W[-1].max():.4f}], clip low {nlo.sum()}, '
              f'high {nhi.sum()}, numpy vs Brian2 {rel:.1e}')
    payload = {
        'generated_by': generated_by(f'{NAME}.py'),
        'versions': versions(),
        'description': (
            'STDP weight trajectories on fixed spike trains: 20 pre trains (SpikeGeneratorGroup) '
            'all-to-all onto 3 post trains (NeuronGroup spiking at listed steps), 60 plastic '
            'synapses, 2 s at dt 0.1 ms; triplet, pair and Vogels rules without normalisation, '
            'triplet and Vogels with competitive normalisation (Sigma w = Brian2 (summed) '
            'variable). Brian2 runtime numpy target, float64, event-driven traces.'),
        'units': {'time': 'ms', 'rates': 'Hz', 'weights': 'dimensionless',
                  'steps': 'integer step index k, t_k = k*dt'},
        'params': {
            'dt_ms': DT_MS, 'n_steps': N_STEPS, 'checkpoint_every_steps': CHECK_EVERY,
            'n_pre': N_PRE, 'n_post': N_POST, 'w_min': W_MIN, 'w_max': W_MAX, 'seed': SEED,
            'pair_rule_note': 'pair-rule values (eta 1e-2, A_LTP 1, A_LTD 1.05, tau+ 16.8 ms, '
                              'tau- 33.7 ms) are EI Lab test values, not from the paper',
        },
        'synapses': {
            'layout': 'synapse s = j*n_post + i connects pre train j to post train i',
            'pre': ints(np.arange(N_PRE * N_POST) // N_POST),
            'post': ints(np.arange(N_PRE * N_POST) % N_POST),
            'w0': fl(w0),
        },
        'pre_spikes': {'rates_Hz': fl(pre_rates), 'train': ints(pre_ev[0]), 'step': ints(pre_ev[1])},
        'post_spikes': {'rates_Hz': fl(post_rates), 'train': ints(post_ev[0]),
                        'step': ints(post_ev[1])},
        'recording': (
            'weights[c] (c = 0..20) is the weight vector (synapse order above) after c*1000 '
            'steps, i.e. after steps 0..c*1000-1 have run (t = c*100 ms); weights[0] = w0. '
            'Brian2 ran in chunks of 1000 steps and S.w was read between runs.'),
        'update_order': (
            'Per step: Sigma w per post from the weights at the start of the step (Brian2 summed '
            'variable, groups slot); pre events (on_pre, Brian2 pathway order -1) then post '
            'events (on_post, order +1). On a pre spike: pre traces += 1, then w += dw(post '
            'traces decayed to this step, without this step\'s post spike), clip to [w_min, '
            'w_max], then (normalised cases) w *= 1 - etaN + etaN*T/Sigma w. On a post spike: '
            'post traces += 1, then w += dw(pre traces including this step\'s pre spikes), clip, '
            'normalise. No clip after the normalisation (as the authors\' code and '
            'src/engine/spiking/cpu/cpuSim.ts). triplet: pre dw = -eta*A_LTD*y2*x1, post dw = '
            '+eta*A_LTP*y1*x2 (y1, x1: tau1; y2, x2: tau2). pair: pre dw = -eta*A_LTD*x '
            '(x: tau-), post dw = +eta*A_LTP*y (y: tau+). vogels: pre dw = eta*(x - alpha), post '
            'dw = eta*y, alpha = 2*rho0*tau.'),
        'cases': cases,
    }
    write_json(args.out, NAME, payload)
    print(f'{NAME}: done ({time.time() - t0:.1f} s)')


if __name__ == '__main__':
    main()
