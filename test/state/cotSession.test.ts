/**
 * The co-tuning lab's run as the app drives it (app/cotSession.ts, CPU backend in Node): the
 * reports it sends (reset, backend, samples with group-mean weights, final analyses), pause /
 * step / resume, knock-outs during the run, and a stop; the page store (state/cotStore.ts)
 * applied from them.
 */
import { describe, expect, it } from 'vitest';
import { losableGpu, loseDeviceAndResume, recorded, until } from './sessionKit';
import { createStore } from 'zustand/vanilla';
import { CotSession, cotShape } from '../../src/app/cotSession';
import {
  applyCotEvent,
  INITIAL_COT_STATE,
  type CotEvent,
  type CotState,
} from '../../src/state/cotStore';
import { defaults } from '../../src/model/params';
import { COTUNING_PARAMS } from '../../src/labs/cotuning/params';
import { runCotuning } from '../../src/labs/cotuning/runner';
import { appendEvents } from '../../src/labs/cotuning/events';
import { cotuningConfig, cotuningProtocol } from '../../src/labs/cotuning/params';
import { CpuSpikingSim } from '../../src/engine/spiking/cpu/cpuSim';

// 200 neurons in 4 groups, 3 s of learning (sampled every 0.1 s: learn_time/100, ≥ 0.1 s),
// a 1 s window, 1 tuning rep
const values = {
  ...defaults(COTUNING_PARAMS),
  N: 200,
  M: 4,
  learn_time: 3,
  duration: 1,
  tuning_reps: 1,
};

function session() {
  const r = recorded<CotEvent, CotState>(INITIAL_COT_STATE, applyCotEvent);
  return { ...r, s: new CotSession(r.post, () => null) };
}

describe('co-tuning session (the app page’s run)', () => {
  it('reports samples and a final result equal to the CLI protocol’s, on the CPU', async () => {
    const { s, store, events } = session();
    s.handle({ kind: 'start', values, seed: 7, pref: 'auto' });
    await until(() => store.getState().progress.status === 'done');
    const st = store.getState();
    expect(st.shape).toEqual(cotShape(values));
    expect(st.backend.kind).toBe('cpu');
    expect(st.backend.fallbackReason).toMatch(/WebGPU is not available/);
    expect(st.samples.map((x) => x.t)).toEqual(Array.from({ length: 30 }, (_, k) => (k + 1) / 10));
    expect(st.samples[0].meanE).toHaveLength(4);
    const ref = await runCotuning(
      cotuningConfig(values),
      cotuningProtocol(values),
      7,
      (net) => new CpuSpikingSim(net),
    );
    expect(st.final!.D).toBe(ref.D);
    expect(st.final!.B).toBe(ref.B);
    expect(st.samples.map((x) => x.D)).toEqual(ref.history.map((h) => h.D));
    expect(st.final!.tuning).toEqual(ref.tuning);
    expect(st.final!.raster.ids.length).toBe(ref.raster.ids.length);
    expect(events[0].kind).toBe('reset');
  });

  it('step pauses after the next sample; resume runs on; a knock-out is applied and logged', async () => {
    const { s, store, events } = session();
    s.handle({ kind: 'start', values, seed: 7, pref: 'cpu' });
    s.handle({ kind: 'step' });
    await until(() => store.getState().progress.status === 'paused');
    expect(store.getState().samples).toHaveLength(1);
    s.handle({
      kind: 'event',
      event: { t: 0, kind: 'block', pathway: 'EE', on: true },
      label: 'block E→E',
    });
    s.handle({
      kind: 'event',
      event: { t: 0, kind: 'freeze', which: 'E', on: true },
      label: 'freeze E',
    });
    s.handle({ kind: 'resume' });
    await until(() => store.getState().progress.status === 'done');
    const st = store.getState();
    expect(st.applied.map((a) => a.label)).toEqual(['block E→E', 'freeze E']);
    expect(st.applied[0].t).toBeCloseTo(0.1, 6);
    // E plasticity frozen from t = 0.1 s: the group-mean E weights stay where they were then
    expect(st.samples[29].meanE).toEqual(st.samples[0].meanE);
    expect(st.samples[29].meanI).not.toEqual(st.samples[0].meanI);

    // what was thrown in comes back as events (the client writes them into `events`), and a
    // run with them scheduled is the same run, step for step
    const live = events.filter((e) => e.kind === 'applied' && e.live);
    const text = appendEvents(
      '',
      live.map((e) => (e.kind === 'applied' ? e.event! : (null as never))),
    );
    expect(text).toBe('block-EE@0.1, freeze-E@0.1');
    const again = session();
    again.s.handle({ kind: 'start', values: { ...values, events: text }, seed: 7, pref: 'cpu' });
    await until(() => again.store.getState().progress.status === 'done');
    const st2 = again.store.getState();
    expect(st2.final!.D).toBe(st.final!.D);
    expect(st2.final!.B).toBe(st.final!.B);
    expect(st2.samples.map((x) => x.meanE)).toEqual(st.samples.map((x) => x.meanE));
    expect(Array.from(st2.final!.raster.ids)).toEqual(Array.from(st.final!.raster.ids));
    // scheduled events are marked on the plots too, and are not "live"
    expect(st2.applied.map((a) => [a.t, a.label])).toEqual([
      [0.1, 'block E→E'],
      [0.1, 'freeze E plasticity'],
    ]);
    expect(again.events.some((e) => e.kind === 'applied' && e.live)).toBe(false);
  });

  it('stop ends a run without a final result', async () => {
    const { s, store } = session();
    s.handle({ kind: 'start', values: { ...values, learn_time: 20 }, seed: 1, pref: 'cpu' });
    await until(() => store.getState().samples.length >= 1);
    s.handle({ kind: 'stop' });
    await s.idle();
    await until(() => store.getState().progress.status === 'idle');
    expect(store.getState().final).toBeNull();
    expect(store.getState().samples.length).toBeLessThan(100);
  });

  it('asking for WebGPU where there is none is an error the page shows', async () => {
    const { s, store } = session();
    s.handle({ kind: 'start', values, seed: 1, pref: 'webgpu' });
    await until(() => store.getState().progress.status === 'error');
    expect(store.getState().progress.runError).toMatch(/WebGPU is not available/);
  });
});

describe('co-tuning session on WebGPU (SwiftShader): a lost device does not lose the run', () => {
  it('replays the run from its seed on a new device and ends exactly like an uninterrupted run', async () => {
    const { gpu, devices } = await losableGpu();
    const small = { ...values, learn_time: 1, duration: 0.3, tuning_reps: 0 };
    const store = createStore<CotState>(() => INITIAL_COT_STATE);
    const s = new CotSession(
      (ev) => applyCotEvent(store, ev),
      () => gpu,
    );
    s.handle({ kind: 'start', values: small, seed: 11, pref: 'webgpu' });
    s.handle({ kind: 'step' });
    await until(() => store.getState().progress.status === 'paused', 120_000);
    s.handle({
      kind: 'event',
      event: { t: 0, kind: 'freeze', which: 'I', on: true },
      label: 'freeze I',
    });
    s.handle({ kind: 'step' });
    await until(
      () => store.getState().samples.length >= 2 && store.getState().progress.status === 'paused',
      120_000,
    );
    // the device is lost while the run is paused at 0.2 s
    await loseDeviceAndResume(devices, () => s.handle({ kind: 'resume' }), store.getState);
    const st = store.getState();
    expect(st.backend.kind).toBe('webgpu');
    // every sample once, in order
    expect(st.samples.map((x) => x.t)).toEqual(Array.from({ length: 10 }, (_, k) => (k + 1) / 10));
    // the same end as a run that lost nothing (CPU reference, the knock-outs at 0.1 s)
    const cpuStore = createStore<CotState>(() => INITIAL_COT_STATE);
    const c = new CotSession(
      (ev) => applyCotEvent(cpuStore, ev),
      () => null,
    );
    c.handle({ kind: 'start', values: small, seed: 11, pref: 'cpu' });
    c.handle({ kind: 'step' });
    await until(() => cpuStore.getState().progress.status === 'paused');
    c.handle({
      kind: 'event',
      event: { t: 0, kind: 'freeze', which: 'I', on: true },
      label: 'freeze I',
    });
    c.handle({ kind: 'resume' });
    await until(() => cpuStore.getState().progress.status === 'done');
    const ref = cpuStore.getState();
    expect(st.samples.map((x) => x.D)).toEqual(ref.samples.map((x) => x.D));
    expect(st.final!.D).toBe(ref.final!.D);
    expect(st.final!.B).toBe(ref.final!.B);
    expect(Array.from(st.final!.raster.ids)).toEqual(Array.from(ref.final!.raster.ids));
  });
});

describe('co-tuning session: sweeps and ABC as the CLI runs them', () => {
  it('reports the sweep (every value from the same seed), then runs the last value', async () => {
    const { s, store } = session();
    const v = {
      ...values,
      learn_time: 0.5,
      duration: 0.3,
      tuning_reps: 0,
      sweep: 'noise',
      sweep_from: 0,
      sweep_to: 0.6,
      sweep_points: 3,
    };
    s.handle({ kind: 'start', values: v, seed: 2, pref: 'cpu' });
    await until(() => store.getState().progress.status === 'done');
    const st = store.getState();
    expect(st.sweepParam).toBe('noise');
    expect(st.sweep.map((p) => p.value)).toEqual([0, 0.3, 0.6]);
    // the run shown afterwards is the sweep's last value: its D is the last point's
    expect(st.final!.D).toBe(st.sweep[2].D);
    // more private noise, less in-group E–I correlation (Fig 2a)
    expect(st.sweep[0].C_in_EI).toBeGreaterThan(st.sweep[2].C_in_EI);
  });

  it('reports each ABC step (accepted particles inside the prior), then runs the network', async () => {
    const { s, store } = session();
    const v = {
      ...values,
      N: 200,
      recurrent: true,
      readout: false,
      W: 8,
      p: 0.5,
      duration: 0.3,
      abc_steps: 2,
      abc_particles: 4,
      abc_batch: 4,
    };
    s.handle({ kind: 'start', values: v, seed: 3, pref: 'cpu' });
    await until(() => store.getState().progress.status === 'done', 120_000);
    const st = store.getState();
    expect(st.abc.map((a) => a.step)).toEqual([0, 1]);
    for (const a of st.abc) {
      expect(a.particles).toHaveLength(4);
      for (const p of a.particles) for (const r of p) expect(r).toBeGreaterThanOrEqual(1);
    }
    expect(st.final).not.toBeNull();
  });
});

describe('co-tuning session: which backend "auto" takes', () => {
  it('takes the CPU reference over a CPU implementation of WebGPU (SwiftShader), and says why', async () => {
    const { nodeGpu } = await import('../../src/engine/webgpu/node');
    const gpu = await nodeGpu();
    const store = createStore<CotState>(() => INITIAL_COT_STATE);
    const s = new CotSession(
      (ev) => applyCotEvent(store, ev),
      () => gpu,
    );
    s.handle({
      kind: 'start',
      values: { ...values, learn_time: 0.2, duration: 0.1, tuning_reps: 0 },
      seed: 1,
      pref: 'auto',
    });
    await until(() => store.getState().progress.status === 'done');
    expect(store.getState().backend.kind).toBe('cpu');
    expect(store.getState().backend.fallbackReason).toMatch(/is a CPU implementation/);
  });
});
