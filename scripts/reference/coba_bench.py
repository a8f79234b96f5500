"""Benchmark: the COBA network (Brette et al. 2007 benchmark 1, Brian2 example variant) in
Brian2 C++ standalone; prints one JSON line with the rates and the timing.

    /usr/bin/python3 scripts/reference/coba_bench.py --N 4000 --duration 10 --p 0.02

Model (/work/shared/spec/benchmarks.md): N LIF neurons (80 % E, 20 % I), conductances in units
of the leak conductance,
    tau_m dv/dt = g_e (E_e - v) + g_i (E_i - v) - (v - E_l) + I      (unless refractory)
    tau_e dg_e/dt = -g_e,  tau_i dg_i/dt = -g_i
tau_m 20 ms, E_l = V_reset = -60 mV, V_th -50 mV, refractory 5 ms, E_e 0 mV, E_i -80 mV,
I = 20 mV, tau_e 5 ms, tau_i 10 ms, dt 0.1 ms, exponential Euler. Every ordered pair (i, j)
(autapses allowed, as in Brian2's example) is connected with probability p; an E spike adds
w_e = 0.6*s to g_e, an I spike w_i = 6.7*s to g_i. Initial v ~ U(V_reset, V_th),
g_e ~ N(0.4, 0.15^2), g_i ~ N(2.0, 1.2^2) (Brian2's RNG, seeded with --seed).

p defaults to 0.02 for N = 4000 and to 80/N otherwise. The weight scale s defaults to
80/(N*p) ("synapses": keeps the mean input per neuron of the N = 4000, p = 0.02 network; this is
4000/N when p = 0.02 and 1 when p = 80/N); --scale N gives s = 4000/N literally.

Timing: sim_wall_s is the wall-clock time of the simulation loop only, measured inside the
generated C++ with clock_gettime(CLOCK_MONOTONIC) around Network::run (code inserted with
device.insert_code('before_network_run'/'after_network_run')). Brian2's own
results/last_run_info.txt holds the loop time measured with std::clock(), i.e. CPU time
without OpenMP (reported as sim_cpu_s). setup_wall_s is everything else from the start of
the script: importing Brian2, code generation, compilation (a fresh project directory, so no
cached objects), and the binary's start-up (loading arrays, creating synapses, initial
values) and shutdown (writing results).
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
from _common import generated_by, versions, write_json  # noqa: E402

NAME = 'coba_bench'


def parse():
    import argparse
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--N', type=int, default=4000)
    p.add_argument('--duration', type=float, default=10.0, help='simulated seconds')
    p.add_argument('--p', type=float, default=None, help='default 0.02 (N = 4000) or 80/N')
    p.add_argument('--scale', choices=['synapses', 'N'], default='synapses')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--make-jobs', type=int, default=0, help="0: Brian2's default (make -j)")
    p.add_argument('--out', default=None, help='also write DIR/coba_bench.json')
    return p.parse_args()


def main():
    args = parse()
    N = args.N
    p = args.p if args.p is not None else (0.02 if N == 4000 else 80.0 / N)
    s = 80.0 / (N * p) if args.scale == 'synapses' else 4000.0 / N
    # Keep stdout for the one JSON line: Brian2 and the compiler write to stderr meanwhile.
    stdout_fd = os.dup(1)
    os.dup2(2, 1)
    try:
        res = run(N, p, s, args)
    finally:
        sys.stdout.flush()
        os.dup2(stdout_fd, 1)
        os.close(stdout_fd)
    line = {k: res[k] for k in ('N', 'p', 'duration_s', 'rate_E', 'rate_I', 'sim_wall_s',
                                'setup_wall_s', 'brian2')}
    line.update({k: res[k] for k in ('sim_cpu_s', 'compile_wall_s', 'binary_wall_s', 'n_synapses',
                                     'weight_scale', 'seed')})
    print(json.dumps(line), flush=True)
    if args.out:
        payload = dict(line)
        payload.update({
            'generated_by': generated_by(f'{NAME}.py'),
            'versions': versions(),
            'description': ('COBA benchmark (Brette et al. 2007, Brian2 example variant) in Brian2 '
                            'C++ standalone: mean E and I rates and wall times of one run.'),
            'units': {'rate_E': 'Hz', 'rate_I': 'Hz', 'times': 's (wall clock unless _cpu_)'},
            'params': res['params'],
            'note': 'Wall times depend on the machine and its load; the rates are deterministic '
                    'for a given seed, N, p and compiler.',
        })
        write_json(args.out, NAME, payload)


def run(N, p, s, args):
    import brian2 as b2
    from brian2 import mV, ms, second

    directory = tempfile.mkdtemp(prefix='eilab_coba_')
    loop_file = os.path.join(directory, 'eilab_loop_wall_s.txt')
    b2.set_device('cpp_standalone', directory=directory, build_on_run=False)
    if args.make_jobs > 0:
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = [f'-j{args.make_jobs}']
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(args.seed)  # before any random initialisation or connect() (standalone code order)
    params = dict(N=N, p=p, NE=int(round(0.8 * N)), taum_ms=20.0, taue_ms=5.0, taui_ms=10.0,
                  Vt_mV=-50.0, Vr_mV=-60.0, El_mV=-60.0, Ee_mV=0.0, Ei_mV=-80.0, I_mV=20.0,
                  tref_ms=5.0, we=0.6 * s, wi=6.7 * s, weight_scale=s, dt_ms=0.1,
                  ge0='N(0.4, 0.15^2)', gi0='N(2.0, 1.2^2)', v0='U(V_reset, V_th)',
                  duration_s=args.duration, seed=args.seed, autapses=True)
    ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, El=-60 * mV,
              Ee=0 * mV, Ei=-80 * mV, I=20 * mV, we=params['we'], wi=params['wi'])
    eqs = '''
    dv/dt = (ge*(Ee - v) + gi*(Ei - v) - (v - El) + I)/taum : volt (unless refractory)
    dge/dt = -ge/taue : 1
    dgi/dt = -gi/taui : 1
    '''
    P = b2.NeuronGroup(N, eqs, threshold='v > Vt', reset='v = Vr', refractory=5 * ms,
                       method='exponential_euler', namespace=ns)
    P.v = 'Vr + rand()*(Vt - Vr)'
    P.ge = 'randn()*0.15 + 0.4'
    P.gi = 'randn()*1.2 + 2.0'
    NE = params['NE']
    Ce = b2.Synapses(P, P, on_pre='ge += we', namespace=ns)
    Ce.connect(f'i < {NE}', p=p)
    Ci = b2.Synapses(P, P, on_pre='gi += wi', namespace=ns)
    Ci.connect(f'i >= {NE}', p=p)
    mon = b2.SpikeMonitor(P, record=False)  # spike counts only
    b2.device.insert_code('before_network_run',
                          'struct timespec _eilab_t0, _eilab_t1;\n'
                          'clock_gettime(CLOCK_MONOTONIC, &_eilab_t0);')
    b2.device.insert_code('after_network_run',
                          'clock_gettime(CLOCK_MONOTONIC, &_eilab_t1);\n'
                          '{ std::ofstream _eilab_f("%s"); _eilab_f.precision(9);\n'
                          '  _eilab_f << (double)(_eilab_t1.tv_sec - _eilab_t0.tv_sec)'
                          ' + 1e-9*(double)(_eilab_t1.tv_nsec - _eilab_t0.tv_nsec) << std::endl; }'
                          % loop_file)
    b2.run(args.duration * second)
    t0 = time.time()
    b2.device.build(directory=directory, compile=True, run=False)
    t1 = time.time()
    b2.device.run(directory, True, [])
    t2 = time.time()
    counts = __import__('numpy').asarray(mon.count[:])
    with open(loop_file) as f:
        sim_wall = float(f.read().strip())
    n_syn = int(len(Ce)) + int(len(Ci))
    t_end = time.time()
    shutil.rmtree(directory, ignore_errors=True)
    return dict(N=N, p=p, duration_s=args.duration,
                rate_E=float(counts[:NE].sum() / (NE * args.duration)),
                rate_I=float(counts[NE:].sum() / ((N - NE) * args.duration)),
                sim_wall_s=sim_wall, setup_wall_s=(t_end - T_START) - sim_wall,
                brian2=b2.__version__, sim_cpu_s=float(b2.device._last_run_time),
                compile_wall_s=t1 - t0, binary_wall_s=t2 - t1, n_synapses=n_syn,
                weight_scale=s, seed=args.seed, params=params)


if __name__ == '__main__':
    main()
