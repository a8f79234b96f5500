/**
 * Runs an ISN experiment on any Backend: the trial loop with its knock-outs and
 * perturbations, readback at a cadence, history, blow-up detection and the summary.
 * Used by the app (through the store), the CLI and the tests alike.
 */
import type { Backend, RateReadout, RateSimulation } from '../../engine/backend';
import type { TrialProtocol } from '../../model/rateNetwork';
import { classMeans, type WeightClass } from '../../model/rateNetwork';
import type { ParamValues } from '../../model/params';
import { buildIsn, type IsnSetup, type TwoPopWeights } from './experiment';

export interface TrialRecord {
  trial: number;
  /** running averages (what the rules use, before max(1,·)), population means, per network */
  avgE: Float32Array;
  avgI: Float32Array;
  /** this trial's window means, population means, per network */
  meanE: Float32Array;
  meanI: Float32Array;
  /** class-mean weights per network */
  W: TwoPopWeights[];
}

export interface IsnProgress {
  trial: number;
  trials: number;
  setup: IsnSetup;
  readout: RateReadout;
  record: TrialRecord;
}

export class SimulationBlowUp extends Error {
  override readonly name = 'SimulationBlowUp';
}

export interface RunOptions {
  /** read back every this many trials (always after the last); default 1 */
  readEvery?: number;
  /** split each trial into this many chunks (live plots within a trial); default 1; read before every chunk */
  chunksPerTrial?: number;
  recordEvery?: number;
  monitorCount?: number;
  onProgress?: (p: IsnProgress) => void | Promise<void>;
  /** checked between chunks; return true to stop early (pause) */
  shouldStop?: () => boolean;
}

export interface IsnRunResult {
  setup: IsnSetup;
  history: TrialRecord[];
  final: RateReadout;
  trialsRun: number;
}

export function summarizeTrial(setup: IsnSetup, r: RateReadout, trial: number): TrialRecord {
  const { nE, nI, batch } = setup.config;
  const N = nE + nI;
  const avgE = new Float32Array(batch);
  const avgI = new Float32Array(batch);
  const meanE = new Float32Array(batch);
  const meanI = new Float32Array(batch);
  const W: TwoPopWeights[] = [];
  for (let b = 0; b < batch; b++) {
    let aE = 0;
    let aI = 0;
    let mE = 0;
    let mI = 0;
    for (let u = 0; u < N; u++) {
      const k = b * N + u;
      if (u < nE) {
        aE += r.avg[k];
        mE += r.trialMean[k];
      } else {
        aI += r.avg[k];
        mI += r.trialMean[k];
      }
    }
    avgE[b] = aE / nE;
    avgI[b] = aI / nI;
    meanE[b] = mE / nE;
    meanI[b] = mI / nI;
    W.push(classMeans(setup.config, r.weights, b));
  }
  return { trial, avgE, avgI, meanE, meanI, W };
}

/** Find the first non-finite value and say where it is. */
export function checkFinite(setup: IsnSetup, r: RateReadout, trial: number): void {
  const { nE, nI } = setup.config;
  const N = nE + nI;
  const unitName = (u: number) => (u < nE ? `E unit ${u}` : `I unit ${u - nE}`);
  for (const [name, arr] of [
    ['rate', r.rates],
    ['running average', r.avg],
  ] as const) {
    for (let k = 0; k < arr.length; k++)
      if (!Number.isFinite(arr[k]))
        throw new SimulationBlowUp(
          `non-finite ${name} (${arr[k]}) in trial ${trial}, network ${Math.floor(k / N)}, ${unitName(k % N)}; the run was stopped`,
        );
  }
  for (let k = 0; k < r.weights.length; k++)
    if (!Number.isFinite(r.weights[k])) {
      const b = Math.floor(k / (N * N));
      const i = Math.floor((k % (N * N)) / N);
      const j = k % N;
      const cls = (i < nE ? 'E' : 'I') + (j < nE ? 'E' : 'I');
      throw new SimulationBlowUp(
        `non-finite weight W_${cls}[${i},${j}] (${r.weights[k]}) in trial ${trial}, network ${b}; lower the learning rates`,
      );
    }
}

function scaleClass(
  setup: IsnSetup,
  w: Float32Array,
  cls: WeightClass,
  factor: number,
): Float32Array {
  const { nE, nI, batch } = setup.config;
  const N = nE + nI;
  const out = w.slice();
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        const c = (i < nE ? 'E' : 'I') + (j < nE ? 'E' : 'I');
        if (c === cls) out[b * N * N + i * N + j] *= factor;
      }
  return out;
}

/** An ISN run that can be stepped trial by trial (the app) or run to the end (CLI, tests). */
export class IsnRun {
  readonly setup: IsnSetup;
  readonly sim: RateSimulation;
  readonly history: TrialRecord[] = [];
  trial = 0;
  /** next step of the current trial (0 between trials) */
  private stepPos = 0;
  last: RateReadout | null = null;
  private protocol: TrialProtocol;

  constructor(
    backend: Backend,
    readonly values: ParamValues,
    readonly seed: number,
    private readonly opts: RunOptions = {},
  ) {
    this.setup = buildIsn(values, seed, {
      recordEvery: opts.recordEvery,
      monitorCount: opts.monitorCount,
    });
    this.protocol = this.setup.protocolFor(0);
    this.sim = backend.createRateSimulation(this.setup.config, this.protocol);
  }

  get done(): boolean {
    return this.trial >= this.setup.trials;
  }

  /** Queue trial `this.trial` (no readback). */
  private async queueTrial(): Promise<void> {
    const s = this.setup;
    const t = this.trial;
    if (s.scale && t === s.scale.atTrial) {
      const r = await this.sim.read();
      this.sim.setWeights(scaleClass(s, r.weights, s.scale.cls, s.scale.factor));
    }
    const p = s.protocolFor(t);
    if (p !== this.protocol) {
      this.sim.setProtocol(p);
      this.protocol = p;
    }
    this.sim.beginTrial(t);
  }

  /**
   * Run `count` trials (or to the end), reading back every `readEvery`. Returns false if
   * stopped by `shouldStop`, which is checked after every chunk, so a pause takes effect
   * within a chunk; the next call continues the trial where it stopped.
   */
  async runTrials(count = Infinity): Promise<boolean> {
    const readEvery = Math.max(1, this.opts.readEvery ?? 1);
    const steps = this.setup.baseProtocol.stepsPerTrial;
    const end = Math.min(this.setup.trials, this.trial + count);
    while (this.trial < end) {
      if (this.stepPos === 0) await this.queueTrial();
      while (this.stepPos < steps) {
        // read per chunk: a caller may resize the chunks within a trial (the results do not
        // depend on where a trial is split)
        const chunk = Math.ceil(steps / Math.max(1, this.opts.chunksPerTrial ?? 1));
        const from = this.stepPos;
        const to = Math.min(steps, from + chunk);
        this.sim.runSteps(from, to);
        this.stepPos = to;
        if (to < steps) {
          if (this.opts.onProgress) {
            const r = await this.sim.read();
            await this.opts.onProgress({
              trial: this.trial,
              trials: this.setup.trials,
              setup: this.setup,
              readout: r,
              record: summarizeTrial(this.setup, r, this.trial),
            });
          }
          if (this.opts.shouldStop?.()) return false;
        }
      }
      this.sim.endTrial();
      this.stepPos = 0;
      const t = this.trial;
      this.trial++;
      if ((t + 1) % readEvery === 0 || this.trial === this.setup.trials || this.trial === end) {
        const r = await this.sim.read();
        checkFinite(this.setup, r, t);
        this.last = r;
        const rec = summarizeTrial(this.setup, r, t);
        this.history.push(rec);
        if (this.opts.onProgress)
          await this.opts.onProgress({
            trial: t,
            trials: this.setup.trials,
            setup: this.setup,
            readout: r,
            record: rec,
          });
      }
      if (this.opts.shouldStop?.()) return false;
    }
    return true;
  }

  /**
   * Continue a run on another backend (e.g. after a lost GPU device) from a readback taken
   * after trial `trialsDone` − 1: weights, running averages, rates and noise are restored, the
   * history is kept, and the trial counter goes on. The noise stream is counter-based, so the
   * continuation draws the same noise it would have drawn.
   */
  static resume(
    backend: Backend,
    values: ParamValues,
    seed: number,
    opts: RunOptions,
    snapshot: { trialsDone: number; history: TrialRecord[]; readout: RateReadout },
  ): IsnRun {
    const run = new IsnRun(backend, values, seed, opts);
    run.sim.restore({
      rates: snapshot.readout.rates,
      eta: snapshot.readout.eta,
      avg: snapshot.readout.avg,
      weights: snapshot.readout.weights,
    });
    run.trial = snapshot.trialsDone;
    run.history.push(...snapshot.history);
    run.last = snapshot.readout;
    return run;
  }

  async result(): Promise<IsnRunResult> {
    const final = this.last ?? (await this.sim.read());
    return { setup: this.setup, history: this.history, final, trialsRun: this.trial };
  }

  dispose(): void {
    this.sim.dispose();
  }
}

export async function runIsn(
  backend: Backend,
  values: ParamValues,
  seed: number,
  opts: RunOptions = {},
): Promise<IsnRunResult> {
  const run = new IsnRun(backend, values, seed, opts);
  try {
    await run.runTrials();
    return await run.result();
  } finally {
    run.dispose();
  }
}
