import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/engine/cpu/cpuBackend';
import { runIsn } from '../../src/labs/isn/runner';
import { defaults, type ParamValues } from '../../src/model/params';
import { ISN_PARAMS } from '../../src/labs/isn/params';
import { findPreset } from '../../src/labs/isn/presets';
import { balanceLines, neuronParamsFrom } from '../../src/labs/isn/analytics';

describe('Fig 4F–G: cross-homeostatic rules reach other set points', () => {
  it('E_set 10, I_set 14: both reached within 400 trials, weights on the new balance lines', async () => {
    const v: ParamValues = {
      ...defaults(ISN_PARAMS),
      ...findPreset('setpoints')!.values,
      trials: 400,
    };
    expect(v.E_set).toBe(10);
    const r = await runIsn(new CpuBackend(), v, 1, { readEvery: 50 });
    const h = r.history.at(-1)!;
    expect(Math.abs(h.avgE[0] - 10)).toBeLessThan(0.5);
    expect(Math.abs(h.avgI[0] - 14)).toBeLessThan(1);
    // the final weights lie on the balance lines of the NEW set points (eqs 4–5), up to noise
    const bl = balanceLines(neuronParamsFrom(v), 10, 14);
    const W = h.W[0];
    expect(Math.abs(W.EI - bl.WEI(W.EE))).toBeLessThan(0.05);
    expect(Math.abs(W.II - bl.WII(W.IE))).toBeLessThan(0.1);
    // …and not on those of the default set points
    const bl0 = balanceLines(neuronParamsFrom(v), 5, 14);
    expect(Math.abs(W.EI - bl0.WEI(W.EE))).toBeGreaterThan(0.5);
  });
});
