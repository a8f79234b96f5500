/**
 * `npm run bench -- --lab gpu-overhead`: what one compute dispatch costs on this machine's
 * WebGPU, split into the CPU's share (encoding through the API: the Dawn binding's calls
 * plus ours) and the GPU's (from submit to onSubmittedWorkDone). The labs' iterative
 * kernels (the assemblies lab's Euler steps, the spiking engine's phased strategy) run one
 * small dispatch per step, so this sets their floor.
 *
 * Kernel: one workgroup of 64 threads adds 1 to a storage word (a true dependency from
 * each dispatch to the next, as between two Euler steps). Variants: all dispatches in one
 * compute pass; one pass per dispatch; with a dynamic uniform offset per dispatch.
 */
const WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> x: array<u32>;
@group(0) @binding(1) var<uniform> u: vec4<u32>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) i: u32) {
  if (i == 0u) { x[0] = x[0] + 1u + u.x; }
}`;

export interface OverheadRow {
  variant: string;
  dispatches: number;
  encode_us_per_dispatch: number;
  gpu_us_per_dispatch: number;
  total_us_per_dispatch: number;
}

export async function runGpuOverheadBench(): Promise<{ rows: OverheadRow[]; device: string }> {
  const { nodeGpu } = await import('../src/engine/webgpu/node');
  const { acquireDevice } = await import('../src/engine/webgpu/device');
  const { device } = await acquireDevice(await nodeGpu());
  const info = device.adapterInfo;
  const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  const module = device.createShaderModule({ code: WGSL });
  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: { module, entryPoint: 'main' },
  });
  const x = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
  const slots = 256;
  const stride = 256;
  const ubuf = device.createBuffer({
    size: slots * stride,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: x } },
      { binding: 1, resource: { buffer: ubuf, offset: 0, size: 16 } },
    ],
  });
  const rows: OverheadRow[] = [];
  async function measure(variant: string, n: number, encode: (enc: GPUCommandEncoder) => void) {
    // warm-up
    for (let r = 0; r < 2; r++) {
      const enc = device.createCommandEncoder();
      encode(enc);
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
    }
    const t0 = performance.now();
    const enc = device.createCommandEncoder();
    encode(enc);
    const cb = enc.finish();
    const t1 = performance.now();
    device.queue.submit([cb]);
    await device.queue.onSubmittedWorkDone();
    const t2 = performance.now();
    const row = {
      variant,
      dispatches: n,
      encode_us_per_dispatch: ((t1 - t0) * 1000) / n,
      gpu_us_per_dispatch: ((t2 - t1) * 1000) / n,
      total_us_per_dispatch: ((t2 - t0) * 1000) / n,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  for (const n of [64, 1000, 5000]) {
    await measure('one pass', n, (enc) => {
      const p = enc.beginComputePass();
      p.setPipeline(pipeline);
      p.setBindGroup(0, group);
      for (let i = 0; i < n; i++) p.dispatchWorkgroups(1);
      p.end();
    });
    await measure('one pass, setPipeline + setBindGroup per dispatch', n, (enc) => {
      const p = enc.beginComputePass();
      for (let i = 0; i < n; i++) {
        p.setPipeline(pipeline);
        p.setBindGroup(0, group);
        p.dispatchWorkgroups(1);
      }
      p.end();
    });
    await measure('one pass per dispatch', n, (enc) => {
      for (let i = 0; i < n; i++) {
        const p = enc.beginComputePass();
        p.setPipeline(pipeline);
        p.setBindGroup(0, group);
        p.dispatchWorkgroups(1);
        p.end();
      }
    });
  }
  x.destroy();
  ubuf.destroy();
  return { rows, device: name };
}
