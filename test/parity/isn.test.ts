/**
 * A full short ISN experiment (src/labs/isn/runner.ts, IsnRun) on both backends with the
 * same parameters and seed: the per-trial records (running averages, window means and
 * class-mean weights of every network) agree.
 *
 * The 3⁴ grid of initial conditions includes networks with W_EE = 9.5 that run away to the
 * rate clip and oscillate; there the CPU reference itself moves by up to ~2% when every
 * weight is perturbed by 2 ulps. Those records are therefore compared against the CPU's own
 * sensitivity: |gpu − cpu| ≤ 2e-4 + 1e-3·|cpu| + 4·|cpu − cpu(perturbed)|, which reduces
 * to the plain tolerance for every well-conditioned network (74 of the 81).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, RateSimulation } from '../../src/engine/backend';
import { CpuBackend } from '../../src/engine/cpu/cpuBackend';
import { IsnRun, type IsnRunResult, type TrialRecord } from '../../src/labs/isn/runner';
import { ISN_PARAMS } from '../../src/labs/isn/params';
import { defaults, type ParamValues } from '../../src/model/params';
import type { RateNetworkConfig, TrialProtocol } from '../../src/model/rateNetwork';
import { acquireGpu, expectClose, TOL, type GpuHandle } from './harness';

let gpu: GpuHandle;
beforeAll(async () => {
  gpu = await acquireGpu();
});
afterAll(() => gpu?.backend.dispose());

/** The CPU backend with every initial weight moved by 2 ulps: a measure of sensitivity. */
class PerturbedCpu implements Backend {
  readonly kind = 'cpu' as const;
  readonly label = 'CPU, weights × (1 + 2^-22)';
  private readonly inner = new CpuBackend();
  createRateSimulation(c: RateNetworkConfig, p: TrialProtocol): RateSimulation {
    return this.inner.createRateSimulation(
      { ...c, weights: c.weights.map((w) => Math.fround(w * (1 + 2 ** -22))) },
      p,
    );
  }
  dispose(): void {}
}

async function runOn(backend: Backend, v: ParamValues, seed: number): Promise<IsnRunResult> {
  const run = new IsnRun(backend, v, seed, { readEvery: 1, chunksPerTrial: 3 });
  try {
    await run.runTrials();
    return await run.result();
  } finally {
    run.dispose();
  }
}

type Series = (r: TrialRecord) => Float32Array;
const SERIES: [string, Series][] = [
  ['avgE', (r) => r.avgE],
  ['avgI', (r) => r.avgI],
  ['meanE', (r) => r.meanE],
  ['meanI', (r) => r.meanI],
  ['weights', (r) => Float32Array.from(r.W.flatMap((x) => [x.EE, x.EI, x.IE, x.II]))],
];

describe('IsnRun on WebGPU vs CPU', () => {
  it('two-pop, single network (paper defaults), cross-homeostatic, 8 trials', async () => {
    const v: ParamValues = {
      ...defaults(ISN_PARAMS),
      rule: 'cross',
      trials: 8,
      trial_ms: 600,
      window_ms: 200,
      alpha_E: 5e-3,
      alpha_I: 5e-3,
    };
    const c = await runOn(new CpuBackend(), v, 3);
    const g = await runOn(gpu.backend, v, 3);
    expect(gpu.errors).toEqual([]);
    expect(g.history.length).toBe(8);
    let worst = 0;
    c.history.forEach((rc, t) => {
      for (const [name, f] of SERIES)
        worst = Math.max(worst, expectClose(`trial ${t} ${name}`, f(g.history[t]), f(rc)).maxRel);
    });
    console.log(`ISN two-pop: 8 trials, worst relative difference ${worst.toExponential(2)}`);
    expect(Math.abs(c.history[7].W[0].EE - c.history[0].W[0].EE)).toBeGreaterThan(1e-3); // it learned
    expect(c.history[7].meanE[0]).toBeGreaterThan(1); // Up states
  });

  it('two-pop, the 81-network grid of initial conditions, cross-homeostatic, 5 trials', async () => {
    const v: ParamValues = {
      ...defaults(ISN_PARAMS),
      rule: 'cross',
      starts: 'grid',
      trials: 5,
      trial_ms: 400,
      window_ms: 100,
    };
    const c = await runOn(new CpuBackend(), v, 42);
    const cp = await runOn(new PerturbedCpu(), v, 42);
    const g = await runOn(gpu.backend, v, 42);
    expect(gpu.errors).toEqual([]);
    expect(g.setup.config.batch).toBe(81);
    let sensitive = 0;
    let worstPlain = 0;
    c.history.forEach((rc, t) => {
      for (const [name, f] of SERIES) {
        const a = f(g.history[t]);
        const b = f(rc);
        const bp = f(cp.history[t]);
        for (let k = 0; k < b.length; k++) {
          const sens = Math.abs(b[k] - bp[k]);
          const allowed = TOL.atol + TOL.rtol * Math.abs(b[k]) + 4 * sens;
          const d = Math.abs(a[k] - b[k]);
          if (!(d <= allowed))
            throw new Error(
              `trial ${t} ${name}[${k}]: GPU ${a[k]} vs CPU ${b[k]} (CPU perturbed ${bp[k]})`,
            );
          if (sens > 1e-5 * Math.abs(b[k]) + 1e-7) sensitive++;
          else worstPlain = Math.max(worstPlain, d / (1e-6 + Math.abs(b[k])));
        }
      }
    });
    console.log(
      `ISN grid: ${sensitive} sensitive records; the others agree to ${worstPlain.toExponential(2)} (relative)`,
    );
    expect(worstPlain).toBeLessThan(1e-4);
    expect(sensitive).toBeLessThan(0.2 * 5 * 81 * 8);
  });

  it('multi-unit (16 E, 4 I), two-term, 4 trials', async () => {
    const v: ParamValues = {
      ...defaults(ISN_PARAMS),
      model: 'multi-unit',
      N_E: 16,
      N_I: 4,
      rule: 'two-term',
      alpha_E: 1e-3,
      alpha_I: 1e-3,
      trials: 4,
      trial_ms: 300,
      window_ms: 100,
      w_init_mean: 0.2,
    };
    const c = await runOn(new CpuBackend(), v, 7);
    const g = await runOn(gpu.backend, v, 7);
    expect(gpu.errors).toEqual([]);
    let worst = 0;
    c.history.forEach((rc, t) => {
      for (const [name, f] of SERIES)
        worst = Math.max(worst, expectClose(`trial ${t} ${name}`, f(g.history[t]), f(rc)).maxRel);
    });
    console.log(`ISN multi-unit: worst relative difference ${worst.toExponential(2)}`);
    expect(c.history[3].meanE[0]).toBeGreaterThan(0);
  });
});
