/**
 * The assemblies lab's run, as the app drives it (in the simulation worker, asmHost.ts, or on
 * the page where workers are unavailable): measure the initial network, train with
 * `AsmTrainer.step()` (one mini-batch per call, so a pause takes effect within a batch), measure
 * the trained network and derive the paper's analyses; between training steps it serves the
 * interactive requests (single-cell perturbation, stimulus explorer, current tuning, the
 * perturbation experiment, side-by-side conditions). Everything it shows goes out as
 * `AsmEvent`s (state/asmStore.ts).
 *
 * Live selectivity needs a steady state for every stimulus (as costly as a pass of training),
 * so it is measured only while its total cost stays within `selectivityBudget` (20%) of the
 * training time: about every fifth pass when a pass and a full solve cost the same.
 */
import type { BackendPreference } from '../engine/acquire';
import { mannWhitneyU, pearson } from '../analysis/stats';
import { CpuAsmEngine } from '../labs/assemblies/cpuEngine';
import { initialPlasticState, type AsmEngine, type PlasticState } from '../labs/assemblies/engine';
import { buildNetwork, type AsmNetwork } from '../labs/assemblies/network';
import { asmConfig } from '../labs/assemblies/params';
import {
  currentTuning,
  examplePairs,
  networkResponses,
  perturbationExperiment,
  perturbedCells,
  selectivity,
  type PerturbationResult,
  type Responses,
} from '../labs/assemblies/analysis';
import {
  measure,
  runAssemblies,
  trainConfig,
  type AsmMeasures,
  type AsmResult,
} from '../labs/assemblies/runner';
import {
  asmSummary,
  historyCsv,
  perturbationCsv,
  selectivityCsv,
  synapsesCsv,
} from '../labs/assemblies/summary';
import { AsmTrainer, type PassStats } from '../labs/assemblies/trainer';
import { estimateCpuSeconds, formatDuration } from '../labs/assemblies/estimate';
import type { ParamValues } from '../model/params';
import type {
  AsmAnalysis,
  AsmCompare,
  AsmCorrelation,
  AsmEvent,
  AsmPerturbSummary,
  AsmProgress,
  AsmSamplingSummary,
  AsmShape,
  AsmStage,
} from '../state/asmStore';
import { IDLE_PROGRESS } from '../state/asmStore';
import type { NoticeKind } from '../state/store';
import { cpuAsmBackend, type AsmAcquireFn, type AsmBackend } from './asmBackend';
import { ASM_CONDITIONS, conditionValues } from './asmConditions';
import type { AsmExportFile, AsmExportKind, AsmParams, AsmRequest } from './asmProtocol';

export interface AsmSessionDeps {
  acquire: AsmAcquireFn;
  emit: (ev: AsmEvent) => void;
  /** give the event loop a turn (commands such as pause are seen; reports go out) */
  yieldNow: () => Promise<void>;
  now?: () => number;
  /** work between turns (ms) */
  sliceMs?: number;
  /** minimum interval of progress reports within a pass (ms) */
  progressMs?: number;
  /** minimum interval of the weight snapshots (ms) */
  weightsMs?: number;
  /** share of the training time the live selectivity may take */
  selectivityBudget?: number;
}

interface RunState {
  values: ParamValues;
  seed: number;
  net: AsmNetwork;
  engine: AsmEngine;
  backendLabel: string;
  trainer: AsmTrainer;
  before: AsmMeasures | null;
  after: AsmMeasures | null;
  result: AsmResult | null;
  /** the latest full set of responses (PV order of the weight heatmaps) and its pass */
  responses: Responses | null;
  responsesPass: number;
  /** bumps with every training step (cache key of the perturbation baseline) */
  version: number;
  base: { version: number; resp: Responses } | null;
  wall: { before: number; train: number; after: number };
  trainMs: number;
  selMs: number;
  selCost: number;
  lastPassAt: number;
  lastWeightsAt: number;
  /** the plastic state at the last pass boundary (GPU runs), to recover from a lost device */
  checkpoint: { state: PlasticState; pass: number; history: PassStats[] };
}

const f32 = (a: ArrayLike<number>) => Float32Array.from(a);

function correlation(c: {
  r: number;
  p: number;
  n: number;
  slope: number;
  intercept: number;
}): AsmCorrelation {
  return { r: c.r, p: c.p, n: c.n, slope: c.slope, intercept: c.intercept };
}

function perturbSummary(p: PerturbationResult): AsmPerturbSummary {
  return {
    centers: p.binned.centers,
    mean: p.binned.mean,
    sem: p.binned.sem,
    count: p.binned.count,
    slope: p.slope,
    expectedR2: p.expectedR2,
    cells: p.cells,
    outWeight: p.outWeight,
    meanInfluence: p.meanInfluence,
    outWeightVsInfluence: correlation(p.outWeightVsInfluence),
  };
}

function samplingSummary(m: AsmMeasures): AsmSamplingSummary {
  return {
    outputRs: f32(m.sampling.outputRs.r),
    inputRs: f32(m.sampling.inputRs.r),
    inputOutput: f32(m.sampling.inputOutput.r),
    frac: {
      outputRs: m.sampling.outputRs.fracSignificant,
      inputRs: m.sampling.inputRs.fracSignificant,
      inputOutput: m.sampling.inputOutput.fracSignificant,
    },
  };
}

function column(r: Float32Array, n: number, nS: number, j: number): Float32Array {
  const out = new Float32Array(nS);
  for (let s = 0; s < nS; s++) out[s] = r[s * n + j];
  return out;
}

/** Pyr cells by preferred stimulus (lexicographic over the three axes). */
export function pyrOrderOf(net: AsmNetwork): Int32Array {
  const p = net.prefs;
  const idx = Array.from({ length: net.nE }, (_, i) => i);
  idx.sort(
    (a, b) =>
      p[3 * a] - p[3 * b] || p[3 * a + 1] - p[3 * b + 1] || p[3 * a + 2] - p[3 * b + 2] || a - b,
  );
  return Int32Array.from(idx);
}

/** PV cells by the stimulus they respond to most (stimulus indices are lexicographic too). */
export function pvOrderOf(resp: Responses | null, nI: number): Int32Array {
  const key = new Float64Array(nI);
  for (let i = 0; i < nI; i++) {
    if (!resp) {
      key[i] = i;
      continue;
    }
    let best = -1;
    let bestS = -1;
    for (let s = 0; s < resp.nS; s++) {
      const v = resp.rI[s * nI + i];
      if (v > best) {
        best = v;
        bestS = s;
      }
    }
    key[i] = best > 0 ? bestS : resp.nS + i;
  }
  const idx = Array.from({ length: nI }, (_, i) => i);
  idx.sort((a, b) => key[a] - key[b] || a - b);
  return Int32Array.from(idx);
}

export function shapeOf(v: ParamValues): AsmShape {
  const c = asmConfig(v);
  const nE = c.eAxis ** 3;
  return {
    nE,
    nI: c.nI,
    nS: c.sAxis ** 3,
    eAxis: c.eAxis,
    sAxis: c.sAxis,
    passes: v.plastic === 'none' ? 0 : Number(v.epochs),
    perturbCells: Math.min(Number(v.perturb_cells), nE),
    perturbDelta: Number(v.perturb_delta),
  };
}

export class AsmSession {
  private params: AsmParams | null = null;
  private backend: AsmBackend | null = null;
  private backendPromise: Promise<AsmBackend> | null = null;
  private backendGen = 0;
  private run: RunState | null = null;
  private runPromise: Promise<RunState> | null = null;
  /** bumps on reset: work of an older generation ends silently */
  private gen = 0;
  private stopRequested = false;
  private looping = false;
  private loop: Promise<void> = Promise.resolve();
  /** serialises the use of the engine (training steps and requests) */
  private lock: Promise<unknown> = Promise.resolve();
  private prog: AsmProgress = { ...IDLE_PROGRESS };
  private sliceStart = 0;
  private lastProgressAt = -Infinity;
  private comparing = false;
  private compareStop = false;
  private readonly now: () => number;
  private readonly sliceMs: number;
  private readonly progressMs: number;
  private readonly weightsMs: number;
  private readonly budget: number;

  constructor(private readonly deps: AsmSessionDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.sliceMs = deps.sliceMs ?? 35;
    this.progressMs = deps.progressMs ?? 100;
    this.weightsMs = deps.weightsMs ?? 250;
    this.budget = deps.selectivityBudget ?? 0.2;
  }

  // ── reports ────────────────────────────────────────────────────────────────────────

  private emit(ev: AsmEvent): void {
    this.deps.emit(ev);
  }

  private notice(kind: NoticeKind, text: string): void {
    this.emit({ type: 'notice', kind, text });
  }

  private progress(patch: Partial<AsmProgress>): void {
    this.prog = { ...this.prog, ...patch };
    this.emit({ type: 'progress', progress: patch });
  }

  private stageProgress(stage: AsmStage, done: number, total: number): void {
    const t = this.now();
    if (t - this.lastProgressAt < this.progressMs && done < total) return;
    this.lastProgressAt = t;
    this.progress({ stage, frac: total > 0 ? Math.min(1, done / total) : 0 });
  }

  private async maybeYield(): Promise<void> {
    if (this.now() - this.sliceStart >= this.sliceMs) {
      await this.deps.yieldNow();
      this.sliceStart = this.now();
    }
  }

  // ── backend ────────────────────────────────────────────────────────────────────────

  private get values(): ParamValues {
    if (!this.params) throw new Error('the assemblies session has no parameters yet');
    return this.params.values;
  }

  private acquire(): Promise<AsmBackend> {
    if (this.backend) return Promise.resolve(this.backend);
    if (this.backendPromise) return this.backendPromise;
    const myGen = ++this.backendGen;
    const pref: BackendPreference = this.params?.backendPref ?? 'auto';
    this.emit({
      type: 'backend',
      backend: {
        state: 'detecting',
        kind: null,
        label: 'Detecting backend…',
        fallbackReason: null,
      },
    });
    const p = (async () => {
      let b: AsmBackend;
      try {
        b = await this.deps.acquire(pref, {
          onDeviceLost: (reason) => {
            if (myGen === this.backendGen) this.onDeviceLost(reason);
          },
          onGpuError: (message) => {
            if (myGen === this.backendGen) this.notice('warning', `GPU error: ${message}`);
          },
        });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        this.notice('warning', `${msg}. Running on the CPU instead.`);
        b = cpuAsmBackend(`CPU (${msg})`, msg);
      }
      if (myGen !== this.backendGen) {
        b.dispose();
        throw new Error('backend request superseded');
      }
      this.backend = b;
      this.describe(b.kind, b.label, b.fallbackReason);
      return b;
    })();
    this.backendPromise = p;
    p.catch(() => {
      if (this.backendPromise === p) this.backendPromise = null;
    });
    return p;
  }

  private describe(kind: 'cpu' | 'webgpu', label: string, fallbackReason: string | null): void {
    this.emit({ type: 'backend', backend: { state: 'ready', kind, label, fallbackReason } });
  }

  private dropBackend(): void {
    this.backendGen++;
    const b = this.backend;
    this.backend = null;
    this.backendPromise = null;
    const lock = this.lock;
    void lock.finally(() => {
      try {
        b?.dispose();
      } catch {
        /* a lost device may refuse */
      }
    });
  }

  /** An engine for `net`; a WebGPU engine that cannot be made falls back to the CPU. */
  private async engineFor(
    b: AsmBackend,
    net: AsmNetwork,
  ): Promise<{ e: AsmEngine; label: string }> {
    try {
      return { e: await b.createEngine(net), label: b.label };
    } catch (err) {
      if (b.kind !== 'webgpu') throw err;
      const msg = err instanceof Error ? err.message : String(err);
      this.notice('warning', `The WebGPU engine could not be set up (${msg}); running on the CPU.`);
      this.describe('cpu', `CPU (WebGPU engine failed: ${msg})`, msg);
      return { e: new CpuAsmEngine(net), label: `CPU (WebGPU engine failed: ${msg})` };
    }
  }

  private onDeviceLost(reason: string): void {
    const r = this.run;
    if (!r) {
      this.notice('warning', `The GPU device was lost (${reason}).`);
      this.reset();
      this.dropBackend();
      void this.acquire().catch(() => {});
      return;
    }
    // Recover the run: the old loop ends silently (new generation), a new engine (WebGPU
    // again, or the CPU) gets the state of the last pass boundary, and the interrupted pass
    // is replayed (its stimulus order depends only on the seed and the pass).
    // the loss may surface first as a failed readback of the running loop (status 'error')
    const wasRunning = (this.looping && !this.stopRequested) || this.prog.status === 'error';
    this.gen++;
    this.looping = false;
    this.stopRequested = false;
    this.runPromise = null;
    const cp = r.checkpoint;
    this.notice(
      'warning',
      `The GPU device was lost (${reason}); recovering the run from pass ${cp.pass}…`,
    );
    this.dropBackend();
    // the lost device's pending work may never settle: do not wait for it
    this.lock = Promise.resolve();
    const myGen = this.gen;
    void (async () => {
      const b = await this.acquire();
      const { e, label } = await this.engineFor(b, r.net);
      await e.writeState(cp.state);
      if (myGen !== this.gen) {
        e.dispose();
        return;
      }
      const trainer = new AsmTrainer(e, r.trainer.cfg);
      trainer.restore(cp.pass, cp.history);
      r.engine = e;
      r.backendLabel = label;
      r.trainer = trainer;
      r.version++;
      r.base = null;
      if (r.after && !trainer.done) r.after = null;
      this.run = r;
      this.notice('info', `Recovered on ${label}: training continues from pass ${cp.pass}.`);
      this.progress({ pass: cp.pass, frac: 0, runError: null });
      if (wasRunning) void this.launch(Infinity);
      else this.progress({ status: r.after ? 'done' : 'paused' });
    })().catch((err: unknown) => {
      if (myGen === this.gen) this.fail(err);
    });
  }

  // ── the run ────────────────────────────────────────────────────────────────────────

  private withEngine<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.lock.then(fn);
    this.lock = p.catch(() => {});
    return p;
  }

  /** The run of the current values (network built, engine made), made on first use. */
  private ensureRun(): Promise<RunState> {
    if (this.run) return Promise.resolve(this.run);
    if (this.runPromise) return this.runPromise;
    const myGen = this.gen;
    const values = this.values;
    const seed = this.params!.seed;
    const p = (async () => {
      const b = await this.acquire();
      const net = buildNetwork(asmConfig(values), seed);
      const { e, label } = await this.engineFor(b, net);
      if (myGen !== this.gen) {
        e.dispose();
        throw new Error('superseded');
      }
      const run: RunState = {
        values,
        seed,
        net,
        engine: e,
        backendLabel: label,
        trainer: new AsmTrainer(e, trainConfig(values, net.nS, seed)),
        before: null,
        after: null,
        result: null,
        responses: null,
        responsesPass: 0,
        version: 0,
        base: null,
        wall: { before: 0, train: 0, after: 0 },
        trainMs: 0,
        selMs: 0,
        selCost: 0,
        lastPassAt: this.now(),
        lastWeightsAt: -Infinity,
        checkpoint: { state: initialPlasticState(net), pass: 0, history: [] },
      };
      this.run = run;
      if (e.label === 'cpu') {
        const est = estimateCpuSeconds(values);
        if (est.total > 600)
          this.notice(
            'warning',
            `On the CPU this run takes roughly ${formatDuration(est.total)} (measurements ${formatDuration(est.before)} before and after, training ${formatDuration(est.train)}). The classroom size runs in seconds; the paper size is for a WebGPU device.`,
          );
      }
      return run;
    })();
    this.runPromise = p;
    void p
      .finally(() => {
        if (this.runPromise === p) this.runPromise = null;
      })
      .catch(() => {});
    return p;
  }

  private async emitWeights(r: RunState): Promise<void> {
    const st = await this.withEngine(() => r.engine.readState());
    const { nE, nI } = r.net;
    const pyr = pyrOrderOf(r.net);
    const pv = pvOrderOf(r.responses, nI);
    const wEI = new Float32Array(nE * nI);
    const wIE = new Float32Array(nI * nE);
    for (let y = 0; y < nE; y++)
      for (let x = 0; x < nI; x++) wEI[y * nI + x] = st.wEI[pyr[y] * nI + pv[x]];
    for (let y = 0; y < nI; y++)
      for (let x = 0; x < nE; x++) wIE[y * nE + x] = st.wIE[pv[y] * nE + pyr[x]];
    r.lastWeightsAt = this.now();
    this.emit({
      type: 'weights',
      snap: {
        pass: r.trainer.pass,
        pyrOrder: pyr,
        pvOrder: pv,
        wEI,
        wIE,
        orderPass: r.responsesPass,
      },
    });
  }

  private emitSelectivity(r: RunState, resp: Responses, pass: number): void {
    const sel = selectivity(resp);
    r.responses = resp;
    r.responsesPass = pass;
    this.emit({ type: 'selectivity', snap: { pass, I: f32(sel.I), E: f32(sel.E) } });
  }

  private measureHooks(myGen: number) {
    return {
      onProgress: async (stage: AsmStage, done: number, total: number) => {
        if (myGen !== this.gen) return;
        this.stageProgress(stage, done, total);
        await this.maybeYield();
      },
    };
  }

  private async runLoop(limit: number, myGen: number): Promise<void> {
    let r: RunState;
    try {
      r = await this.ensureRun();
    } catch (e) {
      if (myGen === this.gen) this.fail(e);
      return;
    }
    if (myGen !== this.gen) return;
    this.progress({ status: 'running', runError: null });
    this.sliceStart = this.now();
    try {
      if (!r.before) {
        this.progress({ stage: 'before', frac: 0 });
        const t0 = this.now();
        const before = await this.withEngine(() =>
          measure(r.engine, r.values, r.seed, 'before', this.measureHooks(myGen)),
        );
        if (myGen !== this.gen) return;
        r.before = before;
        r.wall.before = (this.now() - t0) / 1000;
        this.emitSelectivity(r, before.responses, 0);
        await this.emitWeights(r);
        if (myGen !== this.gen) return;
      }
      this.progress({ stage: r.trainer.done ? 'after' : 'train', frac: 0 });
      let passes = 0;
      r.lastPassAt = this.now();
      while (!r.trainer.done && !this.stopRequested && passes < limit) {
        const t0 = this.now();
        const ps = await this.withEngine(() => r.trainer.step());
        if (myGen !== this.gen) return;
        const spent = this.now() - t0;
        r.trainMs += spent;
        r.wall.train += spent / 1000;
        r.version++;
        if (ps) {
          if (!Number.isFinite(ps.loss) && ps.convergedFraction > 0)
            throw new Error(`training blew up in pass ${ps.pass + 1}: the loss is not finite`);
          passes++;
          const t = this.now();
          const inst = 1000 / Math.max(1, t - r.lastPassAt);
          r.lastPassAt = t;
          const speed = this.prog.speed === null ? inst : 0.7 * this.prog.speed + 0.3 * inst;
          this.emit({ type: 'pass', stats: ps });
          if (this.backend?.kind === 'webgpu') {
            const state = await this.withEngine(() => r.engine.readState());
            if (myGen !== this.gen) return;
            r.checkpoint = { state, pass: r.trainer.pass, history: r.trainer.history.slice() };
          }
          this.lastProgressAt = t;
          this.progress({ pass: r.trainer.pass, frac: 0, speed });
          await this.afterPass(r, myGen);
          if (myGen !== this.gen) return;
        } else {
          const t = this.now();
          if (t - this.lastProgressAt >= this.progressMs) {
            this.lastProgressAt = t;
            this.progress({ frac: r.trainer.progress * r.trainer.cfg.epochs - r.trainer.pass });
          }
        }
        await this.maybeYield();
        if (myGen !== this.gen) return;
      }
      if (r.trainer.done && !r.after) {
        this.progress({ stage: 'after', frac: 0 });
        const t0 = this.now();
        const after =
          r.trainer.history.length === 0
            ? r.before!
            : await this.withEngine(() =>
                measure(r.engine, r.values, r.seed, 'after', this.measureHooks(myGen)),
              );
        if (myGen !== this.gen) return;
        r.after = after;
        r.wall.after = (this.now() - t0) / 1000;
        this.emitSelectivity(r, after.responses, r.trainer.pass);
        await this.emitWeights(r);
        if (myGen !== this.gen) return;
        this.finish(r);
      }
      this.stopRequested = false;
      this.progress(
        r.after
          ? { status: 'done', stage: 'done', frac: 1, pass: r.trainer.pass }
          : { status: 'paused', pass: r.trainer.pass },
      );
    } catch (e) {
      if (myGen === this.gen) this.fail(e);
    }
  }

  private async afterPass(r: RunState, myGen: number): Promise<void> {
    const last = r.trainer.done;
    // live selectivity within its share of the training time (the end measures it anyway)
    const est = r.selCost > 0 ? r.selCost : r.trainMs / Math.max(1, r.trainer.pass);
    if (!last && r.selMs + est <= this.budget * r.trainMs) {
      const t0 = this.now();
      const resp = await this.withEngine(() => networkResponses(r.engine));
      if (myGen !== this.gen) return;
      const cost = this.now() - t0;
      r.selMs += cost;
      r.selCost = cost;
      this.emitSelectivity(r, resp, r.trainer.pass);
    }
    if (!last && this.now() - r.lastWeightsAt >= this.weightsMs) await this.emitWeights(r);
  }

  private finish(r: RunState): void {
    const b = r.before!;
    const a = r.after!;
    const mw = mannWhitneyU(b.selectivity.I, a.selectivity.I);
    const result: AsmResult = {
      before: b,
      after: a,
      history: r.trainer.history,
      pvSkewTest: { U: mw.U, p: mw.p },
      wall: { ...r.wall },
      stopped: false,
    };
    r.result = result;
    const { nE, nI, nS } = r.net;
    const summary = asmSummary(r.net, result, r.values, {
      backend: r.backendLabel,
      seed: r.seed,
    });
    const w = a.weights;
    const pairs = examplePairs(w.sets).map((p) => ({
      ...p,
      rE: column(a.responses.rE, nE, nS, p.e),
      rI: column(a.responses.rI, nI, nS, p.i),
    }));
    const analysis: AsmAnalysis = {
      pass: r.trainer.pass,
      output: { w: w.sets.output.w, rs: w.sets.output.rs, c: correlation(w.outputRs) },
      input: { w: w.sets.input.w, rs: w.sets.input.rs, c: correlation(w.inputRs) },
      reciprocal: {
        win: w.sets.reciprocal.win,
        wout: w.sets.reciprocal.wout,
        c: correlation(w.inputOutput),
      },
      beforeCorr: {
        output: correlation(b.weights.outputRs),
        input: correlation(b.weights.inputRs),
        reciprocal: correlation(b.weights.inputOutput),
      },
      thresholds: { EI: w.sets.thresholdEI, IE: w.sets.thresholdIE },
      selectivity: {
        beforeI: f32(b.selectivity.I),
        afterI: f32(a.selectivity.I),
        beforeE: f32(b.selectivity.E),
        afterE: f32(a.selectivity.E),
        U: mw.U,
        p: mw.p,
      },
      sampling: samplingSummary(a),
      samplingBefore: samplingSummary(b).frac,
      samplingN: Number(r.values.sample_n),
      pairs,
      perturbation: {
        before: b.perturbation ? perturbSummary(b.perturbation) : null,
        after: a.perturbation ? perturbSummary(a.perturbation) : null,
      },
      expectedR2: { before: b.expectedR2, after: a.expectedR2 },
      summary,
    };
    this.emit({ type: 'analysis', analysis });
    this.emitTuning(r, pairs[0]?.e ?? 0);
  }

  private emitTuning(r: RunState, cell: number): void {
    const b = r.before!;
    const a = r.after!;
    const tb = currentTuning(r.net, b.state, b.responses, cell);
    const ta = currentTuning(r.net, a.state, a.responses, cell);
    this.emit({
      type: 'tuning',
      tuning: {
        cell,
        sAxis: r.net.cfg.sAxis,
        before: { exc: tb.exc, inh: tb.inh },
        after: { exc: ta.exc, inh: ta.inh },
      },
    });
  }

  private fail(e: unknown): void {
    this.stopRequested = false;
    const msg = e instanceof Error ? e.message : String(e);
    this.progress({ status: 'error', runError: `The run failed: ${msg}` });
  }

  private launch(limit: number): Promise<void> {
    if (this.looping) {
      if (limit === Infinity) this.stopRequested = false;
      return this.loop;
    }
    const myGen = this.gen;
    this.looping = true;
    this.stopRequested = false;
    this.loop = this.runLoop(limit, myGen).finally(() => {
      if (myGen === this.gen) this.looping = false;
    });
    return this.loop;
  }

  // ── public ─────────────────────────────────────────────────────────────────────────

  /** New parameters (from the page); `reset` when the run they describe is a new one. */
  configure(p: AsmParams, reset: boolean): void {
    const prefChanged = this.params !== null && this.params.backendPref !== p.backendPref;
    this.params = p;
    if (reset || prefChanged) this.reset();
  }

  async init(p: AsmParams): Promise<void> {
    this.params = p;
    this.reset();
    try {
      await this.acquire();
    } catch {
      /* superseded */
    }
  }

  start(): Promise<void> {
    if (this.prog.status === 'done' || this.prog.status === 'error') this.reset();
    return this.launch(Infinity);
  }

  /** One pass (after the initial measurement, if not done yet), then pause. */
  step(): Promise<void> {
    if (this.looping) return this.loop;
    if (this.prog.status === 'done' || this.prog.status === 'error') this.reset();
    return this.launch(1);
  }

  pause(): void {
    if (this.looping) this.stopRequested = true;
  }

  reset(): void {
    this.gen++;
    this.stopRequested = false;
    this.looping = false;
    const r = this.run;
    this.run = null;
    this.runPromise = null;
    if (r) void this.lock.finally(() => r.engine.dispose());
    this.prog = { ...IDLE_PROGRESS };
    if (this.params) {
      const shape = shapeOf(this.params.values);
      this.prog.passes = shape.passes;
      this.emit({ type: 'reset', shape });
    }
  }

  async setBackendPref(pref: BackendPreference): Promise<void> {
    if (this.params) this.params = { ...this.params, backendPref: pref };
    this.reset();
    this.dropBackend();
    try {
      await this.acquire();
    } catch {
      /* superseded */
    }
  }

  get idle(): Promise<void> {
    return (async () => {
      for (;;) {
        const l = this.loop;
        const k = this.lock;
        await l;
        await k;
        if (l === this.loop && k === this.lock) return;
      }
    })();
  }

  dispose(): void {
    this.compareStop = true;
    this.reset();
    this.dropBackend();
  }

  /** Serve a request; one overtaken by a reset (new parameters) ends quietly with null. */
  async request(req: AsmRequest): Promise<unknown> {
    const myGen = this.gen;
    try {
      return await this.serve(req);
    } catch (e) {
      if (myGen !== this.gen) return null;
      throw e;
    }
  }

  private async serve(req: AsmRequest): Promise<unknown> {
    switch (req.type) {
      case 'tuning':
        return this.tuning(req.cell);
      case 'perturbCell':
        return this.perturbCell(req.cell);
      case 'perturbRandom':
        return this.perturbRandom();
      case 'explore':
        return this.explore(req.idx);
      case 'compare':
        return this.compare(req.conditions, req.perturb);
      case 'compareStop':
        this.compareStop = true;
        return null;
    }
  }

  private checkCell(net: AsmNetwork, cell: number): void {
    if (!Number.isInteger(cell) || cell < 0 || cell >= net.nE)
      throw new Error(`Pyr cell ${cell} does not exist (0…${net.nE - 1})`);
  }

  private tuning(cell: number): null {
    const r = this.run;
    if (!r?.before || !r.after)
      throw new Error(
        'Run to the end first: Fig 1f compares the network before and after learning',
      );
    this.checkCell(r.net, cell);
    this.emitTuning(r, cell);
    return null;
  }

  private async perturbCell(cell: number): Promise<null> {
    const myGen = this.gen;
    const r = await this.ensureRun();
    this.checkCell(r.net, cell);
    const delta = Number(r.values.perturb_delta);
    const maxDr = Number(r.values.perturb_max_dr);
    this.emit({ type: 'busy', busy: { what: `Perturbing Pyr cell ${cell}`, done: 0, total: 1 } });
    try {
      const out = await this.withEngine(async () => {
        const { nE, nS } = r.net;
        let base = r.base?.version === r.version ? r.base.resp : null;
        if (!base) {
          base = await networkResponses(r.engine, { maxDr });
          r.base = { version: r.version, resp: base };
        }
        const pert = await networkResponses(r.engine, {
          perturbCell: cell,
          perturbDelta: delta,
          maxDr,
        });
        const st: PlasticState = await r.engine.readState();
        return { base, pert, st, nE, nS };
      });
      if (myGen !== this.gen) return null;
      const { base, pert, st, nE, nS } = out;
      const influence = new Float32Array(nE);
      const rfCorr = new Float32Array(nE);
      const own = column(base.rE, nE, nS, cell);
      for (let j = 0; j < nE; j++) {
        if (j === cell) {
          influence[j] = NaN;
          rfCorr[j] = NaN;
          continue;
        }
        let acc = 0;
        for (let s = 0; s < nS; s++) acc += pert.rE[s * nE + j] - base.rE[s * nE + j];
        influence[j] = acc / nS / delta;
        rfCorr[j] = pearson(own, column(base.rE, nE, nS, j)).r;
      }
      let outWeight = 0;
      for (let i = 0; i < r.net.nI; i++) outWeight += st.wIE[i * nE + cell];
      let conv = 0;
      for (let s = 0; s < nS; s++) conv += pert.converged[s];
      this.emit({
        type: 'probe',
        probe: {
          cell,
          pass: r.trainer.pass,
          delta,
          influence,
          rfCorr,
          outWeight,
          converged: conv / nS,
        },
      });
      return null;
    } finally {
      if (myGen === this.gen) this.emit({ type: 'busy', busy: null });
    }
  }

  private async perturbRandom(): Promise<null> {
    const myGen = this.gen;
    const r = await this.ensureRun();
    const n = Math.min(Number(r.values.perturb_cells), r.net.nE);
    if (n < 1) throw new Error('Set “Perturbed Pyr cells” (perturb_cells) to at least 1');
    const what = `Perturbing ${n} Pyr cells at random`;
    this.emit({ type: 'busy', busy: { what, done: 0, total: 1 } });
    try {
      const res = await this.withEngine(async () => {
        const st = await r.engine.readState();
        let last = -Infinity;
        return perturbationExperiment(
          r.engine,
          st,
          perturbedCells(r.net.nE, n, r.seed),
          Number(r.values.perturb_delta),
          Number(r.values.perturb_max_dr),
          async (done, total) => {
            if (myGen !== this.gen) return;
            const t = this.now();
            if (t - last >= this.progressMs) {
              last = t;
              this.emit({ type: 'busy', busy: { what, done, total } });
            }
            await this.maybeYield();
          },
        );
      });
      if (myGen !== this.gen) return null;
      this.emit({ type: 'probeRandom', probe: { ...perturbSummary(res), pass: r.trainer.pass } });
      return null;
    } finally {
      if (myGen === this.gen) this.emit({ type: 'busy', busy: null });
    }
  }

  private async explore(idx: [number, number, number]): Promise<null> {
    const myGen = this.gen;
    const r = await this.ensureRun();
    const m = r.net.cfg.sAxis;
    if (!idx.every((k) => Number.isInteger(k) && k >= 0 && k < m))
      throw new Error(`stimulus indices must be integers in 0…${m - 1}`);
    const stim = (idx[0] * m + idx[1]) * m + idx[2];
    const b = await this.withEngine(() => r.engine.solve(Int32Array.of(stim)));
    if (myGen !== this.gen) return null;
    const rMax = r.net.cfg.rMax;
    const clip = (h: Float32Array) => h.map((x) => (x < 0 ? 0 : x > rMax ? rMax : x));
    this.emit({
      type: 'explore',
      explore: {
        stim,
        idx: [idx[0], idx[1], idx[2]],
        pass: r.trainer.pass,
        rE: clip(b.hE),
        rI: clip(b.hI),
        steps: b.steps[0],
        converged: b.converged[0] === 1,
      },
    });
    return null;
  }

  private async compare(ids: string[], perturb: boolean): Promise<null> {
    if (this.comparing) throw new Error('A comparison is already running');
    const conds = ids
      .map((id) => ASM_CONDITIONS.find((c) => c.id === id))
      .filter((c) => c !== undefined);
    if (conds.length === 0) throw new Error('Pick at least one condition');
    this.pause();
    this.comparing = true;
    this.compareStop = false;
    const values = this.values;
    const seed = this.params!.seed;
    const state: AsmCompare = {
      running: true,
      current: 0,
      frac: 0,
      perturb,
      rows: conds.map((c) => ({
        id: c.id,
        label: c.label,
        state: 'waiting',
        loss: [],
        skewBefore: null,
        skewAfter: null,
        summary: null,
      })),
    };
    let last = -Infinity;
    const send = (force = false) => {
      const t = this.now();
      if (!force && t - last < this.progressMs) return;
      last = t;
      this.emit({
        type: 'compare',
        compare: { ...state, rows: state.rows.map((row) => ({ ...row, loss: row.loss.slice() })) },
      });
    };
    try {
      const b = await this.acquire();
      for (let k = 0; k < conds.length; k++) {
        if (this.compareStop) break;
        const row = state.rows[k];
        state.current = k;
        state.frac = 0;
        row.state = 'running';
        send(true);
        const v = conditionValues(values, conds[k].id, perturb);
        let engine: AsmEngine | null = null;
        try {
          const net = buildNetwork(asmConfig(v), seed);
          const made = await this.engineFor(b, net);
          engine = made.e;
          const stageShare = { before: 0, train: 1, after: 2 };
          const res = await runAssemblies(engine, v, seed, {
            onProgress: async (stage, done, total) => {
              state.frac = (stageShare[stage] + (total > 0 ? done / total : 1)) / 3;
              send();
              await this.maybeYield();
            },
            onPass: async (ps) => {
              row.loss.push(ps.loss);
              send();
              await this.maybeYield();
            },
            shouldStop: () => this.compareStop,
          });
          row.summary = asmSummary(net, res, v, { backend: made.label, seed });
          row.skewBefore = f32(res.before.selectivity.I);
          row.skewAfter = f32(res.after.selectivity.I);
          row.state = res.stopped ? 'stopped' : 'done';
        } catch (e) {
          row.state = 'error';
          row.error = e instanceof Error ? e.message : String(e);
        } finally {
          engine?.dispose();
        }
        send(true);
      }
    } finally {
      for (const row of state.rows) if (row.state === 'waiting') row.state = 'stopped';
      state.running = false;
      state.frac = 1;
      this.comparing = false;
      send(true);
    }
    return null;
  }

  async exportFile(kind: AsmExportKind): Promise<AsmExportFile | null> {
    const r = this.run;
    if (!r) return null;
    const stem = `eilab-assemblies-seed${r.seed}-pass${r.trainer.pass}`;
    if (kind === 'history') {
      if (r.trainer.history.length === 0) return null;
      return {
        filename: `${stem}-history.csv`,
        mime: 'text/csv',
        text: historyCsv({ history: r.trainer.history } as AsmResult),
      };
    }
    const res = r.result;
    if (!res) return null;
    switch (kind) {
      case 'summary': {
        const summary = asmSummary(r.net, res, r.values, { backend: r.backendLabel, seed: r.seed });
        return {
          filename: `${stem}-summary.json`,
          mime: 'application/json',
          text: JSON.stringify({ ...summary, values: r.values }, null, 2) + '\n',
        };
      }
      case 'synapses':
        return { filename: `${stem}-synapses.csv`, mime: 'text/csv', text: synapsesCsv(res) };
      case 'selectivity':
        return { filename: `${stem}-selectivity.csv`, mime: 'text/csv', text: selectivityCsv(res) };
      case 'perturbation':
        return {
          filename: `${stem}-perturbation.csv`,
          mime: 'text/csv',
          text: perturbationCsv(res),
        };
    }
  }
}
