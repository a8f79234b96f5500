/**
 * The page's side of the reduced lab: Run computes the summary for the app store's values and
 * seed in a worker (redWorker.ts; on the page where no worker starts) and puts it in the
 * reduced store. A computation has no pause; a newer Run or a parameter change makes the
 * pending answer stale (it is dropped).
 */
import type { StoreApi } from 'zustand/vanilla';
import { RED_LAB_ID, INITIAL_RED_STATE, type RedState } from '../state/redStore';
import type { AppStore } from '../state/store';
import { computeReduced, type RedReply } from './redCompute';

export interface RedPortLike {
  postMessage(m: unknown): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate?(): void;
}

export interface RedClient {
  init(): Promise<void>;
  start(): Promise<void>;
  step(): Promise<void>;
  pause(): void;
  reset(): void;
  readonly idle: Promise<void>;
  dispose(): void;
}

export function createRedClient(
  app: AppStore,
  red: StoreApi<RedState>,
  opts: { connect: () => RedPortLike | null },
): RedClient {
  let port: RedPortLike | null = null;
  let inPage = false;
  let current = 0;
  let unsub: (() => void) | null = null;

  const apply = (id: number, reply: RedReply) => {
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
      port = opts.connect();
    } catch {
      port = null;
    }
    if (!port) {
      inPage = true;
      return;
    }
    port.addEventListener('message', (e: MessageEvent) => {
      const { id, reply } = e.data as { id: number; reply: RedReply };
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
        apply(id, computeReduced(s.values, s.seed));
      }, 0);
  }

  const clear = () => {
    current++;
    red.setState(INITIAL_RED_STATE);
  };

  return {
    async init() {
      unsub?.();
      unsub = app.subscribe((s, prev) => {
        if (s.labId !== RED_LAB_ID) return;
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
