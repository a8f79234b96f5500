/**
 * The page's side of a lab that computes rather than runs (the reduced model, the
 * paired-pulse protocol): Run computes the result for the app store's values and seed — in a
 * worker when one is given (redWorker.ts), else on the page — and puts it in the lab's store.
 * A computation has no pause; a newer Run or a parameter change makes a pending answer stale
 * (it is dropped).
 */
import type { StoreApi } from 'zustand/vanilla';
import { initialComputeState, type ComputeReply, type ComputeState } from '../state/computeStore';
import type { ParamValues } from '../model/params';
import type { AppStore } from '../state/store';

export interface ComputePortLike {
  postMessage(m: unknown): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate?(): void;
}

export interface ComputeClient {
  init(): Promise<void>;
  start(): Promise<void>;
  step(): Promise<void>;
  pause(): void;
  reset(): void;
  readonly idle: Promise<void>;
  dispose(): void;
}

export function createComputeClient<S>(
  app: AppStore,
  red: StoreApi<ComputeState<S>>,
  opts: {
    labId: string;
    /** a worker answering { id, values, seed } with { id, reply }; null: on the page */
    connect?: () => ComputePortLike | null;
    compute: (values: ParamValues, seed: number) => ComputeReply<S>;
  },
): ComputeClient {
  let port: ComputePortLike | null = null;
  let inPage = false;
  let current = 0;
  let unsub: (() => void) | null = null;

  const apply = (id: number, reply: ComputeReply<S>) => {
    if (id !== current) return; // stale
    red.setState(
      reply.ok
        ? { status: 'done', summary: reply.summary, runError: null, wallSeconds: reply.wallSeconds }
        : { status: 'error', runError: reply.error },
    );
  };

  function connect(): void {
    if (port || inPage) return;
    try {
      port = opts.connect?.() ?? null;
    } catch {
      port = null;
    }
    if (!port) {
      inPage = true;
      return;
    }
    port.addEventListener('message', (e: MessageEvent) => {
      const { id, reply } = e.data as { id: number; reply: ComputeReply<S> };
      apply(id, reply);
    });
    port.addEventListener('error', (e: ErrorEvent) => {
      port?.terminate?.();
      port = null;
      inPage = true;
      red.setState({ status: 'error', runError: `The worker failed (${e.message}); run again.` });
    });
  }

  function start(): void {
    connect();
    const s = app.getState();
    const id = ++current;
    red.setState({ status: 'running', runError: null });
    if (port) port.postMessage({ id, values: s.values, seed: s.seed });
    else
      setTimeout(() => {
        apply(id, opts.compute(s.values, s.seed));
      }, 0);
  }

  const clear = () => {
    current++;
    red.setState(initialComputeState<S>());
  };

  return {
    async init() {
      unsub?.();
      unsub = app.subscribe((s, prev) => {
        if (s.labId !== opts.labId) return;
        if (s.paramsRev !== prev.paramsRev || s.seed !== prev.seed) clear();
      });
    },
    async start() {
      start();
    },
    async step() {
      start();
    },
    pause() {},
    reset: clear,
    get idle() {
      return new Promise<void>((resolve) => {
        if (red.getState().status !== 'running') return resolve();
        const u = red.subscribe((s) => {
          if (s.status !== 'running') {
            u();
            resolve();
          }
        });
      });
    },
    dispose() {
      unsub?.();
      port?.terminate?.();
    },
  };
}
