/**
 * What the spiking sessions' tests share (cotSession, cobaSession): waiting for a condition of
 * the store, and a GPU whose devices a test can take away.
 */
import { expect } from 'vitest';
import { createStore, type StoreApi } from 'zustand/vanilla';

/** A store that a session's reports are applied to, and the list of those reports. */
export function recorded<E, S>(initial: S, apply: (store: StoreApi<S>, ev: E) => void) {
  const store = createStore<S>(() => initial);
  const events: E[] = [];
  const post = (ev: E) => {
    events.push(ev);
    apply(store, ev);
  };
  return { store, events, post };
}

/** Wait until `cond` holds (polling every 5 ms), or fail after `ms`. */
export async function until(cond: () => boolean, ms = 60000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Dawn's GPU (SwiftShader) behind a stand-in that keeps every device it hands out, so that a
 *  test can take one away (device.destroy()). */
export async function losableGpu(): Promise<{ gpu: GPU; devices: GPUDevice[] }> {
  const { nodeGpu } = await import('../../src/engine/webgpu/node');
  const real = await nodeGpu();
  const devices: GPUDevice[] = [];
  const gpu = {
    requestAdapter: async (o?: GPURequestAdapterOptions) => {
      const a = await real.requestAdapter(o);
      if (!a) return a;
      return new Proxy(a, {
        get(t, prop) {
          if (prop === 'requestDevice')
            return async (d?: GPUDeviceDescriptor) => {
              const dev = await t.requestDevice(d);
              devices.push(dev);
              return dev;
            };
          const v = Reflect.get(t, prop, t) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
        },
      });
    },
    getPreferredCanvasFormat: () => real.getPreferredCanvasFormat(),
    wgslLanguageFeatures: real.wgslLanguageFeatures,
  } as unknown as GPU;
  return { gpu, devices };
}

/**
 * Take a paused run's device away (the first one handed out), resume the run and wait for its
 * end: it must end without an error, say that it was replayed, and have taken a second device.
 */
export async function loseDeviceAndResume(
  devices: GPUDevice[],
  resume: () => void,
  state: () => {
    progress: { status: string; runError: string | null };
    notice: string | null;
  },
): Promise<void> {
  expect(devices).toHaveLength(1);
  devices[0].destroy();
  await new Promise((r) => setTimeout(r, 20));
  resume();
  await until(() => ['done', 'error'].includes(state().progress.status), 120_000);
  expect(state().progress.runError).toBeNull();
  expect(state().notice).toMatch(/GPU device was lost.*replayed from its seed/);
  expect(devices).toHaveLength(2);
}
