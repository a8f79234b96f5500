/**
 * Reduced linear model (Giannakakis et al. 2023, Appendix C): the claims, checked against
 * the exact solution and a seeded Euler–Maruyama simulation.
 * - Simulated correlations agree with the exact stationary ones within sampling error.
 * - Correlations rise towards 1 with the coupling W as 1 − O(1/W²) (Appendix C2) — for the
 *   authors' code's homogeneous network; the network printed in C2 saturates below 1.
 * - Between-group correlations vanish when all noise is shared within a group (the paper's
 *   "r = 1", which is σ_int = 0: r is the external fraction in C10's own reading).
 * - The optimal clustering of eq C12 has the structure of Fig 8's remarks.
 */
import { describe, expect, it } from 'vitest';
import {
  CORRELATION_KEYS,
  eulerStationaryCorrelations,
  exactCorrelations,
  type Correlations,
} from '../../src/labs/reduced/exact';
import {
  assemblyCoupling,
  homogeneousCode,
  homogeneousPrinted,
  type ReducedCoefficients,
} from '../../src/labs/reduced/model';
import { simulateReduced } from '../../src/labs/reduced/simulate';
import { c10ForCoefficients } from '../../src/labs/reduced/closedForm';
import { optimalClustering } from '../../src/labs/reduced/clustering';

const SIM = { dt: 0.01, T: 5000, burnIn: 50, batches: 20 };

const sets: [string, ReducedCoefficients][] = [
  [
    'homogeneous as printed (M = 8, W = 1, σ_int = σ_ext)',
    { M: 8, ...homogeneousPrinted(1), sigmaInt: 0.05, sigmaExt: 0.05 },
  ],
  [
    'authors’ homogeneous network (M = 4, W = 2, mostly private noise)',
    { M: 4, ...homogeneousCode(4, 2), sigmaInt: 0.08, sigmaExt: 0.02 },
  ],
  [
    'oscillatory assemblies (M = 5, W = 3, λ = −0.81 ± 2.62i)',
    {
      M: 5,
      ...assemblyCoupling(3, { r_EE: 0.3, r_EI: 0.9, r_IE: 0.9, r_II: 0.2 }),
      sigmaInt: 0.06,
      sigmaExt: 0.03,
    },
  ],
];

describe('simulation vs exact solution', () => {
  it.each(sets)('Euler–Maruyama correlations within 3 SE of the exact ones: %s', (_, p) => {
    const exact = exactCorrelations(p).correlations;
    // what the chain at dt = 0.01 converges to; differs from the SDE's by O(dt)
    const euler = eulerStationaryCorrelations(p, SIM.dt);
    const sim = simulateReduced(p, { ...SIM, seed: 11 });
    for (const k of CORRELATION_KEYS) {
      const se = sim.se[k];
      expect(se).toBeGreaterThan(0);
      expect(se).toBeLessThan(0.02);
      const bias = Math.abs(euler[k] - exact[k]);
      expect(bias).toBeLessThan(0.015);
      expect(Math.abs(sim.correlations[k] - euler[k])).toBeLessThan(3 * se);
      expect(Math.abs(sim.correlations[k] - exact[k])).toBeLessThan(3 * se + bias);
    }
  });

  it('the simulation tells the exact solution from C10 as printed', () => {
    const p = sets[0][1];
    const sim = simulateReduced(p, { ...SIM, seed: 12 });
    const printed = c10ForCoefficients(p)!.asPrinted;
    const z = CORRELATION_KEYS.map((k) => Math.abs(sim.correlations[k] - printed[k]) / sim.se[k]);
    expect(Math.max(...z)).toBeGreaterThan(10);
  });

  it('is reproducible from its seed and changes with it', () => {
    const p = { ...sets[1][1] };
    const o = { dt: 0.01, T: 200, burnIn: 10, batches: 4 };
    const a = simulateReduced(p, { ...o, seed: 5 });
    const b = simulateReduced(p, { ...o, seed: 5 });
    const c = simulateReduced(p, { ...o, seed: 6 });
    expect(b.correlations).toEqual(a.correlations);
    expect(c.correlations.C_EE_ext).not.toBe(a.correlations.C_EE_ext);
  });
});

describe('coupling: correlations rise towards 1 as 1 − O(1/W²)', () => {
  const M = 8;
  const corr = (W: number): Correlations =>
    exactCorrelations(
      { M, ...homogeneousCode(M, W), sigmaInt: 0.6, sigmaExt: 0.4 },
      {
        lyapunov: false,
      },
    ).correlations;

  it('every correlation increases with W (W ≥ 1) and approaches 1', () => {
    const Ws = [1, 2, 4, 8, 16, 32, 64];
    const cs = Ws.map(corr);
    for (const k of CORRELATION_KEYS) {
      for (let i = 1; i < cs.length; i++) expect(cs[i][k]).toBeGreaterThan(cs[i - 1][k]);
      expect(cs.at(-1)![k]).toBeGreaterThan(0.99);
      expect(cs.at(-1)![k]).toBeLessThan(1);
    }
  });

  it('1 − C falls by 4 when W doubles (large W)', () => {
    const a = corr(200);
    const b = corr(400);
    for (const k of CORRELATION_KEYS) {
      const ratio = (1 - b[k]) / (1 - a[k]);
      expect(ratio).toBeGreaterThan(0.24);
      expect(ratio).toBeLessThan(0.26);
    }
  });

  it('a simulation at strong coupling (W = 8) agrees too', () => {
    const p = { M, ...homogeneousCode(M, 8), sigmaInt: 0.06, sigmaExt: 0.04 };
    const euler = eulerStationaryCorrelations(p, SIM.dt);
    const sim = simulateReduced(p, { ...SIM, T: 3000, seed: 13 });
    for (const k of CORRELATION_KEYS) {
      expect(sim.correlations[k]).toBeGreaterThan(0.8);
      expect(Math.abs(sim.correlations[k] - euler[k])).toBeLessThan(3 * sim.se[k]);
    }
  });

  it('the network printed in Appendix C2 does not reach 1: C_EE^ext → (3M − 4)/(M(M − 1))', () => {
    // from C9 with a = W − 1, b = −W, c = W, d = −W − 1 (derived symbolically; EI Lab)
    for (const m of [3, 8]) {
      const p = { M: m, ...homogeneousPrinted(1e4), sigmaInt: 0.5, sigmaExt: 0.5 };
      const c = exactCorrelations(p, { lyapunov: false }).correlations;
      expect(c.C_EE_ext).toBeCloseTo((3 * m - 4) / (m * (m - 1)), 3);
      expect(c.C_EE_ext).toBeLessThan(0.9);
    }
  });
});

describe('noise: all noise shared within the group decouples the groups', () => {
  // σ_int = 0: x_i − y_i relaxes to 0, and once x_i = y_i the E and I inputs each group sends
  // cancel (W_EE + W_EI = W_IE + W_II = 0 in these networks), so the groups are independent
  const nets: [string, ReducedCoefficients][] = [
    ['printed homogeneous', { M: 8, ...homogeneousPrinted(2), sigmaInt: 0, sigmaExt: 0.1 }],
    ['authors’ homogeneous', { M: 8, ...homogeneousCode(8, 2), sigmaInt: 0, sigmaExt: 0.1 }],
    [
      'assemblies of equal strength r = 0.6',
      {
        M: 6,
        ...assemblyCoupling(1.5, { r_EE: 0.6, r_EI: 0.6, r_IE: 0.6, r_II: 0.6 }),
        sigmaInt: 0,
        sigmaExt: 0.1,
      },
    ],
  ];

  it.each(nets)('exact: C_EI^int = 1 and every between-group correlation is 0 (%s)', (_, p) => {
    const c = exactCorrelations(p).correlations;
    expect(c.C_EI_int).toBeCloseTo(1, 10);
    expect(Math.abs(c.C_EE_ext)).toBeLessThan(1e-10);
    expect(Math.abs(c.C_II_ext)).toBeLessThan(1e-10);
    expect(Math.abs(c.C_EI_ext)).toBeLessThan(1e-10);
  });

  it('simulated: between-group correlations are zero within sampling error', () => {
    const p = nets[0][1];
    const sim = simulateReduced(p, { ...SIM, T: 3000, seed: 14 });
    expect(sim.correlations.C_EI_int).toBeGreaterThan(0.999);
    for (const k of ['C_EE_ext', 'C_II_ext', 'C_EI_ext'] as const)
      expect(Math.abs(sim.correlations[k])).toBeLessThan(3 * sim.se[k] + 1e-3);
  });

  it('with r as printed (σ_int = rσ), r = 1 is all-private noise and the groups stay correlated', () => {
    const p = { M: 8, ...homogeneousCode(8, 2), sigmaInt: 0.1, sigmaExt: 0 };
    const c = exactCorrelations(p).correlations;
    expect(c.C_EE_ext).toBeGreaterThan(0.1);
    // while C10 as printed claims zero there
    expect(Math.abs(c10ForCoefficients(p)!.asPrinted.C_EE_ext)).toBeLessThan(1e-12);
  });
});

describe('optimal clustering (Fig 8)', () => {
  const runs = [1, 2, 4].flatMap((W) =>
    [0.1, 0.5].map((ext) => ({
      W,
      ext,
      res: optimalClustering({ M: 8, W, sigmaInt: 1 - ext, sigmaExt: ext }),
    })),
  );

  it('assemblies restore co-tuning: lower loss than uniform connectivity', () => {
    for (const { res } of runs) {
      expect(res.loss).toBeLessThan(0.5 * res.uniform!.loss);
      expect(res.correlations.C_EI_int).toBeGreaterThan(0.85);
    }
  });

  it('I → E never clusters; E → I always does (remarks 2–3)', () => {
    for (const { res } of runs) {
      expect(res.r.r_EI).toBeLessThan(0.05);
      expect(res.r.r_IE).toBeGreaterThan(0.9);
    }
  });

  it('E → E clustering weakens with coupling while I → I clustering grows (remarks 3–4)', () => {
    for (const ext of [0.1, 0.5]) {
      const at = (W: number) => runs.find((x) => x.W === W && x.ext === ext)!.res.r;
      expect(at(4).r_EE).toBeLessThan(at(2).r_EE);
      expect(at(2).r_EE).toBeLessThan(at(1).r_EE);
      expect(at(4).r_II).toBeGreaterThan(0.9);
    }
  });

  it('mostly shared input makes clustering nearly irrelevant (remark 5)', () => {
    const res = optimalClustering({ M: 8, W: 1, sigmaInt: 0.05, sigmaExt: 0.95 });
    expect(res.uniform!.loss).toBeLessThan(1e-3);
  });
});
