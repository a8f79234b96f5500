"""Reference: Tsodyks-Markram short-term plasticity, paired-pulse ratios and short trains.

Per synapse u (relaxes to U with tau_u) and R (relaxes to 1 with tau_R), initially u = U, R = 1.
At a presynaptic spike, after the exact relaxation since the synapse's previous update:
u <- u + (1 - u)*F, then mu = u*R (the release, recorded), then R <- R - u*R
(docs/spiking-engine.md; Keijser & Sprekeler 2022 eqs 11-12).

Brian2 runtime (numpy target, float64). u and R are *event-driven* synaptic variables:
Brian2 integrates du/dt = (U - u)/tau_u and dR/dt = (1 - R)/tau_R exactly between events,
inserting before the on_pre code (checked by the script)
    _R = R*exp(-(t - lastupdate)/tau_R) + 1 - exp(-(t - lastupdate)/tau_R)
    _u = U - U*exp(-(t - lastupdate)/tau_u) + u*exp(-(t - lastupdate)/tau_u)
Each (U, isi, parameter set) is its own synapse with its own SpikeGeneratorGroup train, so
every first spike comes after a rest (u = U, R = 1). The script checks Brian2 against the
closed-form iteration in numpy (relative difference < 1e-12).
"""
import sys
import time

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
from _common import fl, generated_by, parse_args, versions, write_json  # noqa: E402

NAME = 'stp_ppr'
DT_MS = 0.1
FIRST_STEP = 1000                                   # first spike at t = 100 ms
PARAM_SETS = [
    dict(name='F0.2_tauU100_tauR100', F=0.2, tauU_ms=100.0, tauR_ms=100.0),
    dict(name='F0.5_tauU50_tauR200', F=0.5, tauU_ms=50.0, tauR_ms=200.0),
]
U_VALUES = [round(0.05 * n, 2) for n in range(21)]  # 0, 0.05, ..., 1
ISI_MS = [5.0, 10.0, 20.0, 50.0, 100.0]
TRAIN_U = [0.05, 0.2, 0.5, 0.9]
TRAIN_HZ = [10.0, 20.0, 50.0, 100.0]
TRAIN_N = 10


def synapse_table():
    """One row per synapse: (set index, U, list of spike steps, key)."""
    rows = []
    for s in range(len(PARAM_SETS)):
        for a, U in enumerate(U_VALUES):
            for b, isi in enumerate(ISI_MS):
                rows.append((s, U, [FIRST_STEP, FIRST_STEP + int(round(isi / DT_MS))], ('ppr', s, a, b)))
        for a, U in enumerate(TRAIN_U):
            for b, f in enumerate(TRAIN_HZ):
                isi_steps = int(round(1000.0 / f / DT_MS))
                rows.append((s, U, [FIRST_STEP + n * isi_steps for n in range(TRAIN_N)],
                             ('train', s, a, b)))
    return rows


def closed_form(p, U, steps):
    u, R, last, mus = U, 1.0, 0, []
    for k in steps:
        el = (k - last) * DT_MS
        u = U + (u - U) * np.exp(-el / p['tauU_ms'])
        R = 1 + (R - 1) * np.exp(-el / p['tauR_ms'])
        u = u + (1 - u) * p['F']
        mu = u * R
        R = R - u * R
        mus.append(mu)
        last = k
    return mus


def main():
    args = parse_args(__doc__.splitlines()[0])
    t0 = time.time()
    import brian2 as b2
    from brian2 import ms

    b2.prefs.codegen.target = 'numpy'
    b2.defaultclock.dt = DT_MS * ms
    rows = synapse_table()
    n = len(rows)
    idx = np.concatenate([[r] * len(row[2]) for r, row in enumerate(rows)])
    steps = np.concatenate([row[2] for row in rows])
    order = np.lexsort((idx, steps))
    idx, steps = idx[order], steps[order]
    pre = b2.SpikeGeneratorGroup(n, idx, steps * DT_MS * ms)
    post = b2.NeuronGroup(1, 'x : 1')
    S = b2.Synapses(pre, post, '''
        U : 1
        F : 1
        tau_u : second
        tau_R : second
        du/dt = (U - u)/tau_u : 1 (event-driven)
        dR/dt = (1 - R)/tau_R : 1 (event-driven)
        mu : 1
        ''', on_pre='''
        u += (1 - u)*F
        mu = u*R
        R -= u*R
        x_post += mu
        ''')
    S.connect(i=np.arange(n), j=np.zeros(n, dtype=int))
    S.U = [row[1] for row in rows]
    S.F = [PARAM_SETS[row[0]]['F'] for row in rows]
    S.tau_u = np.array([PARAM_SETS[row[0]]['tauU_ms'] for row in rows]) * ms
    S.tau_R = np.array([PARAM_SETS[row[0]]['tauR_ms'] for row in rows]) * ms
    S.u = [row[1] for row in rows]
    S.R = 1.0
    mon = b2.StateMonitor(S, 'mu', record=True, when='end')
    n_steps = int(steps.max()) + 1
    net = b2.Network(pre, post, S, mon)
    net.run(n_steps * DT_MS * ms)
    code = S.pre.abstract_code  # the event-driven relaxation Brian2 inserted before on_pre
    for line in ('_R = R*exp(-(t - lastupdate)/tau_R) + 1 - exp(-(t - lastupdate)/tau_R)',
                 '_u = U - U*exp(-(t - lastupdate)/tau_u) + u*exp(-(t - lastupdate)/tau_u)'):
        assert line in code, f'unexpected event-driven code:\n{code}'
    mu_tr = np.asarray(mon.mu[:])                     # (synapse, step)

    ppr = [dict(mu1=[[0.0] * len(ISI_MS) for _ in U_VALUES], mu2=[[0.0] * len(ISI_MS) for _ in U_VALUES],
                ppr=[[0.0] * len(ISI_MS) for _ in U_VALUES]) for _ in PARAM_SETS]
    trains = [[[None] * len(TRAIN_HZ) for _ in TRAIN_U] for _ in PARAM_SETS]
    worst = 0.0
    for r, (s, U, st, key) in enumerate(rows):
        mus = mu_tr[r, st]
        ref = np.array(closed_form(PARAM_SETS[s], U, st))
        worst = max(worst, float(np.max(np.abs(mus - ref) / np.abs(ref))))
        if key[0] == 'ppr':
            _, _, a, b = key
            ppr[s]['mu1'][a][b] = float(mus[0])
            ppr[s]['mu2'][a][b] = float(mus[1])
            ppr[s]['ppr'][a][b] = float(mus[1] / mus[0])
        else:
            _, _, a, b = key
            trains[s][a][b] = fl(mus)
    assert worst < 1e-12, worst
    sets = []
    for s, p in enumerate(PARAM_SETS):
        sets.append(dict(p, paired=ppr[s], trains=trains[s]))
        b10 = ISI_MS.index(10.0)
        print(f"{p['name']}: PPR(10 ms) U=0 {ppr[s]['ppr'][0][b10]:.4f}, "
              f"U=1 {ppr[s]['ppr'][-1][b10]:.4f}")
    payload = {
        'generated_by': generated_by(f'{NAME}.py'),
        'versions': versions(),
        'description': (
            'Tsodyks-Markram STP (u -> U with tau_u, R -> 1 with tau_R; at a spike u += (1-u)F, '
            'mu = u R, R -= u R), paired pulses (first spike after rest at u = U, R = 1) for U = '
            '0..1 step 0.05 and isi 5, 10, 20, 50, 100 ms, and 10-spike regular trains, for two '
            'parameter sets. Brian2 runtime numpy target, float64, event-driven u and R (exact '
            'relaxation between spikes).'),
        'units': {'time': 'ms', 'frequency': 'Hz', 'mu': 'dimensionless release u*R'},
        'params': {
            'dt_ms': DT_MS, 'first_spike_step': FIRST_STEP, 'U_values': U_VALUES,
            'isi_ms': ISI_MS, 'train_U': TRAIN_U, 'train_Hz': TRAIN_HZ, 'train_n_spikes': TRAIN_N,
            'initial_state': 'u = U, R = 1 at t = 0; the first spike at step 1000 sees u = U, R = 1',
        },
        'layout': (
            'sets[s].paired.mu1[a][b], mu2[a][b], ppr[a][b] = mu2/mu1 for U = U_values[a], '
            'isi = isi_ms[b]; spikes at steps first_spike_step and first_spike_step + isi/dt. '
            'sets[s].trains[a][b] = mu of each of the train_n_spikes spikes for U = train_U[a] '
            'at train_Hz[b], spike n at step first_spike_step + n*round(1000/(f*dt)).'),
        'numpy_closed_form_max_rel_diff': worst,
        'sets': sets,
    }
    write_json(args.out, NAME, payload)
    print(f'{NAME}: done ({time.time() - t0:.1f} s)')


if __name__ == '__main__':
    main()
