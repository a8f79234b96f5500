/**
 * Co-tuning sweeps beyond Fig 2 (src/labs/cotuning/study.ts): one assembly ratio with the
 * others fixed (Fig 4) and the connection probability p at a fixed W·p (Fig 5, "coupling
 * scaled by 1/p"). The configurations per value, the parameter checks, and Fig 5's claim on a
 * small network: sparser networks (p 0.2) correlate more between groups and learn less
 * diverse weights than dense ones at the same mean recurrent input (3 seeds checked while
 * writing this: D_code 0.04–0.09 vs 0.40–0.69, C_out(EE) 0.67–0.73 vs 0.43–0.51).
 */
import { describe, expect, it } from 'vitest';
import { CpuSpikingSim } from '../../src/engine/spiking/cpu/cpuSim';
import { defaults } from '../../src/model/params';
import { COTUNING_PARAMS, crossCheck } from '../../src/labs/cotuning/params';
import { DEFAULT_COTUNING } from '../../src/labs/cotuning/network';
import { runCotuningStudy, sweepLabel, sweptConfig } from '../../src/labs/cotuning/study';
import type { SimFactory } from '../../src/labs/cotuning/runner';

const cpu: SimFactory = (net) => new CpuSpikingSim(net);

describe('co-tuning sweeps of assembly ratios and sparsity', () => {
  it('each value changes only its parameter (p keeps W·p), with recurrence on', () => {
    const base = { ...DEFAULT_COTUNING, W: 3, p: 0.5, R: { EE: 2, EI: 3, IE: 4, II: 5 } };
    const a = sweptConfig(base, 'R_IE', 7);
    expect(a.R).toEqual({ EE: 2, EI: 3, IE: 7, II: 5 });
    expect(a.recurrent).toBe(true);
    expect(base.R.IE).toBe(4); // not mutated
    const b = sweptConfig(base, 'p', 0.25);
    expect(b.p).toBe(0.25);
    expect(b.W * b.p).toBeCloseTo(base.W * base.p, 12);
    expect(sweptConfig(base, 'noise', 0.3)).toEqual({ ...base, noise: 0.3 });
    expect(sweepLabel('R_EE')).toMatch(/assembly ratio R_EE/);
    expect(sweepLabel('p')).toMatch(/W·p fixed/);
  });

  it('refuses sweeps of p outside (0, 1] and of non-positive ratios', () => {
    const v = defaults(COTUNING_PARAMS);
    const msg = (over: Record<string, unknown>) =>
      crossCheck({ ...v, ...over } as typeof v).map((e) => e.message);
    expect(msg({ sweep: 'p', sweep_from: 0, sweep_to: 1 })).toContain(
      'a sweep of p runs in (0, 1]',
    );
    expect(msg({ sweep: 'p', sweep_from: 0.1, sweep_to: 1 })).toEqual([]);
    expect(msg({ sweep: 'R_EI', sweep_from: 0, sweep_to: 8 })).toContain(
      'assembly ratios are positive (1 = uniform)',
    );
  });

  it('Fig 5: at the same W·p, a sparse network (p 0.2) correlates more and diversifies less', async () => {
    const v = {
      ...defaults(COTUNING_PARAMS),
      N: 400,
      learn_time: 1,
      duration: 1,
      tuning_reps: 0,
      W: 3,
      p: 0.5,
      noise: 0.2,
      sweep: 'p',
      sweep_from: 0.2,
      sweep_to: 1,
      sweep_points: 2,
    };
    const r = await runCotuningStudy(v, 1, cpu, undefined);
    expect(r.sweep.map((s) => s.value)).toEqual([0.2, 1]);
    const [sparse, dense] = r.sweep;
    expect(sparse.C_out_EE).toBeGreaterThan(dense.C_out_EE + 0.1);
    expect(dense.D_code!).toBeGreaterThan(sparse.D_code! + 0.2);
    // the study's own run has the last value, recurrent, W·p = 1.5
    expect(r.cfg.p).toBe(1);
    expect(r.cfg.W).toBeCloseTo(1.5, 12);
  });
});
