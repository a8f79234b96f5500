/**
 * Reduced linear model (Giannakakis et al. 2023, Appendix C): the dense solvers, the
 * Lyapunov equation against closed forms and the moment ODE, C9 against the Lyapunov
 * solution, the stability check, eq C10 as printed against the exact solution, and the
 * clustering search of eq C12.
 */
import { describe, expect, it } from 'vitest';
import { CounterStream } from '../../src/engine/rng/philox';
import {
  CORRELATION_KEYS,
  c9Residual,
  correlationsFromMoments,
  eulerStationaryCorrelations,
  exactCorrelations,
  luSolve,
  momentsFromSigma,
  solveC9,
  solveLyapunov,
  SingularSystemError,
  type Correlations,
} from '../../src/labs/reduced/exact';
import {
  assemblyCoupling,
  driftMatrix,
  eigenvalues,
  eulerStability,
  homogeneousCode,
  homogeneousPrinted,
  noiseCovariance,
  NotStationaryError,
  stability,
  type ReducedCoefficients,
} from '../../src/labs/reduced/model';
import {
  c10AsPrinted,
  c10EiLabReading,
  c10ForCoefficients,
  c11AsPrinted,
  homogeneousFamily,
} from '../../src/labs/reduced/closedForm';
import {
  assemblyCorrelations,
  c12Loss,
  nelderMead,
  optimalClustering,
} from '../../src/labs/reduced/clustering';
import { noiseBlockFiller } from '../../src/labs/reduced/simulate';
import { seedKey } from '../../src/engine/rng/philox';

const rng = new CounterStream(2023, 99);
const randn = () => rng.normal();

function matmul(A: Float64Array, B: Float64Array, n: number): Float64Array {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const a = A[i * n + k];
      for (let j = 0; j < n; j++) C[i * n + j] += a * B[k * n + j];
    }
  return C;
}

const maxDiff = (a: Correlations, b: Correlations) =>
  Math.max(...CORRELATION_KEYS.map((k) => Math.abs(a[k] - b[k])));

const withNoise = (
  M: number,
  c: ReturnType<typeof homogeneousPrinted>,
  sigmaInt: number,
  sigmaExt: number,
): ReducedCoefficients => ({ M, ...c, sigmaInt, sigmaExt });

describe('dense LU solve', () => {
  it('solves a random system to rounding and refuses a singular one', () => {
    const n = 30;
    const K = new Float64Array(n * n).map(() => randn());
    const x = new Float64Array(n).map(() => randn());
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i] += K[i * n + j] * x[j];
    const y = luSolve(K, n, b);
    for (let i = 0; i < n; i++) expect(Math.abs(y[i] - x[i])).toBeLessThan(1e-10);
    const S = Float64Array.from(K);
    for (let j = 0; j < n; j++) S[5 * n + j] = 2 * S[3 * n + j]; // row 5 = 2 × row 3
    expect(() => luSolve(S, n, b)).toThrow(SingularSystemError);
  });
});

describe('Lyapunov equation AΣ + ΣAᵀ + Q = 0', () => {
  it('1-D Ornstein–Uhlenbeck: Var = σ²/(2θ); Euler–Maruyama chain: σ²/(θ(2 − θ dt))', () => {
    const theta = 0.7;
    const sigma = 1.3;
    const A = Float64Array.of(-theta);
    const Q = Float64Array.of(sigma * sigma);
    expect(solveLyapunov(A, Q, 1).sigma[0]).toBeCloseTo((sigma * sigma) / (2 * theta), 14);
    const dt = 0.05;
    expect(solveLyapunov(A, Q, 1, dt).sigma[0]).toBeCloseTo(
      (sigma * sigma) / (theta * (2 - theta * dt)),
      14,
    );
  });

  it('2-D decoupled OU with correlated noise: Σ_ij = Q_ij/(θ_i + θ_j)', () => {
    const th = [0.5, 2];
    const Q = Float64Array.of(1, 0.6, 0.6, 2);
    const A = Float64Array.of(-th[0], 0, 0, -th[1]);
    const { sigma, residual } = solveLyapunov(A, Q, 2);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++)
        expect(sigma[i * 2 + j]).toBeCloseTo(Q[i * 2 + j] / (th[i] + th[j]), 14);
    expect(residual).toBeLessThan(1e-14);
  });

  it('matches a long integration of the moment ODE dΣ/dt = AΣ + ΣAᵀ + Q (random 6-D)', () => {
    const n = 6;
    const A = new Float64Array(n * n).map(() => 0.3 * randn());
    for (let i = 0; i < n; i++) A[i * n + i] -= 1.5;
    const L = new Float64Array(n * n).map(() => randn());
    const Lt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Lt[j * n + i] = L[i * n + j];
    const Q = matmul(L, Lt, n);
    const f = (S: Float64Array) => {
      const AS = matmul(A, S, n);
      const out = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) out[i * n + j] = AS[i * n + j] + AS[j * n + i] + Q[i * n + j];
      return out;
    };
    // RK4 from Σ = 0 to t = 40 (the slowest rate here is ≳ 0.5, so e^{−40} is below rounding)
    let S = new Float64Array(n * n);
    const h = 0.01;
    const add = (X: Float64Array, Y: Float64Array, c: number) => X.map((x, i) => x + c * Y[i]);
    for (let t = 0; t < 4000; t++) {
      const k1 = f(S);
      const k2 = f(add(S, k1, h / 2));
      const k3 = f(add(S, k2, h / 2));
      const k4 = f(add(S, k3, h));
      S = S.map((s, i) => s + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
    }
    const { sigma, residual } = solveLyapunov(A, Q, n);
    expect(residual).toBeLessThan(1e-12);
    for (let i = 0; i < n * n; i++) expect(Math.abs(sigma[i] - S[i])).toBeLessThan(1e-9);
  });
});

describe('the reduced model', () => {
  const cases: [string, ReducedCoefficients][] = [
    ['printed homogeneous, M = 8', withNoise(8, homogeneousPrinted(1), 0.05, 0.05)],
    ['code homogeneous, M = 3', withNoise(3, homogeneousCode(3, 2.5), 0.2, 0.07)],
    [
      'assemblies, M = 5',
      withNoise(5, assemblyCoupling(3, { r_EE: 0.3, r_EI: 0.9, r_IE: 0.9, r_II: 0.2 }), 0.06, 0.03),
    ],
    [
      'asymmetric manual, M = 2',
      {
        M: 2,
        a: -1.2,
        b: -0.8,
        c: 1.5,
        d: -0.4,
        W_EE: 0.3,
        W_EI: -0.9,
        W_IE: 0.7,
        W_II: -0.2,
        sigmaInt: 0.4,
        sigmaExt: 0.9,
      },
    ],
    [
      'asymmetric manual, M = 16',
      {
        M: 16,
        a: -0.5,
        b: -1.1,
        c: 0.9,
        d: -1.3,
        W_EE: 0.6,
        W_EI: -0.5,
        W_IE: 1.2,
        W_II: -0.3,
        sigmaInt: 1,
        sigmaExt: 0.2,
      },
    ],
  ];

  it('drift and noise matrices follow eqs 13 and C3', () => {
    const p = cases[3][1];
    const A = driftMatrix(p);
    // order x1, x2, y1, y2
    // prettier-ignore
    expect(Array.from(A)).toEqual([
      p.a, p.W_EE, p.b, p.W_EI,
      p.W_EE, p.a, p.W_EI, p.b,
      p.c, p.W_IE, p.d, p.W_II,
      p.W_IE, p.c, p.W_II, p.d,
    ]);
    const Q = noiseCovariance(p);
    const tot = p.sigmaInt ** 2 + p.sigmaExt ** 2;
    const e = p.sigmaExt ** 2;
    expect(Array.from(Q)).toEqual([tot, 0, e, 0, 0, tot, 0, e, e, 0, tot, 0, 0, e, 0, tot]);
  });

  it.each(cases)('eigenvalues from the two 2×2 modes are the spectrum of A (%s)', (_, p) => {
    // Newton's identities: equal power sums tr(Aᵏ), k = 1 … n, mean equal spectra
    const n = 2 * p.M;
    const A = driftMatrix(p);
    const ev = eigenvalues(p);
    expect(ev.reduce((s, e) => s + e.multiplicity, 0)).toBe(n);
    let P = A;
    for (let k = 1; k <= n; k++) {
      if (k > 1) P = matmul(P, A, n);
      let tr = 0;
      for (let i = 0; i < n; i++) tr += P[i * n + i];
      let sum = 0;
      let scale = 0;
      for (const e of ev) {
        const r = Math.hypot(e.re, e.im) ** k;
        const phi = Math.atan2(e.im, e.re) * k;
        sum += e.multiplicity * r * Math.cos(phi);
        scale += e.multiplicity * r;
      }
      expect(Math.abs(tr - sum)).toBeLessThan(1e-10 * Math.max(1, scale));
    }
  });

  it.each(cases)('C9 agrees with the Lyapunov solution to 1e-10 (%s)', (_, p) => {
    const ex = exactCorrelations(p);
    expect(ex.lyapunov).not.toBeNull();
    expect(ex.lyapunov!.residual).toBeLessThan(1e-12);
    expect(ex.c9VsLyapunov!).toBeLessThan(1e-10);
    // all groups alike in the Lyapunov solution, as C9 assumes
    expect(ex.lyapunov!.asymmetry).toBeLessThan(1e-10);
    for (const k of ['X', 'Y', 'Z', 'Xij', 'Yij', 'Zij'] as const)
      expect(Math.abs(ex.moments[k] - ex.lyapunov!.moments[k])).toBeLessThan(
        1e-10 * Math.max(ex.moments.X, ex.moments.Y),
      );
    expect(c9Residual(p, ex.moments)).toBeLessThan(1e-12);
    for (const k of CORRELATION_KEYS) expect(Math.abs(ex.correlations[k])).toBeLessThanOrEqual(1);
  });

  it('correlations do not depend on the overall noise scale, only on σ_int/σ_ext', () => {
    const p = cases[2][1];
    const q = { ...p, sigmaInt: 7 * p.sigmaInt, sigmaExt: 7 * p.sigmaExt };
    expect(
      maxDiff(exactCorrelations(p).correlations, exactCorrelations(q).correlations),
    ).toBeLessThan(1e-12);
  });

  it('the Euler–Maruyama stationary covariance tends to the SDE’s as O(dt)', () => {
    const p = cases[2][1];
    const ex = exactCorrelations(p).correlations;
    const d1 = maxDiff(eulerStationaryCorrelations(p, 0.02), ex);
    const d2 = maxDiff(eulerStationaryCorrelations(p, 0.01), ex);
    expect(d1).toBeGreaterThan(1e-4);
    expect(d1 / d2).toBeGreaterThan(1.8);
    expect(d1 / d2).toBeLessThan(2.2);
  });

  it('flags a network without a stationary state (never NaN)', () => {
    // strong recurrent excitation: the uniform mode a + W_EE > 0 grows
    const p: ReducedCoefficients = {
      ...cases[3][1],
      M: 4,
      a: -0.5,
      W_EE: 1,
      b: 0,
      W_EI: 0,
    };
    const s = stability(p);
    expect(s.stable).toBe(false);
    expect(s.maxRealPart).toBeGreaterThan(0);
    expect(s.message).toMatch(/no stationary state/);
    expect(s.slowestTimescale).toBe(Infinity);
    expect(() => exactCorrelations(p)).toThrow(NotStationaryError);
    expect(() => solveC9(p)).toThrow(/no stationary state/);
    // the marginal case Re λ = 0 is not stationary either
    const marginal = { ...p, a: -1, W_EE: 1 };
    expect(stability(marginal).maxRealPart).toBeCloseTo(0, 14);
    expect(stability(marginal).stable).toBe(false);
  });

  it('Euler–Maruyama stability needs |1 + λ dt| < 1', () => {
    const p = withNoise(8, homogeneousPrinted(1), 0.1, 0.1); // every λ = −1
    expect(eulerStability(p, 0.01).stable).toBe(true);
    expect(eulerStability(p, 1.9).stable).toBe(true);
    expect(eulerStability(p, 2.1).stable).toBe(false);
    expect(() => eulerStationaryCorrelations(p, 2.1)).toThrow(/unstable/);
  });

  it('momentsFromSigma/correlationsFromMoments refuse zero variance', () => {
    expect(() => correlationsFromMoments(momentsFromSigma(new Float64Array(16), 2))).toThrow(
      /not positive/,
    );
  });
});

describe('eq C10 as printed in the paper vs the exact solution', () => {
  it('differs in general: the printed homogeneous network at M = 8, W = 1, σ_int = σ_ext', () => {
    const p = withNoise(8, homogeneousPrinted(1), 0.05, 0.05);
    const c10 = c10ForCoefficients(p)!;
    expect(c10.family).toBe('homogeneous-printed');
    const ex = exactCorrelations(p).correlations;
    // C_II^ext: 0.0101 printed vs 0.1238 exact
    expect(maxDiff(c10.asPrinted, ex)).toBeGreaterThan(0.1);
  });

  it('as printed it can even exceed 1 (W = 10, σ_int = σ_ext)', () => {
    expect(c10AsPrinted(8, 10, 0.5).C_EI_int).toBeGreaterThan(1);
  });

  it('agrees for M = 2 and σ_int = σ_ext, for every W', () => {
    for (const W of [0, 0.3, 1, 2.5, 7]) {
      const p = withNoise(2, homogeneousPrinted(W), 0.3, 0.3);
      expect(maxDiff(c10AsPrinted(2, W, 0.5), exactCorrelations(p).correlations)).toBeLessThan(
        1e-12,
      );
    }
  });

  it('is exact for the authors’ code’s network once r = σ_ext/σ and (M−1)² in C10a/b', () => {
    for (const M of [2, 3, 8, 16])
      for (const [W, sInt, sExt] of [
        [0.5, 0.8, 0.2],
        [2, 0.2, 0.8],
        [6, 1, 1],
        [0.1, 1, 0],
        [3, 0, 1],
      ]) {
        const p = withNoise(M, homogeneousCode(M, W), sInt, sExt);
        const ex = exactCorrelations(p, { lyapunov: M <= 8 }).correlations;
        const rExt = sExt / (sInt + sExt);
        expect(maxDiff(c10EiLabReading(M, W, rExt), ex)).toBeLessThan(1e-12);
        // C10c and C10d are exact as printed in that reading of r …
        const printed = c10AsPrinted(M, W, rExt);
        expect(Math.abs(printed.C_EE_ext - ex.C_EE_ext)).toBeLessThan(1e-12);
        expect(Math.abs(printed.C_II_ext - ex.C_II_ext)).toBeLessThan(1e-12);
        // … while C10a/b carry the (M−1) misprint unless M = 2 (or nothing depends on it)
        if (M > 2 && sInt > 0 && W > 0.2)
          expect(Math.abs(printed.C_EI_int - ex.C_EI_int)).toBeGreaterThan(1e-4);
      }
  });

  it('W → ∞: the exact correlations and C10 as printed all tend to 1 as 1 − O(1/W²)', () => {
    for (const r of [0.2, 0.5, 0.8]) {
      const gap = (W: number) => {
        const p = withNoise(8, homogeneousCode(8, W), r, 1 - r);
        const ex = exactCorrelations(p, { lyapunov: false }).correlations;
        const pr = c10AsPrinted(8, W, r);
        return CORRELATION_KEYS.flatMap((k) => [1 - ex[k], 1 - pr[k]]);
      };
      const g1 = gap(400);
      const g2 = gap(800);
      for (let i = 0; i < g1.length; i++) {
        expect(Math.abs(g1[i])).toBeLessThan(1e-3);
        expect(g2[i] / g1[i]).toBeGreaterThan(0.24);
        expect(g2[i] / g1[i]).toBeLessThan(0.26);
      }
    }
  });

  it('C11 is the exact weak-coupling limit with only private noise (r = σ_ext/σ → 0)', () => {
    const M = 8;
    for (const W of [1e-3, 1e-2]) {
      const p = withNoise(M, homogeneousCode(M, W), 1, 0);
      const ex = exactCorrelations(p).correlations;
      const c11 = c11AsPrinted(M, W);
      for (const k of CORRELATION_KEYS)
        expect(Math.abs(ex[k] / c11[k] - 1)).toBeLessThan(2 * M * W);
    }
  });

  it('with r as printed (σ_int = rσ), r → 0 is all-shared noise, where C10/C11 miss the exact value', () => {
    // σ_int = 0: x_i = y_i in every group, so C_EI^int = 1 and the coupling cancels
    const M = 8;
    const W = 0.5;
    for (const p of [
      withNoise(M, homogeneousPrinted(W), 0, 1),
      withNoise(M, homogeneousCode(M, W), 0, 1),
    ]) {
      const ex = exactCorrelations(p).correlations;
      expect(ex.C_EI_int).toBeCloseTo(1, 12);
      expect(Math.abs(ex.C_EE_ext)).toBeLessThan(1e-12);
      const printed = c10ForCoefficients(p)!;
      expect(printed.r).toBe(0);
      expect(printed.asPrinted.C_EI_int).toBeLessThan(0.1);
    }
  });

  it('recognises the two homogeneous networks and nothing else', () => {
    expect(homogeneousFamily({ M: 8, ...homogeneousPrinted(2), sigmaInt: 1, sigmaExt: 1 })).toEqual(
      { family: 'homogeneous-printed', W: 2 },
    );
    expect(homogeneousFamily({ M: 8, ...homogeneousCode(8, 2), sigmaInt: 1, sigmaExt: 1 })).toEqual(
      {
        family: 'homogeneous-code',
        W: 2,
      },
    );
    expect(
      homogeneousFamily({ M: 8, ...homogeneousPrinted(2), a: 0.5, sigmaInt: 1, sigmaExt: 1 }),
    ).toBeNull();
    expect(
      c10ForCoefficients({ M: 8, ...homogeneousPrinted(2), sigmaInt: 0, sigmaExt: 0 }),
    ).toBeNull();
  });
});

describe('optimal clustering (eq C12)', () => {
  it('Nelder–Mead finds the Rosenbrock minimum', () => {
    const f = (x: Float64Array) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
    const r = nelderMead(f, [-1.2, 1], { step: 0.5, maxEval: 5000 });
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
  });

  it('only shared noise: perfect co-tuning (loss 0) is reachable', () => {
    const res = optimalClustering({ M: 8, W: 2, sigmaInt: 0, sigmaExt: 1 });
    expect(res.loss).toBeLessThan(1e-12);
    expect(res.correlations.C_EI_int).toBeCloseTo(1, 6);
  });

  it('the optimum beats an independent finer grid and is a local minimum in the box', () => {
    const pr = { M: 8, W: 1, sigmaInt: 0.5, sigmaExt: 0.5 };
    const res = optimalClustering(pr);
    expect(res.loss).toBeLessThan(res.uniform!.loss);
    expect(res.loss).toBeCloseTo(c12Loss(assemblyCorrelations(pr, res.r)!), 14);
    let gridMin = Infinity;
    const G = 13;
    const at = (i: number) => i / (G - 1);
    for (let a = 0; a < G; a++)
      for (let b = 0; b < G; b++)
        for (let c = 0; c < G; c++)
          for (let d = 0; d < G; d++) {
            const cc = assemblyCorrelations(pr, {
              r_EE: at(a),
              r_EI: at(b),
              r_IE: at(c),
              r_II: at(d),
            });
            if (cc) gridMin = Math.min(gridMin, c12Loss(cc));
          }
    expect(res.loss).toBeLessThanOrEqual(gridMin + 1e-12);
    const keys = ['r_EE', 'r_EI', 'r_IE', 'r_II'] as const;
    for (const k of keys)
      for (const h of [-1e-3, 1e-3]) {
        const v = res.r[k] + h;
        if (v < 0 || v > 1) continue;
        const c = assemblyCorrelations(pr, { ...res.r, [k]: v });
        if (c) expect(c12Loss(c)).toBeGreaterThanOrEqual(res.loss - 1e-12);
      }
  });
});

describe('noise words', () => {
  it('the WebAssembly and JavaScript Philox give the same words at the same counters', () => {
    const [k0, k1] = seedKey(12345, 40);
    const a = Array.from(noiseBlockFiller(k0, k1)(37, 4294967290));
    const b = Array.from(noiseBlockFiller(k0, k1, true)(37, 4294967290));
    expect(a).toEqual(b);
  });
});
