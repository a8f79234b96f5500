import { describe, expect, it } from 'vitest';
import {
  CounterStream,
  mulhi32,
  normalFromU32,
  philox4x32,
  u32ToUniform,
} from '../../src/engine/rng/philox';

const hex = (a: Uint32Array) => Array.from(a, (x) => x.toString(16).padStart(8, '0')).join(' ');

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
