/**
 * rate_steps_thread.wgsl (one thread per network) against the CPU reference (rateStepsPair /
 * rateSteps), with noise, pulses (add and silence, E and I), drives, monitors, trial-mode
 * plasticity, trial boundaries, protocol changes, odd runSteps chunks and odd dispatch sizes,
 * batch sizes that are not multiples of the workgroup size (64), and a global step counter
 * that crosses 2^32 inside a chunk.
 *
 * Tolerance (harness TOL) on every element of rates, eta, avg, trialMean, weights and
 * monitor. The differences come from the normals (see rng.test.ts) and the GPU's division;
 * the measured maxima are printed by each test. On SwiftShader after 36 000 steps (B = 37):
 * |Δ| ≤ 1e-6 for rates, η, averages and weights, ≤ 7e-6 for monitors; B = 1025: one monitor
 * sample at an I unit's threshold crossing differs by 6e-5 (2e-4 relative), all else ≤ 2e-6.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { N_MONITOR, type TrialProtocol } from '../../src/model/rateNetwork';
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

describe('rate_steps_thread vs CPU', () => {
  // Two-population networks run on rate_steps_pair (scalar locals) by default; the same
  // inputs also go through the general per-thread kernel.
  for (const [kernel, scalarPair] of [
    ['rate_steps_pair', true],
    ['rate_steps_thread', false],
  ] as const)
    it(`${kernel}: two-pop, B = 37, 3 trials × 12 000 steps, pulses, silence, drives, odd chunks, 777-step dispatches`, async () => {
      const base = protocol({
        stepsPerTrial: 12_000,
        windowStart: 8_999,
        driveE: 0.5,
        driveI: 0.25,
        recordEvery: 7,
        monitorCount: 3,
        pulses: [
          { target: 'E', startStep: 249, endStep: 350, amplitude: 7, mode: 'add' },
          { target: 'I', startStep: 3000, endStep: 3500, amplitude: 3, mode: 'add' },
          { target: 'E', startStep: 3200, endStep: 3300, amplitude: -1.5, mode: 'add' },
        ],
      });
      const silence: TrialProtocol = {
        ...base,
        pulses: [
          base.pulses[0],
          { target: 'E', startStep: 5000, endStep: 5400, amplitude: 0, mode: 'silence' },
          { target: 'I', startStep: 9500, endStep: 9600, amplitude: 0, mode: 'silence' },
          { target: 'I', startStep: 9000, endStep: 11000, amplitude: 2, mode: 'add' },
        ],
      };
      const noReset: TrialProtocol = { ...base, resetRates: false };
      const p = await runBoth(
        gpu,
        twoPopConfig(37, 5),
        base,
        [
          { cuts: [1, 333, 1001, 4999, 11_998] },
          { cuts: [7777], protocol: silence },
          { cuts: [2], protocol: noReset },
        ],
        { stepsPerDispatch: 777, scalarPair },
      );
      const d = expectReadoutsClose('B=37', p);
      console.log(`${kernel} B=37:`, fmt(d));
      // the run did something: Up states and plasticity
      expect(Math.max(...p.cpu.trialMean)).toBeGreaterThan(1);
      expect(p.cpu.weights.some((w, i) => w !== twoPopConfig(37, 5).weights[i])).toBe(true);
    });

  it('two-pop, B = 1025 (not a multiple of 64), every network monitored, 2 trials', async () => {
    const proto = protocol({
      stepsPerTrial: 1500,
      windowStart: 999,
      recordEvery: 10,
      monitorCount: 1025,
    });
    const p = await runBoth(gpu, twoPopConfig(1025, 9), proto, [{ cuts: [701] }, { cuts: [] }]);
    const d = expectReadoutsClose('B=1025', p);
    console.log('thread B=1025:', fmt(d));
    expect(p.gpu.monitor.length).toBe(150 * 1025 * N_MONITOR);
  });

  it('the 64-bit global step counter: a trial whose steps cross 2^32', async () => {
    // trial 2147483 × 2000 steps starts at g = 4 294 966 000; g = 2^32 at step 1296
    const trial = 2_147_483;
    const proto = protocol({ stepsPerTrial: 2000, windowStart: 1000 });
    const cfg = twoPopConfig(5, 21);
    const { cpu } = await import('./harness');
    const c = cpu.createRateSimulation(cfg, proto);
    const g = gpu.backend.createRateSimulation(cfg, proto);
    for (const sim of [c, g]) {
      sim.beginTrial(trial);
      sim.runSteps(0, 1295);
      sim.runSteps(1295, 1297);
      sim.runSteps(1297, 2000);
      sim.endTrial();
    }
    const p = { cpu: await c.read(), gpu: await g.read() };
    c.dispose();
    g.dispose();
    expect(gpu.errors).toEqual([]);
    const d = expectReadoutsClose('2^32', p);
    console.log('thread 2^32 crossing:', fmt(d));
    // the noise after the crossing is not the noise of step 0 (a wrapped counter would be)
    expect(p.cpu.eta.some((x) => x !== 0)).toBe(true);
  });

  it('small multi-unit network on the thread kernel (nE = 5, nI = 3, no autapses, two-term rule)', async () => {
    const cfg = multiConfig(37, 5, 3, 4, {
      plasticity: plasticity('two-term', { floorTotal: 0.3 }),
    });
    cfg.E.alpha = 2e-3;
    cfg.I.alpha = 2e-3;
    const p = await runBoth(gpu, cfg, protocol({ stepsPerTrial: 2000, windowStart: 1499 }), [
      { cuts: [1111] },
      { cuts: [] },
    ]);
    const d = expectReadoutsClose('8 units', p);
    console.log('thread nE=5 nI=3:', fmt(d));
    // no autapses on either backend
    for (let b = 0; b < 37; b++)
      for (let i = 0; i < 8; i++) expect(p.gpu.weights[b * 64 + i * 9]).toBe(0);
  });
});
