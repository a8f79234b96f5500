/**
 * The spiking kernels' correctly rounded float32 division and exponential
 * (shaders/lib/spk_exact.wgsl, through shaders/spk_exact_probe.wgsl) against the CPU
 * reference's f(a / b) and f(Math.exp(x)) (CpuSpikingSim's V update: V∞ = num / g_tot and
 * exp(−dt·g_tot / C)), bit for bit.
 *  - div_rn (the built-in quotient as an estimate, made exact with the remainder) and its
 *    long-division fallback div_rn_long, on random operands over a wide exponent range, on
 *    significands at the edges (1, 2 − ulp, a = b, a = b·(1 ± k ulp)), on quotients next to
 *    the largest and smallest normal, and on the V update's own operands;
 *  - exp_rn over its range [−104, 89] and densely where V's exponent lives (−dt·g_tot/C in
 *    [−20, 0]), except arguments whose exp lies within 2^-40 (relative) of a float32
 *    midpoint, where exp_rn may misround by design (its float-float result carries ~2^-48):
 *    those are counted, and must stay rare.
 * Results below the smallest normal float32 (2^-126) are the documented exception: the
 * device may flush them to zero (SwiftShader does); an exp that small only scales V − V∞.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounterStream } from '../../src/engine/rng/philox';
import { exactProbe } from '../../src/engine/spiking/webgpu/exactProbe';
import { acquireGpu, type GpuHandle } from './harness';

const f = Math.fround;
const fb = new Float32Array(1);
const ub = new Uint32Array(fb.buffer);
const bits = (x: number) => ((fb[0] = x), ub[0]);
const fromBits = (u: number) => ((ub[0] = u >>> 0), fb[0]);

let gpu: GpuHandle;
beforeAll(async () => {
  gpu = await acquireGpu();
});
afterAll(() => gpu?.backend.dispose());

/** A float32 with this sign, significand bits (23) and unbiased exponent. */
const mk = (sign: number, mant: number, e: number) =>
  fromBits(((sign & 1) << 31) | ((e + 127) << 23) | (mant & 0x7fffff));

function divisionOperands(): { a: number[]; b: number[] } {
  const rng = new CounterStream(20261204, 5);
  const a: number[] = [];
  const b: number[] = [];
  const push = (x: number, y: number) => {
    a.push(f(x));
    b.push(f(y));
  };
  // random signs, significands and exponents (quotients normal)
  for (let i = 0; i < 60_000; i++) {
    const ea = (rng.nextU32() % 120) - 60;
    const eb = (rng.nextU32() % 120) - 60;
    push(mk(rng.nextU32(), rng.nextU32(), ea), mk(rng.nextU32(), rng.nextU32(), eb));
  }
  // significands at the edges, a = b, a = b·(1 ± k ulp)
  const edges = [0, 1, 2, 3, 0x7fffff, 0x7ffffe, 0x400000, 0x3fffff, 0x555555, 0x2aaaab];
  for (const ma of edges)
    for (const mb of edges)
      for (const [ea, eb] of [
        [0, 0],
        [3, -2],
        [-7, 5],
      ])
        push(mk(0, ma, ea), mk(0, mb, eb));
  for (let i = 0; i < 4000; i++) {
    const y = mk(0, rng.nextU32(), (rng.nextU32() % 40) - 20);
    const k = (rng.nextU32() % 9) - 4;
    push(fromBits(bits(y) + k), y);
    push(y, fromBits(bits(y) + k));
  }
  // quotients next to the largest and the smallest normal
  for (let i = 0; i < 2000; i++) {
    const m1 = rng.nextU32();
    const m2 = rng.nextU32();
    push(mk(0, m1, 127), mk(0, m2, 0));
    push(mk(1, m1, 60), mk(0, m2, -67));
    push(mk(0, m1, -63), mk(0, m2, 63));
    push(mk(0, m1, -126), mk(0, m2, 0));
  }
  // the V update: num = g_L·E_L + g_E·E_E + g_I·E_I + I (nS·mV + pA), g_tot = g_L + g_E + g_I
  for (let i = 0; i < 30_000; i++) {
    const gL = 10;
    const ge = f(rng.nextU32() / 2 ** 32) * 80;
    const gi = f(rng.nextU32() / 2 ** 32) * 300;
    const I = f(rng.nextU32() / 2 ** 32) * 400;
    push(f(f(f(gL * -60) + f(ge * 0)) + f(f(gi * -80) + I)), f(f(gL + ge) + gi));
  }
  return { a, b };
}

function expArguments(n: number): number[] {
  const rng = new CounterStream(20261204, 6);
  const x: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = rng.nextU32() / 2 ** 32;
    const r = i % 4;
    if (r === 0)
      x.push(f(-104 + 193 * u)); // the whole range
    else if (r === 1)
      x.push(f(-20 * u)); // −dt·g_tot/C
    else if (r === 2)
      x.push(f(-0.05 * u)); // small conductances
    else x.push(f((Math.round(u * 2e4 - 1e4) * Math.LN2) / 256)); // table points
  }
  x.push(0, -0, f(1e-8), f(-1e-8), f(-103.9), f(88.7), f(-87.4));
  return x;
}

/** Is f(y) a nonzero float32 below the smallest normal? */
const isSubnormal = (y: number) => f(y) !== 0 && Math.abs(f(y)) < 2 ** -126;

/** Is exp(x) within 2^-40 (relative) of a float32 midpoint? (exp_rn may misround there) */
function nearMidpoint(y: number): boolean {
  const r = f(y);
  if (r === 0 || !Number.isFinite(r)) return false;
  const up = fromBits(bits(r) + 1);
  const down = fromBits(bits(r) - 1);
  const mid = y >= r ? (r + up) / 2 : (r + down) / 2;
  return Math.abs(y - mid) <= y * 2 ** -40;
}

describe('correctly rounded division and exp (spk_exact.wgsl)', () => {
  it('div_rn and div_rn_long give f(a / b) bit for bit', async () => {
    const { a, b } = divisionOperands();
    const x = new Float32Array(a.length);
    const r = await exactProbe(gpu.backend, Float32Array.from(a), Float32Array.from(b), x);
    let bad = 0;
    let badLong = 0;
    let subnormal = 0;
    const examples: string[] = [];
    for (let i = 0; i < a.length; i++) {
      const want = bits(f(a[i] / b[i]));
      if (isSubnormal(a[i] / b[i])) {
        // the documented fallback a / b: the device's division, which may flush to zero
        subnormal++;
        for (const got of [r.div[i], r.divLong[i]]) if (got !== 0 && bits(got) !== want) bad++;
        continue;
      }
      if (bits(r.div[i]) !== want) {
        bad++;
        if (examples.length < 5)
          examples.push(`${a[i]} / ${b[i]}: ${r.div[i]} (want ${fromBits(want)})`);
      }
      if (bits(r.divLong[i]) !== want) badLong++;
    }
    expect(subnormal).toBeGreaterThan(1000); // the edge probes reached the fallback
    expect({ probes: a.length, bad, badLong, examples }).toEqual({
      probes: a.length,
      bad: 0,
      badLong: 0,
      examples: [],
    });
    expect(gpu.errors).toEqual([]);
  });

  it('exp_rn gives f(Math.exp(x)) bit for bit away from float32 midpoints', async () => {
    const xs = expArguments(80_000);
    const n = xs.length;
    const one = new Float32Array(n).fill(1);
    const r = await exactProbe(gpu.backend, one, one, Float32Array.from(xs));
    let bad = 0;
    let excluded = 0;
    const examples: string[] = [];
    for (let i = 0; i < n; i++) {
      const y = Math.exp(xs[i]);
      if (nearMidpoint(y)) {
        excluded++;
        continue;
      }
      if (isSubnormal(y)) {
        // x < −87.3: exp_rn's ldexp may flush to zero (SwiftShader does); such a factor
        // only scales V − V∞ (≤ 2^-126 of it), which then rounds away in V
        if (r.exp[i] !== 0 && bits(r.exp[i]) !== bits(f(y))) bad++;
        continue;
      }
      if (bits(r.exp[i]) !== bits(f(y))) {
        bad++;
        if (examples.length < 5) examples.push(`exp(${xs[i]}): ${r.exp[i]} (want ${f(y)})`);
      }
    }
    expect({ bad, examples }).toEqual({ bad: 0, examples: [] });
    // 2^-40 of a midpoint: expected ~2^-15 of the probes, i.e. a handful at most
    expect(excluded).toBeLessThan(20);
    expect(gpu.errors).toEqual([]);
  });
});
