/**
 * The page's side of a runner whose simulation runs in a worker (simWorker.ts → simHost.ts):
 * commands go to the worker; its reports (run state, notices, live data) are applied to the
 * page's store, so the UI sees the same store and the same Runner interface as with the
 * in-page runner (runner.ts), which is also the fallback where the worker does not start.
 */
import type { AppState, AppStore } from '../state/store';
import { applyLiveEvent, type ExportFile, type Runner } from './runner';
import type { SimCommand, SimParams, SimPort, SimReport } from './simProtocol';

/** A Worker, or any port with the same messages (tests use a MessageChannel). */
export interface WorkerLike extends SimPort {
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate?(): void;
}

export interface WorkerRunnerOptions {
  /** the in-page runner to use instead if the worker fails before it has answered */
  fallback?: () => Runner;
}

type Request = { type: SimCommand['type'] } & Record<string, unknown>;

function paramsOf(s: AppState): SimParams {
  return { labId: s.labId, values: s.values, seed: s.seed, backendPref: s.backendPref };
}

export function createWorkerRunner(
  store: AppStore,
  worker: WorkerLike,
  opts: WorkerRunnerOptions = {},
): Runner {
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let heard = false;
  let local: Runner | null = null;
  let unsub: (() => void) | null = null;
  let disposed = false;

  const post = (c: SimCommand) => worker.postMessage(c);

  function request<T>(c: Request): Promise<T> {
    const id = ++nextId;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      post({ ...c, id } as SimCommand);
    });
  }

  function onReports(batch: SimReport[]): void {
    heard = true;
    let dirty = false;
    const touch = () => {
      if (dirty) store.getState().touchLive();
      dirty = false;
    };
    for (const m of batch) {
      if (m.type === 'live' && m.ev.type !== 'start') {
        // in-place changes: announced once per batch (or before anything else changes)
        applyLiveEvent(store, m.ev, false);
        dirty = true;
        continue;
      }
      touch();
      switch (m.type) {
        case 'live':
          applyLiveEvent(store, m.ev);
          break;
        case 'state':
          store.setState(m.patch);
          break;
        case 'notice':
          store.getState().pushNotice(m.kind, m.text);
          break;
        case 'reply': {
          const p = pending.get(m.id);
          pending.delete(m.id);
          if (m.error !== undefined) p?.reject(new Error(m.error));
          else p?.resolve(m.value);
          break;
        }
      }
    }
    touch();
  }

  worker.addEventListener('message', (e: MessageEvent) => {
    if (!disposed && !local) onReports(e.data as SimReport[]);
  });
  worker.addEventListener('error', (e: ErrorEvent) => {
    if (disposed || local) return;
    const why = e.message || 'it failed to load';
    if (!heard && opts.fallback) {
      // the worker never started: run on the page instead
      worker.terminate?.();
      local = opts.fallback();
      const waiting = [...pending.values()];
      pending.clear();
      store
        .getState()
        .pushNotice(
          'warning',
          `The simulation worker did not start (${why}); running on the page.`,
        );
      void local.init().then(() => waiting.forEach((p) => p.resolve(null)));
      return;
    }
    store.getState().pushNotice('error', `The simulation worker failed: ${why}`);
  });

  return {
    async init() {
      if (local) return local.init();
      unsub?.();
      unsub = store.subscribe((s, prev) => {
        if (local) return;
        const reset = s.paramsRev !== prev.paramsRev;
        if (reset || s.backendPref !== prev.backendPref)
          post({ type: 'params', params: paramsOf(s), reset });
      });
      await request({ type: 'init', params: paramsOf(store.getState()) });
    },
    async start() {
      if (local) return local.start();
      await request({ type: 'start' });
    },
    pause() {
      if (local) local.pause();
      else post({ type: 'pause' });
    },
    async step() {
      if (local) return local.step();
      await request({ type: 'step' });
    },
    reset() {
      if (local) local.reset();
      else post({ type: 'reset' });
    },
    async setBackendPref(pref) {
      if (local) return local.setBackendPref(pref);
      store.getState().setBackendPref(pref); // also sent with the parameters
      await request({ type: 'backend', pref });
    },
    exportFile(kind) {
      if (local) return local.exportFile(kind);
      return request<ExportFile | null>({ type: 'export', kind });
    },
    get idle() {
      if (local) return local.idle;
      return request<void>({ type: 'idle' });
    },
    dispose() {
      if (local) {
        local.dispose();
        return;
      }
      disposed = true;
      unsub?.();
      unsub = null;
      post({ type: 'dispose' });
      worker.terminate?.();
      for (const p of pending.values()) p.resolve(null);
      pending.clear();
    },
  };
}
