/**
 * ISN analytics (src/labs/isn/analytics.ts) against independent derivations:
 * fixed points by elimination (not Cramer's rule as in the module), Jacobians by finite
 * differences of the vector field, eigenvalues through the characteristic polynomial, and
 * the stability-map claims of Soldado-Magraner et al. 2022 (Figs 2F–I, 4H; SI Sections 1–2).
 */
import { describe, expect, it } from 'vitest';
import {
  balanceLines,
  fixedPoint,
  isParadoxical,
  jointStability,
  neuralJacobian,
  neuronParamsFrom,
  paradoxicalResponse,
  plasticityJacobian,
  stabilityMap,
  type NeuronParams,
  type W4,
} from '../../src/labs/isn/analytics';
import { defaults } from '../../src/model/params';
import { ISN_PARAMS } from '../../src/labs/isn/params';

const P: NeuronParams = { tauE: 10, tauI: 2, thetaE: 4.8, thetaI: 25, gE: 1, gI: 4 };
const ISN: W4 = { EE: 5, EI: 1.52, IE: 10, II: 2.25 };

/** Fixed point by eliminating I from eq 2 and substituting into eq 1 (active region). */
function byElimination(
  p: NeuronParams,
  w: W4,
  extE: number,
  extI: number,
): { E: number; I: number } {
  // I = g_I (W_IE E + extI − θ_I)/(1 + g_I W_II)
  const k = p.gI / (1 + p.gI * w.II);
  // E = g_E (W_EE E − W_EI k (W_IE E + extI − θ_I) + extE − θ_E)
  const coef = 1 - p.gE * w.EE + p.gE * w.EI * k * w.IE;
  const rhs = p.gE * (extE - p.thetaE) - p.gE * w.EI * k * (extI - p.thetaI);
  const E = rhs / coef;
  return { E, I: k * (w.IE * E + extI - p.thetaI) };
}

/** Right-hand side of eqs 1–2 without noise (per ms). */
function field(p: NeuronParams, w: W4, E: number, I: number, extE = 0, extI = 0): [number, number] {
  const fE = p.gE * Math.max(0, w.EE * E - w.EI * I + extE - p.thetaE);
  const fI = p.gI * Math.max(0, w.IE * E - w.II * I + extI - p.thetaI);
  return [(-E + fE) / p.tauE, (-I + fI) / p.tauI];
}

describe('fixedPoint', () => {
  it('is the ISN demo state of Fig 1B: E = 5, I = 10 without and E ≈ 2.954, I ≈ 4.615 with I_ext = 7', () => {
    const a = fixedPoint(P, ISN);
    expect(a.upState).toBe(true);
    expect(a.E).toBeCloseTo(5, 10);
    expect(a.I).toBeCloseTo(10, 10);
    const b = fixedPoint(P, ISN, 0, 7);
    expect(b.upState).toBe(true);
    expect(b.E).toBeCloseTo(15.36 / 5.2, 10);
    expect(b.I).toBeCloseTo(24 / 5.2, 10);
    expect(b.E).toBeCloseTo(2.954, 3);
    expect(b.I).toBeCloseTo(4.615, 3);
  });

  const sets: [W4, number, number][] = [
    [ISN, 0, 0],
    [ISN, 0, 7],
    [{ EE: 5, EI: 1.52, IE: 12, II: 2.25 }, 0, 0], // Fig 3B
    [{ EE: 5, EI: 1.09, IE: 10, II: 1.54 }, 0, 0], // Fig 2E
    [{ EE: 4.5, EI: 0.98, IE: 5.6, II: 0.1 }, 0, 0],
    [{ EE: 0.5, EI: 0.5, IE: 10, II: 1.5 }, 12, 0], // non-ISN with a drive to E
    [{ EE: 8, EI: 2.5, IE: 15, II: 3 }, 1.5, -2],
  ];
  it.each(sets)(
    'agrees with elimination and zeroes the vector field (%o, extE %d, extI %d)',
    (w, extE, extI) => {
      const a = fixedPoint(P, w, extE, extI);
      const b = byElimination(P, w, extE, extI);
      expect(a.upState).toBe(true);
      expect(a.E).toBeCloseTo(b.E, 9);
      expect(a.I).toBeCloseTo(b.I, 9);
      const [dE, dI] = field(P, w, a.E, a.I, extE, extI);
      expect(Math.abs(dE)).toBeLessThan(1e-9);
      expect(Math.abs(dI)).toBeLessThan(1e-9);
    },
  );

  it('reports no Up state when the linear solution has a negative rate (W_EE·g_E < 1, no drive)', () => {
    const w = { EE: 0.5, EI: 1, IE: 10, II: 1 };
    const a = fixedPoint(P, w);
    const b = byElimination(P, w, 0, 0);
    expect(a.E).toBeCloseTo(b.E, 9);
    expect(a.I).toBeCloseTo(b.I, 9);
    expect(Math.min(a.E, a.I)).toBeLessThan(0);
    expect(a.upState).toBe(false);
  });

  it('the reference initial weights (Figs 2B/4B) have an Up state with I barely above threshold (E ≈ 6.61, I ≈ 0.82)', () => {
    // it exists and is stable, but the kick (7 for 10 ms) does not reach it: E peaks at
    // 2·(e^1.1 − 1) ≈ 4.0 < θ_E/(W_EE·g_E − 1) ≈ 4.36, so trial 1 is silent as in the paper
    const w = { EE: 2.1, EI: 3, IE: 4, II: 1.5 };
    const a = fixedPoint(P, w);
    const b = byElimination(P, w, 0, 0);
    expect(a.upState).toBe(true);
    expect(a.E).toBeCloseTo(b.E, 9);
    expect(a.I).toBeCloseTo(b.I, 9);
    expect(a.E).toBeCloseTo(6.6104, 3);
    expect(a.I).toBeCloseTo(0.8238, 3);
  });

  it('reports no Up state when I would be below threshold or gains vanish', () => {
    // I inactive: W_IE tiny, so the "solution" has I ≤ 0
    expect(fixedPoint(P, { EE: 0.5, EI: 1, IE: 0.1, II: 1 }, 20, 0).upState).toBe(false);
    expect(fixedPoint({ ...P, gE: 0 }, ISN).upState).toBe(false);
  });

  it('reads the neuron parameters from the table', () => {
    expect(neuronParamsFrom(defaults(ISN_PARAMS))).toEqual(P);
  });
});

describe('neuralJacobian', () => {
  const weightSets: W4[] = [
    ISN,
    { EE: 5, EI: 1.09, IE: 10, II: 1.54 },
    { EE: 4.5, EI: 0.98, IE: 5.6, II: 0.1 },
    { EE: 0.5, EI: 0.5, IE: 10, II: 1.5 },
    { EE: 12, EI: 1, IE: 3, II: 0.2 },
  ];
  it.each(weightSets)(
    'equals finite differences of eqs 1–2 and its eigenvalues solve the characteristic polynomial (%o)',
    (w) => {
      const extE = w.EE < 1 ? 12 : 0;
      const fp = fixedPoint(P, w, extE, 0);
      const { J, eig } = neuralJacobian(P, w);
      const h = 1e-6;
      const [e0, i0] = [fp.E, fp.I];
      const dE = field(P, w, e0 + h, i0, extE).map(
        (v, k) => (v - field(P, w, e0 - h, i0, extE)[k]) / (2 * h),
      );
      const dI = field(P, w, e0, i0 + h, extE).map(
        (v, k) => (v - field(P, w, e0, i0 - h, extE)[k]) / (2 * h),
      );
      if (fp.upState) {
        expect(J[0][0]).toBeCloseTo(dE[0], 6);
        expect(J[1][0]).toBeCloseTo(dE[1], 6);
        expect(J[0][1]).toBeCloseTo(dI[0], 6);
        expect(J[1][1]).toBeCloseTo(dI[1], 6);
      }
      // by hand: J = [[(g_E W_EE − 1)/τ_E, −g_E W_EI/τ_E], [g_I W_IE/τ_I, −(1 + g_I W_II)/τ_I]]
      const a = (P.gE * w.EE - 1) / P.tauE;
      const b = (-P.gE * w.EI) / P.tauE;
      const c = (P.gI * w.IE) / P.tauI;
      const d = -(1 + P.gI * w.II) / P.tauI;
      expect(J).toEqual([
        [a, b],
        [c, d],
      ]);
      const tr = a + d;
      const det = a * d - b * c;
      expect(eig).toHaveLength(2);
      for (const { re, im } of eig) {
        // λ² − tr·λ + det = 0 in complex arithmetic
        const pr = re * re - im * im - tr * re + det;
        const pi = 2 * re * im - tr * im;
        expect(Math.hypot(pr, pi)).toBeLessThan(1e-9 * (1 + Math.abs(det) + tr * tr));
      }
      expect(eig[0].re + eig[1].re).toBeCloseTo(tr, 10);
      expect(eig[0].im + eig[1].im).toBeCloseTo(0, 12);
    },
  );

  it('ISN demo weights: stable with real eigenvalues ≈ −0.238 and −4.362 per ms', () => {
    const { eig } = neuralJacobian(P, ISN);
    expect(eig[0].re).toBeCloseTo(-0.23845, 4);
    expect(eig[1].re).toBeCloseTo(-4.36155, 4);
    expect(eig[0].im).toBe(0);
  });
});

describe('balance lines (eqs 4–5)', () => {
  const pairs: [number, number][] = [
    [5, 14],
    [10, 14],
    [5, 24],
    [3, 7],
  ];
  it.each(pairs)('the fixed point on the lines is the set point (E_set %d, I_set %d)', (Es, Is) => {
    const L = balanceLines(P, Es, Is);
    for (const WEE of [2.5, 4, 7, 11])
      for (const WIE of [8, 12, 20]) {
        const w = { EE: WEE, EI: L.WEI(WEE), IE: WIE, II: L.WII(WIE) };
        if (w.EI < 0 || w.II < 0) continue;
        const fp = fixedPoint(P, w);
        expect(fp.upState).toBe(true);
        expect(fp.E).toBeCloseTo(Es, 9);
        expect(fp.I).toBeCloseTo(Is, 9);
      }
  });

  it('reproduces the Fig 2E weights (W_EE 5, W_IE 10 → W_EI 1.09, W_II 1.54) and the slope E_set/I_set', () => {
    const L = balanceLines(P, 5, 14);
    expect(L.WEI(5)).toBeCloseTo(1.0857, 4);
    expect(L.WII(10)).toBeCloseTo(1.5357, 4);
    expect(L.WEI(6) - L.WEI(5)).toBeCloseTo(5 / 14, 12);
    expect(L.WII(11) - L.WII(10)).toBeCloseTo(5 / 14, 12);
    // the spec's literal form
    expect(L.WEI(3.3)).toBeCloseTo((3.3 * 5 - 4.8 - 5 / 1) / 14, 12);
    expect(L.WII(7.7)).toBeCloseTo((7.7 * 5 - 25 - 14 / 4) / 14, 12);
  });
});

describe('paradoxical effect', () => {
  /** weights whose fixed point is (5, 14) with a drive to E that keeps E active for any W_EE */
  function activeNet(WEE: number, gE = 1) {
    const p = { ...P, gE };
    const EI = 1.5;
    const extE = 5 / gE + p.thetaE + EI * 14 - WEE * 5;
    const w = { EE: WEE, EI, IE: 10, II: balanceLines(p, 5, 14).WII(10) };
    return { p, w, extE };
  }

  it('the response of I to a drive onto I changes sign at W_EE·g_E = 1', () => {
    for (const WEE of [0.3, 0.6, 0.9, 0.98, 1.02, 1.2, 2, 4, 6]) {
      const { p, w, extE } = activeNet(WEE);
      const base = fixedPoint(p, w, extE, 0);
      const pert = fixedPoint(p, w, extE, 1);
      expect(base.upState && pert.upState).toBe(true);
      expect(neuralJacobian(p, w).eig.every((e) => e.re < 0)).toBe(true);
      const r = paradoxicalResponse(p, w, 1);
      // the linear response equals the difference of fixed points
      expect(r.dI).toBeCloseTo(pert.I - base.I, 9);
      expect(r.dE).toBeCloseTo(pert.E - base.E, 9);
      expect(isParadoxical(p, w)).toBe(WEE > 1);
      expect(r.dI < 0).toBe(WEE > 1);
      expect(r.dE).toBeLessThan(0); // E always falls
    }
  });

  it('the sign flips with the gain too (W_EE = 2, g_E from 0.4 to 0.6)', () => {
    for (const gE of [0.3, 0.45, 0.55, 0.8]) {
      const { p, w } = activeNet(2, gE);
      expect(isParadoxical(p, w)).toBe(2 * gE > 1);
      expect(paradoxicalResponse(p, w, 1).dI < 0).toBe(2 * gE > 1);
    }
  });

  it('Fig 1B: +7 onto I lowers I from 10 to ≈4.6 in the ISN demo network', () => {
    const r = paradoxicalResponse(P, ISN, 7);
    expect(r.dI).toBeCloseTo(24 / 5.2 - 10, 9);
  });
});

describe('plasticity subsystem', () => {
  const L = balanceLines(P, 5, 14);
  const fig2E = { EE: 5, EI: L.WEI(5), IE: 10, II: L.WII(10) };

  it('its eigenvalues are those of D·P (checked against a finite-difference 4×4 Jacobian)', () => {
    for (const rule of ['homeostatic', 'cross', 'two-term'] as const) {
      const aE = 1e-4;
      const aI = 3e-4;
      // trial-averaged update as a function of the weights, rates at their fixed point
      const dW = (w: W4): number[] => {
        const { E, I } = fixedPoint(P, w);
        const h = [aE * E * (5 - E), -aE * I * (5 - E), aI * E * (14 - I), -aI * I * (14 - I)];
        const x = [aE * E * (14 - I), -aE * I * (14 - I), -aI * E * (5 - E), aI * I * (5 - E)];
        if (rule === 'homeostatic') return h;
        if (rule === 'cross') return x;
        return h.map((v, k) => v + x[k]);
      };
      const keys: (keyof W4)[] = ['EE', 'EI', 'IE', 'II'];
      const M = keys.map(() => [0, 0, 0, 0]);
      const eps = 1e-6;
      keys.forEach((k, col) => {
        const up = dW({ ...fig2E, [k]: fig2E[k] + eps });
        const dn = dW({ ...fig2E, [k]: fig2E[k] - eps });
        for (let row = 0; row < 4; row++) M[row][col] = (up[row] - dn[row]) / (2 * eps);
      });
      // the two non-zero eigenvalues λ of a rank-2 4×4 matrix: λ1 + λ2 = tr M, λ1·λ2 = e2(M) (sum of principal 2×2 minors)
      const tr = M[0][0] + M[1][1] + M[2][2] + M[3][3];
      let e2 = 0;
      for (let i = 0; i < 4; i++)
        for (let j = i + 1; j < 4; j++) e2 += M[i][i] * M[j][j] - M[i][j] * M[j][i];
      const { eig } = plasticityJacobian(P, fig2E, rule, aE, aI, 5, 14);
      const sum = eig[0].re + eig[1].re;
      const prodRe = eig[0].re * eig[1].re - eig[0].im * eig[1].im;
      expect(sum).toBeCloseTo(tr, 9);
      expect(prodRe).toBeCloseTo(e2, 11);
    }
  });

  it('Fig 2E: the set-point weights are neurally stable but homeostatic plasticity (α_E = α_I) is unstable; cross is stable', () => {
    expect(neuralJacobian(P, fig2E).eig.every((e) => e.re < 0)).toBe(true);
    const h = plasticityJacobian(P, fig2E, 'homeostatic', 1e-4, 1e-4, 5, 14).eig;
    expect(Math.max(h[0].re, h[1].re)).toBeGreaterThan(0);
    const c = plasticityJacobian(P, fig2E, 'cross', 5e-4, 5e-4, 5, 14).eig;
    expect(Math.max(c[0].re, c[1].re)).toBeLessThan(0);
  });
});

describe('stability maps over (W_EE, W_IE) on the balance lines', () => {
  const grid = {
    p: P,
    Eset: 5,
    Iset: 14,
    WEE: [0, 15, 61] as [number, number, number],
    WIE: [0, 30, 61] as [number, number, number],
  };

  function counts(
    ratio: number,
    rule: 'homeostatic' | 'cross' | 'two-term',
    extra: { extE?: number } = {},
  ) {
    const m = jointStability({ ...grid, ...extra, rule, alphaRatio: ratio });
    let valid = 0;
    let neural = 0;
    let both = 0;
    let paradoxicalValid = 0;
    for (let i = 0; i < m.neural.y.length; i++)
      for (let j = 0; j < m.neural.x.length; j++) {
        if (!Number.isFinite(m.neural.z[i][j])) continue;
        valid++;
        if (m.neural.x[j] * P.gE > 1) paradoxicalValid++;
        if (m.neural.stable[i][j]) neural++;
        if (m.both[i][j]) both++;
      }
    return { m, valid, neural, both, paradoxicalValid };
  }

  it('marks points with negative balance-line weights as invalid (NaN, not stable)', () => {
    const m = stabilityMap({ ...grid, kind: 'neural' });
    expect(m.x).toHaveLength(61);
    expect(m.y).toHaveLength(61);
    expect(m.z).toHaveLength(61);
    const L = balanceLines(P, 5, 14);
    for (let i = 0; i < m.y.length; i++)
      for (let j = 0; j < m.x.length; j++) {
        const invalid = L.WEI(m.x[j]) < 0 || L.WII(m.y[i]) < 0;
        expect(Number.isNaN(m.z[i][j])).toBe(invalid);
        if (invalid) expect(m.stable[i][j]).toBe(false);
        else expect(m.stable[i][j]).toBe(m.z[i][j] < 0);
      }
  });

  it('without external input every valid point is paradoxical (self-sustained activity needs W_EE·g_E > 1)', () => {
    const c = counts(1, 'cross');
    expect(c.valid).toBeGreaterThan(1000);
    expect(c.paradoxicalValid).toBe(c.valid);
  });

  it.each([0.01, 0.1, 1, 10, 100])(
    'cross-homeostatic is stable wherever the neural subsystem is (α_I/α_E = %d; Fig 4H)',
    (ratio) => {
      const c = counts(ratio, 'cross');
      expect(c.neural).toBeGreaterThan(1000);
      expect(c.both).toBe(c.neural);
    },
  );

  it('homeostatic with α_E = α_I overlaps the neural region only in a narrow triangle (Fig 2F)', () => {
    const c = counts(1, 'homeostatic');
    expect(c.both).toBeGreaterThan(0);
    expect(c.both / c.neural).toBeLessThan(0.2);
  });

  it('homeostatic with α_E ≫ α_I overlaps most of the neural region (Fig 2G)', () => {
    const c = counts(0.01, 'homeostatic');
    expect(c.both / c.neural).toBeGreaterThan(0.95);
  });

  it('homeostatic with α_E ≪ α_I never overlaps it: the plasticity boundary is the paradoxical line (Figs 2H–I)', () => {
    expect(counts(100, 'homeostatic').both).toBe(0);
    // Fig 2I: a drive to E makes non-paradoxical Up states possible; there the rules are
    // stable exactly on the non-paradoxical side (W_EE·g_E < 1) in the limit α_E/α_I → 0
    const c = counts(1e4, 'homeostatic', { extE: 12 });
    let nonParadoxicalNeural = 0;
    for (let i = 0; i < c.m.neural.y.length; i++)
      for (let j = 0; j < c.m.neural.x.length; j++) {
        if (!c.m.neural.stable[i][j]) continue;
        const WEE = c.m.neural.x[j];
        if (Math.abs(WEE - 1) < 0.05) continue;
        if (WEE < 1) nonParadoxicalNeural++;
        expect(c.m.plasticity.stable[i][j]).toBe(WEE * P.gE < 1);
      }
    expect(nonParadoxicalNeural).toBeGreaterThan(20);
  });

  it('two-term is stable on almost all of the neural region with equal rates (SI 1.4)', () => {
    const c = counts(1, 'two-term');
    expect(c.both / c.neural).toBeGreaterThan(0.95);
  });
});
