/**
 * A whole assemblies experiment, as the CLI and the app run it: measure the initial network,
 * train with the chosen schedule, measure again (Figs 1–4). Each stage reports progress and
 * can be stopped between batches.
 */
import type { ParamValues } from '../../model/params';
import { mannWhitneyU } from '../../analysis/stats';
import type { AsmEngine, PlasticState } from './engine';
import { defaultUpdate } from './engine';
import {
  expectedR2,
  networkResponses,
  perturbationExperiment,
  perturbedCells,
  sampling,
  selectivity,
  weightMeasures,
  type PerturbationResult,
  type Responses,
  type SamplingResult,
  type WeightMeasures,
} from './analysis';
import { batchSize, learningRate } from './params';
import { AsmTrainer, type PassStats, type TrainConfig } from './trainer';

export interface AsmMeasures {
  state: PlasticState;
  responses: Responses;
  selectivity: { E: Float64Array; I: Float64Array };
  weights: WeightMeasures;
  sampling: SamplingResult;
  expectedR2: number;
  perturbation: PerturbationResult | null;
}

export interface AsmResult {
  before: AsmMeasures;
  after: AsmMeasures;
  history: PassStats[];
  /** Mann–Whitney U of PV selectivity before vs after (Figs 1c, 2b) */
  pvSkewTest: { U: number; p: number };
  wall: { before: number; train: number; after: number };
  stopped: boolean;
}

export type Stage = 'before' | 'train' | 'after';

export interface AsmRunHooks {
  onProgress?: (stage: Stage, done: number, total: number) => void | Promise<void>;
  onPass?: (ps: PassStats, trainer: AsmTrainer) => void | Promise<void>;
  /** checked between batches: true stops training and goes on to the analyses */
  shouldStop?: () => boolean;
}

export function trainConfig(v: ParamValues, nS: number, seed: number): TrainConfig {
  const eta = learningRate(v);
  const plastic = String(v.plastic);
  const rule = v.rule === 'gradient' ? 'gradient' : 'local';
  return {
    schedule: v.schedule === 'fast' ? 'fast' : 'paper',
    epochs: plastic === 'none' ? 0 : Number(v.epochs),
    batch: batchSize(v, nS),
    lrMultiplier: 1,
    seed,
    update: defaultUpdate({
      rule,
      etaEI: plastic === 'both' || plastic === 'output' ? eta : 0,
      etaIE: plastic === 'both' || plastic === 'input' ? eta : 0,
      decay: Number(v.decay),
      angles: Boolean(v.angles),
      normalizeIE: rule === 'local',
    }),
  };
}

export async function measure(
  engine: AsmEngine,
  v: ParamValues,
  seed: number,
  stage: Stage,
  hooks: AsmRunHooks = {},
): Promise<AsmMeasures> {
  const net = engine.net;
  const state = await engine.readState();
  const nPerturb = Math.min(Number(v.perturb_cells), net.nE);
  const totalWork = net.nS * (1 + (nPerturb > 0 ? nPerturb + 1 : 0));
  const responses = await networkResponses(engine, {}, 432, (d) =>
    hooks.onProgress?.(stage, d, totalWork),
  );
  const weights = weightMeasures(net, state, responses, {
    detect: Number(v.detect),
    detectRel: v.detect_rel == null ? null : Number(v.detect_rel),
  });
  let perturbation: PerturbationResult | null = null;
  if (nPerturb > 0)
    perturbation = await perturbationExperiment(
      engine,
      state,
      perturbedCells(net.nE, nPerturb, seed),
      Number(v.perturb_delta),
      Number(v.perturb_max_dr),
      (d) => hooks.onProgress?.(stage, net.nS * 2 + d, totalWork),
    );
  return {
    state,
    responses,
    selectivity: selectivity(responses),
    weights,
    sampling: sampling(weights, Number(v.sample_n), Number(v.samples), seed),
    expectedR2: expectedR2(responses),
    perturbation,
  };
}

export async function runAssemblies(
  engine: AsmEngine,
  v: ParamValues,
  seed: number,
  hooks: AsmRunHooks = {},
): Promise<AsmResult> {
  const t0 = performance.now();
  const before = await measure(engine, v, seed, 'before', hooks);
  const t1 = performance.now();
  const trainer = new AsmTrainer(engine, trainConfig(v, engine.net.nS, seed));
  let stopped = false;
  await hooks.onProgress?.('train', 0, trainer.cfg.epochs);
  while (!trainer.done) {
    if (hooks.shouldStop?.()) {
      stopped = true;
      break;
    }
    const ps = await trainer.step();
    if (ps) {
      if (!Number.isFinite(ps.loss) && ps.convergedFraction > 0)
        throw new Error(`training blew up in pass ${ps.pass + 1}: the loss is not finite`);
      await hooks.onPass?.(ps, trainer);
      await hooks.onProgress?.('train', trainer.pass, trainer.cfg.epochs);
    }
  }
  const t2 = performance.now();
  const after = await measure(engine, v, seed, 'after', hooks);
  const t3 = performance.now();
  const mw = mannWhitneyU(before.selectivity.I, after.selectivity.I);
  return {
    before,
    after,
    history: trainer.history,
    pvSkewTest: { U: mw.U, p: mw.p },
    wall: { before: (t1 - t0) / 1000, train: (t2 - t1) / 1000, after: (t3 - t2) / 1000 },
    stopped,
  };
}
