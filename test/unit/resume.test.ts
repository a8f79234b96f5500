import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/engine/cpu/cpuBackend';
import { IsnRun } from '../../src/labs/isn/runner';
import { defaults } from '../../src/model/params';
import { ISN_PARAMS } from '../../src/labs/isn/params';

describe('IsnRun.resume', () => {
  it('continues a run on a fresh backend bit for bit (as after a lost GPU device)', async () => {
    const v = { ...defaults(ISN_PARAMS), rule: 'cross', trials: 12, trial_ms: 600, window_ms: 200 };
    const whole = new IsnRun(new CpuBackend(), v, 3);
    await whole.runTrials();
    const first = new IsnRun(new CpuBackend(), v, 3);
    await first.runTrials(5);
    const snap = { trialsDone: first.trial, history: first.history, readout: first.last! };
    const rest = IsnRun.resume(new CpuBackend(), v, 3, {}, snap);
    await rest.runTrials();
    expect(rest.history.length).toBe(12);
    expect(Array.from(rest.last!.weights)).toEqual(Array.from(whole.last!.weights));
    expect(Array.from(rest.last!.avg)).toEqual(Array.from(whole.last!.avg));
  });
});

describe('IsnRun pause within a trial', () => {
  it('stops after a chunk and continues the same trial to the same result', async () => {
    const v = { ...defaults(ISN_PARAMS), rule: 'cross', trials: 3, trial_ms: 400, window_ms: 100 };
    const whole = new IsnRun(new CpuBackend(), v, 8);
    await whole.runTrials();
    let stops = 0;
    const paused = new IsnRun(new CpuBackend(), v, 8, {
      chunksPerTrial: 4,
      shouldStop: () => stops++ % 3 === 0,
    });
    let calls = 0;
    while (!(await paused.runTrials())) calls++;
    expect(calls).toBeGreaterThan(2); // it really stopped mid-run several times
    expect(paused.history.length).toBe(3);
    expect(Array.from(paused.last!.weights)).toEqual(Array.from(whole.last!.weights));
  });
});
