/**
 * The spiking backend for CLI runs: the CPU reference, or WebGPU (Dawn in Node) — 'auto'
 * tries WebGPU and falls back to the CPU with a warning; 'webgpu' fails with exit code 4 when
 * there is no adapter or the network exceeds the device's limits.
 */
import { CpuSpikingSim } from '../engine/spiking/cpu/cpuSim';
import { BackendLimitError } from '../engine/backend';
import type { ManySimFactory, SimFactory } from '../labs/cotuning/runner';
import type { CliIo } from './io';
import type { CliBackend } from './run';
import { CliError, EXIT } from './io';

export async function spikingSimFactory(
  kind: CliBackend,
  io: CliIo,
): Promise<{ factory: SimFactory; label: string; many?: ManySimFactory }> {
  const cpu = { factory: ((net) => new CpuSpikingSim(net)) as SimFactory, label: 'cpu' };
  if (kind === 'cpu') return cpu;
  let reason = '';
  try {
    const { nodeGpu } = await import('../engine/webgpu/node');
    const { acquireDevice } = await import('../engine/webgpu/device');
    const { createWebGpuSpikingSim } = await import('../engine/spiking/webgpu/engine');
    const { batchViews } = await import('../engine/spiking/webgpu/batchViews');
    const { device } = await acquireDevice(await nodeGpu());
    const factory: SimFactory = async (net) => {
      try {
        return await createWebGpuSpikingSim(device, [net]);
      } catch (e) {
        if (e instanceof BackendLimitError)
          throw new CliError(`backend webgpu: ${e.message}`, EXIT.backend);
        throw e;
      }
    };
    // sweeps and ABC populations: one batched run (BackendLimitError → the runner splits it)
    const many: ManySimFactory = async (nets) => {
      const sim = await createWebGpuSpikingSim(device, nets);
      return { sims: batchViews(sim), dispose: () => sim.dispose() };
    };
    const name = device.adapterInfo?.description || device.adapterInfo?.vendor || 'adapter';
    return { factory, label: `webgpu (${name})`, many };
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
  }
  if (kind === 'webgpu')
    throw new CliError(`WebGPU backend unavailable: ${reason} (use --backend cpu)`, EXIT.backend);
  io.err(`warning: WebGPU unavailable (${reason}); running on the CPU\n`);
  return cpu;
}
