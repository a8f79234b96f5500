/**
 * Co-tuning measures (src/labs/cotuning/measures.ts) against hand computations, and the
 * assembly parameterisation (eq 4) against its defining identities.
 */
import { describe, expect, it } from 'vitest';
import {
  abcDistance,
  balance,
  convergenceCheck,
  diversity,
  diversityCode,
  groupCorrelations,
  meanCvIsi,
} from '../../src/labs/cotuning/measures';
import { assemblyStrength, assemblyWeights, groupLayout } from '../../src/labs/cotuning/network';

describe('diversity (eq 1) and balance (eq 2)', () => {
  const group = [0, 0, 1, 1, 2, 2];
  it('D = 1 for uniform groups with different weights, 0 without differences between groups', () => {
    expect(diversity([1, 1, 2, 2, 3, 3], group, 3)).toBeCloseTo(1, 12);
    expect(diversity([1, 2, 1, 2, 1, 2], group, 3)).toBeCloseTo(0, 12);
  });
  it('matches the formula on a mixed case (population standard deviations)', () => {
    const w = [1, 2, 2, 4, 3, 7];
    const sd = (x: number[]) => {
      const m = x.reduce((a, b) => a + b) / x.length;
      return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
    };
    const expected = 1 - (sd([1, 2]) + sd([2, 4]) + sd([3, 7])) / (3 * sd(w));
    expect(diversity(w, group, 3)).toBeCloseTo(expected, 12);
    const v = (x: number[]) => sd(x) ** 2;
    const code = 1 - (v([1, 2]) + v([2, 4]) + v([3, 7])) / (3 * v(w));
    expect(diversityCode(w, group, w, group, 3)).toBeCloseTo(code, 12);
  });
  it('B is the correlation of group means: 1 when I follows E, −1 when opposite', () => {
    const wE = [1, 1, 2, 2, 5, 5];
    expect(balance(wE, group, [1, 3, 4, 4, 9, 11], group, 3)).toBeCloseTo(1, 12);
    expect(balance(wE, group, [5, 5, 4, 4, 1, 1], group, 3)).toBeLessThan(-0.9);
  });
});

describe('group correlations', () => {
  const layout = { nE: 4, nI: 2, groupE: [0, 0, 1, 1], groupI: [0, 1] };
  it('in-group E and I traces that are identical give C_in = 1; independent groups ~0', () => {
    const steps: number[] = [];
    const ids: number[] = [];
    let s = 12345;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
    for (let k = 0; k < 200000; k += 10) {
      if (rnd() < 0.3) {
        steps.push(k, k, k); // group 0: E 0, 1 and I 4
        ids.push(0, 1, 4);
      }
      if (rnd() < 0.3) {
        steps.push(k, k); // group 1: E 2 and I 5
        ids.push(2, 5);
      }
    }
    const c = groupCorrelations(steps, ids, layout, 2, 0, 200000, 10);
    expect(c.C_in_EI).toBeCloseTo(1, 10);
    expect(Math.abs(c.C_out_EE)).toBeLessThan(0.05);
    expect(Math.abs(c.C_out_EI)).toBeLessThan(0.05);
    expect(Math.abs(c.C_out_II)).toBeLessThan(0.05);
    expect(abcDistance(c)).toBeLessThan(0.01);
  });
  it('a silent group counts as uncorrelated', () => {
    const c = groupCorrelations([0, 10, 30], [0, 0, 0], layout, 2, 0, 100, 10);
    expect(c.C_in_EI).toBe(0);
    expect(abcDistance({ C_in_EI: 0, C_out_EE: 1, C_out_EI: 1, C_out_II: 1 })).toBeCloseTo(1, 12);
  });
  it('CV of ISI: 0 for a regular train', () => {
    expect(meanCvIsi([0, 10, 20, 30, 40], [3, 3, 3, 3, 3], 0, 10)).toBe(0);
  });
});

describe('assembly parameterisation (eq 4)', () => {
  it('keeps the mean weight and the ratio', () => {
    for (const [R, W, M] of [
      [1, 2, 8],
      [4, 1.5, 8],
      [11, 8.5, 8],
      [3, 1, 4],
    ]) {
      const { wIn, wOut } = assemblyWeights(R, W, M);
      expect(wIn / wOut).toBeCloseTo(R, 12);
      expect((wIn + (M - 1) * wOut) / M).toBeCloseTo(W, 12);
      expect(assemblyStrength(R, M)).toBeCloseTo(wIn / (wIn + (M - 1) * wOut), 12);
    }
  });
  it('splits N into M equal E and I groups or says why not', () => {
    const l = groupLayout({ N: 1000, M: 8 });
    expect(l.nE).toBe(800);
    expect(l.groupE[99]).toBe(0);
    expect(l.groupE[100]).toBe(1);
    expect(l.groupI[24]).toBe(0);
    expect(l.groupI[25]).toBe(1);
    expect(() => groupLayout({ N: 1000, M: 7 })).toThrow(/7 equal groups/);
  });
});

describe('convergence check (Appendix B)', () => {
  // 6 E neurons: 0–2 fire together in volleys, 3–5 fire independently and rarely; 2 I neurons
  // follow the volleys (so −I columns subtract their covariance)
  const steps: number[] = [];
  const ids: number[] = [];
  let s = 99;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const add = (k: number, i: number) => {
    steps.push(k);
    ids.push(i);
  };
  for (let k = 0; k < 100000; k += 10) {
    if (rnd() < 0.2) for (const i of [0, 1, 2]) add(k, i);
    for (const i of [3, 4, 5]) if (rnd() < 0.02) add(k, i);
    if (rnd() < 0.05) add(k, 6);
  }
  it('weights on the correlated group are (close to) the leading eigenvector; others are not', () => {
    const good = convergenceCheck(steps, ids, 6, 2, [1, 1, 1, 0, 0, 0], [0, 0], 0, 100000, 10);
    expect(good.cosine).toBeGreaterThan(0.99);
    expect(good.eigenCosine).toBeGreaterThan(0.99);
    expect(good.lambda).toBeGreaterThan(0);
    const bad = convergenceCheck(steps, ids, 6, 2, [0, 0, 0, 1, 1, 1], [0, 0], 0, 100000, 10);
    expect(bad.eigenCosine).toBeLessThan(0.2);
    // per input (Fig 7B's scatter): C̄w/λ ≈ w and the eigenvector, with w's sign and length,
    // ≈ w for the eigenvector weights; not for the others
    const w = [1, 1, 1, 0, 0, 0, 0, 0];
    const near = (a: Float32Array) => Math.max(...w.map((x, i) => Math.abs(a[i] - x)));
    expect(good.cwOverLambda).toHaveLength(8);
    expect(near(good.cwOverLambda)).toBeLessThan(0.1);
    expect(near(good.eigenvector)).toBeLessThan(0.1);
    const len = (a: ArrayLike<number>) => Math.hypot(...Array.from(a));
    expect(len(bad.eigenvector)).toBeCloseTo(Math.sqrt(3), 5);
    // weights on the independent neurons are an eigenvector too, but not the leading one: that
    // lies on the correlated group
    expect(Math.min(...[0, 1, 2].map((i) => Math.abs(bad.eigenvector[i])))).toBeGreaterThan(0.8);
  });
  it('baselines: shuffled weights are no eigenvector; the centred cosine sees the group structure', () => {
    const good = convergenceCheck(steps, ids, 6, 2, [1, 1, 1, 0, 0, 0], [0, 0], 0, 100000, 10);
    // 3 of the 6 E weights on random neurons: C̄w is no longer along w
    expect(good.shuffledCosine).toBeLessThan(good.cosine - 0.1);
    expect(good.centredCosine).toBeGreaterThan(0.9);
    expect(good.centredShuffledCosine).toBeLessThan(good.centredCosine - 0.2);
  });
});
