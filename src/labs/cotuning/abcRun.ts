/**
 * ABC over the four assembly strengths (Giannakakis et al. 2023, Methods IV C): each proposal
 * θ = (R_EE, R_EI, R_IE, R_II), prior U(1, 11)⁴ as the authors' fits, is a presynaptic network
 * simulated for `duration` s (no read-out) whose loss is the ABC distance of its group
 * correlations, ((1 − C_in²) + 3(C_out,EI² + C_out,EE² + C_out,II²))/10. Every simulation draws
 * a new network (seed + index), as the authors' code reseeds each run.
 */
import { runAbc, type AbcStep } from '../../analysis/abc';
import type { CotuningConfig } from './network';
import { DEFAULT_PROTOCOL, runCotuningMany, type ManySimFactory, type SimFactory } from './runner';

export interface CotuningAbcOptions {
  steps: number;
  particles: number;
  eps0: number;
  batch: number;
  /** simulated seconds per proposal */
  duration: number;
}

export const R_PRIOR = { lo: 1, hi: 11 };

export async function runCotuningAbc(
  cfg: CotuningConfig,
  o: CotuningAbcOptions,
  seed: number,
  makeSim: SimFactory,
  hooks: { onStep?: (s: AbcStep) => void; onSim?: (n: number) => void } = {},
  makeMany?: ManySimFactory,
): Promise<AbcStep[]> {
  let sims = 0;
  return runAbc(
    {
      lo: [R_PRIOR.lo, R_PRIOR.lo, R_PRIOR.lo, R_PRIOR.lo],
      hi: [R_PRIOR.hi, R_PRIOR.hi, R_PRIOR.hi, R_PRIOR.hi],
      nAccept: o.particles,
      steps: o.steps,
      eps0: o.eps0,
      batch: o.batch,
      maxProposalsPerStep: Math.max(50 * o.particles, 200),
      seed,
    },
    // a batch of proposals is one batched GPU run when `makeMany` is given
    async (thetas, first) => {
      const results = await runCotuningMany(
        thetas.map(([EE, EI, IE, II], i) => ({
          cfg: { ...cfg, recurrent: true, readout: false, R: { EE, EI, IE, II } },
          seed: seed + 1 + first + i,
        })),
        { ...DEFAULT_PROTOCOL, learnTime: 0, duration: o.duration, tuningReps: 0 },
        makeSim,
        makeMany,
        () => hooks.onSim?.(++sims),
      );
      return results.map((r) => r.abc_distance);
    },
    hooks.onStep,
  );
}

export function abcCsv(steps: AbcStep[]): string {
  const L = ['step,epsilon,particle,R_EE,R_EI,R_IE,R_II,weight,loss'];
  for (const s of steps)
    s.particles.forEach((p, i) =>
      L.push(`${s.step},${s.epsilon},${i},${p.join(',')},${s.weights[i]},${s.losses[i]}`),
    );
  return L.join('\n') + '\n';
}
