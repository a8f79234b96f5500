/**
 * The reduced linear model of Giannakakis, Vinogradov, Buendía & Levina 2023 (Methods IV D,
 * eqs 13a/b; Appendix C, eqs C1–C3): M groups, each with an excitatory rate variable x_i and
 * an inhibitory one y_i,
 *
 *   dx_i = [a x_i + b y_i + 1/(M−1) Σ_{j≠i} (W_EE x_j + W_EI y_j)] dt + σ_int dξ_i^x + σ_ext dη_i
 *   dy_i = [c x_i + d y_i + 1/(M−1) Σ_{j≠i} (W_IE x_j + W_II y_j)] dt + σ_int dξ_i^y + σ_ext dη_i
 *
 * Our reading of the paper (stated once here, used everywhere in the lab):
 * - Itô SDE (the paper says so). The noise is additive, so Itô and Stratonovich agree.
 * - σ_int and σ_ext are noise *amplitudes*: the Methods text calls σ_int a "variance", but
 *   eq C3 gives ⟨ξ¹ξ¹⟩ = (σ_int² + σ_ext²)δ(t − t′), and the authors' code multiplies unit
 *   normals by σ·√dt. So per unit time Var(dx_i) = Var(dy_i) = σ_int² + σ_ext² and
 *   Cov(dx_i, dy_i) = σ_ext² (the external noise η_i is the same for x_i and y_i of a group;
 *   the internal ξ_i^x, ξ_i^y are private to each variable; groups are independent).
 * - Coefficients are signed and simply added, as in eq 13: inhibition enters through negative
 *   b, d, W_EI, W_II (the paper's homogeneous case sets b = W_EI = W_II = −W). The names
 *   follow eq 13: W_XY multiplies the Y variable of the other groups in the X equation
 *   (W_EI: y_j → x_i, W_IE: x_j → y_i); likewise b: y_i → x_i and c: x_i → y_i.
 * - The constant drive η_0 of eq 13 only shifts the means (Appendix C) and is left out.
 * - Time is in units of the populations' time constant (the "−1" leak of the paper's
 *   homogeneous case).
 *
 * State ordering of the 2M-dimensional process: x_1 … x_M, then y_1 … y_M.
 */

export interface ReducedCoefficients {
  /** number of groups, ≥ 2 */
  M: number;
  a: number;
  b: number;
  c: number;
  d: number;
  W_EE: number;
  W_EI: number;
  W_IE: number;
  W_II: number;
  sigmaInt: number;
  sigmaExt: number;
}

/** Drift matrix A (2M × 2M, row-major) of dz = A z dt + noise. */
export function driftMatrix(p: ReducedCoefficients): Float64Array {
  const M = p.M;
  const n = 2 * M;
  const A = new Float64Array(n * n);
  const k = 1 / (M - 1);
  for (let i = 0; i < M; i++) {
    const xi = i;
    const yi = M + i;
    for (let j = 0; j < M; j++) {
      const xj = j;
      const yj = M + j;
      if (i === j) {
        A[xi * n + xj] = p.a;
        A[xi * n + yj] = p.b;
        A[yi * n + xj] = p.c;
        A[yi * n + yj] = p.d;
      } else {
        A[xi * n + xj] = k * p.W_EE;
        A[xi * n + yj] = k * p.W_EI;
        A[yi * n + xj] = k * p.W_IE;
        A[yi * n + yj] = k * p.W_II;
      }
    }
  }
  return A;
}

/** Noise covariance per unit time Q (2M × 2M, row-major), eq C3. */
export function noiseCovariance(p: ReducedCoefficients): Float64Array {
  const M = p.M;
  const n = 2 * M;
  const Q = new Float64Array(n * n);
  const tot = p.sigmaInt ** 2 + p.sigmaExt ** 2;
  const ext = p.sigmaExt ** 2;
  for (let i = 0; i < M; i++) {
    Q[i * n + i] = tot;
    Q[(M + i) * n + (M + i)] = tot;
    Q[i * n + (M + i)] = ext;
    Q[(M + i) * n + i] = ext;
  }
  return Q;
}

export interface Eigenvalue {
  re: number;
  im: number;
  /** how many times it occurs among the 2M eigenvalues */
  multiplicity: number;
  /** uniform: all groups move together; differential: group patterns summing to zero */
  mode: 'uniform' | 'differential';
}

/** Eigenvalues of a real 2×2 matrix [[p, q], [r, s]]. */
function eig2(p: number, q: number, r: number, s: number): [number, number, number, number] {
  const tr = p + s;
  const det = p * s - q * r;
  let disc = (tr * tr) / 4 - det;
  // a double eigenvalue rounds to a tiny negative discriminant: keep it real
  if (disc < 0 && -disc <= 1e-13 * ((tr * tr) / 4 + Math.abs(det))) disc = 0;
  if (disc >= 0) {
    const sq = Math.sqrt(disc);
    return [tr / 2 + sq, 0, tr / 2 - sq, 0];
  }
  const sq = Math.sqrt(-disc);
  return [tr / 2, sq, tr / 2, -sq];
}

/**
 * All eigenvalues of A, exactly. A = I_M ⊗ B + (11ᵀ − I)/(M−1) ⊗ W with B = [[a, b], [c, d]]
 * and W = [[W_EE, W_EI], [W_IE, W_II]], so A acts on 1 ⊗ u as B + W (the uniform mode, once)
 * and on φ ⊗ u with Σφ = 0 as B − W/(M−1) (the differential modes, M − 1 times).
 */
export function eigenvalues(p: ReducedCoefficients): Eigenvalue[] {
  const k = 1 / (p.M - 1);
  const u = eig2(p.a + p.W_EE, p.b + p.W_EI, p.c + p.W_IE, p.d + p.W_II);
  const d = eig2(p.a - k * p.W_EE, p.b - k * p.W_EI, p.c - k * p.W_IE, p.d - k * p.W_II);
  return [
    { re: u[0], im: u[1], multiplicity: 1, mode: 'uniform' },
    { re: u[2], im: u[3], multiplicity: 1, mode: 'uniform' },
    { re: d[0], im: d[1], multiplicity: p.M - 1, mode: 'differential' },
    { re: d[2], im: d[3], multiplicity: p.M - 1, mode: 'differential' },
  ];
}

export interface Stability {
  /** all eigenvalues of A have negative real part: a stationary state exists */
  stable: boolean;
  /** largest real part of the eigenvalues of A */
  maxRealPart: number;
  /** 1/|max Re λ| (time units), the slowest relaxation; Infinity when not stable */
  slowestTimescale: number;
  eigenvalues: Eigenvalue[];
  /** why there is no stationary state (null when stable) */
  message: string | null;
}

export function stability(p: ReducedCoefficients): Stability {
  const ev = eigenvalues(p);
  const finite = ev.every((e) => Number.isFinite(e.re) && Number.isFinite(e.im));
  const maxRe = finite ? Math.max(...ev.map((e) => e.re)) : NaN;
  const stable = finite && maxRe < 0;
  let message: string | null = null;
  if (!finite) message = 'the coefficients are not finite numbers';
  else if (!stable) {
    const worst = ev.reduce((w, e) => (e.re > w.re ? e : w));
    message = `no stationary state: the drift matrix has an eigenvalue with real part ${fmt(maxRe)} ≥ 0 (${worst.mode} mode${worst.im !== 0 ? `, λ = ${fmt(worst.re)} ± ${fmt(Math.abs(worst.im))}i` : ''}); the correlations are undefined`;
  }
  return {
    stable,
    maxRealPart: maxRe,
    slowestTimescale: stable ? 1 / -maxRe : Infinity,
    eigenvalues: ev,
    message,
  };
}

/** Thrown when the parameters have no stationary state (never returned as NaN). */
export class NotStationaryError extends Error {
  override readonly name = 'NotStationaryError';
}

export function assertStationary(p: ReducedCoefficients): Stability {
  const s = stability(p);
  if (!s.stable) throw new NotStationaryError(s.message ?? 'no stationary state');
  return s;
}

/**
 * Euler–Maruyama is mean-square stable when every eigenvalue of F = I + A·dt lies inside the
 * unit circle; otherwise the simulation diverges although the SDE is stationary.
 */
export function eulerStability(
  p: ReducedCoefficients,
  dt: number,
): { stable: boolean; maxAbs: number } {
  let maxAbs = 0;
  for (const e of eigenvalues(p)) maxAbs = Math.max(maxAbs, Math.hypot(1 + e.re * dt, e.im * dt));
  return { stable: maxAbs < 1, maxAbs };
}

const fmt = (x: number) => String(Number(x.toPrecision(4)));

// ---------------------------------------------------------------------------------------------
// Coupling structures (families of coefficients described by a coupling strength W)

export type Structure = 'manual' | 'homogeneous-printed' | 'homogeneous-code' | 'assemblies';

export interface AssemblyStrengths {
  /** fraction of the x → x coupling that stays inside the group */
  r_EE: number;
  /** y → x (the W_EI path) */
  r_EI: number;
  /** x → y (the W_IE path) */
  r_IE: number;
  /** y → y */
  r_II: number;
}

type Coupling = Omit<ReducedCoefficients, 'M' | 'sigmaInt' | 'sigmaExt'>;

/**
 * The homogeneous network as printed in Appendix C2: c = W_EE = W_IE = W, b = W_EI = W_II = −W
 * (the paper prints "b = W^IE = W^II"; W_IE is already +W, so W_EI is meant), a = W − 1,
 * d = −W − 1.
 */
export function homogeneousPrinted(W: number): Coupling {
  return { a: W - 1, b: -W, c: W, d: -W - 1, W_EE: W, W_EI: -W, W_IE: W, W_II: -W };
}

/**
 * The homogeneous network of the authors' code (compute_correlations.cpp, WEIGHTSWEEP): every
 * connection, inside a group and to each other group, has weight ±W/(M−1), plus the leak −1:
 * a = W/(M−1) − 1, b = −W/(M−1), c = W/(M−1), d = −W/(M−1) − 1, W_EE = W_IE = W,
 * W_EI = W_II = −W. This is the network for which eq C10 is the exact solution (up to one
 * misprint, see closedForm.ts).
 */
export function homogeneousCode(M: number, W: number): Coupling {
  const u = W / (M - 1);
  return { a: u - 1, b: -u, c: u, d: -u - 1, W_EE: W, W_EI: -W, W_IE: W, W_II: -W };
}

/**
 * Assemblies of strength r_XY (eq 4: the fraction of a pathway's input that comes from the own
 * group), as in the authors' code (compute_correlations.cpp, SINGLE_RATIOS/OPTIMIZATION):
 * a = W r_EE − 1, b = −W r_EI, c = W r_IE, d = −W r_II − 1, W_EE = W(1 − r_EE),
 * W_EI = −W(1 − r_EI), W_IE = W(1 − r_IE), W_II = −W(1 − r_II). Every pathway's total input
 * is ±W; uniform connectivity is r = 1/M.
 */
export function assemblyCoupling(W: number, r: AssemblyStrengths): Coupling {
  return {
    a: W * r.r_EE - 1,
    b: -W * r.r_EI,
    c: W * r.r_IE,
    d: -W * r.r_II - 1,
    W_EE: W * (1 - r.r_EE),
    W_EI: -W * (1 - r.r_EI),
    W_IE: W * (1 - r.r_IE),
    W_II: -W * (1 - r.r_II),
  };
}
