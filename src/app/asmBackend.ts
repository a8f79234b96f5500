/**
 * Backend acquisition for the assemblies lab, as for the ISN lab (engine/acquire.ts): WebGPU
 * when the preference allows and a device can be had, else the CPU reference engine with the
 * reason (shown in the backend badge). A backend makes one engine per network (each run builds
 * its network from the seed); the WebGPU engine module is loaded only when it is used.
 */
import type { BackendPreference } from '../engine/acquire';
import { CpuAsmEngine } from '../labs/assemblies/cpuEngine';
import type { AsmEngine } from '../labs/assemblies/engine';
import type { AsmNetwork } from '../labs/assemblies/network';

export interface AsmBackend {
  kind: 'cpu' | 'webgpu';
  label: string;
  /** why WebGPU is not used (null when it is) */
  fallbackReason: string | null;
  createEngine(net: AsmNetwork): Promise<AsmEngine>;
  dispose(): void;
}

export interface AsmAcquireOptions {
  /** the GPU object (navigator.gpu in a browser) */
  gpu?: GPU | null;
  onDeviceLost?: (reason: string) => void;
  onGpuError?: (message: string) => void;
}

export type AsmAcquireFn = (
  pref: BackendPreference,
  opts: AsmAcquireOptions,
) => Promise<AsmBackend>;

export function cpuAsmBackend(label: string, fallbackReason: string | null): AsmBackend {
  return {
    kind: 'cpu',
    label,
    fallbackReason,
    createEngine: async (net) => new CpuAsmEngine(net),
    dispose() {},
  };
}

async function webGpuAsmBackend(gpu: GPU, opts: AsmAcquireOptions): Promise<AsmBackend> {
  const [{ acquireDevice }, { createWebGpuAsmEngine }] = await Promise.all([
    import('../engine/webgpu/device'),
    import('../engine/webgpu/asm/asmEngine'),
  ]);
  const dev = await acquireDevice(gpu);
  let disposed = false;
  void dev.device.lost.then((info) => {
    if (!disposed) opts.onDeviceLost?.(`${info.reason}${info.message ? `: ${info.message}` : ''}`);
  });
  dev.device.addEventListener('uncapturederror', (ev) => {
    const err = (ev as GPUUncapturedErrorEvent).error;
    opts.onGpuError?.(err?.message ?? String(err));
  });
  return {
    kind: 'webgpu',
    label: dev.label,
    fallbackReason: null,
    createEngine: async (net) => await createWebGpuAsmEngine(dev.device, net),
    dispose() {
      disposed = true;
      dev.device.destroy();
    },
  };
}

/** The assemblies lab's backend for a preference (throws when 'webgpu' is asked but missing). */
export async function acquireAsmBackend(
  pref: BackendPreference,
  opts: AsmAcquireOptions = {},
): Promise<AsmBackend> {
  if (pref === 'cpu') return cpuAsmBackend('CPU (reference; chosen)', 'CPU backend chosen');
  const gpu = opts.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  let reason: string;
  if (!gpu) reason = 'this browser has no WebGPU (navigator.gpu is missing)';
  else {
    try {
      return await webGpuAsmBackend(gpu, opts);
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
  }
  if (pref === 'webgpu') throw new Error(`WebGPU backend unavailable: ${reason}`);
  return cpuAsmBackend(`CPU (WebGPU unavailable: ${reason})`, reason);
}
