import { describe, expect, it } from 'vitest';
import { buildIsn } from '../../src/labs/isn/experiment';
import { defaults } from '../../src/model/params';
import { ISN_PARAMS } from '../../src/labs/isn/params';
import {
  createRateState,
  rateConsts,
  rateSteps,
  rateStepsPair,
  trialBegin,
  trialEnd,
} from '../../src/engine/cpu/rateKernels';
import { normalFromU32, philox4x32, seedKey, STREAM } from '../../src/engine/rng/philox';
import { noiseNormal } from '../../src/engine/cpu/rateKernels';

function setup(overrides: Record<string, unknown>, seed = 5) {
  const v = { ...defaults(ISN_PARAMS), ...overrides } as ReturnType<typeof defaults>;
  return buildIsn(v, seed, { recordEvery: 7, monitorCount: 3 });
}

describe('CPU rate kernels', () => {
  it('the two-population fast path is bit-identical to the generic loop (odd chunks, pulses, silence, monitors)', () => {
    const s = setup({
      starts: 'random',
      n_starts: 5,
      trial_ms: 300,
      window_ms: 100,
      I_opto: 3,
      opto_onset_ms: 100,
      opto_duration_ms: 50,
      pert_target: 'E',
      pert_mode: 'silence',
      pert_onset_ms: 200,
      pert_duration_ms: 20,
      E_drive: 0.5,
    });
    const p = s.protocolFor(0);
    const k = rateConsts(s.config, p);
    const a = createRateState(s.config, p);
    const b = createRateState(s.config, p);
    const cuts = [0, 1, 2, 333, 1000, 1777, 2500, 2999, 3000];
    for (let trial = 0; trial < 3; trial++) {
      trialBegin(p, a);
      trialBegin(p, b);
      for (let c = 0; c + 1 < cuts.length; c++) {
        rateSteps(s.config, p, k, a, trial, cuts[c], cuts[c + 1]);
        rateStepsPair(s.config, p, k, b, trial, cuts[c], cuts[c + 1]);
      }
      trialEnd(s.config, p, k, a);
      trialEnd(s.config, p, k, b);
      for (const key of [
        'rates',
        'eta',
        'avg',
        'sum',
        'trialMean',
        'weights',
        'monitor',
      ] as const) {
        expect(Array.from(b[key]), `${key} after trial ${trial}`).toEqual(Array.from(a[key]));
      }
    }
    // the run did something: rates are not all zero and weights moved
    expect(Math.max(...a.trialMean)).toBeGreaterThan(0.1);
    expect(Array.from(a.weights)).not.toEqual(Array.from(s.config.weights));
  });

  it('noise follows the documented counter layout', () => {
    const [k0, k1] = seedKey(9, STREAM.noise);
    const w = new Uint32Array(4);
    const g = 2 ** 33 + 7; // a step beyond 32 bits, odd
    philox4x32(((g - 1) / 2) >>> 0, Math.floor((g - 1) / 2 / 2 ** 32), 1, 4, k0, k1, w);
    expect(noiseNormal(k0, k1, g, 3, 4)).toBe(normalFromU32(w[3]));
    expect(noiseNormal(k0, k1, g - 1, 2, 4)).toBe(normalFromU32(w[0]));
  });

  it('rates stay within [0, max] and silence holds a population at 0', () => {
    const s = setup({
      W_EE: 50,
      W_EI: 0,
      W_IE: 50,
      W_II: 0,
      E_drive: 10,
      trial_ms: 200,
      window_ms: 100,
      pert_target: 'I',
      pert_mode: 'silence',
      pert_onset_ms: 0,
      pert_duration_ms: 1000,
    });
    const p = s.protocolFor(0);
    const k = rateConsts(s.config, p);
    const st = createRateState(s.config, p);
    trialBegin(p, st);
    rateSteps(s.config, p, k, st, 0, 0, p.stepsPerTrial);
    expect(st.rates[0]).toBe(100); // E saturates at E_max with W_EE = 50
    expect(st.rates[1]).toBe(0); // I silenced
  });
});

describe('monitors', () => {
  it('record the excitatory input onto I from the new E rate (the authors’ order), every recordEvery steps', () => {
    const s = setup({
      rule: 'none',
      W_EE: 5,
      W_EI: 1.52,
      W_IE: 10,
      W_II: 2.25,
      trial_ms: 600,
      window_ms: 100,
    });
    const p = s.protocolFor(0);
    const k = rateConsts(s.config, p);
    const st = createRateState(s.config, p);
    trialBegin(p, st);
    rateStepsPair(s.config, p, k, st, 0, 0, p.stepsPerTrial);
    const wIE = s.config.weights[2];
    const n = Math.ceil(p.stepsPerTrial / p.recordEvery);
    let active = 0;
    for (let q = 0; q < n; q++) {
      const m = q * p.monitorCount * 6; // network 0
      expect(st.monitor[m + 4]).toBe(Math.fround(wIE * st.monitor[m]));
      if (st.monitor[m] > 1) active++;
    }
    expect(active).toBeGreaterThan(n / 2); // the Up state was reached
  });
});
