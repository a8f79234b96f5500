/**
 * The page's side of a spiking lab's run (co-tuning, COBA): commands go to the lab's simulation
 * worker (its session: cotSession.ts, cobaSession.ts), its reports are applied to the lab's
 * store. The worker starts with the first command; a change of the parameters or seed stops
 * the run and resets the plots; leaving the lab pauses a running run. Where no worker starts,
 * the same session runs on the page.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { BackendPreference } from '../engine/acquire';
import type { ParamValues } from '../model/params';
import type { AppState, AppStore, RunStatus } from '../state/store';
import type { ControlCommand } from './steppedSession';
import type { Runner } from './runner';

/** The commands every session takes. */
export type SessionCommand =
  { kind: 'start'; values: ParamValues; seed: number; pref: BackendPreference } | ControlCommand;

export interface SessionPortLike<C> {
  postMessage(m: C): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate?(): void;
}

/** A lab's run controls (as the ISN lab's runner has them), a lab-specific command, and
 *  whether a run is going on (a paused one too). */
export interface SessionClient<C> extends Omit<Runner, 'exportFile'> {
  send(c: C): void;
  active(): boolean;
}

export interface SessionClientOptions<C, E, S> {
  labId: string;
  /** the lab's worker, or null where workers are unavailable */
  connect: () => SessionPortLike<C> | null;
  /** the lab's session on the page (no worker) */
  session: (post: (ev: E) => void, gpu: () => GPU | null | undefined) => { handle(c: C): void };
  gpu?: () => GPU | null | undefined;
  /** apply a report to the store */
  apply: (ev: E) => void;
  /** clear the store for these values (a new run's shape) */
  reset: (values: ParamValues) => void;
  /** the run failed outside the session (the worker died) */
  fail: (message: string) => void;
  status: (s: S) => RunStatus;
  /** a report's message for the page's notices (a device lost and replaced), if any */
  notice?: (ev: E) => string | null;
  /** whether the store holds a shape yet (shown lab: one is set at init) */
  hasShape: (s: S) => boolean;
}

export function createSessionClient<C extends { kind: string }, E extends { kind: string }, S>(
  app: AppStore,
  store: StoreApi<S>,
  opts: SessionClientOptions<C | SessionCommand, E, S>,
): SessionClient<C | SessionCommand> {
  type Cmd = C | SessionCommand;
  let port: SessionPortLike<Cmd> | null = null;
  let session: { handle(c: Cmd): void } | null = null;
  let heard = false;
  let disposed = false;
  let unsub: (() => void) | null = null;

  // after a stop, the stopped run's last reports are dropped until the next run's 'reset'
  let mute = false;
  const apply = (evs: E[]) => {
    heard = true;
    for (const ev of evs) {
      if (mute && ev.kind !== 'reset') continue;
      mute = false;
      opts.apply(ev);
      const text = opts.notice?.(ev);
      if (text) app.getState().pushNotice('warning', text);
    }
  };
  const status = () => opts.status(store.getState());
  const active = () => status() === 'running' || status() === 'paused';
  const stopAndClear = () => {
    if (active()) {
      send({ kind: 'stop' });
      mute = true;
    }
    opts.reset(app.getState().values);
  };

  function inPage(): void {
    session = opts.session(
      (ev) => apply([ev]),
      opts.gpu ?? (() => (typeof navigator !== 'undefined' ? (navigator.gpu ?? null) : null)),
    );
  }

  function connect(): void {
    if (port || session || disposed) return;
    let p: SessionPortLike<Cmd> | null = null;
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
      if (!disposed && port === p) apply(e.data as E[]);
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
      opts.fail(e.message);
    });
  }

  function send(c: Cmd): void {
    connect();
    if (session) session.handle(c);
    else port?.postMessage(c);
  }

  const shown = (s: AppState) => s.labId === opts.labId;

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
        else if (!shown(prev) && !active()) opts.reset(s.values);
      });
      if (shown(app.getState()) && !opts.hasShape(store.getState()))
        opts.reset(app.getState().values);
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
    send,
    active,
    get idle() {
      return new Promise<void>((resolve) => {
        const done = () => status() !== 'running' && status() !== 'paused';
        if (done()) return resolve();
        const u = store.subscribe(() => {
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
