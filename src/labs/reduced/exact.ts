/**
 * Exact stationary second moments of the reduced model (model.ts), two ways:
 *
 * 1. The Lyapunov equation of the full 2M-dimensional Ornstein–Uhlenbeck process,
 *    AΣ + ΣAᵀ + Q = 0, solved directly as a linear system in the n(n+1)/2 independent entries
 *    of the symmetric Σ (n = 2M) by LU with partial pivoting. The same solver gives the
 *    stationary covariance of the Euler–Maruyama chain z ← (I + A dt) z + √dt·noise, which
 *    solves Σ = FΣFᵀ + Q dt, i.e. AΣ + ΣAᵀ + dt·AΣAᵀ + Q = 0 (what a simulation at step dt
 *    converges to; it differs from the SDE's by O(dt)).
 * 2. The 6-variable system C9 of Appendix C for the six distinct moments of the homogeneous
 *    network (all groups alike): X = ⟨x_i²⟩, Y = ⟨y_i²⟩, Z = ⟨x_i y_i⟩, X_ij = ⟨x_i x_j⟩,
 *    Y_ij = ⟨y_i y_j⟩, Z_ij = ⟨x_i y_j⟩ (= ⟨x_j y_i⟩ by the exchange symmetry of the groups).
 *    We re-derived C9 with Itô's lemma (d⟨z_k z_l⟩ = ⟨z_k dz_l⟩ + ⟨dz_k z_l⟩ + ⟨dz_k dz_l⟩,
 *    Σ_{k≠i}⟨x_k x_j⟩ = X + (M−2)X_ij) and it is correct as printed (C9a–e, g; there is no
 *    C9f). A test checks it against the Lyapunov solution to 1e-10.
 *
 * Correlations (Appendix C1): C_EI^int = Z/√(XY), C_EE^ext = X_ij/X, C_II^ext = Y_ij/Y,
 * C_EI^ext = Z_ij/√(XY).
 */
import {
  assertStationary,
  driftMatrix,
  eulerStability,
  noiseCovariance,
  type ReducedCoefficients,
} from './model';

export class SingularSystemError extends Error {
  override readonly name = 'SingularSystemError';
}

/**
 * Solve the dense system K·x = rhs (K: n×n row-major; both copied, inputs untouched) by LU
 * with partial pivoting. Throws SingularSystemError when a pivot vanishes.
 */
export function luSolve(K: Float64Array, n: number, rhs: Float64Array): Float64Array {
  const a = Float64Array.from(K);
  const x = Float64Array.from(rhs);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]));
  const tiny = (scale || 1) * n * 1e-14;
  for (let col = 0; col < n; col++) {
    let piv = col;
    let best = Math.abs(a[col * n + col]);
    for (let r = col + 1; r < n; r++) {
      const v = Math.abs(a[r * n + col]);
      if (v > best) {
        best = v;
        piv = r;
      }
    }
    if (!(best > tiny))
      throw new SingularSystemError(`singular linear system (pivot ${best.toExponential(2)})`);
    if (piv !== col) {
      for (let c = 0; c < n; c++) {
        const t = a[col * n + c];
        a[col * n + c] = a[piv * n + c];
        a[piv * n + c] = t;
      }
      const t = x[col];
      x[col] = x[piv];
      x[piv] = t;
    }
    const inv = 1 / a[col * n + col];
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col] * inv;
      if (f === 0) continue;
      a[r * n + col] = 0;
      const ro = r * n;
      const co = col * n;
      for (let c = col + 1; c < n; c++) a[ro + c] -= f * a[co + c];
      x[r] -= f * x[col];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let c = r + 1; c < n; c++) s -= a[r * n + c] * x[c];
    x[r] = s / a[r * n + r];
  }
  return x;
}

export interface LyapunovSolution {
  /** Σ, n×n row-major, symmetric */
  sigma: Float64Array;
  /** max |AΣ + ΣAᵀ + h·AΣAᵀ + Q| / max |Q| */
  residual: number;
}

/**
 * Solve AΣ + ΣAᵀ + h·AΣAᵀ + Q = 0 for symmetric Σ (h = 0: the continuous Lyapunov equation;
 * h = dt: the stationary covariance of Euler–Maruyama at step dt, divided through by dt).
 * Dense solve in the n(n+1)/2 unknowns: fine for n ≤ 32 (M ≤ 16).
 */
export function solveLyapunov(
  A: Float64Array,
  Q: Float64Array,
  n: number,
  h = 0,
): LyapunovSolution {
  const p = (n * (n + 1)) / 2;
  const idx = (k: number, l: number) =>
    k <= l ? k * n - (k * (k - 1)) / 2 + (l - k) : l * n - (l * (l - 1)) / 2 + (k - l);
  const K = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const row = idx(i, j) * p;
      rhs[idx(i, j)] = -Q[i * n + j];
      for (let k = 0; k < n; k++) {
        const aik = A[i * n + k];
        if (aik !== 0) K[row + idx(k, j)] += aik;
        const ajk = A[j * n + k];
        if (ajk !== 0) K[row + idx(i, k)] += ajk;
      }
      if (h !== 0) {
        for (let k = 0; k < n; k++) {
          const aik = A[i * n + k];
          if (aik === 0) continue;
          for (let l = 0; l < n; l++) {
            const ajl = A[j * n + l];
            if (ajl !== 0) K[row + idx(k, l)] += h * aik * ajl;
          }
        }
      }
    }
  }
  const s = luSolve(K, p, rhs);
  const sigma = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sigma[i * n + j] = s[idx(i, j)];
  return { sigma, residual: lyapunovResidual(A, Q, sigma, n, h) };
}

/** max |AΣ + ΣAᵀ + h·AΣAᵀ + Q| / max |Q|. */
export function lyapunovResidual(
  A: Float64Array,
  Q: Float64Array,
  S: Float64Array,
  n: number,
  h = 0,
): number {
  const AS = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const aik = A[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) AS[i * n + j] += aik * S[k * n + j];
    }
  let worst = 0;
  let qmax = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      // (ΣAᵀ)_ij = (AΣ)_ji since Σ is symmetric; (AΣAᵀ)_ij = Σ_l (AΣ)_il A_jl
      let r = AS[i * n + j] + AS[j * n + i] + Q[i * n + j];
      if (h !== 0) {
        let t = 0;
        for (let l = 0; l < n; l++) t += AS[i * n + l] * A[j * n + l];
        r += h * t;
      }
      worst = Math.max(worst, Math.abs(r));
      qmax = Math.max(qmax, Math.abs(Q[i * n + j]));
    }
  return worst / (qmax || 1);
}

/** The six distinct stationary second moments of the homogeneous network. */
export interface Moments {
  X: number;
  Y: number;
  Z: number;
  Xij: number;
  Yij: number;
  Zij: number;
}

/** The four correlation coefficients of Appendix C1. */
export interface Correlations {
  C_EI_int: number;
  C_EE_ext: number;
  C_II_ext: number;
  C_EI_ext: number;
}

export const CORRELATION_KEYS = ['C_EI_int', 'C_EE_ext', 'C_II_ext', 'C_EI_ext'] as const;

/** Moments from a full covariance Σ (averaged over groups and over ordered pairs i ≠ j). */
export function momentsFromSigma(S: Float64Array, M: number): Moments {
  const n = 2 * M;
  let X = 0,
    Y = 0,
    Z = 0,
    Xij = 0,
    Yij = 0,
    Zij = 0;
  for (let i = 0; i < M; i++) {
    X += S[i * n + i];
    Y += S[(M + i) * n + M + i];
    Z += S[i * n + M + i];
    for (let j = 0; j < M; j++) {
      if (j === i) continue;
      Xij += S[i * n + j];
      Yij += S[(M + i) * n + M + j];
      Zij += S[i * n + M + j];
    }
  }
  const pairs = M * (M - 1);
  return { X: X / M, Y: Y / M, Z: Z / M, Xij: Xij / pairs, Yij: Yij / pairs, Zij: Zij / pairs };
}

export function correlationsFromMoments(m: Moments): Correlations {
  if (!(m.X > 0) || !(m.Y > 0))
    throw new RangeError(
      `the stationary variances are not positive (⟨x²⟩ = ${m.X}, ⟨y²⟩ = ${m.Y}): is there any noise?`,
    );
  const sxy = Math.sqrt(m.X * m.Y);
  return {
    C_EI_int: m.Z / sxy,
    C_EE_ext: m.Xij / m.X,
    C_II_ext: m.Yij / m.Y,
    C_EI_ext: m.Zij / sxy,
  };
}

/**
 * The stationary form (left-hand sides set to 0) of C9 as a 6×6 system K·m = rhs in the
 * unknowns m = [X, Y, Z, X_ij, Y_ij, Z_ij]. Rows are C9a, b, c, d, e, g in that order.
 */
export function c9System(p: ReducedCoefficients): { K: Float64Array; rhs: Float64Array } {
  const { a, b, c, d, W_EE, W_EI, W_IE, W_II } = p;
  const k = (p.M - 2) / (p.M - 1);
  const g = 1 / (p.M - 1);
  const s2 = p.sigmaInt ** 2 + p.sigmaExt ** 2;
  const e2 = p.sigmaExt ** 2;
  // prettier-ignore
  const K = Float64Array.from([
    // X            Y          Z                         X_ij          Y_ij          Z_ij
    a,              0,         b,                        W_EE,         0,            W_EI,                        // C9a: ½dX/dt
    0,              d,         c,                        0,            W_II,         W_IE,                        // C9b: ½dY/dt
    c,              b,         a + d,                    W_IE,         W_EI,         W_EE + W_II,                 // C9c: dZ/dt
    g * W_EE,       0,         g * W_EI,                 a + k * W_EE, 0,            b + k * W_EI,                // C9d: ½dX_ij/dt
    0,              g * W_II,  g * W_IE,                 0,            d + k * W_II, c + k * W_IE,                // C9e: ½dY_ij/dt
    g * W_IE,       g * W_EI,  g * (W_EE + W_II),        c + k * W_IE, b + k * W_EI, a + d + k * (W_EE + W_II),   // C9g: dZ_ij/dt
  ]);
  const rhs = Float64Array.from([-s2 / 2, -s2 / 2, -e2, 0, 0, 0]);
  return { K, rhs };
}

/** Solve C9 (throws NotStationaryError when there is no stationary state). */
export function solveC9(p: ReducedCoefficients): Moments {
  assertStationary(p);
  const { K, rhs } = c9System(p);
  const m = luSolve(K, 6, rhs);
  return { X: m[0], Y: m[1], Z: m[2], Xij: m[3], Yij: m[4], Zij: m[5] };
}

/** Residual of C9 at the moments m: max |K·m − rhs| / max |rhs|. */
export function c9Residual(p: ReducedCoefficients, m: Moments): number {
  const { K, rhs } = c9System(p);
  const v = [m.X, m.Y, m.Z, m.Xij, m.Yij, m.Zij];
  let worst = 0;
  let scale = 0;
  for (let r = 0; r < 6; r++) {
    let s = -rhs[r];
    for (let c = 0; c < 6; c++) s += K[r * 6 + c] * v[c];
    worst = Math.max(worst, Math.abs(s));
    scale = Math.max(scale, Math.abs(rhs[r]));
  }
  return worst / (scale || 1);
}

/** Largest M for which the full Lyapunov equation is solved (n(n+1)/2 = 528 unknowns). */
export const LYAPUNOV_MAX_M = 16;

export interface ExactResult {
  /** correlations from C9 (exact for every M) */
  correlations: Correlations;
  moments: Moments;
  /** the Lyapunov solution of the full process (null when M > LYAPUNOV_MAX_M or not asked) */
  lyapunov: {
    correlations: Correlations;
    moments: Moments;
    residual: number;
    /** every group has the same moments (max deviation from the group/pair averages) */
    asymmetry: number;
  } | null;
  /** max |C9 − Lyapunov| over the four correlations (null without the Lyapunov solve) */
  c9VsLyapunov: number | null;
}

/** Exact stationary correlations; throws NotStationaryError when not stationary. */
export function exactCorrelations(
  p: ReducedCoefficients,
  opts: { lyapunov?: boolean } = {},
): ExactResult {
  const moments = solveC9(p);
  const correlations = correlationsFromMoments(moments);
  const wantLyap = (opts.lyapunov ?? true) && p.M <= LYAPUNOV_MAX_M;
  if (!wantLyap) return { correlations, moments, lyapunov: null, c9VsLyapunov: null };
  const n = 2 * p.M;
  const { sigma, residual } = solveLyapunov(driftMatrix(p), noiseCovariance(p), n);
  const lm = momentsFromSigma(sigma, p.M);
  const lc = correlationsFromMoments(lm);
  let asym = 0;
  for (let i = 0; i < p.M; i++) {
    asym = Math.max(asym, Math.abs(sigma[i * n + i] - lm.X));
    asym = Math.max(asym, Math.abs(sigma[(p.M + i) * n + p.M + i] - lm.Y));
    for (let j = 0; j < p.M; j++)
      if (j !== i) asym = Math.max(asym, Math.abs(sigma[i * n + p.M + j] - lm.Zij));
  }
  let diff = 0;
  for (const k of CORRELATION_KEYS) diff = Math.max(diff, Math.abs(lc[k] - correlations[k]));
  return {
    correlations,
    moments,
    lyapunov: { correlations: lc, moments: lm, residual, asymmetry: asym / Math.max(lm.X, lm.Y) },
    c9VsLyapunov: diff,
  };
}

/**
 * Stationary correlations of the Euler–Maruyama chain at step dt (what a long simulation
 * estimates, without sampling error). Needs M ≤ LYAPUNOV_MAX_M; throws NotStationaryError
 * when the SDE is not stationary and RangeError when Euler–Maruyama is unstable at this dt.
 */
export function eulerStationaryCorrelations(p: ReducedCoefficients, dt: number): Correlations {
  assertStationary(p);
  if (p.M > LYAPUNOV_MAX_M)
    throw new RangeError(`M = ${p.M} is above ${LYAPUNOV_MAX_M} for the dense Lyapunov solve`);
  const em = eulerStability(p, dt);
  if (!em.stable)
    throw new RangeError(
      `Euler–Maruyama is unstable at dt = ${dt}: |1 + λ·dt| reaches ${em.maxAbs.toPrecision(4)}`,
    );
  const n = 2 * p.M;
  const { sigma } = solveLyapunov(driftMatrix(p), noiseCovariance(p), n, dt);
  return correlationsFromMoments(momentsFromSigma(sigma, p.M));
}
