/**
 * The WebGPU backend: the fast path of the rate-network engine. Owns the device, a buffer
 * pool and a pipeline cache shared by its simulations; each simulation is a
 * WebGpuRateSimulation (rateProgram.ts) running the WGSL kernels of shaders/.
 *
 * Device loss: the backend marks itself lost, calls `onDeviceLost` (unless it was disposed
 * on purpose) and every later call on it or its simulations throws a clear Error. The app
 * recovers by acquiring a new backend, creating the simulation again from a config whose
 * `weights` are the last read weights, and restoring the rest with `setState`.
 */
import type { Backend } from '../backend';
import type { RateNetworkConfig, TrialProtocol } from '../../model/rateNetwork';
import { BufferPool } from './bufferPool';
import { acquireDevice, type DeviceLimits, type DeviceRequest } from './device';
import { PipelineCache } from './pipelineCache';
import { WebGpuRateSimulation, type RateProgramOptions } from './rateProgram';
import { loadKernelSources, type KernelName } from './shaders';

export interface WebGpuBackendOptions {
  onDeviceLost?: (reason: string) => void;
  onGpuError?: (message: string) => void;
  /** cap the requested device limits (tests of the limit checks) */
  limitCaps?: DeviceRequest['limitCaps'];
}

export class WebGpuBackend implements Backend {
  readonly kind = 'webgpu' as const;
  /** the limits configurations are checked against (the device's, or lower when capped) */
  readonly limits: DeviceLimits;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  /** resolves with the reason when the device is lost (also after dispose) */
  readonly lost: Promise<string>;
  private lostReason: string | null = null;
  private disposed = false;

  constructor(
    readonly label: string,
    readonly device: GPUDevice,
    sources: Record<KernelName, string>,
    limits: DeviceLimits,
    opts: WebGpuBackendOptions = {},
    /** held so that neither is garbage-collected while the device lives (Dawn in Node
     *  crashes when its instance goes away under a live device) */
    readonly gpu: GPU | null = null,
    readonly adapter: GPUAdapter | null = null,
  ) {
    this.limits = limits;
    this.pool = new BufferPool(device);
    this.pipelines = new PipelineCache(device, sources);
    this.lost = device.lost.then((info) => {
      const reason = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
      this.lostReason = reason;
      if (!this.disposed) opts.onDeviceLost?.(reason);
      return reason;
    });
    device.addEventListener('uncapturederror', (ev) => {
      const err = (ev as GPUUncapturedErrorEvent).error;
      opts.onGpuError?.(err?.message ?? String(err));
    });
  }

  /** True once the device is lost (or the backend disposed). */
  get isLost(): boolean {
    return this.lostReason !== null || this.disposed;
  }

  assertUsable(): void {
    if (this.disposed) throw new Error('the WebGPU backend has been disposed');
    if (this.lostReason !== null)
      throw new Error(
        `the WebGPU device was lost (${this.lostReason}); acquire the backend again and restore the simulation from its last readback`,
      );
  }

  createRateSimulation(config: RateNetworkConfig, protocol: TrialProtocol): WebGpuRateSimulation {
    return this.createRateSimulationWith(config, protocol);
  }

  /** createRateSimulation with expert options (kernel, workgroup size, steps per dispatch). */
  createRateSimulationWith(
    config: RateNetworkConfig,
    protocol: TrialProtocol,
    opts: RateProgramOptions = {},
  ): WebGpuRateSimulation {
    this.assertUsable();
    return new WebGpuRateSimulation(
      {
        device: this.device,
        pool: this.pool,
        pipelines: this.pipelines,
        limits: this.limits,
        assertUsable: () => this.assertUsable(),
        lost: this.lost,
      },
      config,
      protocol,
      opts,
    );
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pool.dispose();
    this.device.destroy();
  }
}

/**
 * Acquire an adapter and device from `gpu` (navigator.gpu, or nodeGpu() in Node), load and
 * compile the kernels, and return the backend. Throws a clear Error (BackendLimitError for
 * limits) when WebGPU cannot be used; acquireBackend then falls back to the CPU.
 */
export async function createWebGpuBackend(
  gpu: GPU,
  opts: WebGpuBackendOptions = {},
): Promise<WebGpuBackend> {
  const sources = await loadKernelSources();
  const { adapter, device, label, limits } = await acquireDevice(gpu, {
    limitCaps: opts.limitCaps,
  });
  const backend = new WebGpuBackend(label, device, sources, limits, opts, gpu, adapter);
  let errors: string[];
  try {
    // the rate kernels only: the assemblies kernels are checked by their own engine
    errors = await backend.pipelines.compileErrors(
      (Object.keys(sources) as KernelName[]).filter((k) => !k.startsWith('asm_')),
    );
  } catch (e) {
    backend.dispose();
    throw e;
  }
  if (errors.length) {
    backend.dispose();
    throw new Error(`WGSL compilation failed:\n${errors.join('\n')}`);
  }
  return backend;
}
