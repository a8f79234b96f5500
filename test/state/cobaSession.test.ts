/**
 * The COBA lab's run as the app drives it (app/cobaSession.ts, in Node): the reports it sends
 * (reset, backend, set-up, one chunk per stretch, the summary) applied to the page's store
 * (state/cobaStore.ts); the summary numbers equal `eilab run coba`'s for the same parameters and
 * seed on the CPU; pause / step / resume / stop; bad input and a non-finite state stop the run
 * with a message that says why and where; the page's client (app/cobaClient.ts) on the page;
 * WebGPU (SwiftShader through Dawn) gives the CPU's numbers, 'auto' prefers the CPU reference
 * over SwiftShader, and a lost device does not lose the run.
 */
import { describe, expect, it } from 'vitest';
import { losableGpu, loseDeviceAndResume, recorded, until } from './sessionKit';
import { createStore } from 'zustand/vanilla';
import { CobaSession, type CobaSessionOptions } from '../../src/app/cobaSession';
import { createCobaClient } from '../../src/app/cobaClient';
import { cpuSpikingBackend } from '../../src/app/spikingBackend';
import {
  applyCobaEvent,
  INITIAL_COBA_STATE,
  STEP_BINS,
  type CobaEvent,
  type CobaState,
} from '../../src/state/cobaStore';
import { createAppStore } from '../../src/state/store';
import { defaults, type ParamValues } from '../../src/model/params';
import { COBA_PARAMS } from '../../src/labs/coba/params';
import { cobaLayout } from '../../src/labs/coba/run';
import { BlowUpError, CpuSpikingSim } from '../../src/engine/spiking/cpu/cpuSim';
import type { SpikingSimLike } from '../../src/engine/spiking/sim';
import { runCli } from '../../src/cli/cli';
import { memoryIo } from '../../src/cli/io';

/** 400 neurons (p auto: 80/N = 0.2), 0.2 s: 2000 steps, 20 bins of 10 ms. */
const values: ParamValues = { ...defaults(COBA_PARAMS), N: 400, duration: 0.2 };

function session(opts: CobaSessionOptions = {}, gpu: () => GPU | null = () => null) {
  const r = recorded<CobaEvent, CobaState>(INITIAL_COBA_STATE, applyCobaEvent);
  return { ...r, s: new CobaSession(r.post, gpu, opts) };
}

/** `eilab run coba --json` with these values (CPU). */
async function cliSummary(v: ParamValues, seed: number): Promise<Record<string, unknown>> {
  const io = memoryIo();
  const sets = Object.entries(v)
    .filter(([k, x]) => x !== defaults(COBA_PARAMS)[k])
    .flatMap(([k, x]) => ['--set', `${k}=${String(x)}`]);
  const code = await runCli(
    ['run', 'coba', '--backend', 'cpu', '--json', '--seed', String(seed), ...sets],
    io,
  );
  expect(code).toBe(0);
  return JSON.parse(io.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('COBA session (the app page’s run)', () => {
  it('reports the run in stretches and ends with exactly the CLI’s numbers (CPU)', async () => {
    // ~1 ms stretches: many chunks
    const { s, store, events } = session({ stretchMs: 1 });
    s.handle({ kind: 'start', values, seed: 3, pref: 'auto' });
    await until(() => store.getState().progress.status === 'done');
    const st = store.getState();
    const L = cobaLayout(values);
    expect(events[0]).toEqual({ kind: 'reset', shape: L });
    expect(st.backend.kind).toBe('cpu');
    expect(st.backend.fallbackReason).toMatch(/WebGPU is not available/);
    const chunks = events.filter((e) => e.kind === 'chunk');
    expect(chunks.length).toBeGreaterThan(2);
    expect(st.progress.done).toBe(2000);
    expect(st.progress.speed).toBeGreaterThan(0);

    const ref = await cliSummary(values, 3);
    const f = st.final!;
    for (const k of ['rate_E', 'rate_I', 'synapses', 'N', 'p', 'duration_s', 'seed'] as const)
      expect(f[k], k).toBe(ref[k]);
    for (const k of ['sim_wall_s', 'setup_wall_s', 'wall_per_sim_s'] as const) {
      expect(Number.isFinite(f[k]), k).toBe(true);
      expect(f[k], k).toBeGreaterThan(0);
    }
    expect(st.synapses).toBe(ref.synapses);

    // 20 bins of 10 ms whose mean is the run's rate
    expect(st.rateE.length).toBe(20);
    expect(st.rateI.length).toBe(20);
    const mean = (x: CobaState['rateE']) =>
      Array.from(x.data.subarray(0, x.length)).reduce((a, b) => a + b, 0) / x.length;
    expect(mean(st.rateE)).toBeCloseTo(f.rate_E, 9);
    expect(mean(st.rateI)).toBeCloseTo(f.rate_I, 9);
    // the raster: the whole network (N ≤ 1000), E and I, every spike once, in step order
    expect(L.raster).toEqual({ from: 0, to: 400 });
    const ids = st.spikes.flatMap((c) => Array.from(c.spikeIds));
    const steps = st.spikes.flatMap((c) => Array.from(c.spikeSteps));
    expect(ids.length).toBe(Math.round(f.rate_E * 320 * 0.2 + f.rate_I * 80 * 0.2));
    expect(ids.some((i) => i < 320)).toBe(true);
    expect(ids.some((i) => i >= 320)).toBe(true);
    for (let q = 1; q < steps.length; q++) expect(steps[q]).toBeGreaterThanOrEqual(steps[q - 1]);
    // V of the three traced neurons at every step, within [E_I, threshold]
    const samples = st.traces.reduce((a, c) => a + c.traceSteps.length, 0);
    expect(samples).toBe(2000);
    for (const c of st.traces) for (const v of c.v) expect(v).toBeGreaterThanOrEqual(-80);
  });

  it('takes the E and I neurons of the raster in proportion in a large network', () => {
    const L = cobaLayout({ ...values, N: 4000 });
    expect(L.raster).toEqual({ from: 3200 - 800, to: 3200 + 200 });
    expect(L.traced).toEqual([2400, 2401, 3200]);
    expect(L.binSteps).toBe(100);
  });

  it('step runs 100 ms and pauses; a pause holds; resume ends with the uninterrupted numbers', async () => {
    const { s, store } = session({ stretchMs: 1 });
    const stepSteps = STEP_BINS * cobaLayout(values).binSteps;
    s.handle({ kind: 'start', values, seed: 3, pref: 'cpu' });
    s.handle({ kind: 'step' });
    await until(() => store.getState().progress.status === 'paused');
    expect(store.getState().progress.done).toBe(stepSteps);
    await new Promise((r) => setTimeout(r, 50));
    expect(store.getState().progress.done).toBe(stepSteps); // held
    s.handle({ kind: 'resume' });
    s.handle({ kind: 'pause' });
    await until(() => store.getState().progress.status === 'paused');
    const held = store.getState().progress.done;
    await new Promise((r) => setTimeout(r, 50));
    expect(store.getState().progress.done).toBe(held);
    s.handle({ kind: 'resume' });
    await until(() => store.getState().progress.status === 'done');
    const ref = await cliSummary(values, 3);
    expect(store.getState().final!.rate_E).toBe(ref.rate_E);
    expect(store.getState().final!.rate_I).toBe(ref.rate_I);
  });

  it('stop ends a run without a summary', async () => {
    const { s, store } = session({ stretchMs: 1 });
    s.handle({ kind: 'start', values: { ...values, duration: 20 }, seed: 1, pref: 'cpu' });
    await until(() => store.getState().progress.done > 0);
    s.handle({ kind: 'stop' });
    await s.idle();
    expect(store.getState().progress.status).toBe('idle');
    expect(store.getState().final).toBeNull();
    expect(store.getState().progress.done).toBeLessThan(200_000);
  });

  it('refuses bad input with the parameter table’s and the cross-field checks’ messages', async () => {
    for (const [v, msg] of [
      [{ ...values, N: 10 }, /Not run: N must be ≥ 50/],
      [{ ...values, dt: 'fast' }, /Not run: dt: "fast" is not a number/],
      [{ ...values, N: 100000, p: 0.5 }, /Not run: N, p: 5\.00e\+9 synapses exceed/],
      [{ N: 400 }, /Not run: missing: p, duration, dt/],
    ] as const) {
      const { s, store, events } = session();
      s.handle({ kind: 'start', values: v as ParamValues, seed: 1, pref: 'cpu' });
      await s.idle();
      expect(store.getState().progress.status).toBe('error');
      expect(store.getState().progress.runError).toMatch(msg);
      expect(events.some((e) => e.kind === 'chunk' || e.kind === 'reset')).toBe(false);
    }
  });

  it('a non-finite state stops the run and says where; the stretches before stay shown', async () => {
    // valid parameters do not blow up: a simulation that fails at step 1234 stands in
    const failing = (net: ConstructorParameters<typeof CpuSpikingSim>[0]): SpikingSimLike => {
      const sim = new CpuSpikingSim(net);
      let k = 0;
      return Object.assign(Object.create(sim) as SpikingSimLike, {
        run(n: number, mon: never, rec: never) {
          if (k + n > 1234) throw new BlowUpError('V of neuron 321 is not finite at step 1234');
          sim.run(n, mon, rec);
          k += n;
        },
        newRecording: (m: never) => sim.newRecording(m),
      });
    };
    const { s, store } = session({
      stretchMs: 1,
      acquire: async () => ({ ...cpuSpikingBackend('test'), factory: failing }),
    });
    s.handle({ kind: 'start', values, seed: 1, pref: 'cpu' });
    await until(() => store.getState().progress.status === 'error');
    const st = store.getState();
    expect(st.progress.runError).toMatch(
      /V of neuron 321 \(I\) is not finite at t = 0\.1234 s \(step 1234\)/,
    );
    expect(st.final).toBeNull();
    expect(st.progress.done).toBeGreaterThan(0);
    expect(st.progress.done).toBeLessThanOrEqual(1234);
    expect(st.rateE.length).toBe(st.progress.done / 100);
  });

  it('asking for WebGPU where there is none is an error the page shows', async () => {
    const { s, store } = session();
    s.handle({ kind: 'start', values, seed: 1, pref: 'webgpu' });
    await until(() => store.getState().progress.status === 'error');
    expect(store.getState().progress.runError).toMatch(/WebGPU is not available/);
    expect(store.getState().backend.state).toBe('failed');
  });
});

describe('COBA client on the page (no worker)', () => {
  it('runs the app store’s values and seed, and a parameter change clears the plots', async () => {
    const app = createAppStore();
    app.getState().selectLab('coba');
    app.getState().editParam('N', '400');
    app.getState().editParam('duration', '0.2');
    app.getState().setSeed('3');
    const store = createStore<CobaState>(() => INITIAL_COBA_STATE);
    const client = createCobaClient(app, store, { connect: () => null, gpu: () => null });
    await client.init();
    expect(store.getState().shape).toEqual(cobaLayout(app.getState().values));
    await client.start();
    await until(() => store.getState().progress.status === 'done');
    const ref = await cliSummary(values, 3);
    expect(store.getState().final!.rate_E).toBe(ref.rate_E);
    expect(client.active()).toBe(false);
    app.getState().editParam('duration', '0.3');
    expect(store.getState().final).toBeNull();
    expect(store.getState().rateE.length).toBe(0);
    expect(store.getState().shape!.duration).toBe(0.3);
    client.dispose();
  });
});

describe('COBA session on WebGPU (SwiftShader through Dawn)', () => {
  it('gives the CPU’s numbers; “auto” takes the CPU reference over SwiftShader and says why', async () => {
    const { nodeGpu } = await import('../../src/engine/webgpu/node');
    const gpu = await nodeGpu();
    const small = { ...values, duration: 0.1 };
    const g = session({}, () => gpu);
    g.s.handle({ kind: 'start', values: small, seed: 2, pref: 'webgpu' });
    await until(() => ['done', 'error'].includes(g.store.getState().progress.status), 120_000);
    expect(g.store.getState().progress.runError).toBeNull();
    expect(g.store.getState().backend.kind).toBe('webgpu');
    const ref = await cliSummary(small, 2);
    expect(g.store.getState().final!.rate_E).toBe(ref.rate_E);
    expect(g.store.getState().final!.rate_I).toBe(ref.rate_I);

    const a = session({}, () => gpu);
    a.s.handle({ kind: 'start', values: small, seed: 2, pref: 'auto' });
    await until(() => a.store.getState().progress.status === 'done');
    expect(a.store.getState().backend.kind).toBe('cpu');
    expect(a.store.getState().backend.fallbackReason).toMatch(/is a CPU implementation/);
  });

  it('a lost device: the run is replayed from its seed and ends with the same numbers', async () => {
    const { gpu, devices } = await losableGpu();
    const small = { ...values, duration: 0.2 };
    const { s, store, events } = session({}, () => gpu);
    s.handle({ kind: 'start', values: small, seed: 4, pref: 'webgpu' });
    s.handle({ kind: 'step' });
    await until(() => store.getState().progress.status === 'paused', 120_000);
    expect(store.getState().progress.done).toBe(1000);
    await loseDeviceAndResume(devices, () => s.handle({ kind: 'resume' }), store.getState);
    const st = store.getState();
    // every bin once, in order
    expect(st.rateE.length).toBe(20);
    const ks = events.flatMap((e) => (e.kind === 'chunk' ? [e.chunk.k0] : []));
    expect(ks).toEqual([...ks].sort((x, y) => x - y));
    expect(new Set(ks).size).toBe(ks.length);
    const ref = await cliSummary(small, 4);
    expect(st.final!.rate_E).toBe(ref.rate_E);
    expect(st.final!.rate_I).toBe(ref.rate_I);
  });
});
