/**
 * The reduced-model lab's run: the summary (the CLI's summary.json and --json line; the keys
 * C_EI_int, C_EE_ext, C_II_ext, C_EI_ext are public) and its CSV exports.
 *
 * The four keys come from the chosen mode (exact: C9, checked against the Lyapunov equation;
 * simulate: Euler–Maruyama). Beside them: the exact values, eq C10 *as printed in the paper*
 * (only for the two homogeneous networks it can refer to), the simulation's standard errors
 * and the Euler–Maruyama chain's own exact stationary values (what the simulation converges
 * to at its dt), stability, the optional sweep and clustering search. No value is ever NaN:
 * what cannot be computed is null, with the reason in `error` or `warnings`.
 */
import type { ParamValues } from '../../model/params';
import { c10ForCoefficients, type HomogeneousFamily } from './closedForm';
import { clusteringCsv, optimalClustering, type ClusteringResult } from './clustering';
import {
  CORRELATION_KEYS,
  LYAPUNOV_MAX_M,
  eulerStationaryCorrelations,
  exactCorrelations,
  type Correlations,
} from './exact';
import { stability, type Eigenvalue, type ReducedCoefficients } from './model';
import { coefficientsFromValues, sweepRange } from './params';
import { simulateReduced } from './simulate';

type Maybe = Correlations | null;

export interface SweepRow {
  /** the swept value (W, or r = σ_int/(σ_int + σ_ext)) */
  x: number;
  stable: boolean;
  exact: Maybe;
  c10_as_printed: Maybe;
  /** simulate mode: every point is simulated with the run's seed (common random numbers) */
  simulated: Maybe;
  simulated_se: Maybe;
}

export interface ReducedSummary {
  lab: 'reduced';
  mode: string;
  seed: number;
  M: number;
  structure: string;
  C_EI_int: number | null;
  C_EE_ext: number | null;
  C_II_ext: number | null;
  C_EI_ext: number | null;
  /** exact stationary correlations (C9; equal to the Lyapunov solution) */
  exact: Maybe;
  exact_method: string;
  /** relative residual of the Lyapunov solve, and max |C9 − Lyapunov| */
  lyapunov_residual: number | null;
  c9_vs_lyapunov: number | null;
  /** eq C10 as printed in the paper (null unless the network is one of the homogeneous ones) */
  c10_as_printed: Maybe;
  /** r as printed (σ_int/(σ_int + σ_ext)) used for C10 */
  c10_r: number | null;
  c10_network: HomogeneousFamily | null;
  c10_note: string;
  /** C10 with r = σ_ext/σ and the (M−1)² fix (EI Lab's reading, not printed) */
  c10_eilab_reading: Maybe;
  simulated: Maybe;
  simulated_se: Maybe;
  /** exact stationary correlations of the Euler–Maruyama chain at dt (simulate mode, M ≤ 16) */
  euler_exact: Maybe;
  simulation: {
    dt: number;
    T: number;
    burn_in: number;
    batches: number;
    steps: number;
    wall_s: number;
  } | null;
  stable: boolean;
  max_real_eigenvalue: number | null;
  slowest_timescale: number | null;
  eigenvalues: Eigenvalue[];
  coefficients: ReducedCoefficients;
  clustering:
    (ClusteringResult & { W: number; loss_uniform: number | null }) | { error: string } | null;
  sweep: { variable: 'W' | 'r'; rows: SweepRow[] } | null;
  warnings: string[];
  /** why there are no correlations (no stationary state, a simulation that diverged) */
  error: string | null;
  params: ParamValues;
}

const fin = (x: number) => (Number.isFinite(x) ? x : null);

function clean(c: Correlations | null | undefined): Maybe {
  if (!c) return null;
  const out = {} as Correlations;
  for (const k of CORRELATION_KEYS) {
    const v = fin(c[k]);
    if (v === null) return null;
    out[k] = v;
  }
  return out;
}

function simOptions(v: ParamValues, seed: number) {
  return {
    dt: Number(v.dt),
    T: Number(v.T),
    burnIn: Number(v.burn_in),
    batches: Number(v.batches),
    seed,
  };
}

function point(p: ReducedCoefficients, v: ParamValues, seed: number, x: number): SweepRow {
  const st = stability(p);
  const row: SweepRow = {
    x,
    stable: st.stable,
    exact: null,
    c10_as_printed: null,
    simulated: null,
    simulated_se: null,
  };
  if (!st.stable) return row;
  try {
    row.exact = clean(exactCorrelations(p, { lyapunov: false }).correlations);
  } catch {
    row.exact = null;
  }
  row.c10_as_printed = clean(c10ForCoefficients(p)?.asPrinted);
  if (v.mode === 'simulate') {
    try {
      const s = simulateReduced(p, simOptions(v, seed));
      row.simulated = clean(s.correlations);
      row.simulated_se = clean(s.se);
    } catch {
      row.simulated = null;
    }
  }
  return row;
}

/** Run the lab for the values (validated, cross-checked) and the seed. */
export function reducedSummary(v: ParamValues, seed: number): ReducedSummary {
  const p = coefficientsFromValues(v);
  const st = stability(p);
  const warnings: string[] = [];
  const s: ReducedSummary = {
    lab: 'reduced',
    mode: String(v.mode),
    seed,
    M: p.M,
    structure: String(v.structure),
    C_EI_int: null,
    C_EE_ext: null,
    C_II_ext: null,
    C_EI_ext: null,
    exact: null,
    exact_method: p.M <= LYAPUNOV_MAX_M ? 'C9 and Lyapunov' : 'C9',
    lyapunov_residual: null,
    c9_vs_lyapunov: null,
    c10_as_printed: null,
    c10_r: null,
    c10_network: null,
    c10_note: '',
    c10_eilab_reading: null,
    simulated: null,
    simulated_se: null,
    euler_exact: null,
    simulation: null,
    stable: st.stable,
    max_real_eigenvalue: fin(st.maxRealPart),
    slowest_timescale: fin(st.slowestTimescale),
    eigenvalues: st.eigenvalues,
    coefficients: p,
    clustering: null,
    sweep: null,
    warnings,
    error: null,
    params: { ...v },
  };

  const c10 = c10ForCoefficients(p);
  if (c10) {
    s.c10_as_printed = clean(c10.asPrinted);
    s.c10_r = c10.r;
    s.c10_network = c10.family;
    s.c10_eilab_reading = clean(c10.eiLabReading);
    s.c10_note =
      'eq C10 as printed in the paper (r = σ_int/σ as printed). It is exact only for the homogeneous network of the authors’ code with r read as σ_ext/σ and (M−1)² in place of (M−1) in C10a/b (c10_eilab_reading); it does not describe the network printed in Appendix C2 unless M = 2 and σ_int = σ_ext.';
  } else
    s.c10_note =
      'eq C10 is given only for the homogeneous network (W_EE = W_IE = −W_EI = −W_II) with the in-group coefficients of Appendix C2 or of the authors’ code, and some noise';

  if (!st.stable) {
    s.error = st.message;
  } else {
    try {
      const ex = exactCorrelations(p);
      s.exact = clean(ex.correlations);
      s.lyapunov_residual = ex.lyapunov ? fin(ex.lyapunov.residual) : null;
      s.c9_vs_lyapunov = ex.c9VsLyapunov === null ? null : fin(ex.c9VsLyapunov);
      if (ex.lyapunov && ex.lyapunov.residual > 1e-8)
        warnings.push(`the Lyapunov solve has a relative residual of ${ex.lyapunov.residual}`);
    } catch (e) {
      s.error = e instanceof Error ? e.message : String(e);
    }
    let chosen: Maybe = s.exact;
    if (v.mode === 'simulate' && s.error === null) {
      const o = simOptions(v, seed);
      try {
        const sim = simulateReduced(p, o);
        s.simulated = clean(sim.correlations);
        s.simulated_se = clean(sim.se);
        s.simulation = {
          dt: o.dt,
          T: o.T,
          burn_in: o.burnIn,
          batches: o.batches,
          steps: sim.steps,
          wall_s: sim.wallMs / 1000,
        };
        const batchLen = sim.stepsPerBatch * o.dt;
        if (batchLen < 20 * st.slowestTimescale)
          warnings.push(
            `each batch (${batchLen.toPrecision(3)} τ) is shorter than 20 × the slowest relaxation time (${st.slowestTimescale.toPrecision(3)} τ): the standard errors are too small; raise T or lower batches`,
          );
        if (o.burnIn < 10 * st.slowestTimescale)
          warnings.push(
            `the burn-in (${o.burnIn} τ) is shorter than 10 × the slowest relaxation time (${st.slowestTimescale.toPrecision(3)} τ)`,
          );
        if (p.M <= LYAPUNOV_MAX_M) s.euler_exact = clean(eulerStationaryCorrelations(p, o.dt));
      } catch (e) {
        s.error = `simulation: ${e instanceof Error ? e.message : String(e)}`;
      }
      chosen = s.simulated;
    }
    if (s.error === null && chosen) {
      s.C_EI_int = chosen.C_EI_int;
      s.C_EE_ext = chosen.C_EE_ext;
      s.C_II_ext = chosen.C_II_ext;
      s.C_EI_ext = chosen.C_EI_ext;
    }
  }

  if (v.cluster === true) {
    const W = Number(v.W);
    try {
      const res = optimalClustering({ M: p.M, W, sigmaInt: p.sigmaInt, sigmaExt: p.sigmaExt });
      s.clustering = { ...res, W, loss_uniform: res.uniform ? res.uniform.loss : null };
    } catch (e) {
      s.clustering = { error: e instanceof Error ? e.message : String(e) };
    }
  }

  if (v.sweep === 'W' || v.sweep === 'r') {
    const { from, to, points } = sweepRange(v);
    const rows: SweepRow[] = [];
    const sigma = p.sigmaInt + p.sigmaExt;
    for (let k = 0; k < points; k++) {
      const x = from + ((to - from) * k) / (points - 1);
      const q =
        v.sweep === 'W'
          ? coefficientsFromValues(v, x)
          : { ...p, sigmaInt: x * sigma, sigmaExt: (1 - x) * sigma };
      rows.push(point(q, v, seed, x));
    }
    s.sweep = { variable: v.sweep, rows };
    const bad = rows.filter((r) => !r.stable).length;
    if (bad > 0) warnings.push(`${bad} sweep point(s) have no stationary state (left empty)`);
  }
  return s;
}

const cell = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '' : String(x);

/** The four correlations by source: exact, simulated (± SE), Euler exact, C10 as printed. */
export function correlationsCsv(s: ReducedSummary): string {
  const L = ['quantity,exact,simulated,simulated_se,euler_exact,c10_as_printed,c10_eilab_reading'];
  for (const k of CORRELATION_KEYS)
    L.push(
      [
        k,
        cell(s.exact?.[k]),
        cell(s.simulated?.[k]),
        cell(s.simulated_se?.[k]),
        cell(s.euler_exact?.[k]),
        cell(s.c10_as_printed?.[k]),
        cell(s.c10_eilab_reading?.[k]),
      ].join(','),
    );
  return L.join('\n') + '\n';
}

/** One row per sweep point: exact, C10 as printed and simulated (± SE) side by side. */
export function sweepCsv(s: ReducedSummary): string {
  if (!s.sweep) return '';
  const head = [s.sweep.variable, 'stable'];
  for (const src of ['exact', 'c10_as_printed', 'simulated', 'simulated_se'])
    for (const k of CORRELATION_KEYS) head.push(`${src}_${k}`);
  const L = [head.join(',')];
  for (const r of s.sweep.rows) {
    const row = [String(r.x), r.stable ? '1' : '0'];
    for (const src of [r.exact, r.c10_as_printed, r.simulated, r.simulated_se])
      for (const k of CORRELATION_KEYS) row.push(cell(src?.[k]));
    L.push(row.join(','));
  }
  return L.join('\n') + '\n';
}

export function reducedClusteringCsv(s: ReducedSummary): string {
  if (!s.clustering || 'error' in s.clustering) return '';
  return clusteringCsv(s.clustering);
}
