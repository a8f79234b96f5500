/**
 * The worker protocol without a browser: the page's side (workerRunner.ts) and the worker's
 * side (simHost.ts) joined by a MessageChannel, which structured-clones every message as a
 * Worker would.
 */
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createRunner, type AcquireFn } from '../../src/app/runner';
import { hostRunner } from '../../src/app/simHost';
import type { SimPort } from '../../src/app/simProtocol';
import { createWorkerRunner, type WorkerLike } from '../../src/app/workerRunner';
import { CpuBackend } from '../../src/engine/cpu/cpuBackend';
import { createAppStore, type AppStore } from '../../src/state/store';

function smallStore(trials = 6): AppStore {
  const store = createAppStore();
  const s = store.getState();
  s.applyPreset('cross-homeostatic');
  s.editParam('trial_ms', '300');
  s.editParam('window_ms', '100');
  s.editParam('kick_onset_ms', '50');
  s.editParam('trials', String(trials));
  return store;
}

const cpuAcquire: AcquireFn = async () => ({
  backend: new CpuBackend('CPU (test)'),
  fallbackReason: 'test',
});

function connect(store: AppStore) {
  const ch = new MessageChannel();
  const stop = hostRunner(ch.port2 as unknown as SimPort, { acquire: cpuAcquire });
  const runner = createWorkerRunner(store, ch.port1 as unknown as WorkerLike);
  return {
    runner,
    close() {
      runner.dispose();
      stop();
      ch.port1.close();
      ch.port2.close();
    },
  };
}

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('worker runner (page ↔ worker messages)', () => {
  it('runs to the end with the numbers, live data and exports of the in-page runner', async () => {
    const ref = smallStore(6);
    const rr = createRunner(ref, { acquire: cpuAcquire });
    await rr.init();
    await rr.start();

    const store = smallStore(6);
    const { runner, close } = connect(store);
    await runner.init();
    expect(store.getState().backend.label).toBe('CPU (test)');
    await runner.start();
    await runner.idle;
    const s = store.getState();
    expect(s.status).toBe('done');
    expect(s.trial).toBe(6);
    expect(s.numbers).toEqual(ref.getState().numbers);
    expect(s.live.trial).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.live.avgE).toEqual(ref.getState().live.avgE);
    expect(s.live.W).toEqual(ref.getState().live.W);
    expect(s.live.within?.trial).toBe(5);
    expect(Array.from(s.live.within!.E)).toEqual(Array.from(ref.getState().live.within!.E));
    const json = (await runner.exportFile('json'))!;
    expect(JSON.parse(json.text)).toEqual(JSON.parse((await rr.exportFile('json'))!.text));
    expect((await runner.exportFile('history'))!.text).toBe((await rr.exportFile('history'))!.text);
    rr.dispose();
    close();
  });

  it('steps, pauses, continues, and resets when a parameter changes', async () => {
    const ref = smallStore(8);
    const rr = createRunner(ref, { acquire: cpuAcquire });
    await rr.init();
    await rr.start();

    const store = smallStore(8);
    const { runner, close } = connect(store);
    await runner.init();
    await runner.step();
    expect(store.getState().status).toBe('paused');
    expect(store.getState().trial).toBe(1);
    const p = runner.start();
    await waitFor(() => store.getState().live.trial.length >= 3);
    runner.pause();
    await p;
    expect(['paused', 'done']).toContain(store.getState().status);
    await runner.start();
    expect(store.getState().status).toBe('done');
    expect(store.getState().numbers).toEqual(ref.getState().numbers);

    store.getState().editParam('W_EE', '2.2');
    await runner.idle;
    expect(store.getState().status).toBe('idle');
    expect(store.getState().trial).toBe(0);
    expect(store.getState().live.trial).toEqual([]);
    expect(await runner.exportFile('json')).toBeNull();
    rr.dispose();
    close();
  });

  it('runs on the page when the worker does not start', async () => {
    const listeners: Record<string, ((e: unknown) => void)[]> = { message: [], error: [] };
    let terminated = false;
    const dead = {
      addEventListener(type: string, l: (e: unknown) => void) {
        listeners[type].push(l);
      },
      postMessage() {
        setTimeout(() => listeners.error.forEach((l) => l({ message: 'boom' })), 0);
      },
      terminate() {
        terminated = true;
      },
    } as unknown as WorkerLike;
    const store = smallStore(4);
    const runner = createWorkerRunner(store, dead, {
      fallback: () => createRunner(store, { acquire: cpuAcquire }),
    });
    await runner.init();
    expect(terminated).toBe(true);
    expect(
      store
        .getState()
        .notices.map((n) => n.text)
        .join('\n'),
    ).toMatch(/worker did not start \(boom\); running on the page/);
    await runner.start();
    expect(store.getState().status).toBe('done');
    expect(store.getState().trial).toBe(4);
    runner.dispose();
  });
});
