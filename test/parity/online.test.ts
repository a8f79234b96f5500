/**
 * Online plasticity (Fig S4 variant) with Poisson kicks, GPU vs CPU: low-passed activity
 * sensors and one rule update per step inside the step kernels, kicks drawn from the
 * Philox kick stream (counter [g, 0xffffffff, b]). The kick words are bit-identical (see
 * rng.test.ts), so both backends kick at the same steps; a kick at a different step would
 * show up as an E-rate jump in one monitor trace and not the other, far outside tolerance.
 *
 * The learning rate and sensor time constant are moderate (α = 5e-6 per step, τ = 200 ms):
 * with fast sensors and large α (τ = 20 ms, α = 2e-5) the plasticity loop itself runs away
 * after a kick, and such a transient amplifies float32 rounding differences (reduction order
 * of the population errors, ulps of the normals) from ~1e-7 to ~1e-3 on either backend
 * alone; that is a property of the dynamics, not a disagreement of the kernels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { philox4x32, seedKey, STREAM, u32ToUniform } from '../../src/engine/rng/philox';
import type { RateNetworkConfig, TrialProtocol } from '../../src/model/rateNetwork';
import {
  acquireGpu,
  expectReadoutsClose,
  fmt,
  multiConfig,
  plasticity,
  protocol,
  runBoth,
  twoPopConfig,
  type GpuHandle,
} from './harness';

let gpu: GpuHandle;
beforeAll(async () => {
  gpu = await acquireGpu();
});
afterAll(() => gpu?.backend.dispose());

function onlineSetup(base: RateNetworkConfig): [RateNetworkConfig, TrialProtocol] {
  const cfg: RateNetworkConfig = {
    ...base,
    plasticity: plasticity('cross', {
      mode: 'online',
      sensorTauMs: 200,
      plastic: { EE: true, EI: true, IE: false, II: true },
    }),
    E: { ...base.E, alpha: 5e-6 },
    I: { ...base.I, alpha: 5e-6 },
  };
  const proto = protocol({
    stepsPerTrial: 1800,
    windowStart: 899,
    resetRates: false,
    pulses: [],
    poissonKickHz: 30,
    poissonKickAmp: 7,
    poissonKickSteps: 101,
    recordEvery: 3,
  });
  return [cfg, proto];
}

/** Kick onsets of network b in trials [0, trials) on the CPU's stream. */
function kickCount(
  cfg: RateNetworkConfig,
  proto: TrialProtocol,
  b: number,
  trials: number,
): number {
  const [k0, k1] = seedKey(cfg.seed, STREAM.poissonKick);
  const o = new Uint32Array(4);
  const prob = Math.fround(proto.poissonKickHz * cfg.dtMs * 1e-3);
  let n = 0;
  for (let g = 0; g < trials * proto.stepsPerTrial; g++) {
    philox4x32(g >>> 0, 0, 0xffffffff, b, k0, k1, o);
    if (u32ToUniform(o[0]) < prob) n++;
  }
  return n;
}

describe('online plasticity with Poisson kicks, GPU vs CPU', () => {
  it('two-pop, B = 37 (thread kernel), 2 trials without reset', async () => {
    const [cfg, proto] = onlineSetup(twoPopConfig(37, 12));
    expect(kickCount(cfg, proto, 0, 2)).toBeGreaterThan(3);
    const p = await runBoth(gpu, cfg, proto, [{ cuts: [1, 950] }, { cuts: [1333] }], {
      stepsPerDispatch: 401,
    });
    const d = expectReadoutsClose('online two-pop', p);
    console.log('online two-pop:', fmt(d));
    // the weights moved every step (online), and the sensors are not the trial averages
    expect(p.cpu.weights.some((w, i) => Math.abs(w - cfg.weights[i]) > 1e-4)).toBe(true);
    expect(Math.max(...p.cpu.avg)).toBeGreaterThan(1);
  });

  it('multi-unit nE = 13, nI = 6, B = 3 (workgroup kernel), 2 trials without reset', async () => {
    const [cfg, proto] = onlineSetup(multiConfig(3, 13, 6, 17));
    const p = await runBoth(
      gpu,
      cfg,
      { ...proto, stepsPerTrial: 1200, windowStart: 599 },
      [{ cuts: [555] }, { cuts: [] }],
      {
        stepsPerDispatch: 500,
      },
    );
    const d = expectReadoutsClose('online 13/6', p);
    console.log('online 13/6:', fmt(d));
    expect(p.cpu.weights.some((w, i) => Math.abs(w - cfg.weights[i]) > 1e-5)).toBe(true);
  });
});
