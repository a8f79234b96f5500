/**
 * The WebAssembly kernels of the CPU reference (src/engine/spiking/cpu/lif.wat) against their
 * JavaScript twins in cpuSim.ts, bit for bit:
 *  - the module in lifWasmBytes.ts is what lif.wat assembles to (wabt);
 *  - the exp inside the neuron update, in the four-lane (SIMD) loop and the scalar tail, on
 *    arguments spread over float32's range and on arguments whose float64 exp lies within
 *    2^−41 of a float32 rounding boundary (found by search; these must take the Math.exp
 *    fallback, and the others almost never do), equals Math.fround(Math.exp(x)) — the
 *    kernel's fallback window is ±2^−40, its float64 exp is within 2^−45;
 *  - whole simulations with and without WebAssembly (COBA, the test networks with every
 *    plasticity rule, STP, fixed and Poisson trains, the co-tuning network; silencing,
 *    external current, knocked-out pathways mid-run): V, g, accumulators, lastSpike, weights,
 *    traces, STP state and rasters identical after every segment;
 *  - a V that turns NaN, +∞ or −∞ stops both with the same BlowUpError (before this, ±∞ went
 *    unnoticed: +∞ counted as a spike and was reset, −∞ stayed).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BlowUpError, CpuSpikingSim } from '../../src/engine/spiking/cpu/cpuSim';
import { lifWasm, lifWasmAvailable } from '../../src/engine/spiking/cpu/lifWasm';
import { compileNetwork, type CompiledNet } from '../../src/model/spiking/build';
import { cobaSpec } from '../../src/labs/coba/network';
import { cotuningSpec, DEFAULT_COTUNING } from '../../src/labs/cotuning/network';
import { bytesModule, bytesModulePath, WAT_FILES } from '../../scripts/gen-wasm';
import type { MonitorSpec } from '../../src/engine/spiking/monitor';
import { eiSpec, pairSpec, readoutSpec, stpSpec } from '../spikingNets';

const f = Math.fround;
const NEVER = -0x3fffffff;

describe('lif.wat', () => {
  it('lifWasmBytes.ts is what lif.wat assembles to (npm run gen:wasm)', async () => {
    for (const wat of WAT_FILES)
      expect(readFileSync(bytesModulePath(wat), 'utf8')).toBe(await bytesModule(wat));
    expect(lifWasmAvailable()).toBe(true);
  });

  /**
   * e^x through the kernel's update: with g_L = E_L = V_E = V_I = I = 0 and dt/C = 1, a
   * neuron with g_E = −x, g_I = 0 and V = 1 ends the step at V = 0 + (1 − 0)·e^x exactly
   * (V∞ = 0/g_tot = ±0). n = 4m + 3 neurons: the SIMD groups and the scalar tail.
   */
  function kernelExp(xs: number[], jsExp?: (x: number) => number): Float32Array {
    const n = xs.length;
    const k = lifWasm(n, n, 0, [], jsExp)!;
    const a = k.arrays;
    a.v.fill(1);
    a.gE.set(xs.map((x) => -x));
    a.lastSpike.fill(NEVER);
    const o = k.offsets;
    // prettier-ignore
    k.update(0, n, 0, 0, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9],
      0, 0, 0, 0, 3e38, 1, 1, 1, 0, 0, 1, 1, o[10], o[11]);
    return a.v.slice();
  }

  function expectExpBits(xs: number[], got: Float32Array) {
    let bad = 0;
    xs.forEach((x, i) => {
      const want = f(Math.exp(x));
      if (!Object.is(got[i], want) && !(Number.isNaN(got[i]) && Number.isNaN(want))) {
        if (bad++ < 5) console.error(`exp(${x}): kernel ${got[i]}, Math.exp ${want}`);
      }
    });
    expect(bad).toBe(0);
  }

  /** Seeded float32 values, uniform in [lo, hi]. */
  function f32s(n: number, lo: number, hi: number, seed: number): number[] {
    let s = seed >>> 0;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      out.push(f(lo + ((hi - lo) * s) / 2 ** 32));
    }
    return out;
  }

  it('e^x equals Math.fround(Math.exp(x)) over float32 arguments (SIMD lanes and tail)', () => {
    const xs = [
      ...f32s(40003, -0.25, 0.25, 1), // the update's usual range (no reduction)
      ...f32s(40001, -87, 87, 2), // the reduced range
      ...f32s(2001, -1e-6, 1e-6, 3),
      // (x = 0 and ±∞ would make g_tot 0 or ∞ in this harness: V∞ = NaN)
      1e-45,
      -1e-45,
      0.25,
      -0.25,
      f(0.25000003),
      87,
      -87,
      88.5,
      -88,
      -103.5,
      -120,
      200,
      NaN,
    ];
    let calls = 0;
    const got = kernelExp(xs, (x) => (calls++, Math.exp(x)));
    expectExpBits(xs, got);
    // outside ±87 the fallback is by design; inside it the float64 polynomial's rounding is
    // certain for all but ~2^−13 of the arguments
    expect(calls).toBeLessThan(80);
  });

  it('arguments whose exp lies within 2^−41 of a float32 midpoint take the Math.exp fallback', () => {
    // search: float32 x whose float64 exp is close to the midpoint of two float32 values
    const near: number[] = [];
    for (const [lo, hi, seed] of [
      [-0.25, 0.25, 7],
      [-87, 87, 8],
    ] as const) {
      let found = 0;
      for (const x of f32s(4_000_000, lo, hi, seed)) {
        const y = Math.exp(x);
        const yf = f(y);
        const ulp = Math.abs(f(yf * (1 + 2 ** -23)) - yf) || 2 ** -149;
        const mid = y > yf ? yf + ulp / 2 : yf - ulp / 2;
        if (Math.abs(y - mid) < y * 2 ** -41) {
          near.push(x);
          if (++found === 20) break;
        }
      }
      expect(found).toBeGreaterThanOrEqual(10);
    }
    let calls = 0;
    const got = kernelExp(near, (x) => (calls++, Math.exp(x)));
    expectExpBits(near, got);
    expect(calls).toBeGreaterThanOrEqual(near.length);
  });
});

type Step =
  | { run: number }
  | { iext: [number, number] }
  | { silence: [number, boolean] }
  | { enable: [number, boolean] }
  | { plastic: [number, boolean] }
  | { rate: [string, number] };

function apply(
  sim: CpuSpikingSim,
  s: Step,
  mon: MonitorSpec,
  rec: ReturnType<CpuSpikingSim['newRecording']>,
) {
  if ('run' in s) sim.run(s.run, mon, rec);
  else if ('iext' in s) sim.setIext(...s.iext);
  else if ('silence' in s) sim.setSilenced(...s.silence);
  else if ('enable' in s) sim.setProjectionEnabled(...s.enable);
  else if ('plastic' in s) sim.setPlastic(...s.plastic);
  else sim.setRate(...s.rate);
}

const bits = (a: ArrayLike<number> | null) =>
  a ? Array.from(new Uint32Array(Float32Array.from(a).buffer)) : null;

function snapshot(sim: CpuSpikingSim) {
  return {
    step: sim.step,
    v: bits(sim.v),
    gE: bits(sim.gE),
    gI: bits(sim.gI),
    accE: Array.from(sim.accE),
    accI: Array.from(sim.accI),
    last: Array.from(sim.lastSpike),
    spiked: Array.from(sim.spiked),
    proj: sim.proj.map((p) => ({
      w: bits(p.w),
      u: bits(p.u),
      R: bits(p.R),
      mu: bits(p.mu),
      pre: bits(p.preTrace),
      post: bits(p.postTrace),
      preLast: p.preLast && Array.from(p.preLast),
      postLast: p.postLast && Array.from(p.postLast),
    })),
  };
}

function runBoth(net: CompiledNet, steps: Step[]) {
  const sims = [new CpuSpikingSim(net, { wasm: false }), new CpuSpikingSim(net)];
  const mon: MonitorSpec = {
    spikes: { from: 0, to: net.nEntities },
    rateBin: 100,
    traces: { neurons: [0, net.nNeurons - 1], every: 7 },
  };
  const recs = sims.map((s) => s.newRecording(mon));
  let spikes = 0;
  for (const s of steps) {
    sims.forEach((sim, q) => apply(sim, s, mon, recs[q]));
    if ('run' in s) expect(snapshot(sims[1])).toEqual(snapshot(sims[0]));
  }
  expect(Array.from(recs[1].spikeIds.view())).toEqual(Array.from(recs[0].spikeIds.view()));
  expect(Array.from(recs[1].spikeSteps.view())).toEqual(Array.from(recs[0].spikeSteps.view()));
  expect(bits(recs[1].v.view())).toEqual(bits(recs[0].v.view()));
  spikes = recs[0].spikeIds.view().length;
  return spikes;
}

describe('CpuSpikingSim with and without WebAssembly', () => {
  it('COBA, 403 neurons: identical state and raster over 3000 steps with mid-run controls', () => {
    const net = compileNetwork(cobaSpec({ N: 403, p: 80 / 403, dt: 0.1 }), 5);
    const spikes = runBoth(net, [
      { run: 1000 },
      { iext: [7, 40] },
      { silence: [11, true] },
      { silence: [322, true] },
      { run: 1000 },
      { silence: [11, false] },
      { enable: [1, false] },
      { run: 1000 },
    ]);
    expect(spikes).toBeGreaterThan(2000);
  });

  it('the test networks (STDP rules, normalisation, STP, fixed trains, Poisson) over 2500 steps', () => {
    for (const [spec, seed] of [
      [eiSpec(), 3],
      [readoutSpec(), 4],
      [pairSpec(), 5],
      [stpSpec(), 6],
    ] as const) {
      const net = compileNetwork(spec, seed);
      const spikes = runBoth(net, [
        { run: 900 },
        { rate: [net.sources.find((s) => s.kind === 'poisson')!.name, 70] },
        { iext: [1, 25] },
        { plastic: [0, false] },
        { run: 700 },
        { plastic: [0, true] },
        { enable: [net.projections.length - 1, false] },
        { run: 900 },
      ]);
      expect(spikes).toBeGreaterThan(100);
    }
  });

  it('the co-tuning network (1000 neurons, 1008 Poisson trains, recurrent): 1500 steps', () => {
    const cfg = { ...DEFAULT_COTUNING, recurrent: true, W: 2, p: 0.3 };
    const net = compileNetwork(cotuningSpec(cfg), 2);
    expect(runBoth(net, [{ run: 800 }, { silence: [5, true] }, { run: 700 }])).toBeGreaterThan(
      1000,
    );
  });

  it('a V that turns NaN, +∞ or −∞ stops both with the same BlowUpError', () => {
    for (const [v0, iext] of [
      [Infinity, 0],
      [-Infinity, 0],
      [-55, NaN],
    ]) {
      const net = compileNetwork(eiSpec(), 9);
      const msgs = [false, true].map((wasm) => {
        const sim = new CpuSpikingSim(net, { wasm });
        sim.run(50);
        sim.v[6] = v0;
        sim.Iext[6] = iext;
        sim.lastSpike[6] = NEVER; // not refractory
        try {
          sim.run(50);
        } catch (e) {
          expect(e).toBeInstanceOf(BlowUpError);
          return (e as Error).message;
        }
        return 'no error';
      });
      expect(msgs[0]).toBe('V of neuron 6 is not finite at step 50');
      expect(msgs[1]).toBe(msgs[0]);
    }
  });
});
