/**
 * Batched runs of the spiking engine through per-network views (batchViews.ts) and the
 * co-tuning protocol on many networks at once (runCotuningMany): each network of a batch ends
 * exactly where it ends alone on the CPU reference (the engines are bit-identical, and the
 * networks of a batch do not interact), whatever steps the views ask for; a blow-up fails its
 * own view only. WebGPU here is Dawn on SwiftShader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlowUpError, CpuSpikingSim } from '../../src/engine/spiking/cpu/cpuSim';
import { createWebGpuSpikingSim } from '../../src/engine/spiking/webgpu/engine';
import { batchViews } from '../../src/engine/spiking/webgpu/batchViews';
import { compileNetwork, type CompiledNet } from '../../src/model/spiking/build';
import {
  cotuningSpec,
  DEFAULT_COTUNING,
  type CotuningConfig,
} from '../../src/labs/cotuning/network';
import {
  DEFAULT_PROTOCOL,
  runCotuning,
  runCotuningMany,
  type ManySimFactory,
} from '../../src/labs/cotuning/runner';
import { acquireGpu, type GpuHandle } from './harness';

let gpu: GpuHandle;
let device: GPUDevice;
beforeAll(async () => {
  gpu = await acquireGpu();
  device = gpu.backend.device;
});
afterAll(() => gpu?.backend.dispose());

// 200 neurons in 4 groups, recurrent, plastic read-out: small enough for SwiftShader
const small = (over: Partial<CotuningConfig>): CotuningConfig => ({
  ...DEFAULT_COTUNING,
  N: 200,
  M: 4,
  recurrent: true,
  W: 2,
  p: 0.3,
  ...over,
});

describe('batched spiking runs through per-network views', () => {
  it('views asking for different step counts end bit for bit where each network ends alone', async () => {
    const nets = [0.05, 0.3, 0.6].map((noise, i) =>
      compileNetwork(cotuningSpec(small({ noise })), 10 + i),
    );
    const sim = await createWebGpuSpikingSim(device, nets, { fusedWorkgroupSize: 64 });
    try {
      const views = batchViews(sim);
      // each view its own schedule of run() calls, with raster monitors on the read-out
      const plans = [[300, 500, 200], [1000], [250, 250, 250, 250]];
      const mon = { spikes: { from: 0, to: 201 } };
      const recs = views.map((v) => v.newRecording(mon));
      await Promise.all(
        views.map(async (v, b) => {
          for (const n of plans[b]) await v.run(n, mon, recs[b]);
          v.release();
        }),
      );
      for (let b = 0; b < 3; b++) {
        const cpu = new CpuSpikingSim(nets[b]);
        const rec = cpu.newRecording(mon);
        cpu.run(1000, mon, rec);
        expect(Array.from(recs[b].spikeIds.view())).toEqual(Array.from(rec.spikeIds.view()));
        expect(Array.from(recs[b].spikeSteps.view())).toEqual(Array.from(rec.spikeSteps.view()));
        const p = nets[b].projections.findIndex((x) => x.name === 'E→readout');
        expect(Array.from(await views[b].readWeights(p))).toEqual(Array.from(cpu.readWeights(p)));
      }
      // a released view runs no more
      await expect(views[0].run(10)).rejects.toThrow(/released/);
    } finally {
      sim.dispose();
    }
  });

  it('a network that blows up fails its own view; the others run on', async () => {
    const good = compileNetwork(cotuningSpec(small({ noise: 0.1 })), 3);
    const bad = compileNetwork(cotuningSpec(small({ noise: 0.1 })), 4);
    const sim = await createWebGpuSpikingSim(device, [good, bad], { fusedWorkgroupSize: 64 });
    try {
      const views = batchViews(sim);
      views[1].setIext(5, Number.NaN); // V of neuron 5 turns NaN at the first step
      const [a, b] = await Promise.allSettled(
        views.map(async (v) => {
          await v.run(200);
          await v.run(200);
          v.release();
        }),
      );
      expect(a.status).toBe('fulfilled');
      expect(b.status).toBe('rejected');
      expect((b as PromiseRejectedResult).reason).toBeInstanceOf(BlowUpError);
      expect(sim.steps[0]).toBe(400);
    } finally {
      sim.dispose();
    }
  });

  it('runCotuningMany on one batch gives each item its runCotuning result on the CPU', async () => {
    const protocol = {
      ...DEFAULT_PROTOCOL,
      learnTime: 0.2,
      duration: 0.1,
      sampleEvery: 0.05,
      currentsWindow: 0.05,
      tuningReps: 1,
      tuningTime: 0.05,
      events: [{ t: 0.1, kind: 'block', pathway: 'EE', on: true } as const],
    };
    const items = [0.05, 0.4].map((noise, i) => ({ cfg: small({ noise }), seed: 21 + i }));
    let batches = 0;
    const many: ManySimFactory = async (nets) => {
      batches++;
      const sim = await createWebGpuSpikingSim(device, nets, { fusedWorkgroupSize: 64 });
      return { sims: batchViews(sim), dispose: () => sim.dispose() };
    };
    const cpu = (net: CompiledNet) => new CpuSpikingSim(net);
    const got = await runCotuningMany(items, protocol, cpu, many);
    expect(batches).toBe(1);
    for (let i = 0; i < items.length; i++) {
      const ref = await runCotuning(items[i].cfg, protocol, items[i].seed, cpu);
      expect(got[i].D).toBe(ref.D);
      expect(got[i].B).toBe(ref.B);
      expect(got[i].rate_E).toBe(ref.rate_E);
      expect(got[i].history.map((h) => h.D)).toEqual(ref.history.map((h) => h.D));
      expect(got[i].tuning).toEqual(ref.tuning);
      expect(Array.from(got[i].raster.ids)).toEqual(Array.from(ref.raster.ids));
    }
    // the two items differ (the test could tell them apart)
    expect(got[0].rate_E).not.toBe(got[1].rate_E);
  });
});
