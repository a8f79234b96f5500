/**
 * Fig 4 of Mackwood et al. 2021 (single-cell perturbations) on the medium size: 216 Pyr
 * cells (6³ preferred stimuli), 27 PV cells, 6³ stimuli, local rules, both plastic, 30 passes
 * in mini-batches of 27 at η = 5e-4 (the size's automatic rate), 10 perturbed cells, CPU.
 *
 * The classroom size (64 Pyr) does not show the sign flip (see assemblies.science.test.ts);
 * this size does: before learning the influence of a perturbed Pyr cell rises with the RF
 * correlation of the measured cell (slope > 0), after learning similarly tuned cells are
 * suppressed (slope < 0); the perturbed cell's total Pyr→PV weight predicts its mean
 * influence (paper: r ≈ −0.6); E[R²] falls (paper: 0.06 → 0.02).
 * Measured with seed 1: slope 0.028 → −0.005, r −0.92, E[R²] 0.059 → 0.024.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../src/model/params';
import { ASM_PARAMS, asmConfig } from '../../src/labs/assemblies/params';
import { buildNetwork } from '../../src/labs/assemblies/network';
import { CpuAsmEngine } from '../../src/labs/assemblies/cpuEngine';
import { runAssemblies } from '../../src/labs/assemblies/runner';
import { asmSummary, type AsmSummary } from '../../src/labs/assemblies/summary';

describe('single-cell perturbations (Fig 4), medium size, CPU', () => {
  let s: AsmSummary;
  beforeAll(async () => {
    const v = {
      ...defaults(ASM_PARAMS),
      size: 'medium',
      schedule: 'fast',
      epochs: 30,
      batch: 27,
      perturb_cells: 10,
      samples: 500,
    };
    const net = buildNetwork(asmConfig(v), 1);
    expect([net.nE, net.nI, net.nS]).toEqual([216, 27, 216]);
    const r = await runAssemblies(new CpuAsmEngine(net), v, 1);
    s = asmSummary(net, r, v, { backend: 'cpu', seed: 1 });
  }, 900_000);

  it('influence vs RF correlation: rising before learning, falling after (Fig 4d)', () => {
    expect(s.converged_fraction).toBe(1);
    expect(s.perturb_slope_before!).toBeGreaterThan(0);
    expect(s.perturb_slope_after!).toBeLessThan(0);
  });

  it('output weight predicts mean influence (Fig 4e) and RF correlations shrink', () => {
    expect(s.perturb_r_outweight_influence!).toBeLessThan(-0.5);
    expect(s.expected_R2_after!).toBeLessThan(0.6 * s.expected_R2_before!);
  });

  it('the assemblies of Fig 1 form at this size too', () => {
    expect(s.corr_output_rs!).toBeGreaterThan(0.5);
    expect(s.corr_input_rs!).toBeGreaterThan(0.5);
    expect(s.corr_input_output!).toBeGreaterThan(0.4);
    expect(s.pv_skew_median_after! - s.pv_skew_median_before!).toBeGreaterThan(0.5);
  });
});
