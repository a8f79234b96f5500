/**
 * The co-tuning lab's summary (the CLI's public keys: D, B, rate_E, rate_I, C_in_EI, C_out_EE,
 * C_out_EI, C_out_II) and its CSV exports.
 */
import type { ParamValues } from '../../model/params';
import type { CotuningResult } from './runner';
import { pearson } from './measures';

export interface CotuningSummary {
  lab: 'cotuning';
  D: number | null;
  /** diversity as the authors' analysis code computes it (variances; mean of E and I) */
  D_code: number | null;
  B: number | null;
  rate_E: number;
  rate_I: number;
  C_in_EI: number;
  C_out_EE: number;
  C_out_EI: number;
  C_out_II: number;
  rate_readout: number | null;
  cv_isi_E: number | null;
  abc_distance: number;
  /** Appendix B: cosine of C̄w with w, and of the leading eigenvector of C̄ with w */
  convergence_cosine: number | null;
  eigenvector_cosine: number | null;
  /** cos(C̄w, w) for the weights shuffled within E and within I (the baseline to beat) */
  convergence_shuffled_cosine: number | null;
  convergence_centred_cosine: number | null;
  convergence_centred_shuffled_cosine: number | null;
  /** mean read-out rate per group in the tuning test (Fig 1f), Hz */
  tuning_mean: number[];
  /** Pearson r of tuning_mean and w_group_E: > 0 when the read-out prefers the groups it
   *  weights more (Fig 1f); null without a tuning test */
  tuning_r: number | null;
  /** group-mean read-out weights (E, I) */
  w_group_E: number[];
  w_group_I: number[];
  simulated_s: number;
  seed: number;
  backend: string;
  wall_s: number;
  params: ParamValues;
}

const fin = (x: number) => (Number.isFinite(x) ? x : null);

function groupMeans(w: Float32Array, g: readonly number[], M: number): number[] {
  const s = new Array<number>(M).fill(0);
  const c = new Array<number>(M).fill(0);
  w.forEach((x, i) => {
    s[g[i]] += x;
    c[g[i]]++;
  });
  return s.map((x, i) => (c[i] ? x / c[i] : 0));
}

export function cotuningSummary(
  r: CotuningResult,
  params: ParamValues,
  meta: { backend: string; wall_s: number },
): CotuningSummary {
  const M = r.cfg.M;
  const reps = r.tuning.length;
  const tuningMean = reps
    ? Array.from({ length: M }, (_, g) => r.tuning.reduce((a, row) => a + row[g], 0) / reps)
    : [];
  const wGroupE = r.wE.length ? groupMeans(r.wE, r.groupE, M) : [];
  return {
    lab: 'cotuning',
    D: fin(r.D),
    D_code: fin(r.D_code),
    B: fin(r.B),
    rate_E: r.rate_E,
    rate_I: r.rate_I,
    C_in_EI: r.correlations.C_in_EI,
    C_out_EE: r.correlations.C_out_EE,
    C_out_EI: r.correlations.C_out_EI,
    C_out_II: r.correlations.C_out_II,
    rate_readout: fin(r.rate_readout),
    cv_isi_E: fin(r.cv_isi_E),
    abc_distance: r.abc_distance,
    convergence_cosine: r.convergence ? fin(r.convergence.cosine) : null,
    eigenvector_cosine: r.convergence ? fin(r.convergence.eigenCosine) : null,
    convergence_shuffled_cosine: r.convergence ? fin(r.convergence.shuffledCosine) : null,
    convergence_centred_cosine: r.convergence ? fin(r.convergence.centredCosine) : null,
    convergence_centred_shuffled_cosine: r.convergence
      ? fin(r.convergence.centredShuffledCosine)
      : null,
    tuning_mean: tuningMean,
    tuning_r: tuningMean.length && wGroupE.length ? fin(pearson(tuningMean, wGroupE)) : null,
    w_group_E: wGroupE,
    w_group_I: r.wI.length ? groupMeans(r.wI, r.groupI, M) : [],
    simulated_s: (r.steps * r.cfg.dt) / 1000,
    seed: r.seed,
    backend: meta.backend,
    wall_s: meta.wall_s,
    params,
  };
}

export function historyCsv(r: CotuningResult): string {
  return (
    't_s,D,D_code,B,readout_rate_hz\n' +
    r.history.map((h) => `${h.t},${h.D},${h.D_code},${h.B},${h.readoutRate}`).join('\n') +
    '\n'
  );
}

/** The read-out's weights, with Appendix B's C̄w/λ and leading eigenvector per input. */
export function weightsCsv(r: CotuningResult): string {
  const c = r.convergence;
  const nE = r.wE.length;
  const more = (i: number) => (c ? `,${c.cwOverLambda[i]},${c.eigenvector[i]}` : ',,');
  const L = ['type,index,group,w,Cw_over_lambda,leading_eigenvector'];
  r.wE.forEach((w, i) => L.push(`E,${i},${r.groupE[i]},${w}${more(i)}`));
  r.wI.forEach((w, i) => L.push(`I,${i},${r.groupI[i]},${w}${more(nE + i)}`));
  return L.join('\n') + '\n';
}

export function rasterCsv(r: CotuningResult): string {
  const dt = r.cfg.dt;
  const L = ['t_ms,neuron,type,group'];
  for (let q = 0; q < r.raster.ids.length; q++) {
    const id = r.raster.ids[q];
    const e = id < r.nE;
    L.push(
      `${((r.raster.steps[q] * dt) as number).toFixed(1)},${id},${e ? 'E' : 'I'},${e ? r.groupE[id] : r.groupI[id - r.nE]}`,
    );
  }
  return L.join('\n') + '\n';
}

export function currentsCsv(r: CotuningResult): string {
  const c = r.currents;
  const L = ['t_s,I_E_pA,I_I_pA,net_pA,V_mV'];
  for (let i = 0; i < c.t.length; i++)
    L.push(`${c.t[i]},${c.iE[i]},${c.iI[i]},${c.iE[i] + c.iI[i]},${c.v[i]}`);
  return L.join('\n') + '\n';
}

export function tuningCsv(r: CotuningResult): string {
  const M = r.cfg.M;
  return (
    'rep,' +
    Array.from({ length: M }, (_, g) => `group${g}_hz`).join(',') +
    '\n' +
    r.tuning.map((row, i) => `${i},${row.join(',')}`).join('\n') +
    '\n'
  );
}
