import { describe, expect, it } from 'vitest';
import { createRunner, type AcquireFn } from '../../src/app/runner';
import type { AcquireOptions } from '../../src/engine/acquire';
import type { Backend, RateReadout, RateSimulation } from '../../src/engine/backend';
import { CpuBackend } from '../../src/engine/cpu/cpuBackend';
import type { RateNetworkConfig, TrialProtocol } from '../../src/model/rateNetwork';
import { createAppStore, type AppStore } from '../../src/state/store';

/** A short cross-homeostatic run (6 trials of 300 ms). */
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

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Wraps a CPU simulation; the hook may fail a readback. */
class HookedSim implements RateSimulation {
  reads = 0;
  constructor(
    private readonly inner: RateSimulation,
    private readonly onRead: (n: number, r: RateReadout) => Promise<RateReadout>,
  ) {}
  get config() {
    return this.inner.config;
  }
  get protocol() {
    return this.inner.protocol;
  }
  beginTrial(t: number) {
    this.inner.beginTrial(t);
  }
  runSteps(a: number, b: number) {
    this.inner.runSteps(a, b);
  }
  endTrial() {
    this.inner.endTrial();
  }
  async read() {
    return this.onRead(++this.reads, await this.inner.read());
  }
  setWeights(w: Float32Array) {
    this.inner.setWeights(w);
  }
  setPlasticity(p: RateNetworkConfig['plasticity']) {
    this.inner.setPlasticity(p);
  }
  restore(s: Parameters<RateSimulation['restore']>[0]) {
    this.inner.restore(s);
  }
  setProtocol(p: TrialProtocol) {
    this.inner.setProtocol(p);
  }
  dispose() {
    this.inner.dispose();
  }
}

class HookedBackend implements Backend {
  readonly kind = 'webgpu' as const;
  private readonly cpu = new CpuBackend();
  constructor(
    readonly label: string,
    private readonly onRead: (n: number, r: RateReadout) => Promise<RateReadout>,
  ) {}
  createRateSimulation(c: RateNetworkConfig, p: TrialProtocol): RateSimulation {
    return new HookedSim(this.cpu.createRateSimulation(c, p), this.onRead);
  }
  dispose() {}
}

describe('runner', () => {
  it('runs to the end, fills the live data and the headline numbers', async () => {
    const store = smallStore(6);
    const runner = createRunner(store, { acquire: cpuAcquire });
    await runner.init();
    expect(store.getState().backend.kind).toBe('cpu');
    await runner.start();
    await runner.idle;
    const s = store.getState();
    expect(s.status).toBe('done');
    expect(s.trial).toBe(6);
    expect(s.live.trial).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.live.avgE[0].length).toBe(6);
    expect(s.live.within?.trial).toBe(5);
    expect(s.numbers?.trial).toBe(6);
    expect(s.numbers?.E).toBe(s.live.avgE[0][5]);
    const json = await runner.exportFile('json');
    const summary = JSON.parse(json!.text);
    expect(summary.trials).toBe(6);
    expect(summary.E_final).toBeCloseTo(s.numbers!.E, 4);
    expect((await runner.exportFile('history'))!.text.split('\n')[0]).toMatch(/^trial,network/);
    runner.dispose();
  });

  it('steps one trial at a time and resets when a parameter changes', async () => {
    const store = smallStore(6);
    const runner = createRunner(store, { acquire: cpuAcquire });
    await runner.init();
    await runner.step();
    expect(store.getState().status).toBe('paused');
    expect(store.getState().trial).toBe(1);
    await runner.step();
    expect(store.getState().trial).toBe(2);
    store.getState().editParam('W_EE', '2.2');
    expect(store.getState().status).toBe('idle');
    expect(store.getState().trial).toBe(0);
    expect(store.getState().live.trial).toEqual([]);
    runner.dispose();
  });

  it('pauses and continues to the same result as an uninterrupted run', async () => {
    const a = smallStore(8);
    const ra = createRunner(a, { acquire: cpuAcquire });
    await ra.init();
    await ra.start();
    const b = smallStore(8);
    const rb = createRunner(b, { acquire: cpuAcquire, sliceMs: 0 });
    await rb.init();
    const p = rb.start();
    await waitFor(() => b.getState().live.trial.length >= 2);
    rb.pause();
    await p;
    expect(b.getState().status).toBe('paused');
    expect(b.getState().trial).toBeLessThan(8);
    await rb.start();
    expect(b.getState().status).toBe('done');
    expect(b.getState().numbers).toEqual(a.getState().numbers);
    ra.dispose();
    rb.dispose();
  });

  it('recovers from a lost GPU device and continues the run from the last readback', async () => {
    const reference = smallStore(8);
    const rr = createRunner(reference, { acquire: cpuAcquire });
    await rr.init();
    await rr.start();

    const store = smallStore(8);
    let acquisitions = 0;
    let lost: AcquireOptions['onDeviceLost'];
    const acquire: AcquireFn = async (_pref, opts) => {
      acquisitions++;
      if (acquisitions === 1) {
        lost = opts.onDeviceLost;
        // the 5th readback finds the device gone: the device-lost callback fires and the read fails
        return {
          backend: new HookedBackend('Fake GPU', async (n, r) => {
            if (n >= 5) {
              lost?.('the adapter went away');
              throw new Error('GPUBuffer.mapAsync: device lost');
            }
            return r;
          }),
          fallbackReason: null,
        };
      }
      return { backend: new HookedBackend('Fake GPU 2', async (_n, r) => r), fallbackReason: null };
    };
    const runner = createRunner(store, { acquire });
    await runner.init();
    await runner.start();
    await runner.idle;
    const s = store.getState();
    expect(acquisitions).toBe(2);
    expect(s.status).toBe('done');
    expect(s.runError).toBeNull();
    expect(s.notices.map((n) => n.text).join('\n')).toMatch(
      /device was lost[\s\S]*Recovered on a new GPU device: the run continues after trial 4/,
    );
    expect(s.backend.label).toBe('Fake GPU 2');
    // the same numbers as the run that was never interrupted
    expect(s.live.trial).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(s.numbers).toEqual(reference.getState().numbers);
    rr.dispose();
    runner.dispose();
  });

  it('stops a run that blows up and says where', async () => {
    const store = smallStore(6);
    const acquire: AcquireFn = async () => ({
      backend: new HookedBackend('Fake GPU', async (n, r) => {
        if (n >= 3) r.rates[1] = NaN;
        return r;
      }),
      fallbackReason: null,
    });
    const runner = createRunner(store, { acquire });
    await runner.init();
    await runner.start();
    const s = store.getState();
    expect(s.status).toBe('error');
    expect(s.runError).toMatch(/blew up/);
    expect(s.runError).toMatch(/trial 2/);
    expect(s.runError).toMatch(/I unit 0/);
    runner.dispose();
  });

  it('falls back to the CPU with a notice when WebGPU is required but unavailable', async () => {
    const store = createAppStore();
    store.getState().setBackendPref('webgpu');
    const acquire: AcquireFn = async (pref) => {
      if (pref === 'webgpu') throw new Error('WebGPU backend unavailable: no adapter');
      return { backend: new CpuBackend('CPU'), fallbackReason: 'CPU backend chosen' };
    };
    const runner = createRunner(store, { acquire });
    await runner.init();
    const s = store.getState();
    expect(s.backend.kind).toBe('cpu');
    expect(s.backend.fallbackReason).toMatch(/no adapter/);
    expect(s.notices[0].text).toMatch(/Running on the CPU instead/);
    runner.dispose();
  });
});
