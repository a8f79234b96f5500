"""Reference: activity statistics of the Giannakakis et al. 2023 presynaptic network (Brian2).

N = 1000 conductance LIF neurons (800 E, 200 I; co-tuning parameters) in M = 8 groups: group g
has E neurons 100g..100g+99 and I neurons 800+25g..800+25g+24. Every neuron receives its group's
shared Poisson train at (1-c)*50 Hz and a private Poisson train at c*50 Hz, each spike a 4.9 nS
jump onto g_E. Recurrent synapses: every ordered pair (pre != post) is connected with
probability p; weight w_in (same group) or w_out (different groups), times (1 + 0.1*N(0,1));
E -> any jumps 0.14*w nS onto g_E, I -> any jumps 0.7*w nS onto g_I. w_in, w_out from the
assembly formula (Giannakakis eq 4) per pathway with ratio R_XY and mean coupling W. No
plasticity, no read-out neuron.

Brian2 C++ standalone (float64, g++), exponential_euler for V, exact g decay, refractoriness as
in lif_trace.py. All networks of a run (configurations x seeds) are simulated together as one
block-diagonal Brian2 network, which costs one compilation; the networks do not interact.
Every random number (initial V, connectivity, jitter, Poisson input spike steps) comes from
numpy Generator(PCG64(seed)) of that network, so Brian2's own RNG is never used.
"""
import shutil
import sys
import tempfile
import time

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
from _common import generated_by, parse_args, versions, write_json  # noqa: E402

NAME = 'network_stats'

NEURON = dict(C_pF=200.0, gL_nS=10.0, EL_mV=-60.0, Vreset_mV=-60.0, Vth_mV=-50.0, tref_ms=5.0,
              VE_mV=0.0, VI_mV=-80.0, tauE_ms=5.0, tauI_ms=10.0, Ibg_pA=0.0)
DT_MS = 0.1
N_E, N_I, M = 800, 200, 8
N = N_E + N_I
INPUT_RATE_HZ = 50.0
INPUT_JUMP_NS = 4.9
GBAR_E, GBAR_I = 0.14, 0.7
JITTER = 0.1

DEFAULTS = dict(p=0.2, W=15.0, c=0.2, duration_s=5.5, discard_s=0.5, seeds=[1, 2, 3, 4, 5])
CONFIGS = {
    'uniform': dict(R_EE=1.0, R_EI=1.0, R_IE=1.0, R_II=1.0),
    'assemblies': dict(R_EE=4.0, R_EI=4.0, R_IE=2.0, R_II=2.0),
}


def group_of(n):
    """Group of local neuron n (the fixed assignment of the contract)."""
    n = np.asarray(n)
    return np.where(n < N_E, n // 100, (n - N_E) // 25)


def assembly_weights(R, W):
    """Giannakakis eq 4: r = R/(M-1), d = (M-1)(r+1), w_in = r(M-1)M W/d, w_out = M W/d."""
    r = R / (M - 1)
    d = (M - 1) * (r + 1)
    return r * (M - 1) * M * W / d, M * W / d


def geometric_train(rng, prob, n_steps):
    """Steps of a Bernoulli(prob)-per-step train, drawn as geometric gaps (exactly equivalent)."""
    out = []
    pos = -1
    while True:
        gaps = rng.geometric(prob, size=max(16, int(prob * n_steps * 1.2) + 16))
        steps = pos + np.cumsum(gaps)
        keep = steps[steps < n_steps]
        out.append(keep)
        if len(keep) < len(steps):
            return np.concatenate(out)
        pos = int(steps[-1])


def build_network(seed, cfg, p, W, c, n_steps):
    """Everything random of one network, from numpy Generator(PCG64(seed)) in this order:
    V0 (uniform [V_reset, V_th], 1000), connectivity (uniform (1000 x 1000) < p, row = pre,
    diagonal removed), jitter (standard normal per synapse, pre-major order), input trains
    (8 shared, then 1000 private; geometric gaps)."""
    rng = np.random.Generator(np.random.PCG64(seed))
    v0 = rng.uniform(NEURON['Vreset_mV'], NEURON['Vth_mV'], N)
    A = rng.random((N, N)) < p
    np.fill_diagonal(A, False)
    pre, post = np.nonzero(A)                           # pre-major, post ascending
    jit = rng.standard_normal(len(pre))
    same = group_of(pre) == group_of(post)
    w = np.empty(len(pre))
    for X, xs in (('E', pre < N_E), ('I', pre >= N_E)):
        for Y, ys in (('E', post < N_E), ('I', post >= N_E)):
            w_in, w_out = assembly_weights(cfg[f'R_{X}{Y}'], W)
            m = xs & ys
            w[m & same] = w_in
            w[m & ~same] = w_out
    w *= 1 + JITTER * jit
    p_shared = (1 - c) * INPUT_RATE_HZ * DT_MS * 1e-3
    p_private = c * INPUT_RATE_HZ * DT_MS * 1e-3
    trains = [geometric_train(rng, p_shared, n_steps) for _ in range(M)]
    trains += [geometric_train(rng, p_private, n_steps) for _ in range(N)]
    return dict(v0=v0, pre=pre, post=post, w=w, trains=trains)


def simulate(nets, n_steps, make_jobs, keep_dir=None):
    """Simulate the networks (list of build_network dicts) together in Brian2 standalone;
    returns per network (local neuron index, spike step) arrays and timing."""
    import brian2 as b2
    from brian2 import ms, mV, nS, pA, pF

    B = len(nets)
    directory = keep_dir or tempfile.mkdtemp(prefix='eilab_netstats_')
    b2.set_device('cpp_standalone', directory=directory, build_on_run=True)
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = [f'-j{make_jobs}']
    b2.defaultclock.dt = DT_MS * ms
    q = NEURON
    ns = dict(C=q['C_pF'] * pF, gL=q['gL_nS'] * nS, EL=q['EL_mV'] * mV, VE=q['VE_mV'] * mV,
              VI=q['VI_mV'] * mV, tauE=q['tauE_ms'] * ms, tauI=q['tauI_ms'] * ms,
              Vth=q['Vth_mV'] * mV, Vreset=q['Vreset_mV'] * mV, Ibg=q['Ibg_pA'] * pA,
              gbarE=GBAR_E * nS, gbarI=GBAR_I * nS, jump_in=INPUT_JUMP_NS * nS)
    eqs = '''
    dv/dt = (gL*(EL - v) + gE*(VE - v) + gI*(VI - v) + Ibg)/C : volt (unless refractory)
    dgE/dt = -gE/tauE : siemens
    dgI/dt = -gI/tauI : siemens
    '''
    G = b2.NeuronGroup(B * N, eqs, threshold='v > Vth', reset='v = Vreset',
                       refractory=q['tref_ms'] * ms, method='exponential_euler', namespace=ns)
    G.v = np.concatenate([n['v0'] for n in nets]) * mV
    G.gE = 0 * nS
    G.gI = 0 * nS
    # Input trains: per network 8 shared then 1000 private, global train index b*1008 + local.
    n_tr = M + N
    idx, st = [], []
    for b, net in enumerate(nets):
        for k, s in enumerate(net['trains']):
            idx.append(np.full(len(s), b * n_tr + k))
            st.append(s)
    idx = np.concatenate(idx)
    st = np.concatenate(st)
    order = np.lexsort((idx, st))
    inp = b2.SpikeGeneratorGroup(B * n_tr, idx[order], st[order] * DT_MS * ms)
    local = np.arange(N)
    in_i = np.concatenate([b * n_tr + np.concatenate([group_of(local), M + local]) for b in range(B)])
    in_j = np.concatenate([b * N + np.concatenate([local, local]) for b in range(B)])
    Sin = b2.Synapses(inp, G, on_pre='gE += jump_in', namespace=ns)
    Sin.connect(i=in_i, j=in_j)
    pre = np.concatenate([b * N + n['pre'] for b, n in enumerate(nets)])
    post = np.concatenate([b * N + n['post'] for b, n in enumerate(nets)])
    w_all = np.concatenate([n['w'] for n in nets])
    is_e = (pre % N) < N_E
    SE = b2.Synapses(G, G, 'w : 1', on_pre='gE += gbarE*w', namespace=ns)
    SE.connect(i=pre[is_e], j=post[is_e])
    SE.w = w_all[is_e]
    SI = b2.Synapses(G, G, 'w : 1', on_pre='gI += gbarI*w', namespace=ns)
    SI.connect(i=pre[~is_e], j=post[~is_e])
    SI.w = w_all[~is_e]
    mon = b2.SpikeMonitor(G)
    t0 = time.time()
    b2.run(n_steps * DT_MS * ms)
    wall = time.time() - t0
    gi = np.asarray(mon.i[:])
    gk = np.round(np.asarray(mon.t[:]) / (DT_MS * 1e-3)).astype(np.int64)
    out = [(gi[(gi // N) == b] % N, gk[(gi // N) == b]) for b in range(B)]
    info = dict(build_and_run_wall_s=wall, loop_time_s=float(b2.device._last_run_time),
                n_syn=int(len(pre)))
    b2.device.reinit()
    b2.device.activate()
    if keep_dir is None:
        shutil.rmtree(directory, ignore_errors=True)
    return out, info


def corr(a, b):
    return float(np.corrcoef(a, b)[0, 1])


def stats(ids, steps, n_steps, discard_steps):
    """Rates, CV and group correlations over steps [discard_steps, n_steps)."""
    m = steps >= discard_steps
    ids, steps = ids[m], steps[m]
    T = (n_steps - discard_steps) * DT_MS * 1e-3
    isE = ids < N_E
    out = dict(rate_E_Hz=float(isE.sum() / (N_E * T)), rate_I_Hz=float((~isE).sum() / (N_I * T)))
    cvs = np.full(N, np.nan)
    order = np.lexsort((steps, ids))
    ids_s, st_s = ids[order], steps[order]
    bounds = np.searchsorted(ids_s, np.arange(N + 1))
    for n in range(N):
        s = st_s[bounds[n]:bounds[n + 1]]
        if len(s) >= 3:
            isi = np.diff(s).astype(np.float64)
            cvs[n] = isi.std() / isi.mean()
    ok = ~np.isnan(cvs)
    out['cv_isi'] = float(np.mean(cvs[ok]))
    out['cv_isi_E'] = float(np.mean(cvs[:N_E][ok[:N_E]]))
    out['cv_isi_I'] = float(np.mean(cvs[N_E:][ok[N_E:]]))
    out['n_cv_neurons'] = int(ok.sum())
    n_bins = (n_steps - discard_steps) // 10
    b = (steps - discard_steps) // 10
    g = group_of(ids)
    E = np.zeros((M, n_bins))
    I = np.zeros((M, n_bins))
    np.add.at(E, (g[isE], b[isE]), 1)
    np.add.at(I, (g[~isE], b[~isE]), 1)
    out['C_in_EI'] = float(np.mean([corr(E[a], I[a]) for a in range(M)]))
    out['C_out_EE'] = float(np.mean([corr(E[a], E[h]) for a in range(M) for h in range(a + 1, M)]))
    out['C_out_EI'] = float(np.mean([corr(E[a], I[h]) for a in range(M) for h in range(M) if a != h]))
    out['C_out_II'] = float(np.mean([corr(I[a], I[h]) for a in range(M) for h in range(a + 1, M)]))
    # the authors' variant of C_out(EI): pairs g < h only (Analysis/Activity_Analysis.py)
    out['C_out_EI_authors'] = float(np.mean([corr(E[a], I[h]) for a in range(M)
                                             for h in range(a + 1, M)]))
    rates = np.bincount(ids, minlength=N) / T
    out['frac_silent_E'] = float(np.mean(rates[:N_E] == 0))
    out['rate_sd_E_Hz'] = float(rates[:N_E].std())
    return out


KEYS = ['rate_E_Hz', 'rate_I_Hz', 'cv_isi', 'cv_isi_E', 'cv_isi_I', 'C_in_EI', 'C_out_EE',
        'C_out_EI', 'C_out_II', 'C_out_EI_authors', 'rate_sd_E_Hz', 'frac_silent_E']


def extra_args(p):
    p.add_argument('--p', type=float, default=DEFAULTS['p'])
    p.add_argument('--W', type=float, default=DEFAULTS['W'])
    p.add_argument('--c', type=float, default=DEFAULTS['c'])
    p.add_argument('--duration', type=float, default=DEFAULTS['duration_s'], help='s, incl. discard')
    p.add_argument('--seeds', type=str, default=','.join(map(str, DEFAULTS['seeds'])))
    p.add_argument('--configs', type=str, default=','.join(CONFIGS))
    p.add_argument('--make-jobs', type=int, default=1)
    p.add_argument('--scan', action='store_true', help='print stats only, write no JSON')


def main():
    args = parse_args(__doc__.splitlines()[0], extra_args)
    t_start = time.time()
    seeds = [int(s) for s in args.seeds.split(',')]
    configs = args.configs.split(',')
    n_steps = int(round(args.duration * 1000 / DT_MS))
    discard = int(round(DEFAULTS['discard_s'] * 1000 / DT_MS))
    nets, labels = [], []
    for cname in configs:
        for s in seeds:
            nets.append(build_network(s, CONFIGS[cname], args.p, args.W, args.c, n_steps))
            labels.append((cname, s))
    t_build = time.time() - t_start
    spikes, info = simulate(nets, n_steps, args.make_jobs)
    results = {}
    for (cname, s), (ids, st), net in zip(labels, spikes, nets):
        r = stats(ids, st, n_steps, discard)
        r['seed'] = s
        r['n_synapses'] = int(len(net['pre']))
        results.setdefault(cname, []).append(r)
        print(f"{cname} seed {s}: " + ', '.join(f'{k} {r[k]:.4g}' for k in KEYS), file=sys.stderr)
    summary = {}
    for cname, rs in results.items():
        summary[cname] = {}
        for k in KEYS:
            v = np.array([r[k] for r in rs])
            summary[cname][k] = dict(mean=float(v.mean()), sd=float(v.std(ddof=1)) if len(v) > 1 else 0.0)
        print(f'{cname}: ' + ', '.join(f"{k} {summary[cname][k]['mean']:.4g} ± {summary[cname][k]['sd']:.2g}"
                                      for k in KEYS))
    print(f'timing: numpy set-up {t_build:.1f} s, Brian2 build+run {info["build_and_run_wall_s"]:.1f} s '
          f'(loop {info["loop_time_s"]:.1f} s), total {time.time() - t_start:.1f} s', file=sys.stderr)
    if args.scan:
        return
    payload = {
        'generated_by': generated_by(f'{NAME}.py'),
        'versions': versions(),
        'description': (
            'Giannakakis et al. 2023 presynaptic network (1000 conductance LIF neurons, 8 groups, '
            'shared + private Poisson input, random recurrent coupling, no plasticity) in Brian2 '
            'C++ standalone; per configuration and seed: mean E and I rates, mean CV of ISI, and '
            'correlations of group spike-count traces in 1 ms bins, over the last '
            f'{args.duration - DEFAULTS["discard_s"]:g} s after discarding {DEFAULTS["discard_s"]} s.'),
        'units': {'V': 'mV', 'g': 'nS', 'time': 'ms (durations in s)', 'rate': 'Hz'},
        'params': {
            'neuron': NEURON, 'dt_ms': DT_MS, 'N_E': N_E, 'N_I': N_I, 'M': M,
            'groups': 'group g: E neurons 100g..100g+99, I neurons 800+25g..800+25g+24',
            'input_rate_Hz': INPUT_RATE_HZ, 'c': args.c,
            'shared_rate_Hz': (1 - args.c) * INPUT_RATE_HZ, 'private_rate_Hz': args.c * INPUT_RATE_HZ,
            'input_jump_nS': INPUT_JUMP_NS, 'p': args.p, 'W': args.W,
            'gbar_E_nS': GBAR_E, 'gbar_I_nS': GBAR_I, 'weight_jitter_sd': JITTER,
            'duration_s': args.duration, 'discard_s': DEFAULTS['discard_s'],
            'n_steps': n_steps, 'analysis_steps': [discard, n_steps], 'seeds': seeds,
            'initial_state': 'V uniform [V_reset, V_th] (numpy), g_E = g_I = 0, never spiked',
            'autapses': False,
        },
        'configs': {c: dict(CONFIGS[c], **{
            f'w_{kind}_{xy}': assembly_weights(CONFIGS[c][f'R_{xy}'], args.W)[j]
            for xy in ('EE', 'EI', 'IE', 'II') for j, kind in enumerate(('in', 'out'))})
            for c in configs},
        'rng': (
            'numpy Generator(PCG64(seed)) per network, drawn in this order: V0 = uniform(V_reset, '
            'V_th, 1000); A = uniform((1000, 1000)) < p with the diagonal removed (row = pre); '
            'jitter = standard_normal(n_syn) in pre-major order; input trains (8 shared, then '
            '1000 private) as geometric inter-spike gaps (Bernoulli(rate*dt) per step). Both '
            'configurations use the same seeds, hence the same connectivity and input trains.'),
        'measures': (
            'Window: steps [analysis_steps[0], analysis_steps[1]). rate_E/I: spikes / (neurons * '
            'window). cv_isi: mean over neurons (E and I; _E, _I per population) with >= 3 spikes '
            'in the window of std(ISI)/mean(ISI) (numpy std, ddof 0). Group traces: spike counts '
            'of group g\'s E (I) neurons in 1 ms bins (bin = (step - analysis_steps[0]) // 10). '
            'C_in_EI = mean_g corr(E_g, I_g); C_out_EE = mean_{g<h} corr(E_g, E_h); C_out_EI = '
            'mean_{g!=h} corr(E_g, I_h); C_out_II = mean_{g<h} corr(I_g, I_h) (Pearson, '
            'np.corrcoef). C_out_EI_authors: g<h only, as the authors\' analysis code. '
            'rate_sd_E: sd over E neurons of their rates; frac_silent_E: E neurons with no spike. '
            'summary: mean and sample sd (ddof 1) over seeds.'),
        'per_seed': results,
        'summary': summary,
    }
    write_json(args.out, NAME, payload)


if __name__ == '__main__':
    main()
