/**
 * The assemblies lab's summary (the CLI's public keys, documented in the README) and its
 * CSV exports.
 */
import type { ParamValues } from '../../model/params';
import { median } from './analysis';
import type { AsmNetwork } from './network';
import type { AsmResult } from './runner';

const num = (x: number) => (Number.isFinite(x) ? x : null);

export interface AsmSummary {
  lab: 'assemblies';
  seed: number;
  backend: string;
  size: string;
  n_E: number;
  n_I: number;
  n_stimuli: number;
  schedule: string;
  plastic: string;
  rule: string;
  epochs_run: number;
  corr_output_rs: number | null;
  corr_input_rs: number | null;
  corr_input_output: number | null;
  p_output_rs: number | null;
  p_input_rs: number | null;
  p_input_output: number | null;
  n_output_synapses: number;
  n_input_synapses: number;
  n_reciprocal_pairs: number;
  frac_sig_output_rs: number | null;
  frac_sig_input_rs: number | null;
  frac_sig_input_output: number | null;
  frac_sig_output_rs_before: number | null;
  frac_sig_input_rs_before: number | null;
  frac_sig_input_output_before: number | null;
  pv_skew_median_before: number | null;
  pv_skew_median_after: number | null;
  pyr_skew_median_before: number | null;
  pyr_skew_median_after: number | null;
  pv_skew_mannwhitney_U: number | null;
  pv_skew_mannwhitney_p: number | null;
  perturb_slope_before: number | null;
  perturb_slope_after: number | null;
  perturb_r_outweight_influence: number | null;
  expected_R2_before: number | null;
  expected_R2_after: number | null;
  loss_initial: number | null;
  loss_final: number | null;
  converged_fraction: number | null;
  steps_mean_final: number | null;
  wall_s: { before: number; train: number; after: number };
  stopped_early: boolean;
  params: ParamValues;
}

export function asmSummary(
  net: AsmNetwork,
  r: AsmResult,
  v: ParamValues,
  meta: { backend: string; seed: number },
): AsmSummary {
  const a = r.after;
  const b = r.before;
  const meanSteps = (s: Int32Array) => s.reduce((x, y) => x + y, 0) / Math.max(1, s.length);
  const convFrac = (c: Uint8Array) => c.reduce((x, y) => x + y, 0) / Math.max(1, c.length);
  // loss of the final responses, the same measure as the per-pass loss (converged stimuli)
  const lossOf = (m: typeof a) => {
    const { nE } = net;
    let sum = 0;
    let n = 0;
    for (let s = 0; s < net.nS; s++) {
      if (!m.responses.converged[s]) continue;
      let l = 0;
      for (let j = 0; j < nE; j++) l += (m.responses.hE[s * nE + j] - net.cfg.rho0) ** 2;
      sum += l / nE;
      n++;
    }
    return n > 0 ? sum / n : NaN;
  };
  return {
    lab: 'assemblies',
    seed: meta.seed,
    backend: meta.backend,
    size: String(v.size),
    n_E: net.nE,
    n_I: net.nI,
    n_stimuli: net.nS,
    schedule: String(v.schedule),
    plastic: String(v.plastic),
    rule: String(v.rule),
    epochs_run: r.history.length,
    corr_output_rs: num(a.weights.outputRs.r),
    corr_input_rs: num(a.weights.inputRs.r),
    corr_input_output: num(a.weights.inputOutput.r),
    p_output_rs: num(a.weights.outputRs.p),
    p_input_rs: num(a.weights.inputRs.p),
    p_input_output: num(a.weights.inputOutput.p),
    n_output_synapses: a.weights.sets.output.w.length,
    n_input_synapses: a.weights.sets.input.w.length,
    n_reciprocal_pairs: a.weights.sets.reciprocal.win.length,
    frac_sig_output_rs: num(a.sampling.outputRs.fracSignificant),
    frac_sig_input_rs: num(a.sampling.inputRs.fracSignificant),
    frac_sig_input_output: num(a.sampling.inputOutput.fracSignificant),
    frac_sig_output_rs_before: num(b.sampling.outputRs.fracSignificant),
    frac_sig_input_rs_before: num(b.sampling.inputRs.fracSignificant),
    frac_sig_input_output_before: num(b.sampling.inputOutput.fracSignificant),
    pv_skew_median_before: num(median(b.selectivity.I)),
    pv_skew_median_after: num(median(a.selectivity.I)),
    pyr_skew_median_before: num(median(b.selectivity.E)),
    pyr_skew_median_after: num(median(a.selectivity.E)),
    pv_skew_mannwhitney_U: num(r.pvSkewTest.U),
    pv_skew_mannwhitney_p: num(r.pvSkewTest.p),
    perturb_slope_before: b.perturbation ? num(b.perturbation.slope) : null,
    perturb_slope_after: a.perturbation ? num(a.perturbation.slope) : null,
    perturb_r_outweight_influence: a.perturbation
      ? num(a.perturbation.outWeightVsInfluence.r)
      : null,
    expected_R2_before: num(b.expectedR2),
    expected_R2_after: num(a.expectedR2),
    loss_initial: num(lossOf(b)),
    loss_final: num(lossOf(a)),
    converged_fraction: num(convFrac(a.responses.converged)),
    steps_mean_final: num(meanSteps(a.responses.steps)),
    wall_s: r.wall,
    stopped_early: r.stopped,
    params: { ...v },
  };
}

/** One row per pass: loss, convergence, Euler steps, angles. */
export function historyCsv(r: AsmResult): string {
  const L = ['pass,loss,converged_fraction,steps_mean,steps_max,updates,angle_EI,angle_IE'];
  for (const p of r.history)
    L.push(
      [
        p.pass + 1,
        p.loss,
        p.convergedFraction,
        p.stepsMean,
        p.stepsMax,
        p.updates,
        p.angleEI,
        p.angleIE,
      ]
        .map((x) => (Number.isFinite(x) ? String(x) : ''))
        .join(','),
    );
  return L.join('\n') + '\n';
}

/** Every detectable synapse after learning: pathway, cells, weight, RS (Fig 1e data). */
export function synapsesCsv(r: AsmResult): string {
  const L = ['pathway,pyr,pv,weight,rs'];
  const s = r.after.weights.sets;
  for (let x = 0; x < s.output.w.length; x++)
    L.push(`output,${s.output.e[x]},${s.output.i[x]},${s.output.w[x]},${s.output.rs[x]}`);
  for (let x = 0; x < s.input.w.length; x++)
    L.push(`input,${s.input.e[x]},${s.input.i[x]},${s.input.w[x]},${s.input.rs[x]}`);
  return L.join('\n') + '\n';
}

/** Selectivity (eq 6) of every cell before and after learning. */
export function selectivityCsv(r: AsmResult): string {
  const L = ['population,cell,skew_before,skew_after'];
  const put = (pop: string, b: Float64Array, a: Float64Array) => {
    for (let j = 0; j < a.length; j++) L.push(`${pop},${j},${b[j]},${a[j]}`);
  };
  put('pyr', r.before.selectivity.E, r.after.selectivity.E);
  put('pv', r.before.selectivity.I, r.after.selectivity.I);
  return L.join('\n') + '\n';
}

/** Perturbation experiment binned curves (Fig 4d) before and after. */
export function perturbationCsv(r: AsmResult): string {
  const L = ['stage,rf_corr_center,influence_mean,influence_sem,count'];
  for (const [stage, m] of [
    ['before', r.before],
    ['after', r.after],
  ] as const) {
    const p = m.perturbation;
    if (!p) continue;
    for (let k = 0; k < p.binned.centers.length; k++)
      L.push(
        `${stage},${p.binned.centers[k]},${p.binned.mean[k]},${p.binned.sem[k]},${p.binned.count[k]}`,
      );
  }
  return L.join('\n') + '\n';
}
