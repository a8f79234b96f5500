/**
 * rate_steps_workgroup.wgsl (one workgroup per network, threads over units, rates in
 * workgroup memory) against the CPU reference rateSteps: the multi-unit model without
 * autapses, including a network larger than the workgroup (several E slots per thread),
 * monitors of a subset of networks, odd chunks and dispatch sizes, and the two-population
 * network run on this kernel too. Tolerance: harness TOL; measured maxima are printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acquireGpu,
  expectReadoutsClose,
  fmt,
  multiConfig,
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

describe('rate_steps_workgroup vs CPU', () => {
  it('nE = 13, nI = 6, no autapses, B = 3 (2 monitored), 2 trials, odd chunks', async () => {
    const cfg = multiConfig(3, 13, 6, 7);
    const proto = protocol({
      stepsPerTrial: 2400,
      windowStart: 1599,
      driveE: 0.2,
      monitorCount: 2,
      recordEvery: 9,
      pulses: [
        { target: 'E', startStep: 249, endStep: 350, amplitude: 7, mode: 'add' },
        { target: 'I', startStep: 1200, endStep: 1500, amplitude: 1, mode: 'add' },
        { target: 'E', startStep: 2350, endStep: 2380, amplitude: 0, mode: 'silence' },
      ],
    });
    const sim = gpu.backend.createRateSimulation(cfg, proto);
    expect(sim.kernel).toBe('workgroup');
    expect(sim.workgroupSize).toBe(32);
    sim.dispose();
    const p = await runBoth(gpu, cfg, proto, [{ cuts: [1, 1001, 2222] }, { cuts: [1500] }], {
      stepsPerDispatch: 613,
    });
    expect(p.cpu.samples).toBe(Math.ceil(2400 / 9));
    const d = expectReadoutsClose('13/6', p);
    console.log('workgroup nE=13 nI=6:', fmt(d));
    expect(Math.max(...p.cpu.trialMean)).toBeGreaterThan(1);
    for (let b = 0; b < 3; b++)
      for (let i = 0; i < 19; i++) expect(p.gpu.weights[b * 361 + i * 20]).toBe(0);
  });

  it('N = 150 (nE = 100, nI = 50) on 64 threads: several units per thread', async () => {
    const cfg = multiConfig(2, 100, 50, 3);
    const proto = protocol({
      stepsPerTrial: 1200,
      windowStart: 799,
      recordEvery: 5,
      monitorCount: 2,
    });
    const p = await runBoth(gpu, cfg, proto, [{ cuts: [777] }, { cuts: [] }], {
      workgroupSize: 64,
    });
    const d = expectReadoutsClose('150 units', p);
    console.log('workgroup N=150 (64 threads):', fmt(d));
    expect(Math.max(...p.cpu.trialMean)).toBeGreaterThan(1);
  });

  it('the two-population network on the workgroup kernel', async () => {
    const p = await runBoth(
      gpu,
      twoPopConfig(5, 8),
      protocol({ stepsPerTrial: 1600, windowStart: 999 }),
      [{ cuts: [1234] }, { cuts: [] }],
      {
        kernel: 'workgroup',
      },
    );
    const d = expectReadoutsClose('two-pop (workgroup)', p);
    console.log('workgroup two-pop:', fmt(d));
    expect(Math.max(...p.cpu.trialMean)).toBeGreaterThan(1);
  });
});
