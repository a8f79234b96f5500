/**
 * The app's runner: the only module that touches both the store and the engine.
 *
 *  - acquires the backend for the store's preference (badge: WebGPU adapter or CPU + reason);
 *  - runs an IsnRun in slices: about SLICE_MS of work, then a yield to the event loop, so the
 *    page keeps drawing; trials are split into chunks (time-sized from the measured cost per
 *    trial) so a slow trial (multi-unit model on the CPU) also yields;
 *  - pushes every completed trial (and chunk readbacks) into the store's live data;
 *  - pause / step one trial / reset; a change of the parameters, seed or lab resets the run;
 *  - a run that blows up (SimulationBlowUp) stops with its message; any other failure too;
 *  - a lost GPU device: re-acquire a backend and continue the run from the last readback
 *    (IsnRun.resume restores weights, running averages, rates and noise; the counter-based
 *    noise makes the continuation the run it would have been).
 */
import type { AcquireOptions, AcquiredBackend, BackendPreference } from '../engine/acquire';
import type { Backend, RateReadout } from '../engine/backend';
import {
  IsnRun,
  SimulationBlowUp,
  type IsnProgress,
  type RunOptions,
  type TrialRecord,
} from '../labs/isn/runner';
import { historyCsv, isnSummary, isConverged, monitorCsv, unitsCsv } from '../labs/isn/summary';
import type { ParamValues } from '../model/params';
import type { AppStore, RunNumbers } from '../state/store';
import {
  effective,
  liveAppendTrial,
  liveSetWithin,
  liveStart,
  partnersOf,
  type LiveEvent,
  type LiveShape,
} from '../state/live';

export type AcquireFn = (pref: BackendPreference, opts: AcquireOptions) => Promise<AcquiredBackend>;

export interface RunnerDeps {
  acquire: AcquireFn;
  /** wall clock (ms) */
  now?: () => number;
  /** give the event loop a turn (the browser paints, input is handled) */
  yieldToUi?: () => Promise<void>;
  /** target work per slice (ms) */
  sliceMs?: number;
  /** minimum interval of the progress numbers written to the store (ms) */
  progressMs?: number;
  /**
   * Where the live data goes (default: into `store`'s live data). The worker host sends it
   * to the page instead (simHost.ts), whose store then applies it with `applyLiveEvent`.
   */
  live?: (ev: LiveEvent) => void;
}

/** Apply a live-data change to the store (announced with `touchLive` unless `touch` is false). */
export function applyLiveEvent(store: AppStore, ev: LiveEvent, touch = true): void {
  const s = store.getState();
  switch (ev.type) {
    case 'start':
      s.setLive(liveStart(ev.shape, s.live.rev + 1));
      return;
    case 'within':
      liveSetWithin(s.live, ev.readout, ev.trial, true);
      break;
    case 'trial':
      liveAppendTrial(s.live, ev.record, ev.readout);
      break;
  }
  if (touch) s.touchLive();
}

export interface ExportFile {
  filename: string;
  mime: string;
  text: string;
}

export type ExportKind = 'json' | 'history' | 'monitor' | 'units';

export interface Runner {
  /** Acquire the backend and follow the store (parameter changes reset the run). */
  init(): Promise<void>;
  /** Run to the end (or continue a paused run). */
  start(): Promise<void>;
  pause(): void;
  /** Run one trial, then pause. */
  step(): Promise<void>;
  reset(): void;
  /** Change the backend preference: the run is reset and the backend acquired again. */
  setBackendPref(pref: BackendPreference): Promise<void>;
  exportFile(kind: ExportKind): Promise<ExportFile | null>;
  /** for tests and the device-lost path: the promise of the running loop, if any */
  readonly idle: Promise<void>;
  dispose(): void;
}

const defaultYield = () => new Promise<void>((r) => setTimeout(r, 0));

interface Snapshot {
  trialsDone: number;
  readout: RateReadout;
}

export function createRunner(store: AppStore, deps: RunnerDeps): Runner {
  const now = deps.now ?? (() => performance.now());
  const yieldToUi = deps.yieldToUi ?? defaultYield;
  const SLICE_MS = deps.sliceMs ?? 35;
  const PROGRESS_MS = deps.progressMs ?? 90;
  const emitLive = deps.live ?? ((ev: LiveEvent) => applyLiveEvent(store, ev));

  let backend: Backend | null = null;
  let backendPromise: Promise<Backend> | null = null;
  /** bumps when the backend is replaced (a lost device's callbacks are then ignored) */
  let backendGen = 0;
  let run: IsnRun | null = null;
  let runValues: ParamValues | null = null;
  let runSeed = 0;
  let snapshot: Snapshot | null = null;
  /** bumps on reset: a loop from an older generation ends silently */
  let gen = 0;
  let stopRequested = false;
  let loop: Promise<void> = Promise.resolve();
  let looping = false;
  let unsub: (() => void) | null = null;
  let recovering: Promise<void> | null = null;

  // timing for slicing
  let sliceStart = 0;
  let estTrialMs = 0;
  let lastProgressAt = -Infinity;
  let speedT0 = 0;
  let speedTrials = 0;
  let speed: number | null = null;

  const runOpts: RunOptions & { chunksPerTrial: number } = {
    readEvery: 1,
    chunksPerTrial: 1,
    monitorCount: 1,
    onProgress: (p) => onProgress(p),
    shouldStop: () => stopRequested,
  };

  // ── backend ──────────────────────────────────────────────────────────────────────────

  function describe(b: Backend, fallbackReason: string | null) {
    store.getState().setBackend({
      state: 'ready',
      kind: b.kind,
      label: b.label,
      fallbackReason,
    });
  }

  function acquire(): Promise<Backend> {
    if (backend) return Promise.resolve(backend);
    if (backendPromise) return backendPromise;
    const myGen = ++backendGen;
    const pref = store.getState().backendPref;
    store.getState().setBackend({
      state: 'detecting',
      kind: null,
      label: 'Detecting backend…',
      fallbackReason: null,
    });
    const opts: AcquireOptions = {
      onDeviceLost: (reason) => {
        if (myGen === backendGen) void onDeviceLost(reason);
      },
      onGpuError: (message) => {
        if (myGen === backendGen) store.getState().pushNotice('warning', `GPU error: ${message}`);
      },
    };
    const p = (async () => {
      let got: AcquiredBackend;
      try {
        got = await deps.acquire(pref, opts);
      } catch (e) {
        // 'webgpu' preferred but unavailable: say so and use the CPU
        const msg = e instanceof Error ? e.message : String(e);
        store.getState().pushNotice('warning', `${msg}. Running on the CPU instead.`);
        got = await deps.acquire('cpu', {});
        got = { backend: got.backend, fallbackReason: msg };
      }
      if (myGen !== backendGen) {
        got.backend.dispose();
        throw new Error('backend request superseded');
      }
      backend = got.backend;
      describe(got.backend, got.fallbackReason);
      return got.backend;
    })();
    backendPromise = p;
    p.catch(() => {
      if (backendPromise === p) backendPromise = null;
    });
    return p;
  }

  function dropBackend(): void {
    backendGen++;
    const b = backend;
    backend = null;
    backendPromise = null;
    try {
      b?.dispose();
    } catch {
      /* a lost device may refuse; nothing to free */
    }
  }

  // ── run state ────────────────────────────────────────────────────────────────────────

  function shapeOf(r: IsnRun, values: ParamValues): LiveShape {
    const c = r.setup.config;
    const partners = partnersOf(c.nE, c.nI, c.selfConnections);
    return {
      nets: c.batch,
      multi: values.model === 'multi-unit',
      nE: c.nE,
      nI: c.nI,
      partners,
      dtMs: c.dtMs,
      recordEvery: r.setup.baseProtocol.recordEvery,
      monitored: Math.max(1, Math.min(r.setup.baseProtocol.monitorCount, c.batch)),
      values,
      starts: r.setup.starts.map((w) => effective(w, partners)),
    };
  }

  function numbersOf(rec: TrialRecord, r: IsnRun): RunNumbers {
    const c = r.setup.config;
    const partners = partnersOf(c.nE, c.nI, c.selfConnections);
    const v = r.values;
    let converged = 0;
    for (let b = 0; b < c.batch; b++)
      if (isConverged(rec.avgE[b], rec.avgI[b], Number(v.E_set), Number(v.I_set))) converged++;
    return {
      trial: rec.trial + 1,
      trials: r.setup.trials,
      E: rec.avgE[0],
      I: rec.avgI[0],
      W: effective(rec.W[0], partners),
      converged,
      networks: c.batch,
    };
  }

  function newRun(b: Backend): IsnRun {
    const s = store.getState();
    runValues = s.values;
    runSeed = s.seed;
    const r = new IsnRun(b, runValues, runSeed, runOpts);
    snapshot = null;
    estTrialMs = estimateTrialMs(r, b);
    emitLive({ type: 'start', shape: shapeOf(r, runValues) });
    store.getState().setProgress(0, r.setup.trials, null, null);
    return r;
  }

  /** A first guess of one trial's cost, before anything is measured (CPU-calibrated). */
  function estimateTrialMs(r: IsnRun, b: Backend): number {
    const c = r.setup.config;
    const N = c.nE + c.nI;
    const steps = r.setup.baseProtocol.stepsPerTrial;
    const perStep =
      N <= 2 ? 6e-4 * Math.min(c.batch, 4) + 1.2e-4 * c.batch : c.batch * (4e-6 * N * N + 1e-4);
    return (steps * perStep) / (b.kind === 'webgpu' ? 4 : 1);
  }

  function chunksFor(ms: number): number {
    return Math.max(1, Math.min(256, Math.ceil(ms / SLICE_MS)));
  }

  async function maybeYield(): Promise<void> {
    if (now() - sliceStart >= SLICE_MS) {
      await yieldToUi();
      sliceStart = now();
    }
  }

  let trialT0 = 0;
  let yieldedInTrial = 0;

  async function onProgress(p: IsnProgress): Promise<void> {
    const r = run;
    // runOpts is shared: ignore a superseded run that is still finishing its last readback
    if (!r || p.setup !== r.setup) return;
    const s = store.getState();
    if (p.trial === r.trial) {
      // a chunk readback within the running trial
      emitLive({ type: 'within', trial: p.trial, readout: p.readout });
      // a trial much slower than estimated (a first guess on a slow GPU): smaller chunks now
      const steps = r.setup.baseProtocol.stepsPerTrial;
      const frac = (p.readout.samples * r.setup.baseProtocol.recordEvery) / steps;
      const spent = now() - trialT0 - yieldedInTrial;
      if (frac > 0 && frac < 1 && spent > 2 * SLICE_MS) {
        const est = spent / frac;
        if (est > 2 * estTrialMs) {
          estTrialMs = est;
          runOpts.chunksPerTrial = chunksFor(est);
        }
      }
    } else {
      // the trial is complete and read back
      snapshot = { trialsDone: p.trial + 1, readout: p.readout };
      emitLive({ type: 'trial', record: p.record, readout: p.readout });
      const t = now();
      const last = r.trial >= r.setup.trials;
      if (t - lastProgressAt >= PROGRESS_MS || last) {
        lastProgressAt = t;
        if (speedTrials > 0 && t > speedT0) speed = (1000 * speedTrials) / (t - speedT0);
        s.setProgress(r.trial, r.setup.trials, numbersOf(p.record, r), speed);
      }
    }
    const y0 = now();
    await maybeYield();
    yieldedInTrial += now() - y0;
  }

  // ── the loop ─────────────────────────────────────────────────────────────────────────

  async function runLoop(limit: number, myGen: number): Promise<void> {
    let b: Backend;
    try {
      b = await acquire();
    } catch (e) {
      if (myGen !== gen) return;
      fail(e);
      return;
    }
    if (myGen !== gen) return;
    if (!run) run = newRun(b);
    const r = run;
    store.getState().setStatus('running');
    sliceStart = now();
    speedT0 = now();
    speedTrials = 0;
    let done = 0;
    try {
      while (done < limit && !r.done && !stopRequested) {
        runOpts.chunksPerTrial = chunksFor(estTrialMs);
        trialT0 = now();
        yieldedInTrial = 0;
        await r.runTrials(1);
        if (myGen !== gen) return;
        const spent = Math.max(0.01, now() - trialT0 - yieldedInTrial);
        estTrialMs = estTrialMs > 0 ? 0.7 * estTrialMs + 0.3 * spent : spent;
        done++;
        speedTrials++;
        await maybeYield();
        if (myGen !== gen) return;
      }
      stopRequested = false;
      const s = store.getState();
      if (r.history.length)
        s.setProgress(
          r.trial,
          r.setup.trials,
          numbersOf(r.history[r.history.length - 1], r),
          speed,
        );
      s.setStatus(r.done ? 'done' : 'paused');
    } catch (e) {
      if (myGen !== gen) return;
      if (recovering) return; // the device-lost path takes over
      fail(e);
    }
  }

  function fail(e: unknown): void {
    stopRequested = false;
    const s = store.getState();
    if (e instanceof SimulationBlowUp) s.setRunError(`The simulation blew up: ${e.message}.`);
    else s.setRunError(`The run failed: ${e instanceof Error ? e.message : String(e)}`);
    s.setStatus('error');
  }

  function launch(limit: number): Promise<void> {
    if (looping) {
      // "run" right after "pause", before the loop noticed: keep going
      if (limit === Infinity) stopRequested = false;
      return loop;
    }
    const myGen = gen;
    looping = true;
    stopRequested = false;
    store.getState().setRunError(null);
    loop = runLoop(limit, myGen).finally(() => {
      if (myGen === gen) looping = false;
    });
    return loop;
  }

  // ── device loss ──────────────────────────────────────────────────────────────────────

  async function onDeviceLost(reason: string): Promise<void> {
    if (recovering) return recovering;
    const s = store.getState();
    const wasRunning = looping;
    const hadRun = run !== null;
    s.pushNotice(
      'warning',
      `The GPU device was lost (${reason}). Recovering${hadRun ? ' the run' : ''}…`,
    );
    // abandon the loop that was waiting on the lost device
    const myGen = ++gen;
    looping = false;
    stopRequested = false;
    const old = run;
    run = null;
    dropBackend();
    recovering = (async () => {
      try {
        const b = await acquire();
        if (myGen !== gen) return;
        if (old && runValues) {
          const snap = snapshot;
          const history = snap ? old.history.filter((h) => h.trial < snap.trialsDone) : [];
          run = snap
            ? IsnRun.resume(b, runValues, runSeed, runOpts, {
                trialsDone: snap.trialsDone,
                history,
                readout: snap.readout,
              })
            : new IsnRun(b, runValues, runSeed, runOpts);
          estTrialMs = estimateTrialMs(run, b);
          if (!snap) emitLive({ type: 'start', shape: shapeOf(run, runValues) });
          try {
            old.dispose();
          } catch {
            /* its device is gone */
          }
          const where = run.done
            ? 'the finished run is kept'
            : snap
              ? `the run continues after trial ${snap.trialsDone}`
              : 'the run continues from the start (nothing had been read back yet)';
          store
            .getState()
            .pushNotice(
              'info',
              `Recovered on ${b.kind === 'webgpu' ? 'a new GPU device' : 'the CPU'}: ${where}.`,
            );
          store
            .getState()
            .setStatus(
              wasRunning && !run.done
                ? 'running'
                : run.done
                  ? 'done'
                  : run.history.length
                    ? 'paused'
                    : 'idle',
            );
        } else {
          store
            .getState()
            .pushNotice(
              'info',
              `Recovered: ${b.kind === 'webgpu' ? 'a new GPU device' : 'the CPU'} is ready.`,
            );
        }
      } catch (e) {
        fail(e);
      } finally {
        recovering = null;
      }
      if (wasRunning && run && myGen === gen) await launch(Infinity);
    })();
    return recovering;
  }

  // ── public ───────────────────────────────────────────────────────────────────────────

  function reset(): void {
    gen++;
    stopRequested = false;
    looping = false;
    const r = run;
    run = null;
    snapshot = null;
    runValues = null;
    try {
      r?.dispose();
    } catch {
      /* ignore */
    }
    const s = store.getState();
    emitLive({ type: 'start', shape: placeholderShape() });
    s.setProgress(0, Number(s.values.trials) || 0, null, null);
    s.setRunError(null);
    s.setStatus('idle');
  }

  /** The live shape before a run: the values and initial weights, no history. */
  function placeholderShape(): LiveShape {
    const v = store.getState().values;
    const multi = v.model === 'multi-unit';
    const nE = multi ? Number(v.N_E) : 1;
    const nI = multi ? Number(v.N_I) : 1;
    const partners = partnersOf(nE, nI, !multi);
    const w = { EE: Number(v.W_EE), EI: Number(v.W_EI), IE: Number(v.W_IE), II: Number(v.W_II) };
    return {
      nets: 0,
      multi,
      nE,
      nI,
      partners,
      dtMs: Number(v.dt_ms),
      recordEvery: 1,
      monitored: 1,
      values: v,
      starts: multi || v.starts !== 'single' ? [] : [w],
    };
  }

  const runner: Runner = {
    async init() {
      reset();
      unsub?.();
      unsub = store.subscribe((s, prev) => {
        if (s.paramsRev !== prev.paramsRev) reset();
      });
      try {
        await acquire();
      } catch {
        /* the badge shows the failure on the next attempt */
      }
    },
    start() {
      const s = store.getState();
      if (recovering) return recovering;
      if (s.status === 'done' || s.status === 'error') reset();
      return launch(Infinity);
    },
    pause() {
      if (looping) stopRequested = true;
    },
    step() {
      if (looping || recovering) return loop;
      const s = store.getState();
      if (s.status === 'done' || s.status === 'error') reset();
      return launch(1);
    },
    reset,
    async setBackendPref(pref) {
      store.getState().setBackendPref(pref);
      reset();
      dropBackend();
      try {
        await acquire();
      } catch {
        /* superseded by a newer request */
      }
    },
    async exportFile(kind) {
      const r = run;
      if (!r || r.history.length === 0 || !runValues) return null;
      const result = await r.result();
      const stem = `eilab-isn-seed${runSeed}-trial${r.trial}`;
      switch (kind) {
        case 'json': {
          const summary = isnSummary(result, runValues, {
            backend: backend?.label ?? 'unknown',
            seed: runSeed,
          });
          return {
            filename: `${stem}-summary.json`,
            mime: 'application/json',
            text: JSON.stringify(summary, null, 2) + '\n',
          };
        }
        case 'history':
          return { filename: `${stem}-history.csv`, mime: 'text/csv', text: historyCsv(result) };
        case 'monitor':
          return { filename: `${stem}-monitor.csv`, mime: 'text/csv', text: monitorCsv(result) };
        case 'units':
          return { filename: `${stem}-units.csv`, mime: 'text/csv', text: unitsCsv(result) };
      }
    },
    get idle() {
      return (async () => {
        for (;;) {
          const l = loop;
          const rec = recovering;
          await l;
          if (rec) await rec;
          if (l === loop && !recovering) return;
        }
      })();
    },
    dispose() {
      unsub?.();
      unsub = null;
      reset();
      dropBackend();
    },
  };
  return runner;
}
