/**
 * Philox4x32-10 counter-based RNG (Salmon et al. 2011, "Parallel random numbers: as easy as
 * 1, 2, 3"), written to match `shaders/lib/philox.wgsl` bit for bit.
 *
 * A counter-based generator turns (key, counter) into four 32-bit words with no hidden state,
 * so the CPU and the GPU backends produce the same stream from the same seed regardless of
 * the order in which threads run. EI Lab's counter layout (see `noiseCounter`):
 *   ctr = [step_lo, step_hi, unit_quad, network] , key = [seed_lo, seed_hi ^ stream]
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32 (exact, via 16-bit limbs). */
export function mulhi32(a: number, b: number): number {
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const ll = aL * bL;
  const lh = aL * bH;
  const hl = aH * bL;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aH * bH + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * Philox4x32-10 of counter (c0..c3) under key (k0, k1). Writes four uint32 into `out`
 * (reused to avoid allocation in hot loops) and returns it.
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): Uint32Array {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi32(M0, x0);
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulhi32(M1, x2);
    const lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
  return out;
}

/** Split a non-negative integer seed (< 2^53) into the two key words. */
export function seedKey(seed: number, stream: number): [number, number] {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return [lo, (hi ^ Math.imul(stream >>> 0, 0x9e3779b9)) >>> 0];
}

/** Streams: distinct key words so that noise, kicks and initial weights never share draws. */
export const STREAM = {
  noise: 1,
  poissonKick: 2,
  initWeights: 3,
  multiStart: 4,
  sampling: 5,
  // spiking engine (src/model/spiking/build.ts, src/engine/spiking)
  spikeConn: 16,
  spikeWeights: 17,
  spikeInit: 18,
  spikePoisson: 19,
} as const;

const TWO_NEG_23 = Math.fround(1 / 8388608);
const f = Math.fround;

/**
 * uint32 → float32 uniform in (0, 1): the top 23 bits plus half an ulp, exact in float32,
 * so 0 and 1 never occur (p ∈ [2⁻²⁴, 1 − 2⁻²⁴]).
 */
export function u32ToUniform(x: number): number {
  return f(((x >>> 9) + 0.5) * TWO_NEG_23);
}

// Wichura 1988, Algorithm AS 241 (PPND7): inverse normal CDF, relative accuracy ~1e-7,
// which is float32's. Chosen over Box–Muller because 85% of draws need no transcendental
// function (Box–Muller's log/cos/sin dominated the CPU backend's step time).
const A0 = 3.3871327179,
  A1 = 50.434271938,
  A2 = 159.29113202,
  A3 = 59.10937472;
const B1 = 17.895169469,
  B2 = 78.757757664,
  B3 = 67.1875636;
const C0 = 1.4234372777,
  C1 = 2.75681539,
  C2 = 1.3067284816,
  C3 = 0.17023821103;
const D1 = 0.7370016425,
  D2 = 0.12021132975;
const E0 = 6.657905115,
  E1 = 3.081226386,
  E2 = 0.42868294337,
  E3 = 0.017337203997;
const F1 = 0.24197894225,
  F2 = 0.012258202635;

/**
 * uint32 → standard normal, rounded to float32. The CPU evaluates AS241 in float64 (faster
 * in V8 than rounding every operation, and more accurate); the WGSL twin
 * (shaders/lib/philox.wgsl, normal_from_u32) evaluates the same formula in float32. Both are
 * within ~1e-6 of the exact quantile, so CPU and GPU normals agree to a stated tolerance
 * while the Philox words agree exactly.
 */
export function normalFromU32(x: number): number {
  const p = ((x >>> 9) + 0.5) * 1.1920928955078125e-7;
  const q = p - 0.5;
  if (q <= 0.425 && q >= -0.425) {
    const r = 0.180625 - q * q;
    return f((q * (((A3 * r + A2) * r + A1) * r + A0)) / (((B3 * r + B2) * r + B1) * r + 1));
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let z: number;
  if (r <= 5) {
    r -= 1.6;
    z = (((C3 * r + C2) * r + C1) * r + C0) / ((D2 * r + D1) * r + 1);
  } else {
    r -= 5;
    z = (((E3 * r + E2) * r + E1) * r + E0) / ((F2 * r + F1) * r + 1);
  }
  return f(q < 0 ? -z : z);
}

/**
 * Small convenience generator over the counter RNG for set-up work (initial weights,
 * multi-start boxes): draw i of a stream is philox(ctr=[i>>2.., 0, tag, 0]).
 */
export class CounterStream {
  private readonly k0: number;
  private readonly k1: number;
  private readonly buf = new Uint32Array(4);
  private block = 0;
  private idx = 4;

  constructor(
    seed: number,
    stream: number,
    private readonly tag = 0,
  ) {
    [this.k0, this.k1] = seedKey(seed, stream);
  }

  nextU32(): number {
    if (this.idx >= 4) {
      philox4x32(
        this.block >>> 0,
        Math.floor(this.block / 4294967296),
        this.tag,
        0,
        this.k0,
        this.k1,
        this.buf,
      );
      this.block++;
      this.idx = 0;
    }
    return this.buf[this.idx++];
  }

  /** Uniform in (0, 1). */
  uniform(): number {
    return u32ToUniform(this.nextU32());
  }

  /** Standard normal (float32). */
  normal(): number {
    return normalFromU32(this.nextU32());
  }
}
