/**
 * Lab claims of Mackwood, Naumann & Sprekeler 2021, checked on the classroom size (64 Pyr,
 * 8 PV, 6³ stimuli; learning rate 2e-3, 30 passes of mini-batches of 27 stimuli), which
 * behaves like the paper size on every measure asserted here (see BENCHMARKS.md and the
 * README for the paper-size runs). CPU reference backend; each run is seeded.
 *
 * Bounds are the issue's: after learning with both plastic r(output, RS) > 0.5,
 * r(input, RS) > 0.5, r(input, output) > 0.4 over all detectable synapses and PV median
 * skewness clearly above its initial value; output KO: output–RS correlation significant in
 * < 5% of n = 100 samples; input KO: PV selectivity change small next to both-plastic;
 * perturbation: slope of influence vs RF correlation positive before and negative after —
 * at this size only the drop is reproduced (see the perturbation test).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaults, type ParamValues } from '../../src/model/params';
import { ASM_PARAMS, asmConfig } from '../../src/labs/assemblies/params';
import { ASM_PRESETS } from '../../src/labs/assemblies/presets';
import { buildNetwork } from '../../src/labs/assemblies/network';
import { CpuAsmEngine } from '../../src/labs/assemblies/cpuEngine';
import { runAssemblies, type AsmResult } from '../../src/labs/assemblies/runner';
import { asmSummary, type AsmSummary } from '../../src/labs/assemblies/summary';

function values(over: ParamValues): ParamValues {
  const classroom = ASM_PRESETS.find((p) => p.id === 'classroom')!;
  return { ...defaults(ASM_PARAMS), ...classroom.values, samples: 2000, ...over };
}

async function run(over: ParamValues, seed = 1): Promise<{ s: AsmSummary; r: AsmResult }> {
  const v = values(over);
  const net = buildNetwork(asmConfig(v), seed);
  const r = await runAssemblies(new CpuAsmEngine(net), v, seed);
  return { s: asmSummary(net, r, v, { backend: 'cpu', seed }), r };
}

describe('E/I assemblies (classroom size, CPU)', () => {
  let both: AsmSummary;
  let koOut: AsmSummary;
  let koIn: AsmSummary;
  beforeAll(async () => {
    both = (await run({ plastic: 'both', perturb_cells: 16 })).s;
    koOut = (await run({ plastic: 'input', perturb_cells: 0 })).s;
    koIn = (await run({ plastic: 'output', perturb_cells: 0 })).s;
  }, 300_000);

  it('both plastic: weights correlate with response similarity and with each other (Fig 1e)', () => {
    expect(both.converged_fraction).toBe(1);
    expect(both.corr_output_rs!).toBeGreaterThan(0.5);
    expect(both.corr_input_rs!).toBeGreaterThan(0.5);
    expect(both.corr_input_output!).toBeGreaterThan(0.4);
    expect(both.p_output_rs!).toBeLessThan(1e-6);
    // before learning there is no positive output–RS relation in the random network
    expect(both.frac_sig_output_rs_before!).toBeLessThan(0.05);
    expect(both.frac_sig_output_rs!).toBeGreaterThan(0.95);
    expect(both.loss_final!).toBeLessThan(0.6 * both.loss_initial!);
  });

  it('both plastic: PV cells become clearly more selective (Fig 1c; Mann–Whitney)', () => {
    expect(both.pv_skew_median_after! - both.pv_skew_median_before!).toBeGreaterThan(0.3);
    expect(both.pv_skew_mannwhitney_p!).toBeLessThan(0.05);
  });

  it('output plasticity KO: output–RS correlation almost never significant (Fig 2f)', () => {
    expect(koOut.frac_sig_output_rs!).toBeLessThan(0.05);
    // input weights still follow RS (99% of samples in the paper)
    expect(koOut.frac_sig_input_rs!).toBeGreaterThan(0.9);
  });

  it('input plasticity KO: PV selectivity changes little next to both-plastic (Fig 3c)', () => {
    const dBoth = both.pv_skew_median_after! - both.pv_skew_median_before!;
    const dKo = koIn.pv_skew_median_after! - koIn.pv_skew_median_before!;
    expect(Math.abs(dKo)).toBeLessThan(0.5 * dBoth);
  });

  // The paper (Fig 4d, 512 Pyr) finds the slope turning negative after learning. At the
  // classroom size it falls but stays positive (0.116 → 0.053 here; 0.092 → 0.022 with 16 PV
  // cells, 0.052 → 0.015 with 125 Pyr cells: it falls with size, scratch runs recorded in the
  // issue note), because each Pyr cell's E→E weight (row sum 2) is spread over 8× fewer
  // partners than in the paper. What this size does reproduce is asserted here; the sign
  // flip is asserted on the medium size (216 Pyr, 27 PV) in assemblies.fig4.test.ts.
  it('perturbation: learning lowers the influence on similarly tuned cells (Fig 4d) and output weight predicts it (Fig 4e)', () => {
    expect(both.perturb_slope_before!).toBeGreaterThan(0);
    expect(both.perturb_slope_after!).toBeLessThan(0.6 * both.perturb_slope_before!);
    // Fig 4e: total Pyr→PV output weight vs mean influence, r ≈ −0.6 in the paper
    expect(both.perturb_r_outweight_influence!).toBeLessThan(-0.4);
    // learning decorrelates Pyr receptive fields (E[R²] 0.06 → 0.02 in the paper)
    expect(both.expected_R2_after!).toBeLessThan(both.expected_R2_before!);
  });
});
