"""Benchmark: the co-tuning network (Giannakakis et al. 2023) in Brian2 C++ standalone.

The network with its plastic read-out; prints one JSON line with the rates and the timing.

    /usr/bin/python3 scripts/reference/cotuning_bench.py --duration 5 [--recurrent]

The model is the `cotuningCpu` workload of bench/spiking.ts, i.e. EI Lab's
cotuningSpec({ ...DEFAULT_COTUNING, noise: 0.2, recurrent, W: 2, p: 0.95 })
(src/labs/cotuning/network.ts, ../shared/spec/cotuning-giannakakis2023.md):

  - 800 E + 200 I conductance LIF neurons with the co-tuning parameters (C 200 pF, g_L 10 nS,
    E_L = V_reset = -60 mV, V_th -50 mV, t_ref 5 ms, V_E 0 mV, V_I -80 mV, tau_E 5 ms,
    tau_I 10 ms, I_bg 0), V0 = 0 mV (the authors' code: every neuron fires in step 0), g = 0;
    M = 8 groups (E 100g..100g+99, I 800+25g..800+25g+24);
  - input: each neuron gets its group's shared Poisson train at (1 - c)*50 = 40 Hz and a private
    one at c*50 = 10 Hz (c = 0.2), each spike 4.9 nS onto g_E (1000 + 1000 synapses);
  - --recurrent: every ordered pair pre != post connected with p = 0.95, weight
    w_in/w_out of eq 4 with R = 1 (uniform: w = W = 2) times (1 + 0.1*N(0,1)); E -> any
    0.14*w nS onto g_E, I -> any 0.7*w nS onto g_I (about 949 000 synapses);
  - one read-out neuron (same constants, I_bg 200 pA, V0 = E_L) receiving all 800 E cells
    through triplet STDP (eta 2.5e-3, A_LTP 1, A_LTD 0.1, tau1 10 ms, tau2 50 ms; jump
    0.14*w onto g_E) and all 200 I cells through Vogels iSTDP (eta 1e-2, tau 10 ms, rho0 3 Hz;
    jump 0.35*w onto g_I), both with competitive normalisation (eta_N 3e-3, targets 800*5 and
    2.5*200*5), weights clipped to [0.001, 100] before the normalisation, initial weights 0.1.

The presynaptic network reuses scripts/reference/network_stats.py (constants, group layout,
eq 4, and its numpy construction of the recurrent synapses and jitter, `build_network`); the
plasticity is the Brian2 code of scripts/reference/plasticity.py (`rule_code`, validated
against EI Lab's rules there), with the delivery `g_post += gbar*w` put before it so that a
spike is delivered with the weight before this step's update, as in the engine.
dt 0.1 ms, exponential Euler, event-driven traces, Sigma w as a `(summed)` variable.

Random numbers: connectivity and jitter from numpy Generator(PCG64(--seed)) (network_stats'
order); the Poisson input from Brian2's PoissonGroup (rand() < rate*dt every step, generated in
the loop as EI Lab does; Brian2's RNG seeded with --seed). `--input generator` instead feeds
network_stats' precomputed numpy trains through a SpikeGeneratorGroup (input drawn before the
loop). Neither reproduces EI Lab's Philox streams: same model and sizes, not the same spikes.

Timing (as coba_bench.py): sim_wall_s is the wall-clock time of the simulation loop only,
measured inside the generated C++ with clock_gettime(CLOCK_MONOTONIC) around Network::run;
sim_cpu_s is Brian2's own std::clock() figure; setup_wall_s is everything else from the start
of the script (import, numpy connectivity, code generation, compilation in a fresh project
directory, the binary's start-up and shutdown).

Output: one JSON line on stdout with N (1001), recurrent, p, W, c, duration_s, rate_E, rate_I
(Hz, all neurons of the population over the whole run), rate_readout, sim_wall_s,
setup_wall_s, brian2, and sim_cpu_s, compile_wall_s, binary_wall_s, n_synapses (all six
projections' synapses, as EI Lab counts them), n_synapses_recurrent, readout_sum_w_E/_I (the
read-out's summed weights at the end, to compare the plasticity with EI Lab's), clip_events
(plasticity.py's clip counters), input, seed. --out DIR also writes
DIR/cotuning_bench_feedforward.json or DIR/cotuning_bench_recurrent.json.
"""
import json
import os
import shutil
import sys
import tempfile
import time

T_START = time.time()

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
from _common import generated_by, versions, write_json  # noqa: E402
# The same presynaptic network as the statistics reference, and the validated plasticity code.
from network_stats import (  # noqa: E402
    CONFIGS, DT_MS, GBAR_E, GBAR_I, INPUT_JUMP_NS, INPUT_RATE_HZ, JITTER, M, N, N_E, N_I, NEURON,
    assembly_weights, build_network, group_of)
from plasticity import W_MAX, W_MIN, rule_code  # noqa: E402

NAME = 'cotuning_bench'

# bench/spiking.ts cotuningCpu: { ...DEFAULT_COTUNING, noise: 0.2, recurrent, W: 2, p: 0.95 }
NOISE_C = 0.2
W_REC = 2.0
P_REC = 0.95
R_CONFIG = 'uniform'             # DEFAULT_COTUNING.R: all 1
V0_MV = 0.0                      # DEFAULT_COTUNING.vInit 'code'
READOUT_IBG_PA = 200.0
GBAR_I_READOUT = 0.35
W0_READOUT = 0.1
TRIPLET = dict(rule='triplet', norm='competitive', eta=2.5e-3, A_LTP=1.0, A_LTD=0.1,
               tau1_ms=10.0, tau2_ms=50.0)
VOGELS = dict(rule='vogels', norm='competitive', eta=1e-2, tau_ms=10.0, rho0_Hz=3.0)
ETA_N = 3e-3
W_TARGET_E = W_TARGET_I = 5.0
T_E = N_E * W_TARGET_E           # 4000
T_I = 2.5 * N_I * W_TARGET_I     # 2500 (the code's c_i*NI*w_target, c_i = 2.5)


def parse():
    import argparse
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--recurrent', action='store_true',
                   help='recurrent p 0.95, W 2 (default: feedforward)')
    p.add_argument('--duration', type=float, default=5.0, help='simulated seconds')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--input', choices=['poisson', 'generator'], default='poisson',
                   help='poisson: PoissonGroup (in the loop); generator: precomputed numpy trains')
    p.add_argument('--make-jobs', type=int, default=0, help="0: Brian2's default (make -j)")
    p.add_argument('--out', default=None, help='also write DIR/cotuning_bench_<variant>.json')
    return p.parse_args()


def main():
    args = parse()
    # Keep stdout for the one JSON line: Brian2 and the compiler write to stderr meanwhile.
    stdout_fd = os.dup(1)
    os.dup2(2, 1)
    try:
        res = run(args)
    finally:
        sys.stdout.flush()
        os.dup2(stdout_fd, 1)
        os.close(stdout_fd)
    line = {k: res[k] for k in ('N', 'recurrent', 'p', 'W', 'c', 'duration_s', 'rate_E', 'rate_I',
                                'rate_readout', 'sim_wall_s', 'setup_wall_s', 'brian2')}
    line.update({k: res[k] for k in ('sim_cpu_s', 'compile_wall_s', 'binary_wall_s', 'n_synapses',
                                     'n_synapses_recurrent', 'readout_sum_w_E', 'readout_sum_w_I',
                                     'clip_events', 'input', 'seed')})
    print(json.dumps(line), flush=True)
    if args.out:
        payload = dict(line)
        payload.update({
            'generated_by': generated_by(f'{NAME}.py'),
            'versions': versions(),
            'description': ('Co-tuning network (Giannakakis et al. 2023: 1000 conductance LIF '
                            'neurons, 8 groups, shared + private Poisson input, optional recurrent '
                            'coupling, plastic read-out with triplet STDP, Vogels iSTDP and '
                            'competitive normalisation) in Brian2 C++ standalone: mean rates and '
                            'wall times of one run.'),
            'units': {'rate_E': 'Hz', 'rate_I': 'Hz', 'rate_readout': 'Hz',
                      'times': 's (wall clock unless _cpu_)'},
            'params': res['params'],
            'note': 'Wall times depend on the machine and its load.',
        })
        variant = 'recurrent' if args.recurrent else 'feedforward'
        write_json(args.out, f'{NAME}_{variant}', payload)


def run(args):
    import brian2 as b2
    from brian2 import Hz, mV, ms, nS, pA, pF, second

    n_steps = int(round(args.duration * 1000 / DT_MS))
    # numpy: recurrent synapses and jitter (network_stats' build_network; its V0 is not used,
    # and its input trains only with --input generator, otherwise it draws none: n_steps 0).
    net = build_network(args.seed, CONFIGS[R_CONFIG], P_REC, W_REC, NOISE_C,
                        n_steps if args.input == 'generator' else 0)

    directory = tempfile.mkdtemp(prefix='eilab_cotuning_')
    loop_file = os.path.join(directory, 'eilab_loop_wall_s.txt')
    b2.set_device('cpp_standalone', directory=directory, build_on_run=False)
    if args.make_jobs > 0:
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = [f'-j{args.make_jobs}']
    b2.defaultclock.dt = DT_MS * ms
    b2.seed(args.seed)  # before the PoissonGroups (standalone code order)
    q = NEURON
    ns = dict(C=q['C_pF'] * pF, gL=q['gL_nS'] * nS, EL=q['EL_mV'] * mV, VE=q['VE_mV'] * mV,
              VI=q['VI_mV'] * mV, tauE=q['tauE_ms'] * ms, tauI=q['tauI_ms'] * ms,
              Vth=q['Vth_mV'] * mV, Vreset=q['Vreset_mV'] * mV, Ibg=q['Ibg_pA'] * pA,
              gbarE=GBAR_E * nS, gbarI=GBAR_I * nS, jump_in=INPUT_JUMP_NS * nS)
    ns_ro = dict(ns, Ibg=READOUT_IBG_PA * pA)
    eqs = '''
    dv/dt = (gL*(EL - v) + gE*(VE - v) + gI*(VI - v) + Ibg)/C : volt (unless refractory)
    dgE/dt = -gE/tauE : siemens
    dgI/dt = -gI/tauI : siemens
    '''
    G = b2.NeuronGroup(N, eqs, threshold='v > Vth', reset='v = Vreset',
                       refractory=q['tref_ms'] * ms, method='exponential_euler', namespace=ns)
    G.v = V0_MV * mV
    G.gE = 0 * nS
    G.gI = 0 * nS
    RO = b2.NeuronGroup(1, eqs + 'sumwE : 1\nsumwI : 1\n', threshold='v > Vth',
                        reset='v = Vreset', refractory=q['tref_ms'] * ms,
                        method='exponential_euler', namespace=ns_ro)
    RO.v = q['EL_mV'] * mV
    local = np.arange(N)
    objs = [G, RO]
    # input: group g's shared train and a private train per neuron, 4.9 nS onto g_E
    if args.input == 'poisson':
        shared = b2.PoissonGroup(M, rates=(1 - NOISE_C) * INPUT_RATE_HZ * Hz)
        private = b2.PoissonGroup(N, rates=NOISE_C * INPUT_RATE_HZ * Hz)
        S_sh = b2.Synapses(shared, G, on_pre='gE_post += jump_in', namespace=ns)
        S_sh.connect(i=group_of(local), j=local)
        S_pr = b2.Synapses(private, G, on_pre='gE_post += jump_in', namespace=ns)
        S_pr.connect(j='i')
        inputs = [S_sh, S_pr]
        objs += [shared, private, S_sh, S_pr]
    else:  # network_stats' trains: 8 shared then 1000 private
        idx = np.concatenate([np.full(len(s), k) for k, s in enumerate(net['trains'])])
        st = np.concatenate(net['trains'])
        order = np.lexsort((idx, st))
        gen = b2.SpikeGeneratorGroup(M + N, idx[order], st[order] * DT_MS * ms)
        S_in = b2.Synapses(gen, G, on_pre='gE_post += jump_in', namespace=ns)
        S_in.connect(i=np.concatenate([group_of(local), M + local]),
                     j=np.concatenate([local, local]))
        inputs = [S_in]
        objs += [gen, S_in]
    recurrent = []
    if args.recurrent:
        pre, post, w = net['pre'], net['post'], net['w']
        is_e = pre < N_E
        SE = b2.Synapses(G, G, 'w : 1', on_pre='gE_post += gbarE*w', namespace=ns)
        SE.connect(i=pre[is_e], j=post[is_e])
        SE.w = w[is_e]
        SI = b2.Synapses(G, G, 'w : 1', on_pre='gI_post += gbarI*w', namespace=ns)
        SI.connect(i=pre[~is_e], j=post[~is_e])
        SI.w = w[~is_e]
        recurrent = [SE, SI]
        objs += recurrent
    # read-out: plasticity.py's pathway code, delivery first, own summed variable per projection
    readout = []
    for rule, pre_group, target, gbar, T, sumw in (
            (TRIPLET, G[:N_E], 'gE', GBAR_E, T_E, 'sumwE'),
            (VOGELS, G[N_E:], 'gI', GBAR_I_READOUT, T_I, 'sumwI')):
        model, on_pre, on_post = (code.replace('sumw_post', f'{sumw}_post')
                                  for code in rule_code(rule))
        rns = dict(eta=rule['eta'], wmin=W_MIN, wmax=W_MAX, etaN=ETA_N, T=T, gbar=gbar * nS)
        if rule['rule'] == 'triplet':
            rns.update(A_LTP=rule['A_LTP'], A_LTD=rule['A_LTD'], tau1=rule['tau1_ms'] * ms,
                       tau2=rule['tau2_ms'] * ms)
        else:
            rns.update(tau=rule['tau_ms'] * ms, alpha=2 * rule['rho0_Hz'] * rule['tau_ms'] * 1e-3)
        S = b2.Synapses(pre_group, RO, model, on_pre=f'{target}_post += gbar*w\n' + on_pre,
                        on_post=on_post, namespace=rns)
        S.connect()
        S.w = W0_READOUT
        readout.append(S)
    objs += readout
    mon = b2.SpikeMonitor(G, record=False)  # spike counts only
    mon_ro = b2.SpikeMonitor(RO, record=False)
    b2.device.insert_code('before_network_run',
                          'struct timespec _eilab_t0, _eilab_t1;\n'
                          'clock_gettime(CLOCK_MONOTONIC, &_eilab_t0);')
    b2.device.insert_code('after_network_run',
                          'clock_gettime(CLOCK_MONOTONIC, &_eilab_t1);\n'
                          '{ std::ofstream _eilab_f("%s"); _eilab_f.precision(9);\n'
                          '  _eilab_f << (double)(_eilab_t1.tv_sec - _eilab_t0.tv_sec)'
                          ' + 1e-9*(double)(_eilab_t1.tv_nsec - _eilab_t0.tv_nsec) << std::endl; }'
                          % loop_file)
    # An explicit Network: b2.run()'s magic collection would miss objects held only in lists,
    # and namespace={} keeps this function's locals (gbar, T, ...) out of name resolution.
    b2.Network(*objs, mon, mon_ro).run(n_steps * DT_MS * ms, namespace={})
    t0 = time.time()
    b2.device.build(directory=directory, compile=True, run=False)
    t1 = time.time()
    b2.device.run(directory, True, [])
    t2 = time.time()
    counts = np.asarray(mon.count[:])
    n_ro = int(np.asarray(mon_ro.count[:]).sum())
    with open(loop_file) as f:
        sim_wall = float(f.read().strip())
    n_in = sum(int(len(S)) for S in inputs)
    n_rec = sum(int(len(S)) for S in recurrent)
    n_ro_syn = sum(int(len(S)) for S in readout)
    sum_w = [float(np.asarray(S.w[:]).sum()) for S in readout]
    clips = sum(int(np.asarray(S.nlo[:]).sum() + np.asarray(S.nhi[:]).sum()) for S in readout)
    assert n_in == 2 * N and n_ro_syn == N, (n_in, n_ro_syn)
    if args.recurrent:
        assert n_rec == len(net['pre']), (n_rec, len(net['pre']))
    duration = n_steps * DT_MS * 1e-3
    w_in, w_out = assembly_weights(CONFIGS[R_CONFIG]['R_EE'], W_REC)
    params = dict(
        neuron=NEURON, readout_Ibg_pA=READOUT_IBG_PA, dt_ms=DT_MS, N_E=N_E, N_I=N_I, M=M,
        v0_mV=V0_MV, readout_v0_mV=q['EL_mV'],
        input_rate_Hz=INPUT_RATE_HZ, c=NOISE_C, shared_rate_Hz=(1 - NOISE_C) * INPUT_RATE_HZ,
        private_rate_Hz=NOISE_C * INPUT_RATE_HZ, input_jump_nS=INPUT_JUMP_NS,
        recurrent=args.recurrent, p=P_REC, W=W_REC, R=CONFIGS[R_CONFIG], w_in=w_in, w_out=w_out,
        weight_jitter_sd=JITTER, gbar_E_nS=GBAR_E, gbar_I_nS=GBAR_I,
        gbar_I_readout_nS=GBAR_I_READOUT, readout_w0=W0_READOUT, w_min=W_MIN, w_max=W_MAX,
        triplet={k: v for k, v in TRIPLET.items() if k not in ('rule', 'norm')},
        vogels={k: v for k, v in VOGELS.items() if k not in ('rule', 'norm')},
        norm=dict(kind='competitive', etaN=ETA_N, target_E=T_E, target_I=T_I),
        duration_s=duration, seed=args.seed, input=args.input, autapses=False)
    t_end = time.time()
    shutil.rmtree(directory, ignore_errors=True)
    return dict(N=N + 1, recurrent=args.recurrent, p=P_REC if args.recurrent else 0.0,
                W=W_REC if args.recurrent else 0.0, c=NOISE_C, duration_s=duration,
                rate_E=float(counts[:N_E].sum() / (N_E * duration)),
                rate_I=float(counts[N_E:].sum() / (N_I * duration)),
                rate_readout=n_ro / duration,
                sim_wall_s=sim_wall, setup_wall_s=(t_end - T_START) - sim_wall,
                brian2=b2.__version__, sim_cpu_s=float(b2.device._last_run_time),
                compile_wall_s=t1 - t0, binary_wall_s=t2 - t1,
                n_synapses=n_in + n_rec + n_ro_syn, n_synapses_recurrent=n_rec,
                readout_sum_w_E=sum_w[0], readout_sum_w_I=sum_w[1], clip_events=clips,
                input=args.input, seed=args.seed, params=params)


if __name__ == '__main__':
    main()
