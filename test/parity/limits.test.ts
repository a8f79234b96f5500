/**
 * The WebGPU backend's limits and lifecycle: configurations above the device's limits are
 * refused with BackendLimitError and a message naming the limit and the numbers (and the
 * backend stays usable); a lost device is reported and every later call fails with a clear
 * Error; a simulation re-created on a new device from the last readback (config weights +
 * restore) continues exactly where the lost one stopped; pooled buffers and cached pipelines
 * are reused; the shader sources also load outside Vite (tsx, the CLI's path).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendLimitError } from '../../src/engine/backend';
import { KERNELS } from '../../src/engine/webgpu/shaders';
import { nodeGpu } from '../../src/engine/webgpu/node';
import { createWebGpuBackend } from '../../src/engine/webgpu/webgpuBackend';
import type { RateNetworkConfig } from '../../src/model/rateNetwork';
import { acquireGpu, drive, multiConfig, protocol, twoPopConfig, type GpuHandle } from './harness';

let gpu: GpuHandle;
beforeAll(async () => {
  gpu = await acquireGpu();
});
afterAll(() => gpu?.backend.dispose());

function limitError(f: () => unknown): BackendLimitError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BackendLimitError);
    return e as BackendLimitError;
  }
  throw new Error('expected a BackendLimitError');
}

describe('limits', () => {
  it('describes the adapter and holds the requested limits', () => {
    expect(gpu.backend.kind).toBe('webgpu');
    expect(gpu.backend.label).toMatch(/^WebGPU/);
    expect(gpu.backend.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20);
  });

  it('weights above maxStorageBufferBindingSize: BackendLimitError naming the limit (checked before allocating)', () => {
    const lim = gpu.backend.limits.maxStorageBufferBindingSize;
    // 70 000 networks × 80² weights = 1.79 GB of float32: not allocated, refused on shape
    const cfg: RateNetworkConfig = {
      ...multiConfig(1, 40, 40, 1),
      batch: 70_000,
      weights: new Float32Array(0),
    };
    const e = limitError(() => gpu.backend.createRateSimulation(cfg, protocol()));
    expect(e.message).toContain('maxStorageBufferBindingSize');
    expect(e.message).toContain(String(70_000 * 80 * 80 * 4));
    expect(e.message).toContain(String(lim));
  });

  it('a device with a 1 MiB binding limit refuses a 1.1 MB weight buffer with real weights', async () => {
    const small = await createWebGpuBackend(await nodeGpu(), {
      limitCaps: { maxStorageBufferBindingSize: 2 ** 20, maxBufferSize: 2 ** 20 },
    });
    try {
      expect(small.limits.maxStorageBufferBindingSize).toBe(2 ** 20);
      const ok = multiConfig(600, 12, 8, 1); // 600·400·4 = 960 000 bytes
      small.createRateSimulation(ok, protocol()).dispose();
      const big = multiConfig(700, 12, 8, 1); // 1 120 000 bytes
      const e = limitError(() => small.createRateSimulation(big, protocol()));
      expect(e.message).toMatch(
        /weights .* need 1120000 bytes .*maxStorageBufferBindingSize of 1048576 bytes/,
      );
    } finally {
      small.dispose();
    }
  });

  it('workgroup memory and units per thread of the workgroup kernel', () => {
    const wgMem = gpu.backend.limits.maxComputeWorkgroupStorageSize;
    // rates ping-pong (8 bytes per unit) + the reduction (16 bytes per thread, 256 threads)
    const nUnits = Math.floor((wgMem - 16 * 256) / 8) + 16;
    const cfg: RateNetworkConfig = {
      ...multiConfig(1, 10, 10, 1),
      nE: nUnits - 200,
      nI: 200,
      weights: new Float32Array(0),
    };
    const e = limitError(() => gpu.backend.createRateSimulation(cfg, protocol()));
    expect(e.message).toContain('maxComputeWorkgroupStorageSize');
    expect(e.message).toContain(String(wgMem));
    const many: RateNetworkConfig = {
      ...multiConfig(1, 10, 10, 1),
      nE: 800,
      nI: 200,
      weights: new Float32Array(0),
    };
    const e2 = limitError(() =>
      gpu.backend.createRateSimulationWith(many, protocol(), { workgroupSize: 32 }),
    );
    expect(e2.message).toContain('units per thread');
  });

  it('more pulses than the kernels take, and a thread kernel forced on a big network', () => {
    const five = protocol({
      pulses: Array.from({ length: 5 }, (_, i) => ({
        target: 'E' as const,
        startStep: i,
        endStep: i + 1,
        amplitude: 1,
        mode: 'add' as const,
      })),
    });
    expect(
      limitError(() => gpu.backend.createRateSimulation(twoPopConfig(2, 1), five)).message,
    ).toContain('at most 4 pulses');
    const sim = gpu.backend.createRateSimulation(twoPopConfig(2, 1), protocol());
    expect(limitError(() => sim.setProtocol(five)).message).toContain('at most 4 pulses');
    sim.dispose();
    expect(
      limitError(() =>
        gpu.backend.createRateSimulationWith(multiConfig(1, 6, 6, 1), protocol(), {
          kernel: 'thread',
        }),
      ).message,
    ).toContain('at most 8 units');
  });

  it('the backend still works after refusing configurations', async () => {
    const sim = gpu.backend.createRateSimulation(
      twoPopConfig(3, 2),
      protocol({ stepsPerTrial: 300, windowStart: 100 }),
    );
    drive(sim, [{ cuts: [] }]);
    const r = await sim.read();
    sim.dispose();
    expect(r.rates.length).toBe(6);
    expect(gpu.errors).toEqual([]);
  });
});

describe('resources', () => {
  it('buffers come back to the pool and pipelines are cached', async () => {
    const cfg = multiConfig(2, 9, 4, 3);
    const proto = protocol({ stepsPerTrial: 200, windowStart: 100 });
    const a = gpu.backend.createRateSimulation(cfg, proto);
    drive(a, [{ cuts: [] }]);
    await a.read();
    a.dispose();
    const buffers = gpu.backend.pool.created;
    const pipelines = gpu.backend.pipelines.size;
    const b = gpu.backend.createRateSimulation(cfg, proto);
    drive(b, [{ cuts: [] }]);
    await b.read();
    b.dispose();
    expect(gpu.backend.pool.created).toBe(buffers);
    expect(gpu.backend.pipelines.size).toBe(pipelines);
  });

  it('the shader sources load under plain Node + tsx (no Vite), as the CLI loads them', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "const m = await import('./src/engine/webgpu/shaders.ts'); const s = await m.loadKernelSources(); console.log(JSON.stringify(Object.keys(s).map((k) => [k, s[k].includes('@compute')])));",
      ],
      { cwd: process.cwd(), encoding: 'utf8' },
    );
    const kernels = JSON.parse(out.trim().split('\n').pop()!) as [string, boolean][];
    // every kernel of shaders.ts (both labs), each with its entry point
    expect(kernels.map((k) => k[0]).sort()).toEqual([...KERNELS].sort());
    expect(kernels.length).toBeGreaterThanOrEqual(17);
    expect(kernels.every((k) => k[1])).toBe(true);
  });
});

describe('device loss and recovery', () => {
  it('reports the loss, fails later calls clearly, and resumes on a new device from the last readback', async () => {
    const cfg = twoPopConfig(5, 31);
    const proto = protocol({ stepsPerTrial: 1500, windowStart: 999 });
    // reference: four trials without interruption
    const ref = gpu.backend.createRateSimulation(cfg, proto);
    drive(ref, [{ cuts: [] }, { cuts: [] }, { cuts: [] }, { cuts: [] }]);
    const want = await ref.read();
    ref.dispose();

    const reasons: string[] = [];
    const doomed = await createWebGpuBackend(await nodeGpu(), {
      onDeviceLost: (r) => reasons.push(r),
    });
    const sim = doomed.createRateSimulation(cfg, proto);
    drive(sim, [{ cuts: [] }, { cuts: [700] }]);
    const snap = await sim.read();
    doomed.device.destroy(); // what a driver reset looks like to the page
    await doomed.lost;
    expect(reasons.length).toBe(1);
    expect(reasons[0]).toContain('destroyed');
    expect(doomed.isLost).toBe(true);
    expect(() => sim.beginTrial(2)).toThrow(/device was lost/);
    await expect(sim.read()).rejects.toThrow(/device was lost/);
    expect(() => doomed.createRateSimulation(cfg, proto)).toThrow(/device was lost/);

    // recovery: a new backend, the config with the last read weights, then the rest
    const fresh = await acquireGpu();
    try {
      const again = fresh.backend.createRateSimulation({ ...cfg, weights: snap.weights }, proto);
      again.restore({ rates: snap.rates, eta: snap.eta, avg: snap.avg });
      drive(again, [{ cuts: [] }, { cuts: [] }], 2);
      const got = await again.read();
      again.dispose();
      expect(fresh.errors).toEqual([]);
      for (const k of ['rates', 'eta', 'avg', 'trialMean', 'weights', 'monitor'] as const)
        expect(Array.from(got[k]), k).toEqual(Array.from(want[k]));
    } finally {
      fresh.backend.dispose();
      doomed.dispose();
    }
  });

  it('uncaptured GPU errors reach onGpuError', async () => {
    const messages: string[] = [];
    let seen: () => void = () => {};
    const got = new Promise<void>((r) => (seen = r));
    const be = await createWebGpuBackend(await nodeGpu(), {
      onGpuError: (m) => {
        messages.push(m);
        seen();
      },
    });
    try {
      // MAP_READ may only be combined with COPY_DST: a validation error nobody captures
      be.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
      await Promise.race([
        got,
        new Promise((_, no) =>
          setTimeout(() => no(new Error('no uncaptured error event')), 10_000),
        ),
      ]);
      expect(messages.length).toBeGreaterThan(0);
      expect(messages[0].length).toBeGreaterThan(0);
    } finally {
      be.dispose();
    }
  });

  it('setState/restore validate their lengths', () => {
    const sim = gpu.backend.createRateSimulation(twoPopConfig(3, 2), protocol());
    expect(() => sim.setState({ rates: new Float32Array(5) })).toThrow(/rates must hold 6 floats/);
    expect(() => sim.restore({ weights: new Float32Array(11) })).toThrow(
      /weights must hold 12 floats/,
    );
    sim.dispose();
  });
});
