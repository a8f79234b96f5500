/**
 * Sequential ABC (src/analysis/abc.ts) on problems with a known answer: the accepted region
 * shrinks around the true parameters (ε falls, the weighted mean approaches them), weights are
 * normalised, particles stay in the prior; the helpers against hand computations.
 */
import { describe, expect, it } from 'vitest';
import { cholesky, mvnPdf, percentile, runAbc, weightedCov } from '../../src/analysis/abc';

describe('ABC population Monte Carlo', () => {
  it('concentrates on the parameters that make the loss small', async () => {
    const truth = [2, -1];
    const steps = await runAbc(
      {
        lo: [-5, -5],
        hi: [5, 5],
        nAccept: 40,
        steps: 8,
        eps0: 2,
        batch: 20,
        maxProposalsPerStep: 20000,
        seed: 3,
      },
      async (thetas) => thetas.map((t) => ((t[0] - truth[0]) ** 2 + (t[1] - truth[1]) ** 2) / 10),
    );
    expect(steps.length).toBe(8);
    const last = steps[steps.length - 1];
    expect(last.epsilon).toBeLessThan(steps[0].epsilon / 10);
    expect(Math.abs(last.mean[0] - 2)).toBeLessThan(0.2);
    expect(Math.abs(last.mean[1] + 1)).toBeLessThan(0.2);
    for (const s of steps) {
      expect(s.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      for (const p of s.particles) for (const x of p) expect(Math.abs(x)).toBeLessThanOrEqual(5);
      for (const l of s.losses) expect(l).toBeLessThan(s.epsilon);
    }
    // ε is the 75th percentile of the previous step's accepted losses
    expect(steps[2].epsilon).toBeCloseTo(percentile(steps[1].losses, 75), 12);
  });

  it('is reproducible from the seed', async () => {
    const sim = async (thetas: number[][]) => thetas.map((t) => Math.abs(t[0] - 0.5));
    const o = {
      lo: [0],
      hi: [1],
      nAccept: 10,
      steps: 3,
      eps0: 0.4,
      batch: 5,
      maxProposalsPerStep: 1000,
      seed: 9,
    };
    expect((await runAbc(o, sim)).map((s) => s.particles)).toEqual(
      (await runAbc(o, sim)).map((s) => s.particles),
    );
  });

  it('helpers: Cholesky, normal density, weighted covariance, percentile', () => {
    const A = [
      [4, 2],
      [2, 3],
    ];
    const L = cholesky(A)!;
    expect(L[0][0] * L[0][0]).toBeCloseTo(4, 12);
    expect(L[1][0] * L[0][0]).toBeCloseTo(2, 12);
    expect(L[1][0] ** 2 + L[1][1] ** 2).toBeCloseTo(3, 12);
    expect(
      cholesky([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull();
    // density of N(0, A) at 0: 1/(2π√det A)
    expect(mvnPdf([0, 0], [0, 0], L)).toBeCloseTo(1 / (2 * Math.PI * Math.sqrt(8)), 12);
    const C = weightedCov([[0], [2]], [0.5, 0.5]);
    expect(C[0][0]).toBeCloseTo(2, 12); // unbiased: sample variance of {0, 2}
    expect(percentile([1, 2, 3, 4, 5], 75)).toBe(4);
  });
});
