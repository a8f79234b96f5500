/**
 * Generic statistics for the E/I assemblies lab (Mackwood, Naumann & Sprekeler 2021, "Learning
 * excitatory-inhibitory neuronal assemblies in recurrent networks", eLife 10:e59715).
 *
 * Everything takes `ArrayLike<number>` (plain arrays, Float32Array, Float64Array) and computes
 * in float64. Sums of moments use two passes (mean first, then centred sums) so that data with a
 * large offset keep their precision. Hot loops (the sampling experiment, similarity matrices)
 * allocate nothing per iteration.
 *
 * Distribution functions come from stdlib (@stdlib/stats-base-dists-*-cdf) rather than
 * hand-written special functions; the tails are always taken as CDF(−|x|), so small p-values
 * keep their relative precision (no 1 − CDF cancellation).
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import { CounterStream, STREAM } from '../engine/rng/philox';

type Vec = ArrayLike<number>;

function sameLength(x: Vec, y: Vec, fn: string): number {
  if (x.length !== y.length) {
    throw new RangeError(`${fn}: length mismatch (${x.length} vs ${y.length})`);
  }
  return x.length;
}

/**
 * Whether x[o..o+n) are all equal. Tested exactly rather than via variance = 0 because the
 * rounded mean of equal values can differ from them, leaving a spurious tiny variance.
 */
function isConstant(x: Vec, o: number, n: number): boolean {
  const v = x[o];
  for (let i = 1; i < n; i++) if (x[o + i] !== v) return false;
  return true;
}

/** Arithmetic mean; NaN for an empty input. */
export function mean(x: Vec): number {
  const n = x.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  return s / n;
}

/** Population variance (1/n)·Σ(x − x̄)²; NaN for an empty input. */
export function variance(x: Vec): number {
  const n = x.length;
  if (n === 0) return NaN;
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    s += d * d;
  }
  return s / n;
}

/**
 * Selectivity skewness, paper eq 6: γ = <(r − r̄)³> / <(r − r̄)²>^{3/2} with population (1/n)
 * moments. Returns 0 when the variance is 0 (a silent or untuned cell has no selectivity) and
 * NaN for an empty input.
 */
export function skewness(x: Vec): number {
  const n = x.length;
  if (n === 0) return NaN;
  if (isConstant(x, 0, n)) return 0;
  const m = mean(x);
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
  }
  m2 /= n;
  m3 /= n;
  if (!(m2 > 0)) return 0;
  return m3 / (m2 * Math.sqrt(m2));
}

/**
 * Two-sided p-value of a Pearson r from n pairs, as scipy.stats.pearsonr: Student's t with
 * n − 2 degrees of freedom, t = r·sqrt((n − 2)/(1 − r²)), p = 2·T(−|t|). |r| = 1 gives 0; NaN
 * for n < 3 or a NaN r.
 */
export function pearsonPValue(r: number, n: number): number {
  if (!(n >= 3) || Number.isNaN(r)) return NaN;
  const a = Math.min(Math.abs(r), 1);
  if (a === 1) return 0;
  const df = n - 2;
  const t = a * Math.sqrt(df / ((1 - a) * (1 + a)));
  return Math.min(1, 2 * tCdf(-t, df));
}

export interface PearsonResult {
  /** correlation coefficient, clamped to [−1, 1] */
  r: number;
  /** two-sided p-value (t test, n − 2 df) */
  p: number;
  /** number of pairs */
  n: number;
}

/**
 * Pearson correlation and its two-sided p-value (as scipy.stats.pearsonr). For n < 3 or when
 * either sample has zero variance the correlation is undefined: r and p are NaN.
 */
export function pearson(x: Vec, y: Vec): PearsonResult {
  const n = sameLength(x, y, 'pearson');
  if (n < 3 || isConstant(x, 0, n) || isConstant(y, 0, n)) return { r: NaN, p: NaN, n };
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const r = corrFromSums(sxx, syy, sxy);
  return { r, p: pearsonPValue(r, n), n };
}

/** r = Sxy / sqrt(Sxx·Syy) clamped to [−1, 1]; NaN when either variance is 0. */
function corrFromSums(sxx: number, syy: number, sxy: number): number {
  if (!(sxx > 0) || !(syy > 0)) return NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/**
 * Ordinary least-squares line y ≈ slope·x + intercept (the regression lines of Fig 1e). NaN
 * slope and intercept when x has zero variance or the input is empty.
 */
export function linearFit(x: Vec, y: Vec): { slope: number; intercept: number } {
  const n = sameLength(x, y, 'linearFit');
  if (n === 0 || isConstant(x, 0, n)) return { slope: NaN, intercept: NaN };
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    sxx += dx * dx;
    sxy += dx * (y[i] - my);
  }
  if (!(sxx > 0)) return { slope: NaN, intercept: NaN };
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

export interface MannWhitneyResult {
  /** U1, the statistic of sample a: R1 − n1(n1 + 1)/2 with midranks for ties */
  U: number;
  /** two-sided asymptotic p-value (tie-corrected variance, continuity correction 0.5) */
  p: number;
  /**
   * signed normal score: sign(U1 − μ)·(|U1 − μ| − 0.5)/σ, μ = n1·n2/2; |z| is scipy's z for
   * U = max(U1, U2). Positive when a tends to be larger than b; 0 when U1 = μ.
   */
  z: number;
}

/**
 * Mann–Whitney U test, as scipy.stats.mannwhitneyu(a, b, alternative='two-sided',
 * method='asymptotic', use_continuity=True): σ² = n1·n2/12·((N + 1) − Σ(t³ − t)/(N(N − 1))),
 * p = min(1, 2·Φ(−(max(U1, U2) − μ − 0.5)/σ)). All values tied (σ = 0) gives p = 1, z = 0.
 * NaN everywhere when a sample is empty or contains NaN.
 */
export function mannWhitneyU(a: Vec, b: Vec): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { U: NaN, p: NaN, z: NaN };
  const sa = Float64Array.from(a);
  const sb = Float64Array.from(b);
  for (let i = 0; i < n1; i++) if (Number.isNaN(sa[i])) return { U: NaN, p: NaN, z: NaN };
  for (let j = 0; j < n2; j++) if (Number.isNaN(sb[j])) return { U: NaN, p: NaN, z: NaN };
  sa.sort();
  sb.sort();
  // merge the two sorted samples, one tie group (all copies of the smallest value left) at a time
  let i = 0;
  let j = 0;
  let below = 0; // values ranked before the current group
  let r1 = 0; // rank sum of a
  let tieTerm = 0; // Σ (t³ − t) over tie groups
  while (i < n1 || j < n2) {
    const v = i < n1 && (j >= n2 || sa[i] <= sb[j]) ? sa[i] : sb[j];
    let ca = 0;
    let cb = 0;
    while (i < n1 && sa[i] === v) {
      i++;
      ca++;
    }
    while (j < n2 && sb[j] === v) {
      j++;
      cb++;
    }
    const t = ca + cb;
    r1 += ca * (below + (t + 1) / 2);
    tieTerm += t * t * t - t;
    below += t;
  }
  const U = r1 - (n1 * (n1 + 1)) / 2;
  const N = n1 + n2;
  const mu = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (N + 1 - tieTerm / (N * (N - 1))));
  const dev = Math.abs(U - mu) - 0.5;
  if (!(sigma > 0)) return { U, p: 1, z: 0 };
  const zAbs = dev / sigma;
  const p = Math.min(1, 2 * normalCdf(-zAbs, 0, 1));
  const z = U > mu ? zAbs : U < mu ? -zAbs : 0;
  return { U, p, z };
}

/** Σ a·b, Σ a², Σ b² in one pass (lengths already checked). */
function dots(a: Vec, b: Vec): [number, number, number] {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const u = a[i];
    const v = b[i];
    ab += u * v;
    aa += u * u;
    bb += v * v;
  }
  return [ab, aa, bb];
}

/**
 * Response similarity, paper eq 5: RS = Σ a·b / sqrt(Σa² · Σb²) (uncentred cosine of two
 * response vectors over stimuli). 0 when either vector is all zeros (a silent cell is similar
 * to nothing).
 */
export function responseSimilarity(a: Vec, b: Vec): number {
  sameLength(a, b, 'responseSimilarity');
  const [ab, aa, bb] = dots(a, b);
  if (!(aa > 0) || !(bb > 0)) return 0;
  return ab / Math.sqrt(aa * bb);
}

/** Copy a stimulus-major [nS × nX] block into a cell-major float64 [nX × nS] block. */
function cellMajor(resp: Vec, nX: number, nS: number, fn: string): Float64Array {
  if (resp.length < nX * nS) {
    throw new RangeError(`${fn}: response array has ${resp.length} < ${nX}·${nS} entries`);
  }
  const out = new Float64Array(nX * nS);
  for (let s = 0; s < nS; s++) {
    const row = s * nX;
    for (let i = 0; i < nX; i++) out[i * nS + s] = resp[row + i];
  }
  return out;
}

/**
 * Paper eq 5 for every pair (i of population A, j of population B). respX is stimulus-major
 * [nS × nX] (element s·nX + i is cell i's response to stimulus s). Returns a row-major
 * Float64Array [nA × nB] (row i, column j). O(nA·nB·nS): both blocks are first transposed to
 * cell-major float64 so the innermost loop runs over contiguous memory, and each output
 * element is written once. Silent cells give 0 in their row or column.
 */
export function responseSimilarityMatrix(
  respA: Vec,
  nA: number,
  respB: Vec,
  nB: number,
  nS: number,
): Float64Array {
  const A = cellMajor(respA, nA, nS, 'responseSimilarityMatrix');
  const B = cellMajor(respB, nB, nS, 'responseSimilarityMatrix');
  const normA = new Float64Array(nA);
  const normB = new Float64Array(nB);
  for (let i = 0; i < nA; i++) {
    let s2 = 0;
    for (let s = 0, o = i * nS; s < nS; s++) s2 += A[o + s] * A[o + s];
    normA[i] = s2;
  }
  for (let j = 0; j < nB; j++) {
    let s2 = 0;
    for (let s = 0, o = j * nS; s < nS; s++) s2 += B[o + s] * B[o + s];
    normB[j] = s2;
  }
  const out = new Float64Array(nA * nB);
  for (let i = 0; i < nA; i++) {
    const na = normA[i];
    if (!(na > 0)) continue;
    const oa = i * nS;
    const row = i * nB;
    for (let j = 0; j < nB; j++) {
      const nb = normB[j];
      if (!(nb > 0)) continue;
      const ob = j * nS;
      let d = 0;
      for (let s = 0; s < nS; s++) d += A[oa + s] * B[ob + s];
      out[row + j] = d / Math.sqrt(na * nb);
    }
  }
  return out;
}

/**
 * Angle between two vectors, paper eq 7: θ = arccos(Σ g·a / sqrt(Σg² · Σa²)) in radians, the
 * cosine clamped to [−1, 1] against rounding. NaN when either vector is all zeros.
 */
export function angleBetween(g: Vec, a: Vec): number {
  sameLength(g, a, 'angleBetween');
  const [ga, gg, aa] = dots(g, a);
  if (!(gg > 0) || !(aa > 0)) return NaN;
  const c = ga / Math.sqrt(gg * aa);
  return Math.acos(c > 1 ? 1 : c < -1 ? -1 : c);
}

export interface BinnedMeans {
  /** bin centres */
  centers: Float64Array;
  /** mean of y per bin; NaN for an empty bin */
  mean: Float64Array;
  /** standard error sd/sqrt(count) with the sample sd (n − 1); NaN for count < 2 */
  sem: Float64Array;
  /** pairs per bin */
  count: Int32Array;
}

/**
 * Mean ± s.e.m. of y in nBins equal-width bins of x over [lo, hi] (default: min..max of x).
 * Bins are half-open [e_k, e_{k+1}) except the last, which includes hi; pairs with x outside
 * [lo, hi] or a non-finite x or y are skipped. If lo = hi, every x equal to lo falls in bin 0;
 * with no usable range (no finite pair, or hi < lo) every output is NaN / 0.
 */
export function binnedMeans(x: Vec, y: Vec, nBins: number, lo?: number, hi?: number): BinnedMeans {
  const n = sameLength(x, y, 'binnedMeans');
  if (!Number.isInteger(nBins) || nBins < 1) {
    throw new RangeError(`binnedMeans: nBins must be a positive integer (got ${nBins})`);
  }
  if (lo === undefined || hi === undefined) {
    let mn = Infinity;
    let mx = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (!Number.isFinite(v) || !Number.isFinite(y[i])) continue;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    if (lo === undefined) lo = mn;
    if (hi === undefined) hi = mx;
  }
  const centers = new Float64Array(nBins);
  const meanOut = new Float64Array(nBins).fill(NaN);
  const sem = new Float64Array(nBins).fill(NaN);
  const count = new Int32Array(nBins);
  if (!(hi >= lo)) return { centers: centers.fill(NaN), mean: meanOut, sem, count };
  const lo_ = lo;
  const hi_ = hi;
  const w = (hi_ - lo_) / nBins;
  for (let k = 0; k < nBins; k++) centers[k] = lo_ + (k + 0.5) * w;
  const binOf = (v: number): number => {
    if (!(v >= lo_ && v <= hi_)) return -1;
    if (w === 0) return 0;
    const k = Math.floor((v - lo_) / w);
    return k >= nBins ? nBins - 1 : k;
  };
  const sum = new Float64Array(nBins);
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    if (!Number.isFinite(yi)) continue;
    const k = binOf(x[i]);
    if (k < 0) continue;
    sum[k] += yi;
    count[k]++;
  }
  for (let k = 0; k < nBins; k++) if (count[k] > 0) meanOut[k] = sum[k] / count[k];
  const ss = sum.fill(0);
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    if (!Number.isFinite(yi)) continue;
    const k = binOf(x[i]);
    if (k < 0) continue;
    const d = yi - meanOut[k];
    ss[k] += d * d;
  }
  for (let k = 0; k < nBins; k++) {
    const c = count[k];
    if (c >= 2) sem[k] = Math.sqrt(ss[k] / (c - 1)) / Math.sqrt(c);
  }
  return { centers, mean: meanOut, sem, count };
}

export interface SamplingOptions {
  /** pairs per experiment (≥ 3) */
  n: number;
  /** number of simulated experiments */
  samples: number;
  /** seed of the counter RNG (stream STREAM.sampling) */
  seed: number;
  /** significance level; default 0.01 */
  alpha?: number;
}

export interface SamplingResult {
  /** Pearson r of each experiment */
  r: Float64Array;
  /** its two-sided p-value */
  p: Float64Array;
  /** fraction of experiments with p < alpha and r > 0; NaN when not computable */
  fracSignificant: number;
}

/**
 * Exactly uniform integers in [0, m) from a CounterStream, by Lemire's multiply-and-reject
 * (ACM TOMACS 2019). For m ≤ 2¹⁶ each 32-bit word serves two draws (16 bits each), which
 * halves the Philox work of the sampling experiment; larger m use whole words.
 */
class IndexSampler {
  private half = 0;
  private haveHalf = false;

  constructor(private readonly rng: CounterStream) {}

  below(m: number): number {
    if (m <= 65536) {
      for (;;) {
        let h: number;
        if (this.haveHalf) {
          h = this.half;
          this.haveHalf = false;
        } else {
          const u = this.rng.nextU32();
          h = u & 0xffff;
          this.half = u >>> 16;
          this.haveHalf = true;
        }
        const x = h * m; // < 2³², exact
        const lo = x & 0xffff;
        if (lo >= m || lo >= (65536 - m) % m) return x >>> 16;
      }
    }
    if (m <= 2097152) {
      for (;;) {
        const x = this.rng.nextU32() * m; // < 2⁵³, exact
        const hi = Math.floor(x / 4294967296);
        const lo = x - hi * 4294967296;
        if (lo >= m || lo >= (4294967296 - m) % m) return hi;
      }
    }
    const limit = 4294967296 - (4294967296 % m);
    let u = this.rng.nextU32();
    while (u >= limit) u = this.rng.nextU32();
    return u % m;
  }
}

/**
 * Figs 2e–f of the paper: simulate `samples` experiments, each recording n distinct pairs
 * (x[i], y[i]) drawn uniformly without replacement (partial Fisher–Yates), and report each
 * experiment's Pearson r and p and the fraction with p < alpha AND r > 0. Reproducible from
 * `seed` (CounterStream on STREAM.sampling). If fewer than n pairs exist (not enough detectable
 * synapses) the arrays are empty and fracSignificant is NaN; samples = 0 also gives NaN.
 * Each subset's sums are taken in one pass about the pool means (well conditioned unless a
 * subset's mean lies ~10⁴ pool SDs away); cost ≈ 3 ms per 1000 experiments of n = 100.
 */
export function samplingExperiment(x: Vec, y: Vec, opts: SamplingOptions): SamplingResult {
  const N = sameLength(x, y, 'samplingExperiment');
  const { n, samples, seed } = opts;
  const alpha = opts.alpha ?? 0.01;
  if (!Number.isInteger(n) || n < 3) {
    throw new RangeError(`samplingExperiment: n must be an integer ≥ 3 (got ${n})`);
  }
  if (!Number.isInteger(samples) || samples < 0) {
    throw new RangeError(`samplingExperiment: samples must be a non-negative integer`);
  }
  if (N < n) return { r: new Float64Array(0), p: new Float64Array(0), fracSignificant: NaN };
  // pairs interleaved for locality, centred on the pool means so that one pass over each
  // subset gives well-conditioned sums (S_xx = Σdx² − (Σdx)²/n with dx = x − x̄_pool)
  const cx = mean(x);
  const cy = mean(y);
  const xy = new Float64Array(2 * N);
  for (let i = 0; i < N; i++) {
    xy[2 * i] = x[i] - cx;
    xy[2 * i + 1] = y[i] - cy;
  }
  const perm = new Int32Array(N);
  for (let i = 0; i < N; i++) perm[i] = i;
  const rng = new IndexSampler(new CounterStream(seed, STREAM.sampling));
  const rOut = new Float64Array(samples);
  const pOut = new Float64Array(samples);
  let sig = 0;
  for (let s = 0; s < samples; s++) {
    // partial Fisher–Yates: perm[0..n) becomes a uniform random n-subset. Starting from the
    // previous sample's arrangement is fine: the prefix is uniform whatever the start.
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    let x0 = 0;
    let y0 = 0;
    let xVaries = false;
    let yVaries = false;
    for (let k = 0; k < n; k++) {
      const j = k + rng.below(N - k);
      const t = perm[j];
      perm[j] = perm[k];
      perm[k] = t;
      const dx = xy[2 * t];
      const dy = xy[2 * t + 1];
      if (k === 0) {
        x0 = dx;
        y0 = dy;
      } else {
        if (dx !== x0) xVaries = true;
        if (dy !== y0) yVaries = true;
      }
      sx += dx;
      sy += dy;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
    sxx -= (sx * sx) / n;
    syy -= (sy * sy) / n;
    sxy -= (sx * sy) / n;
    const r = xVaries && yVaries ? corrFromSums(sxx, syy, sxy) : NaN;
    const p = pearsonPValue(r, n);
    rOut[s] = r;
    pOut[s] = p;
    if (p < alpha && r > 0) sig++;
  }
  return { r: rOut, p: pOut, fracSignificant: samples > 0 ? sig / samples : NaN };
}

/**
 * E[R²] of the paper's Fig 4 text: the mean over all ordered pairs i ≠ j of the squared
 * Pearson correlation between two cells' responses over stimuli. resp is stimulus-major
 * [nS × nCells] (element s·nCells + i). Cells with zero variance over stimuli (correlation
 * undefined) are skipped; NaN when fewer than two cells remain.
 */
export function meanSquaredOffDiagonalCorrelation(resp: Vec, nCells: number, nS: number): number {
  const Z = cellMajor(resp, nCells, nS, 'meanSquaredOffDiagonalCorrelation');
  // centre and normalise each cell's row in place, compacting away constant cells
  let m = 0;
  for (let i = 0; i < nCells; i++) {
    const o = i * nS;
    if (isConstant(Z, o, nS)) continue;
    let mu = 0;
    for (let s = 0; s < nS; s++) mu += Z[o + s];
    mu /= nS;
    let ss = 0;
    for (let s = 0; s < nS; s++) {
      const d = Z[o + s] - mu;
      ss += d * d;
    }
    if (!(ss > 0)) continue;
    const inv = 1 / Math.sqrt(ss);
    const dst = m * nS;
    for (let s = 0; s < nS; s++) Z[dst + s] = (Z[o + s] - mu) * inv;
    m++;
  }
  if (m < 2) return NaN;
  let acc = 0;
  for (let i = 0; i < m; i++) {
    const oi = i * nS;
    for (let j = i + 1; j < m; j++) {
      const oj = j * nS;
      let d = 0;
      for (let s = 0; s < nS; s++) d += Z[oi + s] * Z[oj + s];
      if (d > 1) d = 1;
      else if (d < -1) d = -1;
      acc += d * d;
    }
  }
  // each unordered pair stands for two ordered pairs: 2·acc / (m(m − 1))
  return (2 * acc) / (m * (m - 1));
}

/**
 * Counts of x in the bins given by increasing edges (length k + 1 → k counts), as
 * numpy.histogram: bins are [e_i, e_{i+1}) except the last, which includes its right edge.
 * Values outside [e_0, e_k] and NaN are not counted.
 */
export function histogram(x: Vec, edges: Vec): Int32Array {
  const nb = edges.length - 1;
  if (nb < 1) throw new RangeError('histogram: need at least two edges');
  for (let k = 0; k < nb; k++) {
    if (!(edges[k + 1] > edges[k])) throw new RangeError('histogram: edges must increase');
  }
  const counts = new Int32Array(nb);
  const first = edges[0];
  const last = edges[nb];
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!(v >= first && v <= last)) continue;
    if (v === last) {
      counts[nb - 1]++;
      continue;
    }
    // largest k with edges[k] ≤ v
    let loK = 0;
    let hiK = nb;
    while (hiK - loK > 1) {
      const mid = (loK + hiK) >>> 1;
      if (edges[mid] <= v) loK = mid;
      else hiK = mid;
    }
    counts[loK]++;
  }
  return counts;
}
