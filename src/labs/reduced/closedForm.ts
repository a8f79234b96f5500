/**
 * The closed forms of Appendix C2 for the homogeneous network, *as printed in the paper*
 * (eq C10, with the paper's definition σ_int = rσ, σ_ext = (1−r)σ, and the limits C11), next
 * to what we found them to mean.
 *
 * The spec warns that C10 as printed does not reproduce the exact stationary solution of C1.
 * Solving C9 symbolically, we found where the printed formula comes from (checked in
 * test/unit/reduced.test.ts):
 * - It is the exact solution for the homogeneous network of the authors' code
 *   (model.ts homogeneousCode: every connection ±W/(M−1), in-group included, plus leak −1),
 *   not for the in-group coefficients printed in Appendix C2 (a = W − 1, b = −W, c = W,
 *   d = −W − 1), except for M = 2 where the two coincide.
 * - Its r is the *external* (shared, "signal") fraction, σ_ext = rσ, σ_int = (1−r)σ — the
 *   reverse of the printed definition, and the convention of the authors' code (sig2noi).
 *   Only this reading gives the limits the paper states (r = 1: between-group correlations
 *   vanish; C11 for r ≪ 1).
 * - C10a and C10b have one misprint: the middle term of the square root must be multiplied
 *   by (M−1)², not (M−1). C10c and C10d are exact as printed (in the r = σ_ext/σ reading).
 * `c10EiLabReading` is C10 with those two changes; it equals the exact solution to rounding.
 * The lab shows C10 *as printed* (with r = σ_int/σ as printed) beside the exact solution.
 */
import type { Correlations } from './exact';
import type { ReducedCoefficients } from './model';

/** r as printed in the paper (Appendix C2): σ_int = rσ, σ_ext = (1−r)σ, so r = σ_int/σ. */
export function rAsPrinted(sigmaInt: number, sigmaExt: number): number {
  return sigmaInt / (sigmaInt + sigmaExt);
}

/** Eq C10a–d as printed in the paper, as functions of M, W and r. */
export function c10AsPrinted(M: number, W: number, r: number): Correlations {
  const q = 1 - r; // (1 − r) as printed
  const tail = (M - 1) ** 4 * (2 * (r - 1) * r + 1) ** 2;
  // C10a
  const denA = Math.sqrt(
    M ** 2 * q ** 4 * W ** 4 + (M - 1) * q ** 2 * W ** 2 * (M * (2 - 4 * q * r) - q ** 2) + tail,
  );
  const C_EI_int = (r ** 2 * (M - 1) ** 2 + W ** 2 * q ** 2 * M) / denA;
  // C10b
  const denB = Math.sqrt(
    M ** 2 * q ** 4 * W ** 4 +
      (M - 1) * q ** 2 * W ** 2 * (M * (4 * (r - 1) * r + 2) - (r - 1) ** 2) +
      tail,
  );
  const C_EI_ext = (W ** 2 * q ** 2 * M) / denB;
  // C10c
  const C_EE_ext =
    (q ** 2 * W * ((W + 1) * M - 1)) /
    (M * q ** 2 * W ** 2 + (M - 1) * q ** 2 * W + (1 - M) ** 2 * (1 - 2 * q * r));
  // C10d
  const C_II_ext =
    (q ** 2 * W * ((W - 1) * M + 1)) /
    (M * q ** 2 * W ** 2 - (M - 1) * q ** 2 * W + (1 - M) ** 2 * (1 - 2 * q * r));
  return { C_EI_int, C_EE_ext, C_II_ext, C_EI_ext };
}

/** Eq C11 as printed (leading terms; the paper's "r ≪ 1"). */
export function c11AsPrinted(M: number, W: number): Correlations {
  const ei = (M * W * W) / (M - 1) ** 2;
  const ee = W / (M - 1);
  return { C_EI_int: ei, C_EI_ext: ei, C_EE_ext: ee, C_II_ext: -ee };
}

/**
 * EI Lab's reading of C10 (not printed in the paper): r = σ_ext/σ (the external fraction) and
 * (M−1)² instead of (M−1) in the middle term of C10a/b. Exact for the homogeneous network of
 * the authors' code (model.ts homogeneousCode).
 */
export function c10EiLabReading(M: number, W: number, rExt: number): Correlations {
  const si = 1 - rExt; // σ_int/σ
  const se = rExt; // σ_ext/σ
  const s2 = si * si + se * se;
  const A = M * si * si * W * W + (M - 1) ** 2 * s2;
  const B = (M - 1) * si * si * W;
  const den = Math.sqrt(A * A - B * B);
  return {
    C_EI_int: (se * se * (M - 1) ** 2 + M * si * si * W * W) / den,
    C_EE_ext: (si * si * W * ((W + 1) * M - 1)) / (A + B),
    C_II_ext: (si * si * W * ((W - 1) * M + 1)) / (A - B),
    C_EI_ext: (M * si * si * W * W) / den,
  };
}

/** Which homogeneous network (if any) the coefficients are. */
export type HomogeneousFamily = 'homogeneous-printed' | 'homogeneous-code';

export function homogeneousFamily(
  p: ReducedCoefficients,
): { family: HomogeneousFamily; W: number } | null {
  const W = p.W_EE;
  const tol = 1e-12 * Math.max(1, Math.abs(W));
  const eq = (x: number, y: number) => Math.abs(x - y) <= tol;
  if (!(eq(p.W_IE, W) && eq(p.W_EI, -W) && eq(p.W_II, -W))) return null;
  if (eq(p.a, W - 1) && eq(p.b, -W) && eq(p.c, W) && eq(p.d, -W - 1))
    return { family: 'homogeneous-printed', W };
  const u = W / (p.M - 1);
  if (eq(p.a, u - 1) && eq(p.b, -u) && eq(p.c, u) && eq(p.d, -u - 1))
    return { family: 'homogeneous-code', W };
  return null;
}

export interface C10Comparison {
  /** the homogeneous network the coefficients match (C10 is only given for those) */
  family: HomogeneousFamily;
  W: number;
  /** r as printed, σ_int/(σ_int + σ_ext) */
  r: number;
  /** C10 as printed in the paper, at (M, W, r) */
  asPrinted: Correlations;
  /** EI Lab's reading (r = σ_ext/σ, (M−1)² fix): exact for the authors' code's network */
  eiLabReading: Correlations;
}

/**
 * C10 for the coefficients when they are one of the two homogeneous networks (the paper's
 * printed one or the authors' code's) and there is noise; otherwise null.
 */
export function c10ForCoefficients(p: ReducedCoefficients): C10Comparison | null {
  const fam = homogeneousFamily(p);
  const sigma = p.sigmaInt + p.sigmaExt;
  if (!fam || !(sigma > 0)) return null;
  const r = rAsPrinted(p.sigmaInt, p.sigmaExt);
  return {
    family: fam.family,
    W: fam.W,
    r,
    asPrinted: c10AsPrinted(p.M, fam.W, r),
    eiLabReading: c10EiLabReading(p.M, fam.W, p.sigmaExt / sigma),
  };
}
