/**
 * trial_end.wgsl (window mean → running average → plasticity, one workgroup per network)
 * against the CPU trialEnd/applyRule, for every rule family (homeostatic eq 6, cross eq 7,
 * two-term eq 8, none), with plastic masks partly off, weights driven onto their floors,
 * running averages on both sides of the rectification floor, for the two-population and the
 * multi-unit model. The dynamics run without noise, so the window sums agree to rounding and
 * the comparison isolates the trial-end arithmetic (tree reduction of the population errors
 * on the GPU vs sequential sums on the CPU).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounterStream } from '../../src/engine/rng/philox';
import type { RateNetworkConfig, RuleFamily, WeightClass } from '../../src/model/rateNetwork';
import { classOf, synapseFloor } from '../../src/model/rateNetwork';
import {
  acquireGpu,
  cpu,
  expectClose,
  fmt,
  multiConfig,
  plasticity,
  protocol,
  twoPopConfig,
  type Diff,
  type GpuHandle,
} from './harness';

let gpu: GpuHandle;
beforeAll(async () => {
  gpu = await acquireGpu();
});
afterAll(() => gpu?.backend.dispose());

const RULES: RuleFamily[] = ['homeostatic', 'cross', 'two-term', 'none'];
// plastic classes per case (every case keeps at least one class with a presynaptic I unit
// plastic, whose weights fall onto their floors in this regime)
const MASK_EI_II = { EE: false, EI: true, IE: false, II: true };
const MASK_NO_IE = { EE: true, EI: true, IE: false, II: true };
const MASK_ALL = { EE: true, EI: true, IE: true, II: true };
const MASK_E_PRE = { EE: true, EI: false, IE: true, II: false };
const MASKS: Record<RuleFamily, [Record<WeightClass, boolean>, Record<WeightClass, boolean>]> = {
  // [two-pop, multi-unit]
  homeostatic: [MASK_EI_II, MASK_NO_IE],
  cross: [MASK_NO_IE, MASK_ALL],
  'two-term': [MASK_ALL, MASK_EI_II],
  none: [MASK_E_PRE, MASK_ALL],
};

async function check(
  name: string,
  base: RateNetworkConfig,
  rule: RuleFamily,
  mask: Record<WeightClass, boolean>,
) {
  const N = base.nE + base.nI;
  const cfg: RateNetworkConfig = {
    ...base,
    noiseStd: 0,
    plasticity: plasticity(rule, { plastic: mask, floorTotal: 0.6 }),
    E: { ...base.E, alpha: 0.02 },
    I: { ...base.I, alpha: 0.03 },
  };
  // every third plastic synapse starts just above its floor, so that downward steps floor it
  cfg.weights = cfg.weights.slice();
  for (let b = 0; b < cfg.batch; b++)
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        const k = b * N * N + i * N + j;
        if ((i === j && !cfg.selfConnections) || k % 3 !== 0) continue;
        cfg.weights[k] = 1.02 * synapseFloor(cfg, i < cfg.nE, j < cfg.nE);
      }
  const proto = protocol({
    stepsPerTrial: 60,
    windowStart: 17,
    driveE: 5.5,
    driveI: 26,
    pulses: [],
  });
  // running averages spread over [0, 20): some under the rectification floor (1)
  const rng = new CounterStream(7, 5);
  const avg = Float32Array.from({ length: cfg.batch * N }, () => 20 * rng.uniform() ** 2);
  const c = cpu.createRateSimulation(cfg, proto);
  const g = gpu.backend.createRateSimulation(cfg, proto);
  for (const sim of [c, g]) {
    sim.restore({ avg });
    for (let t = 0; t < 2; t++) {
      sim.beginTrial(t);
      sim.runSteps(0, 60);
      sim.endTrial();
    }
  }
  const rc = await c.read();
  const rg = await g.read();
  c.dispose();
  g.dispose();
  expect(gpu.errors).toEqual([]);
  const d: Record<string, Diff> = {};
  for (const k of ['trialMean', 'avg', 'weights', 'rates'] as const)
    d[k] = expectClose(`${name} ${k}`, rg[k], rc[k]);
  // masks: a non-plastic class keeps its weights exactly; floors: hit on both backends
  let floored = 0;
  let changed = 0;
  for (let b = 0; b < cfg.batch; b++)
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        const k = b * N * N + i * N + j;
        const postE = i < cfg.nE;
        const preE = j < cfg.nE;
        if (i === j && !cfg.selfConnections) {
          expect(rg.weights[k]).toBe(0);
          continue;
        }
        if (rule === 'none' || !mask[classOf(postE, preE)]) {
          expect(rg.weights[k]).toBe(cfg.weights[k]);
          continue;
        }
        const fl = Math.fround(synapseFloor(cfg, postE, preE));
        if (rc.weights[k] === fl) {
          floored++;
          expect(rg.weights[k]).toBe(fl);
        }
        if (rc.weights[k] !== cfg.weights[k]) changed++;
      }
  if (rule !== 'none') {
    expect(floored, 'some weights are on their floor').toBeGreaterThan(0);
    expect(changed, 'plastic weights moved').toBeGreaterThan(floored);
  }
  return d;
}

describe('trial_end vs CPU', () => {
  RULES.forEach((rule, r) => {
    it(`two-pop, B = 37, ${rule}`, async () => {
      const base = twoPopConfig(37, 40 + r);
      const d = await check(`two-pop ${rule}`, base, rule, MASKS[rule][0]);
      console.log(`trial_end two-pop ${rule}:`, fmt(d));
    });
    it(`multi-unit nE = 13, nI = 6, B = 3, ${rule}`, async () => {
      const d = await check(`13/6 ${rule}`, multiConfig(3, 13, 6, 50 + r), rule, MASKS[rule][1]);
      console.log(`trial_end 13/6 ${rule}:`, fmt(d));
    });
  });
  it('multi-unit nE = 70, nI = 30 (trial_end workgroup of 128 threads), two-term', async () => {
    const d = await check('70/30 two-term', multiConfig(2, 70, 30, 61), 'two-term', MASK_ALL);
    console.log('trial_end 70/30 two-term:', fmt(d));
  });
});
