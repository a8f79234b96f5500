/**
 * Test support: runs shaders/spk_exact_probe.wgsl, which evaluates the spiking kernels'
 * correctly rounded division and exponential (shaders/lib/spk_exact.wgsl) on given float32
 * operands, so that the parity tests can compare them bit for bit with the CPU's
 * f(a / b) and f(Math.exp(x)) (CpuSpikingSim's V update).
 */
import type { WebGpuBackend } from '../../webgpu/webgpuBackend';
import { expTable } from './layout';

export interface ExactProbeResult {
  /** div_rn(a[i], b[i]) */
  div: Float32Array;
  /** div_rn_long(a[i], b[i]) (the long-division fallback) */
  divLong: Float32Array;
  /** exp_rn(x[i]) */
  exp: Float32Array;
}

/** a, b, x: float32 operands, one probe per index (equal lengths). */
export async function exactProbe(
  backend: WebGpuBackend,
  a: Float32Array,
  b: Float32Array,
  x: Float32Array,
): Promise<ExactProbeResult> {
  backend.assertUsable();
  const n = a.length;
  if (n < 1 || b.length !== n || x.length !== n)
    throw new RangeError('a, b and x must be non-empty and of equal length');
  const args = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    args[3 * i] = a[i];
    args[3 * i + 1] = b[i];
    args[3 * i + 2] = x[i];
  }
  const dev = backend.device;
  const STORAGE_IN = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const paramBuf = dev.createBuffer({
    size: 16,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  const tab = expTable();
  const tabBuf = dev.createBuffer({ size: tab.byteLength, usage: STORAGE_IN });
  const argBuf = dev.createBuffer({ size: args.byteLength, usage: STORAGE_IN });
  const outBuf = dev.createBuffer({
    size: args.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const readBuf = dev.createBuffer({
    size: args.byteLength,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    dev.queue.writeBuffer(paramBuf, 0, Uint32Array.of(n, 0, 0, 0));
    dev.queue.writeBuffer(tabBuf, 0, tab);
    dev.queue.writeBuffer(argBuf, 0, args);
    const layout = backend.pipelines.layout('spk exact probe', [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
    ]);
    const pipeline = backend.pipelines.get('spk_exact_probe', layout.pipeline, 'spk exact probe', {
      WG: 64,
    });
    const bg = dev.createBindGroup({
      layout: layout.group,
      entries: [paramBuf, tabBuf, argBuf, outBuf].map((buffer, binding) => ({
        binding,
        resource: { buffer },
      })),
    });
    const enc = dev.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bg);
    const groups = Math.ceil(n / 64);
    const maxDim = dev.limits.maxComputeWorkgroupsPerDimension;
    pass.dispatchWorkgroups(Math.min(groups, maxDim), Math.ceil(groups / maxDim));
    pass.end();
    enc.copyBufferToBuffer(outBuf, 0, readBuf, 0, args.byteLength);
    dev.queue.submit([enc.finish()]);
    await readBuf.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(readBuf.getMappedRange().slice(0));
    readBuf.unmap();
    const div = new Float32Array(n);
    const divLong = new Float32Array(n);
    const exp = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      div[i] = out[3 * i];
      divLong[i] = out[3 * i + 1];
      exp[i] = out[3 * i + 2];
    }
    return { div, divLong, exp };
  } finally {
    for (const b of [paramBuf, tabBuf, argBuf, outBuf, readBuf]) b.destroy();
  }
}
