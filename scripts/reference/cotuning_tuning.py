"""Reference: the tuning test of Giannakakis et al. 2023 (Fig 1f) in Brian2 C++ standalone.

Is EI Lab's result for Fig 1f -- after learning, the read-out fires *less* for the input groups
it weights most -- a property of the model or of EI Lab's engine? This script runs the same
model and protocol in Brian2 and writes what EI Lab's tuning test reports, for several networks:

  1. learning (--learn s): the feedforward, low-noise preset of the co-tuning lab
     (noise c = 0.01, no recurrence): 1000 conductance LIF neurons in 8 groups, each neuron
     driven by its group's shared Poisson train at (1 - c)*50 Hz and a private one at c*50 Hz
     (4.9 nS jumps onto g_E); the read-out (I_bg 200 pA) learns its 800 E weights with triplet
     STDP and its 200 I weights with Vogels iSTDP, both with competitive normalisation
     (cotuning_bench.py's read-out: the constants, rule code and delivery order are imported
     from it and from plasticity.py, validated there against EI Lab's rules);
  2. the tuning test (the authors' Neuron_response.py, as src/labs/cotuning/runner.ts runs it):
     plasticity frozen (eta = eta_N = 0); --reps times, for every group g in turn, 1 s in which
     only group g is driven, at 50 Hz of which 99.9 % is private (shared 0.05 Hz, private
     49.95 Hz) and every other group gets no input; the read-out keeps its 200 pA background
     current (EI Lab's default `tuningBackground`; without it the read-out is silent in both
     simulators);
  3. the same test again with only the group's E cells driven (its I cells get no private
     input; the 0.05 Hz shared train still reaches them) and the read-out without its
     background current: EI Lab's `tuning_input=E`, `tuning_background=false` (preset
     `tuning`), with which the read-out fires more for the groups it weights more (Fig 1f).

Per network the file holds the read-out's rate per repetition and group, the group-mean E and I
weights after learning, D (eq 1, E weights), B (eq 2), the Pearson r between the tuning rate
(mean over repetitions) and the group-mean E weight (tuning_Hz, r_tuning_wE for step 2;
tuning_E_nobg_Hz, r_tuning_E_nobg_wE for step 3), and the read-out's mean g_E and g_I over
the last 2 s of learning (1 ms samples), with the reversal potential of that combined input,
(g_E V_E + g_I V_I)/(g_E + g_I).

--networks independent networks are built side by side in one Brian2 network and run once (one
compilation; the input rates and the switch that freezes the plasticity are TimedArrays with
one row per second); they do not interact. Brian2's own RNG, seeded once with --seed, draws
their Poisson input in turn, so the spikes are not EI Lab's and network k is not "seed k":
test/reference/tuning.test.ts compares statistics over the networks (the sign of the tuning
correlation, the conductance ratio, the rates, D and B), not spikes.

    /usr/bin/python3 scripts/reference/cotuning_tuning.py [--learn 20] [--reps 3] \
        [--networks 9] [--seed 1] [--out DIR]   # writes DIR/cotuning_tuning.json (~7 min, 2 cores)
"""
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
from _common import fl, generated_by, parse_args, versions, write_json  # noqa: E402
from cotuning_bench import (  # noqa: E402
    ETA_N, GBAR_I_READOUT, READOUT_IBG_PA, T_E, T_I, TRIPLET, VOGELS, W0_READOUT)
from network_stats import (  # noqa: E402
    DT_MS, GBAR_E, INPUT_JUMP_NS, INPUT_RATE_HZ, M, N, N_E, NEURON, group_of)
from plasticity import W_MAX, W_MIN, rule_code  # noqa: E402

NAME = 'cotuning_tuning'
NOISE_C = 0.01          # the feedforward preset (src/labs/cotuning/presets.ts)
V0_MV = 0.0             # DEFAULT_COTUNING.vInit 'code': every presynaptic neuron fires in step 0
TUNING_S = 1.0
NOISE_RATIO = 0.999     # Neuron_response.py: 99.9 % of the tuning input is private
COND_WINDOW_S = 2.0     # g_E, g_I averaged over the last 2 s of learning


def extra(p):
    p.add_argument('--learn', type=float, default=20.0, help='learning time (s)')
    p.add_argument('--reps', type=int, default=3, help='tuning repetitions per group')
    p.add_argument('--networks', type=int, default=9, help='independent networks')
    p.add_argument('--seed', type=int, default=1, help="Brian2's RNG seed")


def pearson(a, b):
    a = np.asarray(a, float) - np.mean(a)
    b = np.asarray(b, float) - np.mean(b)
    d = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / d) if d > 0 else 0.0


def diversity(w, groups):
    """Eq 1 with population standard deviations, as src/labs/cotuning/measures.ts."""
    sd = np.std(w)
    if not sd > 0:
        return 0.0
    return float(1 - sum(np.std(w[groups == g]) for g in range(M)) / (M * sd))


def main():
    args = parse_args(__doc__.splitlines()[0], extra)
    import brian2 as b2
    from brian2 import Hz, mV, ms, nS, pA, pF

    steps_tune = int(round(TUNING_S * 1000 / DT_MS))
    directory = tempfile.mkdtemp(prefix='eilab_tuning_')
    b2.set_device('cpp_standalone', directory=directory, build_on_run=False)
    b2.defaultclock.dt = DT_MS * ms
    b2.seed(args.seed)
    q = NEURON
    ns = dict(C=q['C_pF'] * pF, gL=q['gL_nS'] * nS, EL=q['EL_mV'] * mV, VE=q['VE_mV'] * mV,
              VI=q['VI_mV'] * mV, tauE=q['tauE_ms'] * ms, tauI=q['tauI_ms'] * ms,
              Vth=q['Vth_mV'] * mV, Vreset=q['Vreset_mV'] * mV, Ibg=q['Ibg_pA'] * pA,
              jump_in=INPUT_JUMP_NS * nS)
    ns_ro = dict(ns)
    eqs = '''
    dv/dt = (gL*(EL - v) + gE*(VE - v) + gI*(VI - v) + Ibg)/C : volt (unless refractory)
    dgE/dt = -gE/tauE : siemens
    dgI/dt = -gI/tauI : siemens
    '''
    local = np.arange(N)
    groups = group_of(local)
    # One run for the whole protocol (Brian2 standalone makes new code objects for every run):
    # the input rates and the plasticity switch are TimedArrays with one row per second, rows
    # 0..learn-1 learning, then one row per (repetition, group) of the tuning test.
    n_learn_rows = int(round(args.learn))
    assert abs(n_learn_rows - args.learn) < 1e-9, '--learn must be whole seconds'
    schedule = [(v, r, g) for v in ('group', 'E') for r in range(args.reps) for g in range(M)]
    rows = n_learn_rows + len(schedule)
    sh_rates = np.zeros((rows, M))
    pr_rates = np.zeros((rows, N))
    sh_rates[:n_learn_rows] = (1 - NOISE_C) * INPUT_RATE_HZ
    pr_rates[:n_learn_rows] = NOISE_C * INPUT_RATE_HZ
    ro_bg = np.full(rows, READOUT_IBG_PA)
    for k, (v, _, g) in enumerate(schedule):
        sh_rates[n_learn_rows + k, g] = (1 - NOISE_RATIO) * INPUT_RATE_HZ
        cells = (groups == g) & ((local < N_E) if v == 'E' else True)
        pr_rates[n_learn_rows + k] = np.where(cells, NOISE_RATIO * INPUT_RATE_HZ, 0.0)
        if v == 'E':
            ro_bg[n_learn_rows + k] = 0.0
    learning = np.zeros(rows)
    learning[:n_learn_rows] = 1.0
    clock_s = TUNING_S * b2.second
    tables = dict(shared_rate=b2.TimedArray(sh_rates * Hz, dt=clock_s),
                  private_rate=b2.TimedArray(pr_rates * Hz, dt=clock_s),
                  learning=b2.TimedArray(learning, dt=clock_s))
    ns_ro['ro_bg'] = b2.TimedArray(ro_bg * pA, dt=clock_s)
    eqs_ro = eqs.replace('+ Ibg)/C', '+ ro_bg(t))/C')
    assert eqs_ro != eqs
    objs, nets = [], []
    for k in range(args.networks):
        G = b2.NeuronGroup(N, eqs, threshold='v > Vth', reset='v = Vreset',
                           refractory=q['tref_ms'] * ms, method='exponential_euler', namespace=ns)
        G.v = V0_MV * mV
        RO = b2.NeuronGroup(1, eqs_ro + 'sumwE : 1\nsumwI : 1\n', threshold='v > Vth',
                            reset='v = Vreset', refractory=q['tref_ms'] * ms,
                            method='exponential_euler', namespace=ns_ro)
        RO.v = q['EL_mV'] * mV
        shared = b2.PoissonGroup(M, rates='shared_rate(t, i)', namespace=tables)
        private = b2.PoissonGroup(N, rates='private_rate(t, i)', namespace=tables)
        S_sh = b2.Synapses(shared, G, on_pre='gE_post += jump_in', namespace=ns)
        S_sh.connect(i=groups, j=local)
        S_pr = b2.Synapses(private, G, on_pre='gE_post += jump_in', namespace=ns)
        S_pr.connect(j='i')
        readout = []
        for rule, pre_group, target, gbar, T, sumw in (
                (TRIPLET, G[:N_E], 'gE', GBAR_E, T_E, 'sumwE'),
                (VOGELS, G[N_E:], 'gI', GBAR_I_READOUT, T_I, 'sumwI')):
            model, on_pre, on_post = (code.replace('sumw_post', f'{sumw}_post')
                                      for code in rule_code(rule))
            # eta and eta_N switched off for the tuning test: with both 0 every update leaves
            # w unchanged (w stays inside [wmin, wmax]), i.e. the plasticity is frozen.
            model += 'eta = eta0*learning(t) : 1 (shared)\netaN = etaN0*learning(t) : 1 (shared)\n'
            rns = dict(wmin=W_MIN, wmax=W_MAX, T=T, gbar=gbar * nS, eta0=rule['eta'],
                       etaN0=ETA_N, learning=tables['learning'])
            if rule['rule'] == 'triplet':
                rns.update(A_LTP=rule['A_LTP'], A_LTD=rule['A_LTD'], tau1=rule['tau1_ms'] * ms,
                           tau2=rule['tau2_ms'] * ms)
            else:
                rns.update(tau=rule['tau_ms'] * ms,
                           alpha=2 * rule['rho0_Hz'] * rule['tau_ms'] * 1e-3)
            S = b2.Synapses(pre_group, RO, model, on_pre=f'{target}_post += gbar*w\n' + on_pre,
                            on_post=on_post, namespace=rns)
            S.connect()
            S.w = W0_READOUT
            readout.append(S)
        spikes = b2.SpikeMonitor(RO)
        cond = b2.StateMonitor(RO, ['gE', 'gI'], record=0, dt=1 * ms)
        objs += [G, RO, shared, private, S_sh, S_pr, *readout, spikes, cond]
        nets.append(dict(network=k, readout=readout, spikes=spikes, cond=cond))
    net = b2.Network(*objs)
    net.run(rows * TUNING_S * b2.second, namespace={})
    b2.device.build(directory=directory, compile=True, run=True)
    steps_learn = int(round(args.learn * 1000 / DT_MS))

    out = []
    t_learn = steps_learn * DT_MS * 1e-3
    for n in nets:
        ts = np.asarray(n['spikes'].t[:] / b2.second)
        steps = np.round(ts / (DT_MS * 1e-3)).astype(int)
        tuning = {v: np.zeros((args.reps, M)) for v in ('group', 'E')}
        for k, (v, r, g) in enumerate(schedule):
            lo = steps_learn + k * steps_tune
            tuning[v][r, g] = np.count_nonzero((steps >= lo) & (steps < lo + steps_tune)) / TUNING_S
        wE = np.asarray(n['readout'][0].w[:])
        wI = np.asarray(n['readout'][1].w[:])
        gE_groups, gI_groups = groups[:N_E], groups[N_E:]
        mE = np.array([wE[gE_groups == g].mean() for g in range(M)])
        mI = np.array([wI[gI_groups == g].mean() for g in range(M)])
        tc = np.asarray(n['cond'].t[:] / b2.second)
        win = (tc >= t_learn - COND_WINDOW_S) & (tc < t_learn)
        gE = float(np.asarray(n['cond'].gE[0] / nS)[win].mean())
        gI = float(np.asarray(n['cond'].gI[0] / nS)[win].mean())
        learn_rate = np.count_nonzero(steps < steps_learn) / t_learn
        mean_tuning = tuning['group'].mean(axis=0)
        mean_e = tuning['E'].mean(axis=0)
        out.append(dict(
            network=n['network'], tuning_Hz=[fl(row) for row in tuning['group']],
            tuning_mean_Hz=fl(mean_tuning), tuning_E_nobg_Hz=[fl(row) for row in tuning['E']],
            tuning_E_nobg_mean_Hz=fl(mean_e), r_tuning_E_nobg_wE=pearson(mean_e, mE),
            w_group_E=fl(mE), w_group_I=fl(mI), D=diversity(wE, gE_groups), B=pearson(mE, mI),
            r_tuning_wE=pearson(mean_tuning, mE), rate_readout_learning_Hz=float(learn_rate),
            gE_mean_nS=gE, gI_mean_nS=gI, gI_over_gE=gI / gE,
            input_reversal_mV=(gE * q['VE_mV'] + gI * q['VI_mV']) / (gE + gI)))
        print(f"network {n['network']}: D {out[-1]['D']:.3f} B {out[-1]['B']:.3f} "
              f"r(tuning, w_E) {out[-1]['r_tuning_wE']:+.3f} g_I/g_E {gI / gE:.2f} "
              f"tuning {np.round(mean_tuning, 1).tolist()}; E only, no background: "
              f"r {out[-1]['r_tuning_E_nobg_wE']:+.3f} {np.round(mean_e, 1).tolist()}",
              file=sys.stderr)
    shutil.rmtree(directory, ignore_errors=True)
    write_json(args.out, NAME, dict(
        generated_by=generated_by(f'{NAME}.py'), versions=versions(),
        description=('Tuning test of Giannakakis et al. 2023 (Fig 1f) in Brian2 C++ standalone: '
                     'feedforward low-noise co-tuning network, learning with the plastic '
                     'read-out, then plasticity frozen and one group driven at a time (1 s, '
                     '50 Hz, 99.9 % private); read-out rate per group, learnt weights, D, B, '
                     'the tuning-weight correlation and the read-out conductances.'),
        units={'tuning_Hz': 'Hz', 'rate_readout_learning_Hz': 'Hz', 'gE_mean_nS': 'nS',
               'gI_mean_nS': 'nS', 'input_reversal_mV': 'mV', 'weights': 'dimensionless'},
        params=dict(neuron=NEURON, readout_Ibg_pA=READOUT_IBG_PA, dt_ms=DT_MS, M=M, N=N, c=NOISE_C,
                    input_rate_Hz=INPUT_RATE_HZ, input_jump_nS=INPUT_JUMP_NS, v0_mV=V0_MV,
                    gbar_E_nS=GBAR_E, gbar_I_readout_nS=GBAR_I_READOUT, readout_w0=W0_READOUT,
                    triplet={k: v for k, v in TRIPLET.items() if k not in ('rule', 'norm')},
                    vogels={k: v for k, v in VOGELS.items() if k not in ('rule', 'norm')},
                    norm=dict(etaN=ETA_N, target_E=T_E, target_I=T_I), w_min=W_MIN, w_max=W_MAX,
                    learn_s=t_learn, tuning_s=TUNING_S, reps=args.reps,
                    tuning_private_fraction=NOISE_RATIO, readout_keeps_background=True,
                    e_only_readout_background=False,
                    conductance_window_s=COND_WINDOW_S, networks=args.networks, seed=args.seed),
        rng=("Brian2's own (PoissonGroup input; seeded once with params.seed, the networks draw "
             "from its stream in turn); the spikes are not EI Lab's, only the statistics compare"),
        networks=out))


if __name__ == '__main__':
    main()
