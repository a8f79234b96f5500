/**
 * RNG parity: the WGSL Philox4x32-10 (shaders/lib/philox.wgsl, through shaders/rng_probe.wgsl)
 * against src/engine/rng/philox.ts. Integer words and uniforms must agree bit for bit; the
 * normals agree to a tolerance (the GPU evaluates AS241 in float32 with its own log/sqrt and
 * division, the CPU in float64 rounded once). Measured on SwiftShader (Dawn): max |Δz| =
 * 9.5e-7 over 1.6·10⁶ normals (|z| up to 5.3), relative ≤ 3.4e-7 for |z| > 0.1. Asserted:
 * |Δz| ≤ 4e-6 + 4e-6·|z| (room for GPUs whose log/sqrt are less accurate than SwiftShader's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CounterStream,
  normalFromU32,
  philox4x32,
  seedKey,
  STREAM,
  u32ToUniform,
} from '../../src/engine/rng/philox';
import { rngProbe } from '../../src/engine/webgpu/rngProbe';
import { acquireGpu, type GpuHandle } from './harness';

const NORMAL_ATOL = 4e-6;
const NORMAL_RTOL = 4e-6;

let gpu: GpuHandle;
beforeAll(async () => {
  gpu = await acquireGpu();
});
afterAll(() => gpu?.backend.dispose());

/** Counters: random words, the noise layout at 64-bit step counts, kick counters, extremes. */
function counters(seed: number, n: number): Uint32Array {
  const rng = new CounterStream(seed, 77);
  const out = new Uint32Array(4 * n);
  let k = 0;
  const push = (a: number, b: number, c: number, d: number) => {
    if (k < n) out.set([a >>> 0, b >>> 0, c >>> 0, d >>> 0], 4 * k++);
  };
  push(0, 0, 0, 0);
  push(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff);
  push(1, 0, 0, 0);
  push(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344);
  // extreme words of the normal's tails: u32ToUniform gives 2^-24 and 1 − 2^-24
  push(0, 511, 0xffffffff, 0xfffffe00);
  push(512, 0x7fffffff, 0x80000000, 0x80000200);
  // noise counters [g>>1 lo, g>>1 hi, u>>1, b] around 2^32 and 2^40 steps
  for (const g of [2 ** 32 - 3, 2 ** 32, 2 ** 33 + 5, 2 ** 40 + 1, 2 ** 52 + 2]) {
    const half = Math.floor(g / 2);
    for (let pair = 0; pair < 4; pair++)
      push(half >>> 0, Math.floor(half / 2 ** 32), pair, 1024 + pair);
  }
  // kick counters [g lo, g hi, 0xffffffff, b]
  for (let i = 0; i < 64; i++) {
    const g = 2 ** 32 - 32 + i;
    push(g >>> 0, Math.floor(g / 2 ** 32), 0xffffffff, i);
  }
  while (k < n)
    push(
      rng.nextU32(),
      rng.nextU32() & (k % 3 === 0 ? 0xff : 0xffffffff),
      rng.nextU32(),
      rng.nextU32(),
    );
  return out;
}

describe('Philox4x32-10: WGSL vs TypeScript', () => {
  const keys: [string, [number, number]][] = [
    ['zero key', [0, 0]],
    ['ones key', [0xffffffff, 0xffffffff]],
    ['noise, seed 1', seedKey(1, STREAM.noise)],
    ['noise, seed 2^32+7', seedKey(2 ** 32 + 7, STREAM.noise)],
    ['kicks, seed 2^53−1', seedKey(2 ** 53 - 1, STREAM.poissonKick)],
  ];
  const stats = { n: 0, maxAbs: 0, maxRel: 0, maxZ: 0 };

  for (const [name, key] of keys) {
    it(`words and uniforms are bit-identical, normals within tolerance (${name})`, async () => {
      const n = 40_000;
      const ctr = counters(key[0] ^ key[1], n);
      const g = await rngProbe(gpu.backend, ctr, key);
      expect(gpu.errors).toEqual([]);
      const o = new Uint32Array(4);
      let wordMismatch = -1;
      let uniMismatch = -1;
      let worst = 0;
      let worstAt = -1;
      const check = (gz: number, x: number, i: number) => {
        const cz = normalFromU32(x);
        const d = Math.abs(gz - cz);
        stats.n++;
        stats.maxAbs = Math.max(stats.maxAbs, d);
        stats.maxZ = Math.max(stats.maxZ, Math.abs(cz));
        if (Math.abs(cz) > 0.1) stats.maxRel = Math.max(stats.maxRel, d / Math.abs(cz));
        const w = d / (NORMAL_ATOL + NORMAL_RTOL * Math.abs(cz));
        if (!(w <= worst)) {
          worst = w;
          worstAt = i;
        }
      };
      for (let k = 0; k < n; k++) {
        philox4x32(ctr[4 * k], ctr[4 * k + 1], ctr[4 * k + 2], ctr[4 * k + 3], key[0], key[1], o);
        for (let w = 0; w < 4; w++) {
          if (g.words[4 * k + w] !== o[w] && wordMismatch < 0) wordMismatch = k;
          check(g.normals[4 * k + w], o[w], 4 * k + w);
          check(g.counterNormals[4 * k + w], ctr[4 * k + w], 4 * k + w);
        }
        if (g.uniforms[k] !== u32ToUniform(o[0]) && uniMismatch < 0) uniMismatch = k;
      }
      expect(wordMismatch, 'first counter whose Philox words differ').toBe(-1);
      expect(uniMismatch, 'first counter whose uniform differs').toBe(-1);
      expect(
        worst,
        `normals: worst |Δz|/(${NORMAL_ATOL} + ${NORMAL_RTOL}|z|) at ${worstAt}`,
      ).toBeLessThanOrEqual(1);
    });
  }

  it('reports the measured normal differences', () => {
    console.log(
      `RNG parity: ${stats.n} normals, max |Δz| ${stats.maxAbs.toExponential(2)}, max rel (|z|>0.1) ${stats.maxRel.toExponential(2)}, max |z| ${stats.maxZ.toFixed(2)}`,
    );
    expect(stats.n).toBeGreaterThan(1e6);
    expect(stats.maxZ).toBeGreaterThan(5); // the far tail was exercised
  });

  it('kick decisions (uniform < probability) agree for every probed step', async () => {
    const key = seedKey(11, STREAM.poissonKick);
    const n = 20_000;
    const ctr = new Uint32Array(4 * n);
    for (let i = 0; i < n; i++) {
      const g = 2 ** 32 - n / 2 + i; // crosses the 32-bit boundary of the step counter
      ctr.set([g >>> 0, Math.floor(g / 2 ** 32), 0xffffffff, i % 37], 4 * i);
    }
    const g = await rngProbe(gpu.backend, ctr, key);
    const o = new Uint32Array(4);
    const prob = Math.fround(50 * 0.1 * 1e-3);
    let kicks = 0;
    for (let i = 0; i < n; i++) {
      philox4x32(ctr[4 * i], ctr[4 * i + 1], ctr[4 * i + 2], ctr[4 * i + 3], key[0], key[1], o);
      const cpuKick = u32ToUniform(o[0]) < prob;
      expect(g.uniforms[i] < prob).toBe(cpuKick);
      if (cpuKick) kicks++;
    }
    expect(kicks).toBeGreaterThan(50); // ~100 expected
  });
});
