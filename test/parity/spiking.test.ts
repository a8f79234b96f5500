/**
 * The WebGPU spiking engine (src/engine/spiking/webgpu/, shaders/spk_*.wgsl) against the CPU
 * reference (src/engine/spiking/cpu/cpuSim.ts) on the same seeded networks, with both
 * strategies (fused: one workgroup per network and many steps per dispatch; phased: one
 * dispatch per phase), sizes that are not multiples of the workgroup sizes and chunk lengths
 * that do not divide the runs.
 *
 * Everything is compared bit for bit (docs/spiking-engine.md: every part of a step is
 * order-independent and delivery is fixed point; the GPU computes V's division and
 * exponential correctly rounded, shaders/lib/spk_exact.wgsl, as the CPU's float64 results
 * rounded to float32 are):
 *  - spike rasters (step, id) and population counts per bin over the whole run (2 000–
 *    3 000 steps per case; 4 000 steps of a 500-neuron COBA network);
 *  - after every segment of a run: V, g_E, g_I (stored and with pending jumps), the
 *    fixed-point accumulators, lastSpike, weights, plasticity traces and their steps, STP
 *    u, R and μ, the projection flags;
 *  - trace monitors (V, g_E, g_I, I_E, I_I) and weight snapshots.
 * exp_rn can misround when exp(x) lies within ~2^-48 of a float32 midpoint (none in 4.2 M
 * probes); such a step would show as a one-ulp V difference — the runs here have none.
 * The lab's co-tuning network (1000 neurons, 1008 Poisson trains, plastic read-out; with
 * and without recurrence) is compared the same way. Then: a BlowUpError with the CPU's
 * message (alone and inside a batch, where the other networks run on) and the limit checks.
 * Measured beyond these tests (SwiftShader): a busier 1001-neuron network bit-identical over
 * 5 000 steps (43 722 spikes), COBA N = 1000 over 20 000 steps (39 641 spikes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendLimitError } from '../../src/engine/backend';
import { BlowUpError, CpuSpikingSim } from '../../src/engine/spiking/cpu/cpuSim';
import type { MonitorSpec, Recording } from '../../src/engine/spiking/monitor';
import {
  createWebGpuSpikingSim,
  type SpikingState,
  type WebGpuSpikingOptions,
  type WebGpuSpikingSim,
} from '../../src/engine/spiking/webgpu/engine';
import type { SpikingStrategy } from '../../src/engine/spiking/webgpu/strategy';
import { compileNetwork, type CompiledNet } from '../../src/model/spiking/build';
import { cobaSpec } from '../../src/labs/coba/network';
import { cotuningSpec, DEFAULT_COTUNING } from '../../src/labs/cotuning/network';
import type { SpikingSimLike } from '../../src/engine/spiking/sim';
import { acquireGpu, type GpuHandle } from './harness';
import { eiSpec, pairSpec, readoutSpec, stpSpec } from '../spikingNets';

let gpu: GpuHandle;
let device: GPUDevice;
const sims: WebGpuSpikingSim[] = [];
beforeAll(async () => {
  gpu = await acquireGpu();
  device = gpu.backend.device;
});
afterAll(() => {
  for (const s of sims) s.dispose();
  gpu?.backend.dispose();
});

async function gpuSim(
  nets: CompiledNet[],
  strategy: SpikingStrategy,
  opts: WebGpuSpikingOptions = {},
): Promise<WebGpuSpikingSim> {
  // small chunks that divide nothing, to cross chunk boundaries often; 64 threads per fused
  // workgroup (SwiftShader pays per thread at each barrier)
  const s = await createWebGpuSpikingSim(device, nets, {
    strategy,
    stepsPerDispatch: 377,
    stepsPerSubmit: 61,
    fusedWorkgroupSize: 64,
    ...opts,
  });
  sims.push(s);
  return s;
}

// ── driving both backends through the same commands ──

type Action =
  | {
      kind: 'rate';
      net?: number;
      source: string;
      rate: number | number[];
      from?: number;
      to?: number;
    }
  | { kind: 'iext'; net?: number; values: number[]; from?: number }
  | { kind: 'silence'; net?: number; values: number[]; from?: number }
  | { kind: 'enabled' | 'plastic'; net?: number; p: number; on: boolean }
  | { kind: 'normalize'; net?: number; p: number };

interface Segment {
  steps: number;
  before?: Action[];
}

function applyCpu(cpu: CpuSpikingSim[], a: Action): void {
  const c = cpu[a.net ?? 0];
  switch (a.kind) {
    case 'rate':
      c.setRate(a.source, a.rate, a.from, a.to);
      break;
    case 'iext':
      a.values.forEach((x, i) => c.setIext((a.from ?? 0) + i, x));
      break;
    case 'silence':
      a.values.forEach((x, i) => c.setSilenced((a.from ?? 0) + i, x !== 0));
      break;
    case 'enabled':
      c.setProjectionEnabled(a.p, a.on);
      break;
    case 'plastic':
      c.setPlastic(a.p, a.on);
      break;
    case 'normalize':
      c.normalizeSubtractive(a.p);
      break;
  }
}

/** The GPU gets the range forms, and the CPU's one-neuron forms for single values. */
function applyGpu(g: WebGpuSpikingSim, a: Action): void {
  const n = g.network(a.net ?? 0);
  switch (a.kind) {
    case 'rate':
      n.setRate(a.source, a.rate, a.from, a.to);
      break;
    case 'iext':
      if (a.values.length === 1) n.setIext(a.from ?? 0, a.values[0]);
      else n.setIext(a.values, a.from);
      break;
    case 'silence':
      if (a.values.length === 1) n.setSilenced(a.from ?? 0, a.values[0] !== 0);
      else n.setSilenced(a.values, a.from);
      break;
    case 'enabled':
      n.setProjectionEnabled(a.p, a.on);
      break;
    case 'plastic':
      n.setPlastic(a.p, a.on);
      break;
    case 'normalize':
      n.normalizeSubtractive(a.p);
      break;
  }
}

/** Index of the first element whose bits differ (−1: identical). */
function firstBitDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const fa = Float32Array.from(a);
  const fb = Float32Array.from(b);
  const ua = new Uint32Array(fa.buffer);
  const ub = new Uint32Array(fb.buffer);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

function expectBits(
  what: string,
  gpuA: ArrayLike<number> | null,
  cpuA: ArrayLike<number> | null,
): void {
  if (cpuA === null || gpuA === null) {
    expect(gpuA === null, `${what}: presence`).toBe(cpuA === null);
    return;
  }
  const i = firstBitDiff(gpuA, cpuA);
  if (i >= 0)
    throw new Error(`${what}: GPU ${gpuA[i]} ≠ CPU ${cpuA[i]} at index ${i} (of ${cpuA.length})`);
}

function expectInts(
  what: string,
  gpuA: ArrayLike<number> | null,
  cpuA: ArrayLike<number> | null,
): void {
  if (cpuA === null || gpuA === null) {
    expect(gpuA === null, `${what}: presence`).toBe(cpuA === null);
    return;
  }
  expect(gpuA.length, `${what}: length`).toBe(cpuA.length);
  for (let i = 0; i < cpuA.length; i++)
    if (gpuA[i] !== cpuA[i]) throw new Error(`${what}: GPU ${gpuA[i]} ≠ CPU ${cpuA[i]} at ${i}`);
}

/** Every state array bit for bit. */
function compareState(label: string, c: CpuSpikingSim, g: SpikingState): void {
  expect(g.step, `${label} step`).toBe(c.step);
  expectBits(`${label} V`, g.v, c.v);
  expectInts(`${label} lastSpike`, g.lastSpike, c.lastSpike);
  expectInts(`${label} accE`, g.accE, c.accE);
  expectInts(`${label} accI`, g.accI, c.accI);
  expectBits(`${label} gE`, g.gEStored, c.gE);
  expectBits(`${label} gI`, g.gIStored, c.gI);
  const ge = Float32Array.from({ length: c.net.nNeurons }, (_, i) => c.conductances(i)[0]);
  expectBits(`${label} gE with pending jumps`, g.gE, ge);
  c.proj.forEach((p, k) => {
    const q = g.proj[k];
    const n = `${label} ${c.net.projections[k].name}`;
    expectBits(`${n} w`, q.w, p.w);
    expectBits(`${n} u`, q.u, p.u);
    expectBits(`${n} R`, q.R, p.R);
    expectBits(`${n} mu`, q.mu, p.mu);
    expectInts(`${n} stpLast`, q.stpLast, p.stpLast);
    expectBits(`${n} preTrace`, q.preTrace, p.preTrace);
    expectInts(`${n} preLast`, q.preLast, p.preLast);
    expectBits(`${n} postTrace`, q.postTrace, p.postTrace);
    expectInts(`${n} postLast`, q.postLast, p.postLast);
    expect(q.enabled, `${n} enabled`).toBe(p.enabled);
    expect(q.plastic, `${n} plastic`).toBe(p.plastic);
  });
}

function compareRecordings(label: string, g: Recording, c: Recording): void {
  expectInts(`${label} spike steps`, g.spikeSteps.view(), c.spikeSteps.view());
  expectInts(`${label} spike ids`, g.spikeIds.view(), c.spikeIds.view());
  c.rateCounts.forEach((l, p) =>
    expectInts(`${label} rate counts ${p}`, g.rateCounts[p].view(), l.view()),
  );
  expectInts(`${label} trace steps`, g.traceSteps.view(), c.traceSteps.view());
  expectBits(`${label} trace gE`, g.gE.view(), c.gE.view());
  expectBits(`${label} trace gI`, g.gI.view(), c.gI.view());
  expectBits(`${label} trace V`, g.v.view(), c.v.view());
  expectBits(`${label} trace I_E`, g.iE.view(), c.iE.view());
  expectBits(`${label} trace I_I`, g.iI.view(), c.iI.view());
  expectInts(`${label} weight steps`, g.weightSteps.view(), c.weightSteps.view());
  c.weights.forEach((snaps, m) => {
    expect(g.weights[m].length, `${label} weight snapshots ${m}`).toBe(snaps.length);
    snaps.forEach((w, s) => expectBits(`${label} weight snapshot ${m}/${s}`, g.weights[m][s], w));
  });
}

interface Outcome {
  spikes: number;
  cpu: CpuSpikingSim[];
  gpu: WebGpuSpikingSim;
  recs: { cpu: Recording[]; gpu: Recording[] };
}

/** Run nets on both backends through the same segments, comparing after each segment. */
async function runBoth(
  label: string,
  nets: CompiledNet[],
  strategy: SpikingStrategy,
  segments: Segment[],
  mons: MonitorSpec[],
  opts: WebGpuSpikingOptions = {},
): Promise<Outcome> {
  const cpu = nets.map((n) => new CpuSpikingSim(n));
  const g = await gpuSim(nets, strategy, opts);
  expect(g.strategy).toBe(strategy);
  const rc = cpu.map((c, b) => c.newRecording(mons[b]));
  const rg = cpu.map((c, b) => c.newRecording(mons[b]));
  for (const [si, seg] of segments.entries()) {
    for (const a of seg.before ?? []) {
      applyCpu(cpu, a);
      applyGpu(g, a);
    }
    cpu.forEach((c, b) => c.run(seg.steps, mons[b], rc[b]));
    await g.run(seg.steps, mons, rg);
    const states = await g.readState();
    cpu.forEach((c, b) => compareState(`${label} net ${b} seg ${si}`, c, states[b]));
  }
  cpu.forEach((_, b) => compareRecordings(`${label} net ${b}`, rg[b], rc[b]));
  expect(gpu.errors).toEqual([]);
  const spikes = rc.reduce((s, r) => s + r.spikeIds.length, 0);
  return { spikes, cpu, gpu: g, recs: { cpu: rc, gpu: rg } };
}

function fullMonitor(net: CompiledNet, traced: number[], weights: number[] = []): MonitorSpec {
  return {
    spikes: { from: 0, to: net.nEntities },
    rateBin: 10,
    traces: { neurons: traced, every: 7 },
    ...(weights.length ? { weights: { projections: weights, every: 500 } } : {}),
  };
}

const log = (s: string) => console.log(`[spiking parity] ${s}`);

// ── the cases ──

describe.each(['fused', 'resident', 'phased'] as const)('%s strategy', (strategy) => {
  it('E/I network with Poisson input: spikes, conductances, monitors', async () => {
    const net = compileNetwork(eiSpec(), 11);
    const o = await runBoth(
      'ei',
      [net],
      strategy,
      [{ steps: 1100 }, { steps: 1400 }],
      [fullMonitor(net, [0, 17, 36, 37, 47])],
    );
    expect(o.spikes).toBeGreaterThan(300);
    log(`${strategy} E/I: ${o.spikes} spikes over 2500 steps, everything bit for bit`);
  });

  it('read-out with triplet + competitive normalisation and Vogels inhibition', async () => {
    const net = compileNetwork(readoutSpec(), 5);
    const o = await runBoth(
      'readout',
      [net],
      strategy,
      [{ steps: 1500 }, { steps: 1500, before: [{ kind: 'plastic', p: 1, on: false }] }],
      [fullMonitor(net, [0, 2], [0, 1])],
    );
    const w0 = net.projections[0].w;
    const w1 = o.cpu[0].proj[0].w;
    let moved = 0;
    for (let s = 0; s < w0.length; s++) moved = Math.max(moved, Math.abs(w1[s] - w0[s]));
    expect(moved).toBeGreaterThan(0.05);
    expect(o.recs.cpu[0].spikeIds.view().filter((i) => i < 3).length).toBeGreaterThan(20);
    log(
      `${strategy} read-out: ${o.spikes} spikes, weights moved up to ${moved.toFixed(3)}, bitwise`,
    );
  });

  it('pair STDP with subtractive normalisation every 250 steps', async () => {
    const net = compileNetwork(pairSpec(), 3);
    const segs: Segment[] = [];
    for (let m = 0; m < 8; m++)
      segs.push({ steps: 250, before: m > 0 ? [{ kind: 'normalize', p: 0 }] : [] });
    const o = await runBoth('pair', [net], strategy, segs, [fullMonitor(net, [3, 20], [0, 1])]);
    let sum = 0;
    for (let q = net.projections[0].inPtr[4]; q < net.projections[0].inPtr[5]; q++)
      sum += o.cpu[0].proj[0].w[net.projections[0].inSyn[q]];
    expect(sum).not.toBeCloseTo(11.3, 3); // the last segment ran after the normalisation
    log(`${strategy} pair + subtractive: ${o.spikes} spikes`);
  });

  it('STP (U = 0.1 and 0.6), fixed sources, plasticity onto a source', async () => {
    const net = compileNetwork(stpSpec(), 9);
    const o = await runBoth(
      'stp',
      [net],
      strategy,
      [{ steps: 1600 }, { steps: 1400 }],
      [fullMonitor(net, [0, 8], [3])],
    );
    // u just after a spike: U + (1 − U)F after a long pause, more when facilitated
    const st = o.cpu[0].proj;
    expect(Math.min(...st[0].u!)).toBeCloseTo(0.1 + 0.9 * 0.15, 5);
    expect(Math.max(...st[0].u!)).toBeGreaterThan(0.3);
    expect(Math.min(...st[1].R!)).toBeLessThan(0.6);
    const moved = (p: number) =>
      Math.max(...st[p].w.map((w, i) => Math.abs(w - net.projections[p].w[i])));
    expect(moved(2)).toBeGreaterThan(0.01); // STP and plasticity on the same synapses
    expect(moved(3)).toBeGreaterThan(0.01); // plasticity onto a source
    log(`${strategy} STP + fixed: ${o.spikes} spikes`);
  });

  it('a batch of 3 different networks, with protocol changes mid-run', async () => {
    const nets = [
      compileNetwork(eiSpec(35), 21),
      compileNetwork(readoutSpec(), 22),
      compileNetwork(stpSpec(), 23),
    ];
    const mons = [
      fullMonitor(nets[0], [1, 40]),
      { spikes: { from: 2, to: 40 }, rateBin: 13, weights: { projections: [0], every: 333 } },
      { spikes: { from: 0, to: 9 }, traces: { neurons: [4], every: 5 } },
    ];
    const o = await runBoth(
      'batch',
      nets,
      strategy,
      [
        { steps: 600 },
        {
          steps: 700,
          before: [
            { kind: 'iext', net: 0, values: [250, 250, 250], from: 4 },
            { kind: 'silence', net: 0, values: [1, 1], from: 40 },
            { kind: 'silence', net: 0, values: [1], from: 12 },
            { kind: 'iext', net: 0, values: [120], from: 30 },
            { kind: 'enabled', net: 0, p: 2, on: false },
            { kind: 'plastic', net: 0, p: 3, on: true }, // no rule: stays non-plastic
            { kind: 'rate', net: 1, source: 'XE', rate: 70, from: 3, to: 20 },
            { kind: 'plastic', net: 1, p: 0, on: false },
          ],
        },
        {
          steps: 700,
          before: [
            { kind: 'iext', net: 0, values: [0, 0, 0], from: 4 },
            { kind: 'silence', net: 0, values: [0], from: 40 },
            { kind: 'silence', net: 0, values: [0], from: 12 },
            { kind: 'enabled', net: 0, p: 2, on: true },
            { kind: 'plastic', net: 1, p: 0, on: true },
            { kind: 'rate', net: 2, source: 'X', rate: [...Array(17)].map((_, j) => 50 - 2 * j) },
            { kind: 'enabled', net: 2, p: 1, on: false },
          ],
        },
      ],
      mons,
      // small raster buffers (≥ 2 steps' worth each): networks halt and resume at
      // different steps
      // and 256 threads per fused workgroup (up to 8 groups of lanes over the spikes of a step; the other cases run 64)
      { rasterCapacity: 250, fusedWorkgroupSize: 256 },
    );
    // at least one halt beyond the chunks of the last segment (700 steps)
    expect(o.gpu.lastRunChunks).toBeGreaterThan(700 / (strategy === 'phased' ? 61 : 377) + 1);
    log(
      `${strategy} batch of 3: ${o.spikes} spikes identical over 2000 steps (${o.gpu.lastRunChunks} readbacks in the last segment)`,
    );
  });

  it('raster buffers smaller than a chunk: the run halts, drains and resumes exactly', async () => {
    const net = compileNetwork(eiSpec(60), 31);
    const mon = { spikes: { from: 0, to: net.nEntities }, rateBin: 3 };
    const o = await runBoth('halting', [net], strategy, [{ steps: 1500 }], [mon], {
      rasterCapacity: 2 * net.nEntities + 10,
    });
    // room for two steps of every entity spiking and 10 more: a halt every ~30 steps
    expect(o.gpu.lastRunChunks).toBeGreaterThan(1500 / (strategy === 'phased' ? 61 : 377) + 10);
    log(`${strategy} halting: ${o.spikes} spikes in ${o.gpu.lastRunChunks} readbacks`);
  });

  it("a blow-up (V = NaN, ±∞) stops with the CPU's BlowUpError; in a batch the others run on", async () => {
    const net = compileNetwork(eiSpec(), 41);
    const cpu = new CpuSpikingSim(net);
    const g = await gpuSim([net], strategy);
    cpu.run(300);
    await g.run(300);
    cpu.Iext[6] = Infinity;
    g.setIext([Infinity], 6);
    let cpuErr: unknown;
    try {
      cpu.run(100);
    } catch (e) {
      cpuErr = e;
    }
    expect(cpuErr).toBeInstanceOf(BlowUpError);
    await expect(g.run(100)).rejects.toThrow(BlowUpError);
    await expect(g.run(100)).rejects.toThrow((cpuErr as Error).message);
    expect(g.step).toBe(cpu.step);

    // ±∞ is a blow-up too, not a spike (+∞ used to spike and reset, −∞ to stay silent)
    for (const v0 of [Infinity, -Infinity]) {
      const inf = compileNetwork(eiSpec(), 45);
      inf.v0[6] = v0;
      expect(() => new CpuSpikingSim(inf).run(10)).toThrow('V of neuron 6 is not finite at step 0');
      const gi = await gpuSim([inf], strategy);
      await expect(gi.run(10)).rejects.toThrow('V of neuron 6 is not finite at step 0');
    }

    // batch: network 1 blows up, networks 0 and 2 equal their CPU runs
    const nets = [
      compileNetwork(eiSpec(), 42),
      compileNetwork(eiSpec(), 43),
      compileNetwork(readoutSpec(), 44),
    ];
    const cs = nets.map((n) => new CpuSpikingSim(n));
    const gb = await gpuSim(nets, strategy);
    const mons = nets.map((n) => ({ spikes: { from: 0, to: n.nEntities } }));
    const rc = cs.map((c, b) => c.newRecording(mons[b]));
    const rg = cs.map((c, b) => c.newRecording(mons[b]));
    cs.forEach((c, b) => c.run(200, mons[b], rc[b]));
    await gb.run(200, mons, rg);
    cs[1].Iext[3] = NaN;
    gb.network(1).setIext([NaN], 3);
    let msg = '';
    cs.forEach((c, b) => {
      try {
        c.run(500, mons[b], rc[b]);
      } catch (e) {
        msg = (e as Error).message;
      }
    });
    expect(msg).toMatch(/neuron 3 is not finite at step/);
    await expect(gb.run(500, mons, rg)).rejects.toThrow(`${msg} (network 1)`);
    const states = await gb.readState();
    for (const b of [0, 2]) {
      compareState(`batch blow-up net ${b}`, cs[b], states[b]);
      compareRecordings(`batch blow-up net ${b}`, rg[b], rc[b]);
    }
    expect(gb.steps).toEqual([700, cs[1].step, 700]);
    expectInts('blown network raster', rg[1].spikeIds.view(), rc[1].spikeIds.view());
    expect(gpu.errors).toEqual([]);
  });
});

describe('the co-tuning network (src/labs/cotuning, lab defaults)', () => {
  it('1000 neurons, 1008 Poisson trains, plastic read-out: both strategies bit for bit', async () => {
    // lab defaults: every neuron at 0 mV fires in step 0 (the authors' code), 8 groups of
    // shared signal; the read-out learns (triplet, Vogels, competitive normalisation)
    const nets = [
      compileNetwork(cotuningSpec(DEFAULT_COTUNING), 3),
      compileNetwork(cotuningSpec({ ...DEFAULT_COTUNING, recurrent: true, p: 0.1 }), 4),
    ];
    const readout = (n: CompiledNet) => n.nNeurons - 1;
    const plastic = (n: CompiledNet) =>
      n.projections.flatMap((p, i) => (p.spec.plasticity ? [i] : []));
    const mons = nets.map((n) => ({
      spikes: { from: 0, to: n.nEntities },
      rateBin: 100,
      traces: { neurons: [0, readout(n)], every: 10 },
      weights: { projections: plastic(n), every: 400 },
    }));
    for (const strategy of ['fused', 'resident', 'phased'] as const) {
      const o = await runBoth(
        `co-tuning ${strategy}`,
        nets,
        strategy,
        [{ steps: 700 }, { steps: 500, before: [{ kind: 'iext', values: [150], from: 5 }] }],
        mons,
        // resident: 1001 neurons need ≥ 128 threads (at most 8 neurons per thread)
        {
          stepsPerDispatch: 1000,
          stepsPerSubmit: 128,
          ...(strategy === 'resident' ? { fusedWorkgroupSize: 256 } : {}),
        },
      );
      const moved = o.cpu[0].proj[plastic(nets[0])[0]].w.some((w) => Math.abs(w - 0.1) > 1e-3);
      expect(moved).toBe(true);
      log(`co-tuning ${strategy}: ${o.spikes} spikes over 1200 steps (2 networks), bit for bit`);
    }
    // the GPU sim is a SpikingSimLike for lab protocols (B = 1)
    const single: SpikingSimLike = await gpuSim([nets[0]], 'fused');
    expect(single.net).toBe(nets[0]);
    expect(single.label).toMatch(/WebGPU fused/);
    const w = await single.readWeights(plastic(nets[0])[0]);
    expectBits('readWeights', w, nets[0].projections[plastic(nets[0])[0]].w);
  });
});

describe('longer runs', () => {
  it('COBA (500 neurons, 4 000 steps): identical rasters, then statistics', async () => {
    const net = compileNetwork(cobaSpec({ N: 500, p: 0.04, dt: 0.1 }), 2);
    const mon = { spikes: { from: 0, to: net.nEntities }, rateBin: 100 };
    const cpu = new CpuSpikingSim(net);
    const rc = cpu.newRecording(mon);
    const t0 = performance.now();
    cpu.run(4000, mon, rc);
    const tCpu = performance.now() - t0;
    const out: string[] = [];
    for (const strategy of ['phased', 'fused', 'resident'] as const) {
      const g = await gpuSim([net], strategy, { stepsPerSubmit: 128, stepsPerDispatch: 1000 });
      const rg = cpu.newRecording(mon);
      const t1 = performance.now();
      await g.run(4000, mon, rg);
      const tGpu = performance.now() - t1;
      // statistics: total rate and rate per 10 ms bin
      const total = (r: Recording) => r.spikeIds.length / (net.nNeurons * 0.4);
      expect(Math.abs(total(rg) - total(rc)) / total(rc)).toBeLessThan(0.05);
      // and, measured, identical rasters
      const n = Math.min(rg.spikeIds.length, rc.spikeIds.length);
      let first = -1;
      for (let i = 0; i < n; i++)
        if (
          rg.spikeIds.data[i] !== rc.spikeIds.data[i] ||
          rg.spikeSteps.data[i] !== rc.spikeSteps.data[i]
        ) {
          first = i;
          break;
        }
      expect(first, `${strategy}: first raster difference`).toBe(-1);
      expect(rg.spikeIds.length).toBe(rc.spikeIds.length);
      const [s] = await g.readState();
      compareState(`coba ${strategy}`, cpu, s);
      out.push(`${strategy} ${(4000 / (tGpu / 1000)).toFixed(0)} steps/s`);
    }
    log(
      `COBA N=500: ${rc.spikeIds.length} spikes (${(rc.spikeIds.length / (net.nNeurons * 0.4)).toFixed(1)} Hz) identical over 4000 steps; CPU ${(4000 / (tCpu / 1000)).toFixed(0)} steps/s; ${out.join('; ')}`,
    );
    expect(gpu.errors).toEqual([]);
  });
});

describe('limits', () => {
  it('a batch above maxStorageBufferBindingSize is refused with BackendLimitError naming it', async () => {
    const net = compileNetwork(eiSpec(), 1);
    let err: unknown;
    try {
      await createWebGpuSpikingSim(device, [net, net, net], {
        limitCaps: { maxStorageBufferBindingSize: 4096 },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BackendLimitError);
    expect((err as Error).message).toMatch(/maxStorageBufferBindingSize of 4096 bytes/);
    let err2: unknown;
    try {
      await createWebGpuSpikingSim(device, [net], {
        limitCaps: { maxStorageBuffersPerShaderStage: 6 },
      });
    } catch (e) {
      err2 = e;
    }
    expect(err2).toBeInstanceOf(BackendLimitError);
    expect((err2 as Error).message).toMatch(/maxStorageBuffersPerShaderStage is 6/);
  });

  it('the resident strategy refuses a network that does not fit one workgroup, saying why', async () => {
    const coba = compileNetwork(cobaSpec({ N: 1000, p: 0.02, dt: 0.1 }), 1);
    const refusal = async (opts: WebGpuSpikingOptions) => {
      try {
        (await gpuSim([coba], 'resident', opts)).dispose();
      } catch (e) {
        expect(e).toBeInstanceOf(BackendLimitError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    // 1000 neurons over 64 threads: 16 per thread, above the registers' 8
    expect(await refusal({ fusedWorkgroupSize: 64 })).toMatch(/16 per thread at 64 threads/);
    // 8 bytes per accumulator slot (1024: 1000 rounded up to 32) + 512 do not fit 4 KiB
    expect(
      await refusal({
        fusedWorkgroupSize: 256,
        limitCaps: { maxComputeWorkgroupStorageSize: 4096 },
      }),
    ).toMatch(
      /8704 bytes of workgroup memory, above this GPU's maxComputeWorkgroupStorageSize of 4096/,
    );
    expect(await refusal({ fusedWorkgroupSize: 256 })).toBe('accepted');
  });
});
