"""Reference: one conductance LIF neuron (co-tuning parameters) driven by fixed input spike trains.

Brian2 (runtime, numpy target, float64) integrates

    C dV/dt = g_L (E_L - V) + g_E (V_E - V) + g_I (V_I - V) + I_bg      (unless refractory)
    dg_E/dt = -g_E / tau_E,   dg_I/dt = -g_I / tau_I

with method='exponential_euler'. For this model Brian2 generates (checked below, and the script
asserts it):

    _gE   = gE*exp(-dt/tauE)
    _gI   = gI*exp(-dt/tauI)
    _BA_v = (EL*gL/C + Ibg/C + VE*gE/C + VI*gI/C)/(-gE/C - gI/C - gL/C)        # = -V_inf
    _v    = -_BA_v + (_BA_v + v)*exp(dt*(-gE/C - gI/C - gL/C))
    gE = _gE; gI = _gI; v = _v     (v only where not_refractory)

i.e. V <- V_inf + (V - V_inf)*exp(-dt*g_tot/C) with the conductances of the step start and an
exact decay of g: docs/spiking-engine.md's integration. The script also integrates the contract
independently in numpy (float64) and asserts that both agree.

Inputs: 40 excitatory and 10 inhibitory SpikeGeneratorGroup trains (spike steps drawn once from a
fixed numpy seed, plus a few forced coincidences), each train one synapse onto the neuron with
its own weight w; a spike adds gbar*w (nS) to g_E / g_I in the 'synapses' slot of its step.
"""
import sys
import time

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
from _common import fl, generated_by, ints, parse_args, versions, write_json  # noqa: E402

NAME = 'lif_trace'

P = dict(C_pF=200.0, gL_nS=10.0, EL_mV=-60.0, Vreset_mV=-60.0, Vth_mV=-50.0, tref_ms=5.0,
         VE_mV=0.0, VI_mV=-80.0, tauE_ms=5.0, tauI_ms=10.0, dt_ms=0.1)
N_STEPS = 5000  # 500 ms
N_E, N_I = 40, 10

CASES = {
    # I_bg = 0 and weak input: V stays below threshold for the whole 500 ms.
    'subthreshold': dict(seed=101, Ibg_pA=0.0, rateE_Hz=10.0, rateI_Hz=10.0,
                         gbarE_nS=0.7, gbarI_nS=2.0),
    # I_bg = 200 pA alone would fire at ~50 Hz; strong, fluctuating E and I input bring it to
    # ~10-30 Hz with irregular spike times.
    'spiking': dict(seed=202, Ibg_pA=200.0, rateE_Hz=10.0, rateI_Hz=20.0,
                    gbarE_nS=2.0, gbarI_nS=8.0),
}

# Forced events (train, step) added to the random ones: a spike at step 0 and at the last step,
# several trains in one step (E+E, E+I, I+I), one train in two consecutive steps.
FORCED_E = [(0, 0), (1, 1234), (2, 1234), (3, 1234), (4, 2000), (5, 3000), (5, 3001), (6, 4999)]
FORCED_I = [(0, 2000), (1, 2500), (2, 2500), (3, 4999), (4, 3700), (4, 3701)]


EXPECTED_UPDATE = '''
not_refractory = timestep(t - lastspike, dt) >= timestep(0.005000, dt)
_gE = gE*exp(-dt/tauE)
_gI = gI*exp(-dt/tauI)
_BA_v = (EL*gL/C + Ibg/C + VE*gE/C + VI*gI/C)/(-gE/C - gI/C - gL/C)
_v = -_BA_v + (_BA_v + v)*exp(dt*(-gE/C - gI/C - gL/C))
gE = _gE
gI = _gI
v = _v
'''


def draw_trains(rng, n, rate_hz, forced):
    """Bernoulli(rate*dt) per step and train (numpy), plus forced events; sorted by (step, train)."""
    p = rate_hz * P['dt_ms'] * 1e-3
    hit = rng.random((n, N_STEPS)) < p
    ev = set(zip(*np.nonzero(hit)))
    ev |= {(int(a), int(b)) for a, b in forced}
    ev = sorted(ev, key=lambda x: (x[1], x[0]))
    return np.array([e[0] for e in ev], dtype=np.int64), np.array([e[1] for e in ev], dtype=np.int64)


def contract_numpy(case, wE, wI, trE, stE, trI, stI):
    """docs/spiking-engine.md in plain float64 numpy: update -> threshold -> synapses -> reset."""
    dt = P['dt_ms']
    dE = np.exp(-dt / P['tauE_ms'])
    dI = np.exp(-dt / P['tauI_ms'])
    n_ref = int(round(P['tref_ms'] / dt))
    jumpE = np.zeros(N_STEPS)
    jumpI = np.zeros(N_STEPS)
    np.add.at(jumpE, stE, case['gbarE_nS'] * wE[trE])
    np.add.at(jumpI, stI, case['gbarI_nS'] * wI[trI])
    v, gE, gI, last = P['EL_mV'], 0.0, 0.0, -10**9
    V = np.empty(N_STEPS)
    GE = np.empty(N_STEPS)
    GI = np.empty(N_STEPS)
    spikes = []
    for k in range(N_STEPS):
        if k - last >= n_ref:
            gtot = P['gL_nS'] + gE + gI
            vinf = (P['gL_nS'] * P['EL_mV'] + gE * P['VE_mV'] + gI * P['VI_mV'] + case['Ibg_pA']) / gtot
            v = vinf + (v - vinf) * np.exp(-dt * gtot / P['C_pF'])
            if v > P['Vth_mV']:
                spikes.append(k)
                v = P['Vreset_mV']
                last = k
        gE = gE * dE + jumpE[k]
        gI = gI * dI + jumpI[k]
        V[k], GE[k], GI[k] = v, gE, gI
    return V, GE, GI, np.array(spikes, dtype=np.int64)


def run_case(name, case):
    import brian2 as b2
    from brian2 import ms, mV, nS, pA, pF

    b2.start_scope()
    b2.prefs.codegen.target = 'numpy'
    b2.defaultclock.dt = P['dt_ms'] * ms
    rng = np.random.Generator(np.random.PCG64(case['seed']))
    wE = rng.uniform(0.5, 1.5, N_E)
    wI = rng.uniform(0.5, 1.5, N_I)
    trE, stE = draw_trains(rng, N_E, case['rateE_Hz'], FORCED_E)
    trI, stI = draw_trains(rng, N_I, case['rateI_Hz'], FORCED_I)

    ns = dict(C=P['C_pF'] * pF, gL=P['gL_nS'] * nS, EL=P['EL_mV'] * mV, VE=P['VE_mV'] * mV,
              VI=P['VI_mV'] * mV, tauE=P['tauE_ms'] * ms, tauI=P['tauI_ms'] * ms,
              Vth=P['Vth_mV'] * mV, Vreset=P['Vreset_mV'] * mV, Ibg=case['Ibg_pA'] * pA,
              gbarE=case['gbarE_nS'] * nS, gbarI=case['gbarI_nS'] * nS)
    eqs = '''
    dv/dt = (gL*(EL - v) + gE*(VE - v) + gI*(VI - v) + Ibg)/C : volt (unless refractory)
    dgE/dt = -gE/tauE : siemens
    dgI/dt = -gI/tauI : siemens
    '''
    G = b2.NeuronGroup(1, eqs, threshold='v > Vth', reset='v = Vreset',
                       refractory=P['tref_ms'] * ms, method='exponential_euler', namespace=ns)
    G.v = P['EL_mV'] * mV

    SE = b2.SpikeGeneratorGroup(N_E, trE, stE * P['dt_ms'] * ms)
    SI = b2.SpikeGeneratorGroup(N_I, trI, stI * P['dt_ms'] * ms)
    synE = b2.Synapses(SE, G, 'w : 1', on_pre='gE += gbarE*w', namespace=ns)
    synE.connect(i=np.arange(N_E), j=np.zeros(N_E, dtype=int))
    synE.w = wE
    synI = b2.Synapses(SI, G, 'w : 1', on_pre='gI += gbarI*w', namespace=ns)
    synI.connect(i=np.arange(N_I), j=np.zeros(N_I, dtype=int))
    synI.w = wI
    # 'end' slot: after groups -> thresholds -> synapses -> resets of the step.
    mon = b2.StateMonitor(G, ['v', 'gE', 'gI'], record=0, when='end')
    # V after the update, before threshold and reset (the value compared with V_th).
    mon_pre = b2.StateMonitor(G, ['v', 'not_refractory'], record=0, when='before_thresholds')
    spk = b2.SpikeMonitor(G)
    inE = b2.SpikeMonitor(SE)
    inI = b2.SpikeMonitor(SI)
    net = b2.Network(G, SE, SI, synE, synI, mon, mon_pre, spk, inE, inI)
    net.run(N_STEPS * P['dt_ms'] * ms)
    # The state update Brian2 generated (filled in by the run). "(unless refractory)" multiplies
    # the right-hand side of v by int(not_refractory); v is written only where not_refractory.
    code = G.state_updater.abstract_code.replace('*int(not_refractory)', '').strip()
    assert code == EXPECTED_UPDATE.strip(), f'unexpected exponential_euler code:\n{code}'

    dt_s = P['dt_ms'] * 1e-3
    steps_of = lambda t: np.round(np.asarray(t) / dt_s).astype(np.int64)  # noqa: E731
    mon_steps = steps_of(mon.t[:])
    assert np.array_equal(mon_steps, np.arange(N_STEPS)), 'StateMonitor did not record every step'
    # The generators emitted exactly the listed events.
    for m, tr, st in ((inE, trE, stE), (inI, trI, stI)):
        got = sorted(zip(steps_of(m.t[:]).tolist(), m.i[:].tolist()))
        assert got == sorted(zip(st.tolist(), tr.tolist())), 'SpikeGeneratorGroup emitted other steps'
    V = np.asarray(mon.v[0] / mV)
    GE = np.asarray(mon.gE[0] / nS)
    GI = np.asarray(mon.gI[0] / nS)
    out_steps = steps_of(spk.t[:])
    Vpre = np.asarray(mon_pre.v[0] / mV)
    nonref = np.asarray(mon_pre.not_refractory[0], dtype=bool)

    # Independent check: the contract in numpy gives the same trace.
    Vn, GEn, GIn, spn = contract_numpy(case, wE, wI, trE, stE, trI, stI)
    assert np.array_equal(spn, out_steps), (spn, out_steps)
    err = dict(V_mV=float(np.max(np.abs(Vn - V))), gE_nS=float(np.max(np.abs(GEn - GE))),
               gI_nS=float(np.max(np.abs(GIn - GI))))
    assert err['V_mV'] < 1e-9 and err['gE_nS'] < 1e-9 and err['gI_nS'] < 1e-9, err

    margin = np.abs(Vpre[nonref] - P['Vth_mV'])
    if name == 'subthreshold':
        assert len(out_steps) == 0 and V.max() < P['Vth_mV'] - 1.0, V.max()
    r6 = lambda a: [round(float(x), 6) for x in a]  # noqa: E731
    return {
        'seed': case['seed'],
        'Ibg_pA': case['Ibg_pA'],
        'gbarE_nS': case['gbarE_nS'],
        'gbarI_nS': case['gbarI_nS'],
        'rateE_Hz': case['rateE_Hz'],
        'rateI_Hz': case['rateI_Hz'],
        'inputE': {'weights': fl(wE), 'spike_train': ints(trE), 'spike_step': ints(stE)},
        'inputI': {'weights': fl(wI), 'spike_train': ints(trI), 'spike_step': ints(stI)},
        'V_mV': r6(V),
        'gE_nS': r6(GE),
        'gI_nS': r6(GI),
        'spike_steps': ints(out_steps),
        'V_before_reset_mV': fl(Vpre[out_steps]),
        'rate_Hz': len(out_steps) / (N_STEPS * dt_s),
        'V_max_mV': float(V.max()),
        'min_threshold_margin_mV': float(margin.min()),
        'step_of_min_threshold_margin': int(np.arange(N_STEPS)[nonref][np.argmin(margin)]),
        'numpy_contract_max_abs_diff': err,
    }


def main():
    args = parse_args(__doc__.splitlines()[0])
    t0 = time.time()
    cases = {name: run_case(name, c) for name, c in CASES.items()}
    payload = {
        'generated_by': generated_by(f'{NAME}.py'),
        'versions': versions(),
        'description': (
            'One conductance LIF neuron (Giannakakis et al. 2023 parameters) integrated by Brian2 '
            "(exponential_euler for v, exact decay of g_E, g_I; runtime 'numpy' target, float64), "
            'driven by fixed SpikeGeneratorGroup input trains (40 E, 10 I), each train one synapse '
            'with a conductance jump gbar*w. Two cases of 500 ms: subthreshold (I_bg 0) and spiking '
            '(I_bg 200 pA). V, g_E, g_I recorded at every step in the Brian2 "end" slot.'),
        'units': {'V': 'mV', 'g': 'nS', 'I': 'pA', 'C': 'pF', 'time': 'ms', 'rate': 'Hz',
                  'steps': 'integer step index k, t_k = k*dt'},
        'params': dict(P, n_steps=N_STEPS, n_ref_steps=int(round(P['tref_ms'] / P['dt_ms'])),
                       nE_trains=N_E, nI_trains=N_I, V0_mV=P['EL_mV'], gE0_nS=0.0, gI0_nS=0.0),
        'recording': (
            'Sample i of V_mV, gE_nS, gI_nS is the state after step i (i = 0..n_steps-1), i.e. '
            'at time (i+1)*dt: Brian2 StateMonitor(when="end") at step i, which Brian2 labels '
            't = i*dt. It comes after the update, threshold, synapses and reset slots, so V of a '
            'spiking step is V_reset and g includes the jumps delivered in step i (what step i+1 '
            'integrates with). spike_steps: steps whose threshold crossed (SpikeMonitor t/dt). '
            'V_before_reset_mV: V after the update of each spike step (StateMonitor '
            'when="before_thresholds"). min_threshold_margin_mV: min |V - V_th| over the '
            'non-refractory steps, after the update, before the threshold; tells how robust the '
            'spike steps are to rounding.'),
        'input_rule': (
            'Input event (train j, step k) of inputE/inputI: the j-th train spikes in step k and '
            'adds gbarE_nS*weights[j] to g_E (gbarI_nS*weights[j] to g_I) in the synapses slot '
            'of step k. spike_train/spike_step are parallel arrays sorted by (step, train). '
            'Random events are Bernoulli(rate*dt) per step from numpy '
            'Generator(PCG64(seed)): first weights E (uniform [0.5,1.5]), weights I, then a '
            '(40 x n_steps) uniform array for E, a (10 x n_steps) array for I; forced '
            'coincidences are added (see scripts/reference/lif_trace.py).'),
        'rounding': 'V_mV, gE_nS, gI_nS rounded to 1e-6 (mV, nS) to keep the file small; all '
                    'other numbers are full float64.',
        'cases': cases,
    }
    write_json(args.out, NAME, payload)
    print(f'{NAME}: ' + ', '.join(f"{k}: {len(c['spike_steps'])} spikes, V_max {c['V_max_mV']:.3f} mV, "
                                  f"margin {c['min_threshold_margin_mV']:.2e} mV"
                                  for k, c in cases.items()) + f' ({time.time() - t0:.1f} s)')


if __name__ == '__main__':
    main()
