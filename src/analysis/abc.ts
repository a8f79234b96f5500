/**
 * Sequential Approximate Bayesian Computation (ABC population Monte Carlo, Beaumont et al.
 * 2009), as Giannakakis et al. 2023 use it (Methods IV C; the authors' modified simple-abc):
 *
 *   step 0: draw θ from the uniform prior, simulate, accept while loss < ε₀, until n accepted;
 *   step t: draw a particle of step t−1 by its weight, perturb it with N(0, τ²) (τ² = twice
 *           the weighted covariance of the previous particles), keep it inside the prior's
 *           box, simulate, accept while loss < ε_t; weights w ∝ prior(θ) / Σ_j w_j N(θ; θ_j, τ²);
 *   ε_{t+1} = the 75th percentile of step t's accepted losses.
 *
 * Simulations come in batches (`simulate` takes many θ at once), so a batched GPU run can
 * evaluate a whole proposal population in one go. Random numbers: a seeded Philox stream.
 */
import { WordStream } from '../model/spiking/build';
import { STREAM } from '../engine/rng/philox';

export interface AbcOptions {
  /** lower and upper bounds of the uniform prior, per dimension */
  lo: readonly number[];
  hi: readonly number[];
  /** accepted particles per step */
  nAccept: number;
  steps: number;
  eps0: number;
  /** proposals simulated per batch */
  batch: number;
  /** stop a step (and the run) after this many proposals without reaching nAccept */
  maxProposalsPerStep: number;
  seed: number;
}

export interface AbcStep {
  step: number;
  epsilon: number;
  particles: number[][];
  weights: number[];
  losses: number[];
  proposals: number;
  acceptRate: number;
  /** weighted posterior mean per dimension */
  mean: number[];
}

export type BatchSimulator = (thetas: number[][], firstIndex: number) => Promise<number[]>;

/** Cholesky factor L (lower) of a symmetric positive definite matrix; null if not SPD. */
export function cholesky(A: number[][]): number[][] | null {
  const n = A.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  return L;
}

/** Multivariate normal density with Cholesky factor L of the covariance. */
export function mvnPdf(x: readonly number[], mean: readonly number[], L: number[][]): number {
  const n = x.length;
  // solve L z = x − mean
  const z = new Array<number>(n);
  let logDet = 0;
  for (let i = 0; i < n; i++) {
    let s = x[i] - mean[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * z[k];
    z[i] = s / L[i][i];
    logDet += Math.log(L[i][i]);
  }
  const q = z.reduce((a, b) => a + b * b, 0);
  return Math.exp(-0.5 * q - logDet - (n / 2) * Math.log(2 * Math.PI));
}

/** Weighted covariance with the unbiased correction of the authors' weighted_covar. */
export function weightedCov(x: number[][], w: readonly number[]): number[][] {
  const d = x[0].length;
  const sw = w.reduce((a, b) => a + b, 0);
  const sw2 = w.reduce((a, b) => a + b * b, 0);
  const mean = Array.from({ length: d }, (_, k) => x.reduce((a, p, i) => a + w[i] * p[k], 0) / sw);
  const C = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < x.length; i++)
    for (let a = 0; a < d; a++)
      for (let b = 0; b < d; b++) C[a][b] += w[i] * (x[i][a] - mean[a]) * (x[i][b] - mean[b]);
  const f = sw / (sw * sw - sw2);
  return C.map((row) => row.map((c) => c * f));
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const r = (p / 100) * (s.length - 1);
  const i = Math.floor(r);
  return i + 1 < s.length ? s[i] + (r - i) * (s[i + 1] - s[i]) : s[i];
}

export async function runAbc(
  opts: AbcOptions,
  simulate: BatchSimulator,
  onStep?: (s: AbcStep) => void,
  shouldStop?: () => boolean,
): Promise<AbcStep[]> {
  const d = opts.lo.length;
  const rng = new WordStream(opts.seed, STREAM.sampling, 0xabc);
  const inPrior = (t: number[]) => t.every((x, k) => x >= opts.lo[k] && x <= opts.hi[k]);
  const vol = opts.lo.reduce((a, lo, k) => a * (opts.hi[k] - lo), 1);
  const out: AbcStep[] = [];
  let eps = opts.eps0;
  let prev: AbcStep | null = null;
  let L: number[][] | null = null;
  let simIndex = 0;
  for (let step = 0; step < opts.steps; step++) {
    const particles: number[][] = [];
    const losses: number[] = [];
    let proposals = 0;
    while (particles.length < opts.nAccept && proposals < opts.maxProposalsPerStep) {
      const thetas: number[][] = [];
      for (let b = 0; b < opts.batch; b++) {
        if (!prev || !L) {
          thetas.push(opts.lo.map((lo, k) => lo + (opts.hi[k] - lo) * rng.uniform()));
          continue;
        }
        // draw a previous particle by weight, perturb inside the prior (at most 100 tries)
        let t: number[] = prev.particles[0];
        for (let tries = 0; tries < 100; tries++) {
          let u = rng.uniform();
          let j = 0;
          while (j < prev.weights.length - 1 && (u -= prev.weights[j]) > 0) j++;
          const z = Array.from({ length: d }, () => rng.normal());
          t = prev.particles[j].map((m, a) => m + L![a].reduce((s, l, c) => s + l * z[c], 0));
          if (inPrior(t)) break;
        }
        thetas.push(t.map((x, k) => Math.min(opts.hi[k], Math.max(opts.lo[k], x))));
      }
      const ls = await simulate(thetas, simIndex);
      simIndex += thetas.length;
      proposals += thetas.length;
      thetas.forEach((t, i) => {
        if (ls[i] < eps && particles.length < opts.nAccept) {
          particles.push(t);
          losses.push(ls[i]);
        }
      });
      if (shouldStop?.()) break;
    }
    if (particles.length < 2) break;
    let weights: number[];
    if (!prev || !L) weights = particles.map(() => 1 / particles.length);
    else {
      const p0 = prev;
      const LL = L;
      const raw = particles.map(
        (t) => 1 / vol / p0.particles.reduce((a, q, j) => a + p0.weights[j] * mvnPdf(t, q, LL), 0),
      );
      const s = raw.reduce((a, b) => a + b, 0);
      weights = raw.map((x) => x / s);
    }
    const mean = Array.from({ length: d }, (_, k) =>
      particles.reduce((a, p, i) => a + weights[i] * p[k], 0),
    );
    const rec: AbcStep = {
      step,
      epsilon: eps,
      particles,
      weights,
      losses,
      proposals,
      acceptRate: particles.length / proposals,
      mean,
    };
    out.push(rec);
    onStep?.(rec);
    if (particles.length < opts.nAccept || shouldStop?.()) break;
    const cov = weightedCov(particles, weights).map((row) => row.map((c) => 2 * c));
    L = cholesky(cov) ?? cholesky(cov.map((row, a) => row.map((c, b) => c + (a === b ? 1e-9 : 0))));
    if (!L) break;
    prev = rec;
    eps = percentile(losses, 75);
  }
  return out;
}
