/**
 * The "fast" schedule (mini-batches of stimuli solved in parallel, one summed update per
 * mini-batch) reaches the same end state as the reference's online "paper" schedule (one
 * update per stimulus), on the classroom size with the same seed, passes and learning rate.
 * Tolerances (stated): final loss within 5%, Pearson r of the three weight correlations within
 * 0.15, PV median skewness within 0.5.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaults, type ParamValues } from '../../src/model/params';
import { ASM_PARAMS, asmConfig } from '../../src/labs/assemblies/params';
import { ASM_PRESETS } from '../../src/labs/assemblies/presets';
import { buildNetwork } from '../../src/labs/assemblies/network';
import { CpuAsmEngine } from '../../src/labs/assemblies/cpuEngine';
import { runAssemblies } from '../../src/labs/assemblies/runner';
import { asmSummary, type AsmSummary } from '../../src/labs/assemblies/summary';

async function run(over: ParamValues): Promise<AsmSummary> {
  const classroom = ASM_PRESETS.find((p) => p.id === 'classroom')!;
  const v = {
    ...defaults(ASM_PARAMS),
    ...classroom.values,
    samples: 500,
    perturb_cells: 0,
    epochs: 20,
    ...over,
  };
  const net = buildNetwork(asmConfig(v), 3);
  const r = await runAssemblies(new CpuAsmEngine(net), v, 3);
  return asmSummary(net, r, v, { backend: 'cpu', seed: 3 });
}

describe('fast vs paper schedule (classroom size)', () => {
  let paper: AsmSummary;
  let fast: AsmSummary;
  beforeAll(async () => {
    paper = await run({ schedule: 'paper' });
    fast = await run({ schedule: 'fast', batch: 27 });
  }, 300_000);

  it('reach the same loss and weight–RS structure', () => {
    expect(Math.abs(fast.loss_final! / paper.loss_final! - 1)).toBeLessThan(0.05);
    expect(Math.abs(fast.corr_output_rs! - paper.corr_output_rs!)).toBeLessThan(0.15);
    expect(Math.abs(fast.corr_input_rs! - paper.corr_input_rs!)).toBeLessThan(0.15);
    expect(Math.abs(fast.corr_input_output! - paper.corr_input_output!)).toBeLessThan(0.15);
    expect(Math.abs(fast.pv_skew_median_after! - paper.pv_skew_median_after!)).toBeLessThan(0.5);
  });
});
