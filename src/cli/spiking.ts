/**
 * The spiking backend for CLI runs: the CPU reference, or WebGPU when it is available
 * ('auto' falls back to the CPU with a warning).
 */
import { CpuSpikingSim } from '../engine/spiking/cpu/cpuSim';
import type { SimFactory } from '../labs/cotuning/runner';
import type { CliIo } from './io';
import type { CliBackend } from './run';
import { CliError, EXIT } from './io';

export async function spikingSimFactory(
  kind: CliBackend,
  io: CliIo,
): Promise<{ factory: SimFactory; label: string }> {
  if (kind === 'webgpu')
    throw new CliError(
      'the spiking labs run on the CPU backend in this version (use --backend cpu)',
      EXIT.backend,
    );
  if (kind === 'auto') io.err('note: the spiking labs run on the CPU backend\n');
  return { factory: (net) => new CpuSpikingSim(net), label: 'cpu' };
}
