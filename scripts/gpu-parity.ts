/**
 * Parity of the WebGPU spiking engine with the CPU reference on whatever GPU this machine has
 * (the tests check it on SwiftShader in CI; this is for a real GPU): `npx tsx
 * scripts/gpu-parity.ts`. Each case runs the same seeded network on both and compares
 * bit for bit: the raster, the plastic weights, and the co-tuning protocol's D and B (one
 * network alone and three in one batch). Prints one line per case and exits 1 on a mismatch.
 */
import { BackendLimitError } from '../src/engine/backend';
import { CpuSpikingSim } from '../src/engine/spiking/cpu/cpuSim';
import {
  createWebGpuSpikingSim,
  type WebGpuSpikingOptions,
} from '../src/engine/spiking/webgpu/engine';
import { batchViews } from '../src/engine/spiking/webgpu/batchViews';
import { acquireDevice } from '../src/engine/webgpu/device';
import { nodeGpu } from '../src/engine/webgpu/node';
import { compileNetwork, type CompiledNet } from '../src/model/spiking/build';
import { cobaSpec } from '../src/labs/coba/network';
import { cotuningSpec, DEFAULT_COTUNING } from '../src/labs/cotuning/network';
import { DEFAULT_PROTOCOL, runCotuning, runCotuningMany } from '../src/labs/cotuning/runner';

const { device, label } = await acquireDevice(await nodeGpu());
console.log(`device: ${label}`);
let failed = 0;
const report = (name: string, ok: boolean, detail: string) => {
  if (!ok) failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}: ${detail}`);
};
const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));

interface SpikeList {
  spikeSteps: { view(): ArrayLike<number> };
  spikeIds: { view(): ArrayLike<number> };
}
/** Where two rasters first part: the step and the neurons (so a drift can be traced). */
function firstDivergence(cpu: SpikeList, gpu: SpikeList): string {
  const [cs, ci, gs, gi] = [cpu.spikeSteps, cpu.spikeIds, gpu.spikeSteps, gpu.spikeIds].map((x) =>
    x.view(),
  );
  const n = Math.min(cs.length, gs.length);
  for (let k = 0; k < n; k++) {
    if (cs[k] !== gs[k] || ci[k] !== gi[k]) {
      const step = Math.min(cs[k], gs[k]);
      const at = (s: ArrayLike<number>, ids: ArrayLike<number>) => {
        const out: number[] = [];
        for (let j = k; j < s.length && s[j] === step && out.length < 8; j++) out.push(ids[j]);
        return out.length ? out.join(',') : 'none';
      };
      return `; first difference at spike ${k}, step ${step}: CPU neurons ${at(cs, ci)}, GPU ${at(gs, gi)}`;
    }
  }
  return cs.length === gs.length ? '' : `; identical for ${n} spikes, then one has more`;
}

async function rasterCase(
  name: string,
  net: CompiledNet,
  steps: number,
  plastic: string[],
  opts: WebGpuSpikingOptions = {},
) {
  const mon = { spikes: { from: 0, to: net.populations.reduce((a, p) => a + p.n, 0) } };
  const cpu = new CpuSpikingSim(net);
  const rc = cpu.newRecording(mon);
  cpu.run(steps, mon, rc);
  let gpu;
  try {
    gpu = await createWebGpuSpikingSim(device, [net], opts);
  } catch (e) {
    if (!(e instanceof BackendLimitError)) throw e;
    console.log(`SKIP ${name}: ${e.message}`);
    return;
  }
  const rg = gpu.newRecording(mon);
  await gpu.run(steps, mon, rg);
  const spikes =
    same(rc.spikeIds.view(), rg.spikeIds.view()) &&
    same(rc.spikeSteps.view(), rg.spikeSteps.view());
  let weights = true;
  for (const name of plastic) {
    const p = net.projections.findIndex((x) => x.name === name);
    weights &&= same(cpu.readWeights(p), await gpu.readWeights(p));
  }
  report(
    name,
    spikes && weights,
    `${rc.spikeIds.length} spikes in ${steps} steps (${gpu.label}); raster ${spikes ? 'identical' : 'differs'}${plastic.length ? `, weights ${weights ? 'identical' : 'differ'}` : ''}${spikes ? '' : firstDivergence(rc, rg)}`,
  );
  gpu.dispose();
}

const cot = (noise: number, seed: number) =>
  compileNetwork(
    cotuningSpec({ ...DEFAULT_COTUNING, noise, recurrent: true, W: 2, p: 0.95 }),
    seed,
  );
// the default strategy, then the resident one (shaders/spk_resident.wgsl)
const RESIDENT: WebGpuSpikingOptions = {
  strategy: 'resident',
  fusedWorkgroupSize: Math.min(
    1024,
    device.limits.maxComputeInvocationsPerWorkgroup,
    device.limits.maxComputeWorkgroupSizeX,
  ),
};
for (const opts of [{}, RESIDENT]) {
  await rasterCase(
    'COBA 4000',
    compileNetwork(cobaSpec({ N: 4000, p: 0.02, dt: 0.1 }), 1),
    5000,
    [],
    opts,
  );
  await rasterCase(
    'co-tuning, recurrent + plastic read-out',
    cot(0.2, 3),
    10000,
    ['E→readout', 'I→readout'],
    opts,
  );
  // synchronous input (little private noise): many spikes in one step, every lane group busy
  await rasterCase(
    'co-tuning, noise 0.05 (synchronous bursts)',
    compileNetwork(cotuningSpec({ ...DEFAULT_COTUNING, noise: 0.05 }), 10),
    20000,
    ['E→readout', 'I→readout'],
    opts,
  );
}
for (const wg of [64, 1024].filter((w) => w <= device.limits.maxComputeInvocationsPerWorkgroup)) {
  const nets = [0.05, 0.3].map((noise, i) =>
    compileNetwork(cotuningSpec({ ...DEFAULT_COTUNING, noise }), 10 + i),
  );
  const mon = { spikes: { from: 0, to: 1001 } };
  const gpu = await createWebGpuSpikingSim(device, nets, { fusedWorkgroupSize: wg });
  const recs = nets.map((_, b) => gpu.newRecording(mon, b));
  await gpu.run(20000, [mon, mon], recs);
  for (let b = 0; b < 2; b++) {
    const cpu = new CpuSpikingSim(nets[b]);
    const rc = cpu.newRecording(mon);
    cpu.run(20000, mon, rc);
    const p = nets[b].projections.findIndex((x) => x.name === 'E→readout');
    const ok =
      same(rc.spikeIds.view(), recs[b].spikeIds.view()) &&
      same(cpu.readWeights(p), await gpu.readWeights(p, b));
    report(
      `batch of 2, ${wg} threads, network ${b + 1}`,
      ok,
      `${rc.spikeIds.length} spikes${ok ? '' : firstDivergence(rc, recs[b])}`,
    );
  }
  gpu.dispose();
}
const protocol = { ...DEFAULT_PROTOCOL, learnTime: 2, duration: 1, tuningReps: 1, tuningTime: 0.2 };
{
  const single = await runCotuning({ ...DEFAULT_COTUNING, noise: 0.3 }, protocol, 11, (n) =>
    createWebGpuSpikingSim(device, [n]),
  );
  const ref = await runCotuning(
    { ...DEFAULT_COTUNING, noise: 0.3 },
    protocol,
    11,
    (n) => new CpuSpikingSim(n),
  );
  report(
    'co-tuning protocol, one network alone',
    Object.is(ref.D, single.D) && Object.is(ref.B, single.B),
    `D ${ref.D} / ${single.D}, B ${ref.B} / ${single.B}`,
  );
}
const items = [0.05, 0.3, 0.6].map((noise, i) => ({
  cfg: { ...DEFAULT_COTUNING, noise },
  seed: 10 + i,
}));
const batched = await runCotuningMany(
  items,
  protocol,
  (n) => new CpuSpikingSim(n),
  async (nets) => {
    const sim = await createWebGpuSpikingSim(device, nets);
    return { sims: batchViews(sim), dispose: () => sim.dispose() };
  },
);
for (let i = 0; i < items.length; i++) {
  const ref = await runCotuning(items[i].cfg, protocol, items[i].seed, (n) => new CpuSpikingSim(n));
  const ok =
    Object.is(ref.D, batched[i].D) &&
    Object.is(ref.B, batched[i].B) &&
    same(ref.raster.ids, batched[i].raster.ids) &&
    JSON.stringify(ref.tuning) === JSON.stringify(batched[i].tuning);
  report(
    `co-tuning protocol, network ${i + 1} of a batch of 3 (noise ${items[i].cfg.noise})`,
    ok,
    `D ${ref.D.toFixed(6)} / ${batched[i].D.toFixed(6)}, B ${ref.B.toFixed(6)} / ${batched[i].B.toFixed(6)}`,
  );
}
console.log(failed ? `${failed} case(s) differ` : 'all cases bit-identical');
process.exit(failed ? 1 : 0);
