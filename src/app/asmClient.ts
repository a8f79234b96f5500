/**
 * The page's side of the assemblies lab's run: commands go to the simulation worker
 * (asmWorker.ts → asmHost.ts), its reports are applied to the assemblies store
 * (state/asmStore.ts) and its notices to the app store. The worker starts the first time the
 * lab is shown; the app store's parameters, seed and backend preference follow it (a change of
 * the parameters resets the run). Where the worker does not start, the same host runs on the
 * page behind a MessageChannel.
 */
import type { BackendPreference } from '../engine/acquire';
import { applyAsmEvent, type AsmStore } from '../state/asmStore';
import { ASM_LAB_ID } from '../state/asmViews';
import type { AppState, AppStore } from '../state/store';
import { hostAsm } from './asmHost';
import type { AsmAcquireFn } from './asmBackend';
import type {
  AsmCommand,
  AsmExportFile,
  AsmExportKind,
  AsmParams,
  AsmReport,
  AsmRequest,
} from './asmProtocol';
import type { SimPort } from './simProtocol';

/** A Worker, or any port with the same messages (tests and the in-page host use a MessagePort). */
export interface AsmPortLike extends SimPort {
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (e: ErrorEvent) => void): void;
  terminate?(): void;
  start?(): void;
}

export interface AsmClientOptions {
  /** start the worker; null (or a throw) where workers are unavailable */
  connect: () => AsmPortLike | null;
  /** the in-page host used instead */
  inPage?: () => AsmPortLike;
}

export interface AsmClient {
  /** Follow the app store; the worker starts when the assemblies lab is shown. */
  init(): Promise<void>;
  start(): Promise<void>;
  /** one pass, then pause */
  step(): Promise<void>;
  pause(): void;
  reset(): void;
  setBackendPref(pref: BackendPreference): Promise<void>;
  request(req: AsmRequest): Promise<unknown>;
  exportFile(kind: AsmExportKind): Promise<AsmExportFile | null>;
  readonly idle: Promise<void>;
  dispose(): void;
}

type Cmd = { type: AsmCommand['type'] } & Record<string, unknown>;

export function paramsOf(s: AppState): AsmParams {
  return { values: s.values, seed: s.seed, backendPref: s.backendPref };
}

/** An assemblies host on the page, behind a MessageChannel (the fallback of the worker). */
export function inPageAsmPort(acquire: AsmAcquireFn): AsmPortLike {
  const ch = new MessageChannel();
  hostAsm(ch.port2 as unknown as SimPort, { acquire, restMs: 4 });
  ch.port2.start();
  return ch.port1 as unknown as AsmPortLike;
}

export function createAsmClient(app: AppStore, asm: AsmStore, opts: AsmClientOptions): AsmClient {
  let port: AsmPortLike | null = null;
  let heard = false;
  let fellBack = false;
  let disposed = false;
  let nextId = 0;
  let ready: Promise<void> | null = null;
  let unsub: (() => void) | null = null;
  const pending = new Map<
    number,
    { cmd: AsmCommand; resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();

  const notice = (kind: 'info' | 'warning' | 'error', text: string) =>
    app.getState().pushNotice(kind, text);

  function onReports(batch: AsmReport[]): void {
    heard = true;
    for (const m of batch) {
      if (m.type === 'ev') {
        applyAsmEvent(asm, m.ev, notice);
        continue;
      }
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.value);
    }
  }

  function attach(p: AsmPortLike): void {
    port = p;
    p.addEventListener('message', (e: MessageEvent) => {
      if (!disposed && port === p) onReports(e.data as AsmReport[]);
    });
    p.addEventListener('error', (e: ErrorEvent) => {
      if (disposed || port !== p) return;
      const why = e.message || 'it failed to load';
      if (!heard && !fellBack && opts.inPage) {
        fallBack(why);
        return;
      }
      notice('error', `The assemblies worker failed: ${why}`);
    });
    p.start?.();
  }

  function fallBack(why: string): void {
    fellBack = true;
    port?.terminate?.();
    notice('warning', `The simulation worker did not start (${why}); running on the page.`);
    attach(opts.inPage!());
    // the commands still waiting are sent again, in order, to the page's host
    for (const p of [...pending.values()].sort(
      (a, b) => ((a.cmd as { id: number }).id ?? 0) - ((b.cmd as { id: number }).id ?? 0),
    ))
      port!.postMessage(p.cmd);
  }

  function connect(): void {
    if (port || disposed) return;
    let p: AsmPortLike | null = null;
    try {
      p = opts.connect();
    } catch {
      p = null;
    }
    if (!p) {
      if (!opts.inPage) throw new Error('no simulation worker for the assemblies lab');
      fellBack = true;
      p = opts.inPage();
    }
    attach(p);
    ready = request<void>({ type: 'init', params: paramsOf(app.getState()) });
  }

  function post(c: AsmCommand): void {
    connect();
    port!.postMessage(c);
  }

  function request<T>(c: Cmd): Promise<T> {
    if (!port) connect();
    const id = ++nextId;
    const cmd = { ...c, id } as AsmCommand;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { cmd, resolve: resolve as (v: unknown) => void, reject });
      port!.postMessage(cmd);
    });
  }

  const isAsm = (s: AppState) => s.labId === ASM_LAB_ID;

  return {
    async init() {
      unsub?.();
      unsub = app.subscribe((s, prev) => {
        if (disposed) return;
        if (!isAsm(s)) {
          if (isAsm(prev) && port) post({ type: 'pause' });
          return;
        }
        if (!port) {
          connect();
          return;
        }
        const reset = s.paramsRev !== prev.paramsRev || !isAsm(prev);
        if (reset || s.backendPref !== prev.backendPref)
          post({ type: 'configure', params: paramsOf(s), reset });
      });
      if (isAsm(app.getState())) {
        connect();
        await ready;
      }
    },
    async start() {
      connect();
      await request({ type: 'start' });
    },
    async step() {
      connect();
      await request({ type: 'step' });
    },
    pause() {
      if (port) post({ type: 'pause' });
    },
    reset() {
      post({ type: 'reset' });
    },
    async setBackendPref(pref) {
      app.getState().setBackendPref(pref);
      if (!port) return; // the worker starts with the preference
      await request({ type: 'backend', pref });
    },
    request(req) {
      return request({ type: 'request', req });
    },
    exportFile(kind) {
      return request<AsmExportFile | null>({ type: 'export', kind });
    },
    get idle() {
      if (!port) return Promise.resolve();
      return request<void>({ type: 'idle' });
    },
    dispose() {
      if (disposed) return;
      if (port) port.postMessage({ type: 'dispose' } satisfies AsmCommand);
      disposed = true;
      unsub?.();
      unsub = null;
      port?.terminate?.();
      for (const p of pending.values()) p.resolve(null);
      pending.clear();
    },
  };
}
