/**
 * The spiking labs' backend in the app (the co-tuning and COBA sessions, in their workers):
 * WebGPU when the preference allows and a device can be had, else the CPU reference, with the
 * reason shown in the badge. 'auto' takes the CPU reference over a CPU implementation of
 * WebGPU (SwiftShader), which runs the spiking kernels 15–40× slower (BENCHMARKS.md); 'webgpu'
 * insists (and fails with a message where there is none).
 */
import type { BackendPreference } from '../engine/acquire';
import { CpuSpikingSim } from '../engine/spiking/cpu/cpuSim';
import type { ManySimFactory, SimFactory } from '../labs/cotuning/runner';
import type { BackendInfo } from '../state/store';

export interface SpikingBackend {
  factory: SimFactory;
  /** sweeps and ABC populations as one batched run (WebGPU) */
  many?: ManySimFactory;
  info: BackendInfo;
  /** give the GPU device back (its loss is then not reported) */
  dispose(): void;
}

/** The CPU reference, with the reason WebGPU is not used. */
export function cpuSpikingBackend(reason: string | null): SpikingBackend {
  return {
    factory: (net) => new CpuSpikingSim(net),
    info: { state: 'ready', kind: 'cpu', label: 'CPU reference', fallbackReason: reason },
    dispose() {},
  };
}

export async function acquireSpikingBackend(
  pref: BackendPreference,
  gpu: GPU | null | undefined,
  onLost: (why: string) => void,
): Promise<SpikingBackend> {
  if (pref === 'cpu') return cpuSpikingBackend('CPU chosen');
  if (!gpu) {
    if (pref === 'webgpu') throw new Error('WebGPU is not available in this browser');
    return cpuSpikingBackend('WebGPU is not available in this browser');
  }
  try {
    const [{ acquireDevice }, { createWebGpuSpikingSim }, { batchViews }, { isCpuDevice }] =
      await Promise.all([
        import('../engine/webgpu/device'),
        import('../engine/spiking/webgpu/engine'),
        import('../engine/spiking/webgpu/batchViews'),
        import('../engine/spiking/webgpu/strategy'),
      ]);
    const dev = await acquireDevice(gpu);
    if (pref === 'auto' && isCpuDevice(dev.device)) {
      dev.device.destroy();
      return cpuSpikingBackend(
        `the WebGPU adapter is a CPU implementation (${dev.label}); the CPU engine is faster`,
      );
    }
    let given = false;
    void dev.device.lost.then((info) => {
      if (!given) onLost(`${info.reason}${info.message ? `: ${info.message}` : ''}`);
    });
    return {
      factory: (net) => createWebGpuSpikingSim(dev.device, [net]),
      many: async (nets) => {
        const sim = await createWebGpuSpikingSim(dev.device, nets);
        return { sims: batchViews(sim), dispose: () => sim.dispose() };
      },
      info: { state: 'ready', kind: 'webgpu', label: dev.label, fallbackReason: null },
      dispose() {
        given = true;
        dev.device.destroy();
      },
    };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (pref === 'webgpu') throw new Error(`WebGPU backend unavailable: ${why}`);
    return cpuSpikingBackend(why);
  }
}

/** What a session reports about its backend: the badge, or a run that cannot start. */
export type BackendReport =
  { kind: 'backend'; backend: BackendInfo } | { kind: 'status'; status: 'error'; runError: string };

/** Acquire a run's backend and report its badge; a failure is reported as the badge's and the
 *  run's error, and gives null. */
export async function acquireReported(
  acquire: () => Promise<SpikingBackend>,
  post: (ev: BackendReport) => void,
): Promise<SpikingBackend | null> {
  try {
    const backend = await acquire();
    post({ kind: 'backend', backend: backend.info });
    return backend;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    post({
      kind: 'backend',
      backend: { state: 'failed', kind: null, label: '', fallbackReason: msg },
    });
    post({ kind: 'status', status: 'error', runError: msg });
    return null;
  }
}
