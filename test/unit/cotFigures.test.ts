/**
 * The co-tuning lab's figures (src/ui/cot/figures.ts) as pure functions of the store: what they
 * tell a user about which network a plot shows and what a run without a read-out has, the
 * read-out rate's running mean and the iSTDP target, and the tuning plot's weight axis.
 */
import { describe, expect, it } from 'vitest';
import { COT_FIGURES, shownNetwork, trailingMean } from '../../src/ui/cot/figures';
import { INITIAL_COT_STATE, type CotSample, type CotState } from '../../src/state/cotStore';
import type { SweepPoint } from '../../src/labs/cotuning/study';

const shape = { nE: 160, nI: 40, M: 4, dt: 0.1, seconds: 2, readout: true, rho0: 3 };

function sample(t: number, rate: number): CotSample {
  return { t, D: 0.5, D_code: 0.6, B: 0.9, readoutRate: rate, meanE: [1, 2], meanI: [3, 4] };
}

function point(value: number): SweepPoint {
  const c = { C_in_EI: 0.9, C_out_EE: 0, C_out_EI: 0, C_out_II: 0 };
  return { value, D: 0.5, D_code: 0.5, B: 0.9, rate_E: 9, rate_I: 9, ...c };
}

const state = (over: Partial<CotState>): CotState => ({ ...INITIAL_COT_STATE, shape, ...over });
const title = (s: CotState, id: keyof typeof COT_FIGURES) => {
  const t = COT_FIGURES[id].build(s).layout.title;
  return typeof t === 'string' ? t : (t?.text ?? '');
};
const note = (s: CotState, id: keyof typeof COT_FIGURES) =>
  String(COT_FIGURES[id].build(s).layout.annotations?.[0]?.text ?? '');

describe('co-tuning figures', () => {
  it('a running mean over the last n values, fewer at the start', () => {
    expect(trailingMean([10, 20, 30, 40, 50], 2)).toEqual([10, 15, 25, 35, 45]);
    expect(trailingMean([0, 10, 0, 10], 10)).toEqual([0, 5, 10 / 3, 5]);
    expect(trailingMean([], 3)).toEqual([]);
  });

  it("says which network the run's plots show after a sweep or ABC", () => {
    expect(shownNetwork(state({}))).toBe('');
    const swept = state({ sweep: [point(0), point(0.25), point(0.5)], sweepParam: 'noise' });
    expect(shownNetwork(swept)).toContain('c = 0.5');
    const samples = [sample(0.1, 10), sample(0.2, 20)];
    expect(title({ ...swept, samples }, 'cot-db')).toContain('c = 0.5');
    const abc = state({
      abc: [
        {
          step: 0,
          epsilon: 0.5,
          particles: [[1, 2, 3, 4]],
          weights: [1],
          proposals: 2,
          acceptRate: 0.5,
          mean: [1, 2, 3, 4],
        },
      ],
    });
    expect(shownNetwork(abc)).toContain('posterior mean');
    // the sweep plot marks the value the other tabs show
    const shapes = COT_FIGURES['cot-sweep'].build(swept).layout.shapes ?? [];
    expect(shapes.map((x) => x.x0)).toEqual([0.5]);
  });

  it('a run without a read-out says so instead of "run the lab"', () => {
    const none = state({ shape: { ...shape, readout: false } });
    for (const id of ['cot-db', 'cot-weights', 'cot-wevolution', 'cot-rate'] as const)
      expect(note(none, id)).toMatch(/No read-out neuron/);
    expect(note(state({}), 'cot-db')).toMatch(/Run the lab/);
  });

  it("Appendix B's check: C̄w/λ against w per input, E then I, with the cosines in the title", () => {
    const convergence = {
      cosine: 0.89,
      lambda: 2,
      eigenCosine: 0.9,
      shuffledCosine: 0.88,
      centredCosine: 0.11,
      centredShuffledCosine: -0.06,
      cwOverLambda: Float32Array.from([1.1, 0.9, 4.8]),
      eigenvector: Float32Array.from([1, 1, 5]),
    };
    const final = {
      wE: Float32Array.from([1, 1]),
      wI: Float32Array.from([5]),
      convergence,
    } as unknown as NonNullable<CotState['final']>;
    const fig = COT_FIGURES['cot-convergence'].build(state({ final }));
    const [e, i] = fig.data as { x: number[]; y: number[] }[];
    expect(e.x).toEqual([1, 1]);
    expect(i.x).toEqual([5]);
    expect(i.y[0]).toBeCloseTo(4.8, 5);
    expect(title(state({ final }), 'cot-convergence')).toMatch(/0\.89.*shuffled 0\.88/);
    const csv = COT_FIGURES['cot-convergence'].csv!(state({ final }))!.trim().split('\n');
    expect(csv[0]).toBe('input,type,w,Cw_over_lambda,leading_eigenvector');
    expect(csv[3].split(',').slice(0, 3)).toEqual(['2', 'I', '5']);
    expect(note(state({ final: { ...final, convergence: null } }), 'cot-convergence')).toMatch(
      /No read-out/,
    );
  });

  it('the read-out rate: raw per sample, a 1 s running mean, and the target ρ0', () => {
    const samples = Array.from({ length: 20 }, (_, i) => sample((i + 1) / 10, i % 2 ? 40 : 30));
    const fig = COT_FIGURES['cot-rate'].build(state({ samples }));
    const [raw, mean] = fig.data as { y: number[] }[];
    expect(raw.y).toEqual(samples.map((x) => x.readoutRate));
    // 10 samples of 0.1 s: alternating 30/40 averages to 35 once the window is full
    expect(mean.y.slice(9)).toEqual(Array(11).fill(35));
    expect(title(state({ samples }), 'cot-rate')).toContain('ρ₀ = 3');
    expect((fig.layout.shapes ?? []).some((x) => x.y0 === 3 && x.y1 === 3)).toBe(true);
  });
});
