/**
 * A rough wall-time estimate of an assemblies run on the CPU reference engine, so that the
 * CLI and the app can say up front that the paper size is a job for a GPU. Basis
 * (BENCHMARKS.md): 177 ms per paper-size steady state of 303 Euler steps, i.e. about
 * 1.8 ns per multiply-add of the 576 × 576 recurrent product on one core.
 */
import type { ParamValues } from '../../model/params';
import { asmConfig } from './params';

const NS_PER_MAC = 1.8;
const STEPS = 300;
/** the perturbation experiment's tighter criterion (0.05 instead of 0.5) takes longer */
const PERTURB_STEPS = 450;

export interface CpuEstimate {
  /** seconds for the initial measurement, the training and the final measurement */
  before: number;
  train: number;
  after: number;
  total: number;
}

export function estimateCpuSeconds(v: ParamValues): CpuEstimate {
  const c = asmConfig(v);
  const nE = c.eAxis ** 3;
  const N = nE + c.nI;
  const nS = c.sAxis ** 3;
  const perSolve = (steps: number) => steps * N * N * NS_PER_MAC * 1e-9;
  const P = Math.min(Number(v.perturb_cells), nE);
  const measure = nS * perSolve(STEPS) + (P > 0 ? (P + 1) * nS * perSolve(PERTURB_STEPS) : 0);
  const epochs = v.plastic === 'none' ? 0 : Number(v.epochs);
  const train = epochs * nS * perSolve(STEPS) * (v.rule === 'gradient' || v.angles ? 2 : 1);
  return { before: measure, train, after: measure, total: 2 * measure + train };
}

/** "42 h", "7 min", "30 s" */
export function formatDuration(s: number): string {
  if (s >= 5400) return `${(s / 3600).toFixed(s >= 36000 ? 0 : 1)} h`;
  if (s >= 90) return `${Math.round(s / 60)} min`;
  return `${Math.max(1, Math.round(s))} s`;
}
