/**
 * Which execution strategy of the WebGPU spiking engine runs a batch, and the fused
 * kernel's workgroup size.
 *
 *  - 'fused' (shaders/spk_fused.wgsl): one workgroup per network, many steps per dispatch,
 *    barriers between the phases of a step. A step costs 3–4 barriers plus the network's
 *    work spread over one workgroup's threads: best while a network fits one workgroup's
 *    reach, and a batch of such networks fills the GPU's other cores (sweeps).
 *  - 'phased' (spk_update, spk_sources, spk_sumw, spk_pre, spk_post): one dispatch per phase
 *    and step, all of the device on one step. A step costs 2–5 dispatches: best for large
 *    networks.
 *
 * Crossovers (entities per network; the largest network of the batch decides):
 *  - CPU devices (SwiftShader, Dawn's fallback adapter): none found. On the COBA benchmark
 *    (80 synapses per neuron, N = 500 … 64 000; test/parity/spiking.test.ts, timing block;
 *    2 shared cores) fused was faster at every size, 1.5–1.7× (N = 500: 3641 vs 2294
 *    steps/s; 4 000: 653 vs 374; 64 000: 43 vs 28), and on the co-tuning network 1.7×
 *    (1506 vs 877): SwiftShader pays ~20 µs per workgroup and per dispatch, more than the
 *    second core earns back. So CPU devices always run fused (FUSED_MAX_ENTITIES_CPU). A
 *    workgroup runs on one core there and pays per thread at each barrier: 64 threads.
 *  - GPUs (NVIDIA H100, Vulkan through Dawn; `npm run bench -- --lab spiking-gpu`,
 *    BENCHMARKS.md): fused at 1024 threads beat phased at every size measured, COBA
 *    N = 1 000 … 30 000 by 3–90× (phased pays ~200 µs per step in dispatches there), and
 *    tied at 100 000; 1024 threads per workgroup beat 256 at every size, 1.2–2.8×. So GPUs
 *    run fused up to FUSED_MAX_ENTITIES_GPU (beyond what was measured, phased: its work
 *    spreads over the whole device) with the largest workgroup the device allows.
 *  - 'resident' is not chosen by 'auto' yet. On SwiftShader it is slower than fused (COBA
 *    N = 500, 64 threads: 1384 against 2238 steps/s, test/parity/spiking.test.ts): a CPU
 *    thread pays for the register arrays and for every barrier anyway. On a GPU it is meant
 *    to remove what bounds the fused step (~2.7 ns per neuron and step of dependent global
 *    loads on an H100, BENCHMARKS.md) but has not been measured there: `npm run bench --
 *    --lab spiking-gpu` times it beside fused, and that measurement decides the default.
 */
export type SpikingStrategy = 'fused' | 'resident' | 'phased';

/**
 * 'resident' (shaders/spk_resident.wgsl) is 'fused' with the neuron state in registers, the
 * population constants and the conductance accumulators in workgroup memory for the whole
 * dispatch: fewer dependent global loads and no global atomics per step. It needs each
 * network's neurons to fit WG · RESIDENT_NPT_MAX threads' registers, its accumulators
 * (8 bytes per neuron) the workgroup memory, and at most RESIDENT_POP_MAX populations
 * (residentFits). Same results bit for bit.
 */
export const RESIDENT_NPT_MAX = 8;
export const RESIDENT_POP_MAX = 8;
/** workgroup memory of spk_resident.wgsl besides its accumulators (bytes, rounded up: the
 *  population constants, 8 · 12 words, and a few words) */
export const RESIDENT_FIXED_BYTES = 512;

/** Accumulator slots per channel for a batch whose largest network has maxNeurons neurons,
 *  rounded up to 32 (a few pipelines serve every size, and COBA's 4000 neurons fit the
 *  32 KiB of workgroup memory that most GPUs offer: 8 · 4000 + 512 bytes). */
export function residentAccSlots(maxNeurons: number): number {
  return Math.max(32, Math.ceil(maxNeurons / 32) * 32);
}

/** Can a batch run resident with `wg` threads per workgroup, and why not? */
export function residentFits(
  maxNeurons: number,
  maxPops: number,
  wg: number,
  workgroupBytes: number,
): { ok: true; npt: number; acc: number } | { ok: false; why: string } {
  const npt = Math.max(1, Math.ceil(maxNeurons / wg));
  const acc = residentAccSlots(maxNeurons);
  if (npt > RESIDENT_NPT_MAX)
    return {
      ok: false,
      why: `${maxNeurons} neurons need ${npt} per thread at ${wg} threads (at most ${RESIDENT_NPT_MAX})`,
    };
  if (maxPops > RESIDENT_POP_MAX)
    return { ok: false, why: `${maxPops} populations (at most ${RESIDENT_POP_MAX})` };
  const bytes = 8 * acc + RESIDENT_FIXED_BYTES;
  if (bytes > workgroupBytes)
    return {
      ok: false,
      why: `${maxNeurons} neurons need ${bytes} bytes of workgroup memory, above this GPU's maxComputeWorkgroupStorageSize of ${workgroupBytes}`,
    };
  return { ok: true, npt, acc };
}

/** CPU devices: fused at every size (no crossover up to 64 000 neurons, see above). */
export const FUSED_MAX_ENTITIES_CPU = Number.POSITIVE_INFINITY;
/** GPUs: fused up to this many entities per network (measured up to 100 000, see above). */
export const FUSED_MAX_ENTITIES_GPU = 150_000;

/** Is this device a CPU implementation of WebGPU (SwiftShader, a fallback adapter)? */
export function isCpuDevice(device: GPUDevice): boolean {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  if (!info) return false;
  const arch = `${info.vendor} ${info.architecture} ${info.description}`.toLowerCase();
  return (
    (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true ||
    arch.includes('swiftshader') ||
    arch.includes('llvmpipe')
  );
}

export function chooseStrategy(maxEntities: number, cpuDevice: boolean): SpikingStrategy {
  const max = cpuDevice ? FUSED_MAX_ENTITIES_CPU : FUSED_MAX_ENTITIES_GPU;
  return maxEntities <= max ? 'fused' : 'phased';
}

/** Threads per fused workgroup by default: 64 on CPU devices, 1024 (or the device's most)
 *  on GPUs (see above). */
export function defaultFusedWorkgroupSize(cpuDevice: boolean, deviceMax: number): number {
  return Math.min(cpuDevice ? 64 : 1024, deviceMax);
}
