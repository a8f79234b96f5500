/**
 * Test support: runs shaders/rng_probe.wgsl, which evaluates the WGSL Philox4x32-10,
 * u32_to_uniform and normal_from_u32 for given counters, so the parity tests can compare
 * them with src/engine/rng/philox.ts word for word.
 */
import { PARAM_BYTES, PARAM_WORDS } from './rateProgram';
import type { WebGpuBackend } from './webgpuBackend';

export interface RngProbeResult {
  /** 4 words per counter */
  words: Uint32Array;
  /** normal_from_u32 of each word */
  normals: Float32Array;
  /** u32_to_uniform of word 0 of each counter */
  uniforms: Float32Array;
  /** normal_from_u32 of the counter words themselves */
  counterNormals: Float32Array;
}

const OUT_WORDS = 13;

/** counters: 4 u32 per counter; key: the two key words (seedKey). */
export async function rngProbe(
  backend: WebGpuBackend,
  counters: Uint32Array,
  key: readonly [number, number],
): Promise<RngProbeResult> {
  backend.assertUsable();
  const n = counters.length / 4;
  if (!Number.isInteger(n) || n < 1) throw new RangeError('counters must hold 4 words per counter');
  const dev = backend.device;
  const params = new Uint32Array(PARAM_WORDS);
  params[0] = n; // Params.batch: number of counters
  params[16] = key[0] >>> 0; // Params.noise_key
  params[17] = key[1] >>> 0;
  const paramBuf = dev.createBuffer({
    size: PARAM_BYTES,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  const ctrBuf = dev.createBuffer({
    size: counters.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  const outBytes = n * OUT_WORDS * 4;
  const outBuf = dev.createBuffer({
    size: outBytes,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const readBuf = dev.createBuffer({
    size: outBytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    dev.queue.writeBuffer(paramBuf, 0, params);
    dev.queue.writeBuffer(ctrBuf, 0, counters as Uint32Array<ArrayBuffer>);
    const layout = backend.pipelines.layout('rng probe', [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
    ]);
    const pipeline = backend.pipelines.get('rng_probe', layout.pipeline, 'rng probe', {
      WG_SIZE: 64,
    });
    const bg = dev.createBindGroup({
      layout: layout.group,
      entries: [
        { binding: 0, resource: { buffer: paramBuf } },
        { binding: 1, resource: { buffer: ctrBuf } },
        { binding: 2, resource: { buffer: outBuf } },
      ],
    });
    const enc = dev.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bg);
    const groups = Math.ceil(n / 64);
    const maxDim = dev.limits.maxComputeWorkgroupsPerDimension;
    pass.dispatchWorkgroups(Math.min(groups, maxDim), Math.ceil(groups / maxDim));
    pass.end();
    enc.copyBufferToBuffer(outBuf, 0, readBuf, 0, outBytes);
    dev.queue.submit([enc.finish()]);
    await readBuf.mapAsync(GPUMapMode.READ);
    const raw = new Uint32Array(readBuf.getMappedRange().slice(0));
    readBuf.unmap();
    const f = new Float32Array(raw.buffer);
    const words = new Uint32Array(4 * n);
    const normals = new Float32Array(4 * n);
    const uniforms = new Float32Array(n);
    const counterNormals = new Float32Array(4 * n);
    for (let k = 0; k < n; k++) {
      const o = OUT_WORDS * k;
      for (let w = 0; w < 4; w++) {
        words[4 * k + w] = raw[o + w];
        normals[4 * k + w] = f[o + 4 + w];
        counterNormals[4 * k + w] = f[o + 9 + w];
      }
      uniforms[k] = f[o + 8];
    }
    return { words, normals, uniforms, counterNormals };
  } finally {
    for (const b of [paramBuf, ctrBuf, outBuf, readBuf]) b.destroy();
  }
}
