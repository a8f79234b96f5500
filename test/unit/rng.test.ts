import { describe, expect, it } from 'vitest';
import {
  CounterStream,
  mulhi32,
  normalFromU32,
  philox4x32,
  u32ToUniform,
} from '../../src/engine/rng/philox';
import { philoxWasm } from '../../src/engine/rng/philoxWasm';

const hex = (a: Uint32Array) =>
  Array.from(a, (x: number) => x.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10', () => {
  it('matches the Random123 known-answer vectors', () => {
    const o = new Uint32Array(4);
    expect(hex(philox4x32(0, 0, 0, 0, 0, 0, o))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    expect(hex(philox4x32(~0, ~0, ~0, ~0, ~0, ~0, o))).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
    expect(
      hex(philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, o)),
    ).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
  });

  it('mulhi32 equals the BigInt product', () => {
    const s = new CounterStream(7, 9);
    for (let i = 0; i < 2000; i++) {
      const a = s.nextU32();
      const b = s.nextU32();
      expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
    }
  });

  it('uniforms stay strictly inside (0, 1), also at the extreme words', () => {
    for (const x of [0, 1, 511, 512, 0x7fffffff, 0xfffffe00, 0xffffffff]) {
      const u = u32ToUniform(x);
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThan(1);
    }
  });

  it('normals have mean 0, variance 1 and normal tails (n = 200 000)', () => {
    const s = new CounterStream(123, 1);
    const n = 200_000;
    let m = 0;
    let v = 0;
    let beyond2 = 0;
    for (let i = 0; i < n; i++) {
      const z = s.normal();
      m += z;
      v += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    m /= n;
    v = v / n - m * m;
    expect(Math.abs(m)).toBeLessThan(0.01); // s.e. 0.0022
    expect(Math.abs(v - 1)).toBeLessThan(0.015); // s.e. 0.0032
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.003); // P(|z|>2) = 0.0455
  });

  it('the inverse CDF is monotone and odd', () => {
    let prev = -Infinity;
    for (let k = 0; k < 1 << 23; k += 4099) {
      const z = normalFromU32(k << 9);
      expect(z).toBeGreaterThanOrEqual(prev);
      prev = z;
      expect(normalFromU32((((1 << 23) - 1 - k) << 9) >>> 0)).toBeCloseTo(-z, 5);
    }
  });

  it('the same seed gives the same stream; another seed another', () => {
    const a = new CounterStream(42, 1);
    const b = new CounterStream(42, 1);
    const c = new CounterStream(43, 1);
    const xa = Array.from({ length: 10 }, () => a.nextU32());
    expect(Array.from({ length: 10 }, () => b.nextU32())).toEqual(xa);
    expect(Array.from({ length: 10 }, () => c.nextU32())).not.toEqual(xa);
  });
});

describe('Philox4x32-10 in WebAssembly (CPU backend under Node)', () => {
  it('is available under Node and gives the same words as the TypeScript Philox, carries included', () => {
    const w = philoxWasm();
    expect(w).not.toBeNull();
    const c0 = 0xffffff00;
    const words = Array.from(w!.fill(600, c0, 7, 3, 9, 0xa4093822, 0x299f31d0));
    const o = new Uint32Array(4);
    for (let i = 0; i < 600; i++) {
      const lo = (c0 + i) >>> 0;
      philox4x32(lo, 7 + (lo < c0 ? 1 : 0), 3, 9, 0xa4093822, 0x299f31d0, o);
      expect(words.slice(4 * i, 4 * i + 4)).toEqual(Array.from(o));
    }
    expect(
      Array.from(
        w!.fill(1, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0),
        (x: number) => x.toString(16),
      ),
    ).toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  it('grows its memory for large requests', () => {
    const w = philoxWasm()!;
    const big = w.fill(20000, 0, 0, 0, 0, 1, 2); // 320 kB > one 64 kB page
    const o = new Uint32Array(4);
    philox4x32(19999, 0, 0, 0, 1, 2, o);
    expect(Array.from(big.slice(4 * 19999))).toEqual(Array.from(o));
  });
});
