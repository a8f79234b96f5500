/**
 * Measures of the co-tuning lab (Giannakakis et al. 2023):
 *  - diversity D (eq 1) and balance B (eq 2) of the read-out's feedforward weights per group;
 *  - in-group and between-group correlations of the groups' E and I spike-count traces in
 *    1 ms bins (Methods IV C; the authors' get_cor): C_in(EI), C_out(EE), C_out(EI), C_out(II);
 *  - the ABC distance ((1 − C_in(EI)²) + 3(C_out(EI)² + C_out(EE)² + C_out(II)²))/10;
 *  - population rates and the CV of inter-spike intervals.
 */

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return x.length ? s / x.length : NaN;
}

/** Population standard deviation (numpy's default, ddof = 0). */
function std(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return x.length ? Math.sqrt(s / x.length) : NaN;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** Eq 1: D = 1 − Σ_i Std(W_Gi) / (M·Std(W)); 1 when groups are internally uniform and differ. */
export function diversity(w: ArrayLike<number>, group: readonly number[], M: number): number {
  const sdAll = std(w);
  if (!(sdAll > 0)) return 0;
  let s = 0;
  for (let g = 0; g < M; g++) {
    const wg: number[] = [];
    for (let i = 0; i < w.length; i++) if (group[i] === g) wg.push(w[i]);
    s += std(wg);
  }
  return 1 - s / (M * sdAll);
}

function variance(x: ArrayLike<number>): number {
  return std(x) ** 2;
}

/**
 * Diversity as the authors' analysis code computes it (Connectivity_Analysis.py,
 * get_conn_metrics), which produced the paper's figures: variances instead of the standard
 * deviations of eq 1, and the mean of the E and the I weights' values.
 */
export function diversityCode(
  wE: ArrayLike<number>,
  groupE: readonly number[],
  wI: ArrayLike<number>,
  groupI: readonly number[],
  M: number,
): number {
  const one = (w: ArrayLike<number>, group: readonly number[]) => {
    const vAll = variance(w);
    if (!(vAll > 0)) return 0;
    let s = 0;
    for (let g = 0; g < M; g++) {
      const wg: number[] = [];
      for (let i = 0; i < w.length; i++) if (group[i] === g) wg.push(w[i]);
      s += variance(wg);
    }
    return 1 - s / (M * vAll);
  };
  return (one(wE, groupE) + one(wI, groupI)) / 2;
}

export function groupMeans(w: ArrayLike<number>, group: readonly number[], M: number): number[] {
  const sum = new Array<number>(M).fill(0);
  const cnt = new Array<number>(M).fill(0);
  for (let i = 0; i < w.length; i++) {
    sum[group[i]] += w[i];
    cnt[group[i]]++;
  }
  return sum.map((s, g) => s / cnt[g]);
}

/** Eq 2: B = Pearson r of the group-mean E and I weights. */
export function balance(
  wE: ArrayLike<number>,
  groupE: readonly number[],
  wI: ArrayLike<number>,
  groupI: readonly number[],
  M: number,
): number {
  return pearson(groupMeans(wE, groupE, M), groupMeans(wI, groupI, M));
}

export interface GroupCorrelations {
  C_in_EI: number;
  C_out_EE: number;
  C_out_EI: number;
  C_out_II: number;
  /** the full 2M × 2M correlation matrix (E groups, then I groups), row-major */
  matrix: number[];
}

/**
 * Correlations of the groups' spike-count traces (bins of `binSteps` steps, 1 ms in the paper)
 * over steps [from, to). A trace with no variance (a silent group) has no correlation; it
 * counts as 0 here (the authors' code substitutes 0.999 in-group and 1e-4 between groups).
 * C_out(EI) averages corr(E_g, I_h) over all g ≠ h (the code takes g < h only; the matrix is
 * not symmetric in g, h, so EI Lab uses both halves).
 */
export function groupCorrelations(
  steps: ArrayLike<number>,
  ids: ArrayLike<number>,
  layout: { nE: number; nI: number; groupE: readonly number[]; groupI: readonly number[] },
  M: number,
  from: number,
  to: number,
  binSteps: number,
): GroupCorrelations {
  const nb = Math.max(1, Math.floor((to - from) / binSteps));
  const traces = Array.from({ length: 2 * M }, () => new Float64Array(nb));
  for (let q = 0; q < steps.length; q++) {
    const k = steps[q];
    if (k < from || k >= from + nb * binSteps) continue;
    const id = ids[q];
    const b = Math.floor((k - from) / binSteps);
    if (id < layout.nE) traces[layout.groupE[id]][b]++;
    else if (id < layout.nE + layout.nI) traces[M + layout.groupI[id - layout.nE]][b]++;
  }
  const matrix = new Array<number>(4 * M * M);
  for (let a = 0; a < 2 * M; a++)
    for (let b = 0; b < 2 * M; b++) {
      const r = a === b ? 1 : pearson(traces[a], traces[b]);
      matrix[a * 2 * M + b] = Number.isFinite(r) ? r : 0;
    }
  const C = (a: number, b: number) => matrix[a * 2 * M + b];
  let inEI = 0;
  let ee = 0;
  let ei = 0;
  let ii = 0;
  for (let g = 0; g < M; g++) {
    inEI += C(g, M + g);
    for (let h = 0; h < M; h++) {
      if (h === g) continue;
      ei += C(g, M + h);
      if (h > g) {
        ee += C(g, h);
        ii += C(M + g, M + h);
      }
    }
  }
  const pairs = (M * (M - 1)) / 2;
  return {
    C_in_EI: inEI / M,
    C_out_EE: M > 1 ? ee / pairs : 0,
    C_out_EI: M > 1 ? ei / (M * (M - 1)) : 0,
    C_out_II: M > 1 ? ii / pairs : 0,
    matrix,
  };
}

/** The ABC distance of the authors' code: 0 when in-group C = 1 and between-group C = 0. */
export function abcDistance(
  c: Pick<GroupCorrelations, 'C_in_EI' | 'C_out_EE' | 'C_out_EI' | 'C_out_II'>,
): number {
  return (1 - c.C_in_EI ** 2 + 3 * (c.C_out_EI ** 2 + c.C_out_EE ** 2 + c.C_out_II ** 2)) / 10;
}

/** Spike counts per neuron in steps [from, to). */
export function spikeCounts(
  steps: ArrayLike<number>,
  ids: ArrayLike<number>,
  n: number,
  from: number,
  to: number,
): Int32Array {
  const c = new Int32Array(n);
  for (let q = 0; q < steps.length; q++)
    if (steps[q] >= from && steps[q] < to && ids[q] < n) c[ids[q]]++;
  return c;
}

/** Mean coefficient of variation of the inter-spike intervals, over neurons with ≥ 3 spikes. */
export function meanCvIsi(
  steps: ArrayLike<number>,
  ids: ArrayLike<number>,
  lo: number,
  hi: number,
): number {
  const last = new Map<number, number>();
  const isis = new Map<number, number[]>();
  for (let q = 0; q < steps.length; q++) {
    const id = ids[q];
    if (id < lo || id >= hi) continue;
    const prev = last.get(id);
    if (prev !== undefined) {
      let l = isis.get(id);
      if (!l) isis.set(id, (l = []));
      l.push(steps[q] - prev);
    }
    last.set(id, steps[q]);
  }
  const cvs: number[] = [];
  for (const l of isis.values()) if (l.length >= 2) cvs.push(std(l) / mean(l));
  return cvs.length ? mean(cvs) : NaN;
}

export interface ConvergenceCheck {
  /** cosine between C̄w and w: 1 when the weights are an eigenvector of C̄ (Appendix B) */
  cosine: number;
  /** the multiple λ of C̄w ≈ λw (least squares) */
  lambda: number;
  /** cosine between w and the leading eigenvector of C̄ (power iteration from w) */
  eigenCosine: number;
  /**
   * the same cosine for the weights shuffled among the E inputs and among the I inputs (mean
   * of 20 seeded permutations): what any positive weights of these magnitudes give, since C̄
   * is dominated by positive correlations. Learnt weights that are an eigenvector beat it.
   */
  shuffledCosine: number;
  /** cos(C̄w, w) with the E and I parts of w and of C̄w each centred (their means removed) */
  centredCosine: number;
  /** the centred cosine of the shuffled weights */
  centredShuffledCosine: number;
  /** per input (E then I): C̄w / λ, which equals w where w is an eigenvector (Fig 7B) */
  cwOverLambda: Float32Array;
  /** per input: C̄'s leading eigenvector, with w's sign and length */
  eigenvector: Float32Array;
}

/**
 * Appendix B (Fig 7): the converged read-out weights w = [w_E; w_I] should be an eigenvector of
 * the modified covariance C̄ = ⟨[E Eᵀ, −E Iᵀ; I Eᵀ, −I Iᵀ]⟩ (eq 3/B1: the inhibitory columns
 * change sign) of the presynaptic spike counts in 1 ms bins. With X the mean-free counts
 * (neurons × bins, E rows then I rows) and D = diag(1, …, 1, −1, …, −1), C̄ = X D Xᵀ / T, so
 * C̄w = X (Xᵀ D w) / T: two passes over the counts, no N × N matrix.
 */
export function convergenceCheck(
  steps: ArrayLike<number>,
  ids: ArrayLike<number>,
  nE: number,
  nI: number,
  wE: ArrayLike<number>,
  wI: ArrayLike<number>,
  from: number,
  to: number,
  binSteps: number,
): ConvergenceCheck {
  const n = nE + nI;
  const nb = Math.max(1, Math.floor((to - from) / binSteps));
  const X = new Float64Array(n * nb);
  for (let q = 0; q < steps.length; q++) {
    const k = steps[q];
    const id = ids[q];
    if (k < from || k >= from + nb * binSteps || id >= n) continue;
    X[id * nb + Math.floor((k - from) / binSteps)]++;
  }
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let b = 0; b < nb; b++) m += X[i * nb + b];
    m /= nb;
    for (let b = 0; b < nb; b++) X[i * nb + b] -= m;
  }
  const apply = (w: Float64Array): Float64Array => {
    const u = new Float64Array(nb);
    for (let i = 0; i < n; i++) {
      const c = i < nE ? w[i] : -w[i];
      if (c === 0) continue;
      for (let b = 0; b < nb; b++) u[b] += c * X[i * nb + b];
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let b = 0; b < nb; b++) s += X[i * nb + b] * u[b];
      out[i] = s / nb;
    }
    return out;
  };
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
  const cos = (a: Float64Array, b: Float64Array) => {
    const d = Math.sqrt(dot(a, a) * dot(b, b));
    return d > 0 ? dot(a, b) / d : NaN;
  };
  const w = new Float64Array(n);
  for (let i = 0; i < nE; i++) w[i] = wE[i];
  for (let i = 0; i < nI; i++) w[nE + i] = wI[i];
  const cw = apply(w);
  let v = w.slice();
  for (let it = 0; it < 100; it++) {
    const nv = apply(v);
    const norm = Math.sqrt(dot(nv, nv));
    if (!(norm > 0)) break;
    v = nv.map((x) => x / norm);
  }
  // centred: the E part and the I part each without their mean, before and after C̄
  const centre = (x: Float64Array) => {
    const y = x.slice();
    for (const [a, b] of [
      [0, nE],
      [nE, n],
    ]) {
      let m = 0;
      for (let i = a; i < b; i++) m += y[i];
      m /= b - a;
      for (let i = a; i < b; i++) y[i] -= m;
    }
    return y;
  };
  const centredCos = (x: Float64Array) => {
    const xc = centre(x);
    return cos(centre(apply(xc)), xc);
  };
  let shuffledC = 0;
  let shuffled = 0;
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let r = 0; r < 20; r++) {
    const ws = w.slice();
    for (const [a, b] of [
      [0, nE],
      [nE, n],
    ])
      for (let i = b - 1; i > a; i--) {
        const j = a + Math.floor(rand() * (i - a + 1));
        [ws[i], ws[j]] = [ws[j], ws[i]];
      }
    shuffled += cos(apply(ws), ws) / 20;
    shuffledC += centredCos(ws) / 20;
  }
  const lambda = dot(cw, w) / dot(w, w);
  const vw = dot(v, w);
  const vScale = (Math.sign(vw) || 1) * Math.sqrt(dot(w, w) / Math.max(dot(v, v), 1e-300));
  return {
    cosine: cos(cw, w),
    lambda,
    cwOverLambda: Float32Array.from(cw, (x) => (lambda !== 0 ? x / lambda : NaN)),
    eigenvector: Float32Array.from(v, (x) => x * vScale),
    eigenCosine: Math.abs(cos(v, w)),
    shuffledCosine: shuffled,
    centredCosine: centredCos(w),
    centredShuffledCosine: shuffledC,
  };
}
