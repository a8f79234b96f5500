/**
 * The page's side of the co-tuning lab's run: commands go to the simulation worker
 * (cotWorker.ts → cotSession.ts), its reports are applied to the co-tuning store
 * (state/cotStore.ts). The worker starts the first time the lab is shown; a change of the
 * parameters or seed stops the run and resets the plots. Where no worker starts, the same
 * session runs on the page.
 */
import type { BackendPreference } from '../engine/acquire';
import type { CotuningEvent } from '../labs/cotuning/runner';
import { applyCotEvent, COT_LAB_ID, type CotEvent, type CotState } from '../state/cotStore';
import type { AppState, AppStore } from '../state/store';
import type { StoreApi } from 'zustand/vanilla';
import { CotSession, cotShape, type CotCommand } from './cotSession';

export interface CotPortLike {
  postMessage(m: CotCommand): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate?(): void;
}

export interface CotClient {
  init(): Promise<void>;
  /** start a run, or resume a paused one */
  start(): Promise<void>;
  /** run to the next sample of D and B, then pause */
  step(): Promise<void>;
  pause(): void;
  /** stop the run and clear the plots */
  reset(): void;
  setBackendPref(pref: BackendPreference): Promise<void>;
  /** a knock-out or perturbation now (at the run's next stop, ≤ one sample interval) */
  trigger(event: CotuningEvent, label: string): void;
  /** resolves when no run is going on (a paused run counts as going on) */
  readonly idle: Promise<void>;
  dispose(): void;
}

export function createCotClient(
  app: AppStore,
  cot: StoreApi<CotState>,
  opts: { connect: () => CotPortLike | null; gpu?: () => GPU | null | undefined },
): CotClient {
  let port: CotPortLike | null = null;
  let session: CotSession | null = null;
  let heard = false;
  let disposed = false;
  let unsub: (() => void) | null = null;

  // after a stop, the stopped run's last reports are dropped until the next run's 'reset'
  let mute = false;
  const apply = (evs: CotEvent[]) => {
    heard = true;
    for (const ev of evs) {
      if (mute && ev.kind !== 'reset') continue;
      mute = false;
      applyCotEvent(cot, ev);
      if (ev.kind === 'notice' && ev.text) app.getState().pushNotice('warning', ev.text);
    }
  };
  const stopAndClear = () => {
    if (active()) {
      send({ kind: 'stop' });
      mute = true;
    }
    applyCotEvent(cot, { kind: 'reset', shape: cotShape(app.getState().values) });
  };

  function inPage(): void {
    session = new CotSession(
      (ev) => apply([ev]),
      opts.gpu ?? (() => (typeof navigator !== 'undefined' ? (navigator.gpu ?? null) : null)),
    );
  }

  function connect(): void {
    if (port || session || disposed) return;
    let p: CotPortLike | null = null;
    try {
      p = opts.connect();
    } catch {
      p = null;
    }
    if (!p) {
      inPage();
      return;
    }
    port = p;
    p.addEventListener('message', (e: MessageEvent) => {
      if (!disposed && port === p) apply(e.data as CotEvent[]);
    });
    p.addEventListener('error', (e: ErrorEvent) => {
      if (disposed || port !== p) return;
      if (!heard) {
        // the worker did not start: run on the page
        port = null;
        p.terminate?.();
        app
          .getState()
          .pushNotice(
            'warning',
            `The simulation worker did not start (${e.message || 'it failed to load'}); running on the page.`,
          );
        inPage();
        return;
      }
      applyCotEvent(cot, { kind: 'status', status: 'error', runError: e.message });
    });
  }

  function send(c: CotCommand): void {
    connect();
    if (session) session.handle(c);
    else port?.postMessage(c);
  }

  const shown = (s: AppState) => s.labId === COT_LAB_ID;
  const status = () => cot.getState().progress.status;
  const active = () => status() === 'running' || status() === 'paused';

  function startRun(): void {
    const s = app.getState();
    send({ kind: 'start', values: s.values, seed: s.seed, pref: s.backendPref });
  }

  return {
    async init() {
      unsub?.();
      unsub = app.subscribe((s, prev) => {
        if (disposed) return;
        if (!shown(s)) {
          if (shown(prev) && status() === 'running') send({ kind: 'pause' });
          return;
        }
        if (s.paramsRev !== prev.paramsRev || s.seed !== prev.seed) stopAndClear();
        else if (!shown(prev) && !active())
          applyCotEvent(cot, { kind: 'reset', shape: cotShape(s.values) });
      });
      if (shown(app.getState()) && !cot.getState().shape)
        applyCotEvent(cot, { kind: 'reset', shape: cotShape(app.getState().values) });
    },
    async start() {
      if (status() === 'paused') send({ kind: 'resume' });
      else if (status() !== 'running') startRun();
    },
    async step() {
      if (!active()) startRun();
      send({ kind: 'step' });
    },
    pause() {
      if (status() === 'running') send({ kind: 'pause' });
    },
    reset() {
      stopAndClear();
    },
    async setBackendPref(pref) {
      app.getState().setBackendPref(pref);
    },
    trigger(event, label) {
      if (active()) send({ kind: 'event', event, label });
    },
    get idle() {
      return new Promise<void>((resolve) => {
        const done = () => status() !== 'running' && status() !== 'paused';
        if (done()) return resolve();
        const u = cot.subscribe(() => {
          if (done()) {
            u();
            resolve();
          }
        });
      });
    },
    dispose() {
      if (disposed) return;
      if (active()) send({ kind: 'stop' });
      disposed = true;
      unsub?.();
      port?.terminate?.();
    },
  };
}
