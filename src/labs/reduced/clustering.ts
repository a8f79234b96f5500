/**
 * Optimal clustering of the reduced model (Appendix C3, eq C12, Fig 8): choose the assembly
 * strengths r = (r_EE, r_EI, r_IE, r_II) (model.ts assemblyCoupling, the authors' code's
 * parameterisation at fixed coupling W) that minimise
 *
 *   L(r) = (1 − C_EI^int)² + (C_EE^ext)² + (C_EI^ext)² + (C_II^ext)²       (C12)
 *
 * i.e. in-group E–I correlation → 1 and between-group correlations → 0, with the exact
 * stationary correlations of C9 (all groups are alike, so C9 is exact here). Parameters without
 * a stationary state get L = +∞, so the search stays where the equations are defined (the
 * paper: "the optimization algorithm automatically finds solutions where the equations are
 * well-defined").
 *
 * Search (deterministic, derivative-free): every point of a regular grid on the box
 * [lo, hi]⁴ (default [0, 1]⁴, 9 points per axis), then Nelder–Mead from the best few grid
 * points; coordinates are clamped to the box and a point outside is charged its squared
 * distance to the box, so the simplex can lie on a bound without leaving it.
 */
import { CORRELATION_KEYS, correlationsFromMoments, solveC9, type Correlations } from './exact';
import { assemblyCoupling, stability, type AssemblyStrengths } from './model';

export interface ClusteringProblem {
  M: number;
  /** coupling strength W (every pathway's total input is ±W) */
  W: number;
  sigmaInt: number;
  sigmaExt: number;
  /** bounds of every r (default 0 and 1) */
  lo?: number;
  hi?: number;
  /** grid points per axis (default 9) */
  grid?: number;
  /** Nelder–Mead restarts from the best grid points (default 6) */
  starts?: number;
}

export interface ClusteringResult {
  r: AssemblyStrengths;
  loss: number;
  correlations: Correlations;
  /** uniform connectivity (every r = 1/M) for comparison; null when it is not stationary */
  uniform: { loss: number; correlations: Correlations } | null;
  /** loss evaluations used */
  evaluations: number;
}

const NAMES = ['r_EE', 'r_EI', 'r_IE', 'r_II'] as const;

const toR = (v: ArrayLike<number>): AssemblyStrengths => ({
  r_EE: v[0],
  r_EI: v[1],
  r_IE: v[2],
  r_II: v[3],
});

/** Correlations for assemblies r at coupling W; null when there is no stationary state. */
export function assemblyCorrelations(
  pr: Pick<ClusteringProblem, 'M' | 'W' | 'sigmaInt' | 'sigmaExt'>,
  r: AssemblyStrengths,
): Correlations | null {
  const p = { M: pr.M, sigmaInt: pr.sigmaInt, sigmaExt: pr.sigmaExt, ...assemblyCoupling(pr.W, r) };
  if (!stability(p).stable) return null;
  try {
    return correlationsFromMoments(solveC9(p));
  } catch {
    return null;
  }
}

/** Eq C12. */
export function c12Loss(c: Correlations): number {
  return (1 - c.C_EI_int) ** 2 + c.C_EE_ext ** 2 + c.C_EI_ext ** 2 + c.C_II_ext ** 2;
}

/** Minimise f on R^d from x0 (Nelder–Mead, standard coefficients). */
export function nelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  opts: { step?: number; maxEval?: number; fTol?: number; xTol?: number } = {},
): { x: Float64Array; f: number; evaluations: number } {
  const d = x0.length;
  const step = opts.step ?? 0.1;
  const maxEval = opts.maxEval ?? 4000;
  const fTol = opts.fTol ?? 1e-14;
  const xTol = opts.xTol ?? 1e-10;
  let evals = 0;
  const F = (x: Float64Array) => {
    evals++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  const pts: Float64Array[] = [];
  const fv: number[] = [];
  for (let i = 0; i <= d; i++) {
    const x = Float64Array.from(x0);
    if (i > 0) x[i - 1] += step;
    pts.push(x);
    fv.push(F(x));
  }
  const centroid = new Float64Array(d);
  const along = (t: number) => {
    const x = new Float64Array(d);
    const w = pts[d];
    for (let k = 0; k < d; k++) x[k] = centroid[k] + t * (w[k] - centroid[k]);
    return x;
  };
  while (evals < maxEval) {
    const order = fv.map((_, i) => i).sort((i, j) => fv[i] - fv[j]);
    const sp = order.map((i) => pts[i]);
    const sf = order.map((i) => fv[i]);
    for (let i = 0; i <= d; i++) {
      pts[i] = sp[i];
      fv[i] = sf[i];
    }
    let size = 0;
    for (let i = 1; i <= d; i++)
      for (let k = 0; k < d; k++) size = Math.max(size, Math.abs(pts[i][k] - pts[0][k]));
    const spread = Math.abs(fv[d] - fv[0]);
    if (Number.isFinite(fv[d]) && spread <= fTol * (1 + Math.abs(fv[0])) && size <= xTol) break;
    if (size <= xTol * 1e-3) break;
    centroid.fill(0);
    for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) centroid[k] += pts[i][k] / d;
    const xr = along(-1);
    const fr = F(xr);
    if (fr < fv[0]) {
      const xe = along(-2);
      const fe = F(xe);
      if (fe < fr) {
        pts[d] = xe;
        fv[d] = fe;
      } else {
        pts[d] = xr;
        fv[d] = fr;
      }
    } else if (fr < fv[d - 1]) {
      pts[d] = xr;
      fv[d] = fr;
    } else {
      const outside = fr < fv[d];
      const xc = along(outside ? -0.5 : 0.5);
      const fc = F(xc);
      if (fc < (outside ? fr : fv[d])) {
        pts[d] = xc;
        fv[d] = fc;
      } else {
        for (let i = 1; i <= d; i++) {
          for (let k = 0; k < d; k++) pts[i][k] = pts[0][k] + 0.5 * (pts[i][k] - pts[0][k]);
          fv[i] = F(pts[i]);
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= d; i++) if (fv[i] < fv[best]) best = i;
  return { x: pts[best], f: fv[best], evaluations: evals };
}

/** The optimal assembly strengths of eq C12 (Fig 8). */
export function optimalClustering(pr: ClusteringProblem): ClusteringResult {
  const lo = pr.lo ?? 0;
  const hi = pr.hi ?? 1;
  const G = Math.max(2, Math.floor(pr.grid ?? 9));
  const starts = Math.max(1, Math.floor(pr.starts ?? 6));
  if (!(hi > lo)) throw new RangeError('the upper bound of r must exceed the lower bound');
  let evaluations = 0;
  const lossAt = (r: AssemblyStrengths) => {
    evaluations++;
    const c = assemblyCorrelations(pr, r);
    return c ? c12Loss(c) : Infinity;
  };
  const clamp = (v: number) => Math.min(hi, Math.max(lo, v));
  const penalised = (x: Float64Array) => {
    let out = 0;
    const c = new Float64Array(4);
    for (let k = 0; k < 4; k++) {
      c[k] = clamp(x[k]);
      out += (x[k] - c[k]) ** 2;
    }
    return lossAt(toR(c)) + out;
  };

  // grid
  const cand: { x: number[]; f: number }[] = [];
  const idx = [0, 0, 0, 0];
  const at = (i: number) => lo + ((hi - lo) * i) / (G - 1);
  for (let n = 0; n < G ** 4; n++) {
    let t = n;
    for (let k = 0; k < 4; k++) {
      idx[k] = t % G;
      t = Math.floor(t / G);
    }
    const x = idx.map(at);
    const f = lossAt(toR(x));
    if (Number.isFinite(f)) cand.push({ x, f });
  }
  if (cand.length === 0)
    throw new RangeError(
      `no assembly strengths in [${lo}, ${hi}]⁴ give a stationary state at W = ${pr.W}`,
    );
  cand.sort((p, q) => p.f - q.f);

  let best = { x: Float64Array.from(cand[0].x), f: cand[0].f };
  const used: number[][] = [];
  for (const c of cand) {
    if (used.length >= starts) break;
    // distinct starts: skip grid neighbours of a start already used
    const h = (hi - lo) / (G - 1);
    if (used.some((u) => u.every((v, k) => Math.abs(v - c.x[k]) <= h * 1.01))) continue;
    used.push(c.x);
    const res = nelderMead(penalised, c.x, { step: h / 2 });
    const x = res.x.map(clamp);
    const f = lossAt(toR(x));
    if (f < best.f) best = { x: Float64Array.from(x), f };
  }
  const r = toR(best.x);
  const correlations = assemblyCorrelations(pr, r) as Correlations;
  const u = 1 / pr.M;
  const uc = assemblyCorrelations(pr, { r_EE: u, r_EI: u, r_IE: u, r_II: u });
  return {
    r,
    loss: best.f,
    correlations,
    uniform: uc ? { loss: c12Loss(uc), correlations: uc } : null,
    evaluations,
  };
}

/** The optimum as CSV rows (name,value) for export. */
export function clusteringCsv(res: ClusteringResult): string {
  const L = ['quantity,optimum,uniform'];
  for (const n of NAMES) L.push(`${n},${res.r[n]},`);
  L.push(`loss_C12,${res.loss},${res.uniform?.loss ?? ''}`);
  for (const k of CORRELATION_KEYS)
    L.push(`${k},${res.correlations[k]},${res.uniform?.correlations[k] ?? ''}`);
  return L.join('\n') + '\n';
}
