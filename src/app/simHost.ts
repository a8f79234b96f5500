/**
 * The simulation worker's side of the runner: the same runner as on the page (runner.ts), bound
 * to a store of its own whose run state, notices and live data are sent to the page
 * (workerRunner.ts applies them to the page's store). The page sends the parameters and the
 * commands (simProtocol.ts).
 *
 * Messages go out in batches, when the runner yields (every ~35 ms of work) or when the worker
 * is otherwise idle; a readback that is not the newest in its batch travels without its monitor
 * samples (the page would replace its within-trial traces at once), so a fast run on the CPU
 * sends every trial's numbers but only the last trial's traces per batch.
 */
import { createAppStore, type AppState } from '../state/store';
import type { LiveEvent, LiveReadout } from '../state/live';
import type { RateReadout } from '../engine/backend';
import { createRunner, type AcquireFn, type RunnerDeps } from './runner';
import {
  MIRRORED,
  type MirroredState,
  type SimCommand,
  type SimParams,
  type SimPort,
  type SimReport,
} from './simProtocol';

const EMPTY = new Float32Array(0);

/** A task-queue turn (setTimeout(0) nests into 4 ms waits; a MessageChannel does not). */
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

function slim(r: LiveReadout, avg: boolean): LiveReadout {
  return { samples: r.samples, monitor: r.monitor, avg: avg ? r.avg : EMPTY };
}

export interface HostOptions extends Partial<Omit<RunnerDeps, 'acquire' | 'live'>> {
  acquire: AcquireFn;
  /**
   * A pause after each slice of work (ms). On a machine with two cores a worker that never
   * rests takes the core the page's compositor and raster threads share with the GPU process,
   * and every plot redraw gets slower; resting ~30% of the time there still runs twice as fast
   * as the in-page runner did, and the plots update ≥ 10 times a second. Default: 15 with ≤ 2
   * cores, else 0 (a plain task turn, so commands such as pause are seen).
   */
  restMs?: number;
}

function defaultRest(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined;
  return cores !== undefined && cores <= 2 ? 15 : 0;
}

/** Serve a runner on `port` (the worker's global scope); returns a function that stops it. */
export function hostRunner(port: SimPort, opts: HostOptions): () => void {
  const store = createAppStore();
  const nextTask = taskYield();
  const restMs = opts.restMs ?? defaultRest();
  let queue: SimReport[] = [];
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

  function send(m: SimReport): void {
    queue.push(m);
    timer ??= setTimeout(flush, 0);
  }

  function sendLive(ev: LiveEvent): void {
    if (ev.type === 'start') {
      send({ type: 'live', ev });
      return;
    }
    // this readback's traces supersede those of the readbacks still queued
    for (let k = queue.length - 1; k >= 0; k--) {
      const m = queue[k];
      if (m.type !== 'live') continue;
      if (m.ev.type === 'start') break;
      if (m.ev.type === 'within') queue.splice(k, 1);
      else if (m.ev.readout.samples > 0)
        m.ev = {
          ...m.ev,
          readout: {
            samples: 0,
            monitor: EMPTY,
            avg: ev.type === 'trial' ? EMPTY : m.ev.readout.avg,
          },
        };
      else break; // already thinned, and so is everything before it
    }
    const r = ev.readout as RateReadout;
    send({
      type: 'live',
      ev:
        ev.type === 'within'
          ? { type: 'within', trial: ev.trial, readout: slim(r, false) }
          : { type: 'trial', record: ev.record, readout: slim(r, true) },
    });
  }

  const { restMs: _rest, ...deps } = opts;
  const runner = createRunner(store, {
    ...deps,
    live: sendLive,
    yieldToUi: async () => {
      flush();
      if (restMs > 0) await new Promise((r) => setTimeout(r, restMs));
      else await nextTask();
    },
  });

  // mirror the run state and the notices into the page's store
  let lastNotice = 0;
  const unsub = store.subscribe((s: AppState, prev: AppState) => {
    const patch: Partial<Record<keyof MirroredState, unknown>> = {};
    let any = false;
    for (const k of MIRRORED)
      if (s[k] !== prev[k]) {
        patch[k] = s[k];
        any = true;
      }
    if (any) send({ type: 'state', patch: patch as Partial<MirroredState> });
    if (s.notices !== prev.notices)
      for (const n of s.notices)
        if (n.id > lastNotice) {
          lastNotice = n.id;
          send({ type: 'notice', kind: n.kind, text: n.text });
        }
  });

  function setParams(p: SimParams, reset: boolean): void {
    store.setState((s) => ({
      labId: p.labId,
      values: p.values,
      seed: p.seed,
      backendPref: p.backendPref,
      paramsRev: reset ? s.paramsRev + 1 : s.paramsRev,
    }));
  }

  function reply(id: number, p: Promise<unknown>, withValue = false): void {
    p.then(
      (value) => {
        send(withValue ? { type: 'reply', id, value: value as never } : { type: 'reply', id });
        flush();
      },
      (e: unknown) => {
        send({ type: 'reply', id, error: e instanceof Error ? e.message : String(e) });
        flush();
      },
    );
  }

  const onMessage = (e: MessageEvent) => {
    const c = e.data as SimCommand;
    switch (c.type) {
      case 'init':
        setParams(c.params, false);
        reply(c.id, runner.init());
        break;
      case 'params':
        setParams(c.params, c.reset);
        break;
      case 'start':
        reply(c.id, runner.start());
        break;
      case 'step':
        reply(c.id, runner.step());
        break;
      case 'pause':
        runner.pause();
        break;
      case 'reset':
        runner.reset();
        break;
      case 'backend':
        reply(c.id, runner.setBackendPref(c.pref));
        break;
      case 'export':
        reply(c.id, runner.exportFile(c.kind), true);
        break;
      case 'idle':
        reply(c.id, runner.idle);
        break;
      case 'dispose':
        stop();
        break;
    }
  };
  port.addEventListener('message', onMessage);

  function stop(): void {
    port.removeEventListener?.('message', onMessage);
    runner.dispose();
    unsub();
    flush();
  }
  return stop;
}
