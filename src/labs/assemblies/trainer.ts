/**
 * Training schedules of the assemblies lab.
 *
 * "paper": each pass presents every stimulus once in the reference's nested shuffled order
 *   (x shuffled, then y for each x, then z for each y: train_network in the authors' code),
 *   with one update after each stimulus whose steady state converged (online).
 * "fast": the same order cut into mini-batches of `batch` stimuli solved in parallel from the
 *   same weights, one update per mini-batch from the summed per-stimulus updates. For the
 *   local rule the sum is exactly what `batch` online steps would add to first order
 *   (learning rate × 1); for Adam the step of the mean gradient is scaled by √batch (the
 *   square-root scaling rule for adaptive optimisers; Malladi et al. 2022).
 */
import { CounterStream } from '../../engine/rng/philox';
import type { AsmEngine, BatchStats, UpdateOptions } from './engine';

export const STREAM_SHUFFLE = 6;

export interface TrainConfig {
  schedule: 'paper' | 'fast';
  epochs: number;
  /** mini-batch size for "fast" (ignored by "paper") */
  batch: number;
  /** multiplies the automatic batch scaling of the learning rate */
  lrMultiplier: number;
  update: UpdateOptions;
  seed: number;
}

export interface PassStats {
  pass: number;
  /** mean over converged stimuli of mean_j (h_E − ρ0)² */
  loss: number;
  convergedFraction: number;
  stepsMean: number;
  stepsMax: number;
  angleEI: number;
  angleIE: number;
  adjointFailed: number;
  updates: number;
}

/** The reference's nested shuffle of the stimulus grid for pass `pass`. */
export function passOrder(sAxis: number, seed: number, pass: number): Int32Array {
  const rng = new CounterStream(seed, STREAM_SHUFFLE, pass);
  const shuffle = (a: Int32Array) => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  };
  const idx = () => Int32Array.from({ length: sAxis }, (_, i) => i);
  const out = new Int32Array(sAxis ** 3);
  let o = 0;
  for (const i of shuffle(idx()))
    for (const j of shuffle(idx()))
      for (const k of shuffle(idx())) out[o++] = (i * sAxis + j) * sAxis + k;
  return out;
}

export class AsmTrainer {
  pass = 0;
  private order: Int32Array;
  private pos = 0;
  private acc = this.emptyAcc();
  readonly history: PassStats[] = [];

  constructor(
    readonly engine: AsmEngine,
    readonly cfg: TrainConfig,
  ) {
    this.order = passOrder(engine.net.cfg.sAxis, cfg.seed, 0);
  }

  get batchSize(): number {
    return this.cfg.schedule === 'paper'
      ? 1
      : Math.max(1, Math.min(this.cfg.batch, this.order.length));
  }

  get done(): boolean {
    return this.pass >= this.cfg.epochs;
  }

  /** fraction of the whole training completed */
  get progress(): number {
    return (this.pass + this.pos / this.order.length) / Math.max(1, this.cfg.epochs);
  }

  private emptyAcc() {
    return {
      n: 0,
      conv: 0,
      loss: 0,
      steps: 0,
      stepsMax: 0,
      aEI: 0,
      aIE: 0,
      nA: 0,
      adjFail: 0,
      updates: 0,
    };
  }

  updateFor(b: number): UpdateOptions {
    const u = this.cfg.update;
    const scale = u.rule === 'local' ? 1 : Math.sqrt(b);
    return { ...u, lrScale: scale * (this.cfg.schedule === 'fast' ? this.cfg.lrMultiplier : 1) };
  }

  /** One mini-batch (one stimulus for "paper"). Returns the finished pass's stats at a pass end. */
  async step(): Promise<PassStats | null> {
    if (this.done) return null;
    const b = Math.min(this.batchSize, this.order.length - this.pos);
    const stim = this.order.subarray(this.pos, this.pos + b);
    const s: BatchStats = await this.engine.trainBatch(stim, this.updateFor(b));
    const a = this.acc;
    a.n += s.n;
    a.conv += s.converged;
    a.loss += s.lossSum;
    a.steps += s.stepsSum;
    a.stepsMax = Math.max(a.stepsMax, s.stepsMax);
    a.adjFail += s.adjointFailed;
    a.updates++;
    if (Number.isFinite(s.angleEI) || Number.isFinite(s.angleIE)) {
      a.aEI += s.angleEI;
      a.aIE += s.angleIE;
      a.nA++;
    }
    this.pos += b;
    if (this.pos < this.order.length) return null;
    const ps: PassStats = {
      pass: this.pass,
      loss: a.conv > 0 ? a.loss / a.conv : NaN,
      convergedFraction: a.conv / a.n,
      stepsMean: a.steps / a.n,
      stepsMax: a.stepsMax,
      angleEI: a.nA > 0 ? a.aEI / a.nA : NaN,
      angleIE: a.nA > 0 ? a.aIE / a.nA : NaN,
      adjointFailed: a.adjFail,
      updates: a.updates,
    };
    this.history.push(ps);
    this.pass++;
    this.pos = 0;
    this.acc = this.emptyAcc();
    this.order = passOrder(this.engine.net.cfg.sAxis, this.cfg.seed, this.pass);
    return ps;
  }

  /**
   * Continue from the start of pass `pass` with the given history (after the engine's state
   * was restored to a checkpoint taken at that pass boundary, e.g. after a lost GPU device).
   * The pass order depends only on (seed, pass), so the replayed pass is the same.
   */
  restore(pass: number, history: readonly PassStats[]): void {
    this.pass = pass;
    this.pos = 0;
    this.acc = this.emptyAcc();
    this.history.length = 0;
    this.history.push(...history);
    this.order = passOrder(this.engine.net.cfg.sAxis, this.cfg.seed, pass);
  }

  async runPass(): Promise<PassStats | null> {
    for (;;) {
      const r = await this.step();
      if (r || this.done) return r;
    }
  }
}
