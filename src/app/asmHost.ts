/**
 * The assemblies lab's simulation worker side: an AsmSession (asmSession.ts) served on a port
 * (the worker's global scope, or one end of a MessageChannel on the page where workers are
 * unavailable). Reports go out in batches: when the session yields (every ~35 ms of work) or
 * when the worker is otherwise idle. A weight or progress report still queued is replaced by
 * a newer one of the same kind, so a fast run does not flood the page.
 */
import type { SimPort } from './simProtocol';
import type { AsmEvent } from '../state/asmStore';
import { AsmSession } from './asmSession';
import type { AsmAcquireFn } from './asmBackend';
import type { AsmCommand, AsmReport } from './asmProtocol';

export interface AsmHostOptions {
  acquire: AsmAcquireFn;
  /** a pause after each slice of work (ms); default 15 with ≤ 2 cores, else 0 (see simHost.ts) */
  restMs?: number;
  sliceMs?: number;
  selectivityBudget?: number;
}

function taskYield(): () => Promise<void> {
  if (typeof MessageChannel === 'undefined') return () => new Promise((r) => setTimeout(r, 0));
  const ch = new MessageChannel();
  const waiting: (() => void)[] = [];
  ch.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise<void>((r) => {
      waiting.push(r);
      ch.port2.postMessage(0);
    });
}

function defaultRest(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
  return cores !== undefined && cores <= 2 ? 15 : 0;
}

/** Serve an assemblies session on `port`; returns a function that stops it. */
export function hostAsm(port: SimPort, opts: AsmHostOptions): () => void {
  const nextTask = taskYield();
  const restMs = opts.restMs ?? defaultRest();
  let queue: AsmReport[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  function flush(): void {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    port.postMessage(batch);
  }

  function send(m: AsmReport): void {
    queue.push(m);
    timer ??= setTimeout(flush, 0);
  }

  function sendEvent(ev: AsmEvent): void {
    if (ev.type === 'weights' || ev.type === 'compare' || ev.type === 'busy') {
      // a newer snapshot supersedes one still queued
      queue = queue.filter((m) => m.type !== 'ev' || m.ev.type !== ev.type);
    }
    send({ type: 'ev', ev });
  }

  const session = new AsmSession({
    acquire: opts.acquire,
    emit: sendEvent,
    sliceMs: opts.sliceMs,
    selectivityBudget: opts.selectivityBudget,
    yieldNow: async () => {
      flush();
      if (restMs > 0) await new Promise((r) => setTimeout(r, restMs));
      else await nextTask();
    },
  });

  function reply(id: number, p: Promise<unknown>, withValue = false): void {
    p.then(
      (value) => {
        send(withValue ? { type: 'reply', id, value } : { type: 'reply', id });
        flush();
      },
      (e: unknown) => {
        send({ type: 'reply', id, error: e instanceof Error ? e.message : String(e) });
        flush();
      },
    );
  }

  const onMessage = (e: MessageEvent) => {
    const c = e.data as AsmCommand;
    switch (c.type) {
      case 'init':
        reply(c.id, session.init(c.params));
        break;
      case 'configure':
        session.configure(c.params, c.reset);
        break;
      case 'start':
        reply(c.id, session.start());
        break;
      case 'step':
        reply(c.id, session.step());
        break;
      case 'pause':
        session.pause();
        break;
      case 'reset':
        session.reset();
        break;
      case 'backend':
        reply(c.id, session.setBackendPref(c.pref));
        break;
      case 'request':
        reply(c.id, session.request(c.req), true);
        break;
      case 'export':
        reply(c.id, session.exportFile(c.kind), true);
        break;
      case 'idle':
        reply(c.id, session.idle);
        break;
      case 'dispose':
        stop();
        break;
    }
  };
  port.addEventListener('message', onMessage);

  function stop(): void {
    port.removeEventListener?.('message', onMessage);
    session.dispose();
    flush();
  }
  return stop;
}
