/**
 * Backend acquisition: WebGPU when it is available and usable, otherwise the CPU reference
 * backend with the reason WebGPU is not used (shown in the app's backend badge and by the CLI).
 */
import type { Backend } from './backend';
import { CpuBackend } from './cpu/cpuBackend';

export type BackendPreference = 'auto' | 'cpu' | 'webgpu';

export interface AcquiredBackend {
  backend: Backend;
  /** why WebGPU is not used (null when it is) */
  fallbackReason: string | null;
}

export interface AcquireOptions {
  /** the GPU object (navigator.gpu in a browser; Dawn's in Node) */
  gpu?: GPU | null;
  /** called when the GPU device is lost (after acquisition) */
  onDeviceLost?: (reason: string) => void;
  /** called on an uncaptured GPU error */
  onGpuError?: (message: string) => void;
}

export async function acquireBackend(
  pref: BackendPreference,
  opts: AcquireOptions = {},
): Promise<AcquiredBackend> {
  if (pref === 'cpu')
    return {
      backend: new CpuBackend('CPU (reference; chosen)'),
      fallbackReason: 'CPU backend chosen',
    };
  const gpu = opts.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  let reason: string;
  if (!gpu) {
    reason = 'this browser has no WebGPU (navigator.gpu is missing)';
  } else {
    try {
      const { createWebGpuBackend } = await import('./webgpu/webgpuBackend');
      const backend = await createWebGpuBackend(gpu, {
        onDeviceLost: opts.onDeviceLost,
        onGpuError: opts.onGpuError,
      });
      return { backend, fallbackReason: null };
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
  }
  if (pref === 'webgpu') throw new Error(`WebGPU backend unavailable: ${reason}`);
  return { backend: new CpuBackend(`CPU (WebGPU unavailable: ${reason})`), fallbackReason: reason };
}
