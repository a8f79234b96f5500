// Philox4x32-10 (Salmon et al. 2011), the WGSL twin of src/engine/rng/philox.ts: the same
// integer arithmetic, so the words agree bit for bit with the CPU backend; the normals go
// through the same float32 expression (log/sqrt and fused multiply–adds may differ by ulps).
//
// Counter layouts (see src/engine/cpu/rateKernels.ts):
//   noise : ctr = [g>>1 (lo), g>>1 (hi), u>>1, b], word 2·(g&1) + (u&1) → unit u, step g
//   kicks : ctr = [g (lo), g (hi), 0xffffffff, b], word 0 → uniform < kick probability

const PHILOX_M0: u32 = 0xd2511f53u;
const PHILOX_M1: u32 = 0xcd9e8d57u;
const PHILOX_W0: u32 = 0x9e3779b9u;
const PHILOX_W1: u32 = 0xbb67ae85u;

// High 32 bits of the 64-bit product a·b via 16-bit limbs: every partial product and sum
// fits in u32 (WGSL has no 64-bit integers and no mulhi builtin).
fn mulhi32(a: u32, b: u32) -> u32 {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let ll = a_lo * b_lo;
  let lh = a_lo * b_hi;
  let hl = a_hi * b_lo;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return a_hi * b_hi + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
}

fn philox4x32(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var x = ctr;
  var k = key;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = mulhi32(PHILOX_M0, x.x);
    let lo0 = PHILOX_M0 * x.x; // u32 multiplication wraps: the low word
    let hi1 = mulhi32(PHILOX_M1, x.z);
    let lo1 = PHILOX_M1 * x.z;
    x = vec4<u32>(hi1 ^ x.y ^ k.x, lo1, hi0 ^ x.w ^ k.y, lo0);
    k = k + vec2<u32>(PHILOX_W0, PHILOX_W1);
  }
  return x;
}

// u32 → uniform in (0, 1): top 23 bits plus half an ulp; every operation is exact in f32.
fn u32_to_uniform(x: u32) -> f32 {
  return (f32(x >> 9u) + 0.5) * 0x1p-23f;
}

// Wichura 1988, AS 241 (PPND7) coefficients, rounded to f32 exactly as Math.fround does in
// philox.ts (hex literals, so no compiler rounding is involved; decimal values alongside).
const PPND_A0: f32 = 0x1.b18d90p1f; // 3.3871327179
const PPND_A1: f32 = 0x1.937964p5f; // 50.434271938
const PPND_A2: f32 = 0x1.3e9510p7f; // 159.29113202
const PPND_A3: f32 = 0x1.d8e000p5f; // 59.10937472
const PPND_B1: f32 = 0x1.1e529ep4f; // 17.895169469
const PPND_B2: f32 = 0x1.3b07f2p6f; // 78.757757664
const PPND_B3: f32 = 0x1.0cc010p6f; // 67.1875636
const PPND_C0: f32 = 0x1.6c6662p0f; // 1.4234372777
const PPND_C1: f32 = 0x1.60df54p1f; // 2.75681539
const PPND_C2: f32 = 0x1.4e85c2p0f; // 1.3067284816
const PPND_C3: f32 = 0x1.5ca5dap-3f; // 0.17023821103
const PPND_D1: f32 = 0x1.795848p-1f; // 0.7370016425
const PPND_D2: f32 = 0x1.ec62b8p-4f; // 0.12021132975
const PPND_E0: f32 = 0x1.aa1b1ep2f; // 6.657905115
const PPND_E1: f32 = 0x1.8a65a0p1f; // 3.081226386
const PPND_E2: f32 = 0x1.b6f8aap-2f; // 0.42868294337
const PPND_E3: f32 = 0x1.1c0d82p-6f; // 0.017337203997
const PPND_F1: f32 = 0x1.ef92a8p-3f; // 0.24197894225
const PPND_F2: f32 = 0x1.91ad42p-7f; // 0.012258202635
const PPND_SPLIT1: f32 = 0x1.b33334p-2f; // 0.425
const PPND_SPLIT2: f32 = 5.0;
const PPND_CONST1: f32 = 0x1.71eb86p-3f; // 0.180625
const PPND_CONST2: f32 = 0x1.99999ap0f; // 1.6

// u32 → standard normal by the inverse CDF (normalFromU32 in philox.ts): the central branch
// (|q| ≤ 0.425, 85% of draws) needs no transcendental function.
fn normal_from_u32(x: u32) -> f32 {
  let p = u32_to_uniform(x);
  let q = p - 0.5;
  if (abs(q) <= PPND_SPLIT1) {
    let r = PPND_CONST1 - q * q;
    let num = ((((PPND_A3 * r) + PPND_A2) * r + PPND_A1) * r) + PPND_A0;
    let den = ((((PPND_B3 * r) + PPND_B2) * r + PPND_B1) * r) + 1.0;
    return (q * num) / den;
  }
  var r = select(1.0 - p, p, q < 0.0);
  r = sqrt(-log(r));
  var z: f32;
  if (r <= PPND_SPLIT2) {
    r = r - PPND_CONST2;
    z = (((((PPND_C3 * r) + PPND_C2) * r + PPND_C1) * r) + PPND_C0) / (((PPND_D2 * r) + PPND_D1) * r + 1.0);
  } else {
    r = r - PPND_SPLIT2;
    z = (((((PPND_E3 * r) + PPND_E2) * r + PPND_E1) * r) + PPND_E0) / (((PPND_F2 * r) + PPND_F1) * r + 1.0);
  }
  return select(z, -z, q < 0.0);
}

// Standard normals of a noise block: the four words of ctr = [g>>1, u>>1, b] serve units
// (u & ~1, u | 1) at steps (g & ~1, g | 1): .xy for the even step, .zw for the odd one.
fn noise_block(g: vec2<u32>, pair: u32, b: u32, key: vec2<u32>) -> vec4<f32> {
  let half_lo = (g.x >> 1u) | (g.y << 31u);
  let half_hi = g.y >> 1u;
  let w = philox4x32(vec4<u32>(half_lo, half_hi, pair, b), key);
  return vec4<f32>(normal_from_u32(w.x), normal_from_u32(w.y), normal_from_u32(w.z), normal_from_u32(w.w));
}

// Poisson kick trial (online mode, Fig S4): does a kick start at global step g in network b?
fn kick_starts(g: vec2<u32>, b: u32, key: vec2<u32>, prob: f32) -> bool {
  let w = philox4x32(vec4<u32>(g.x, g.y, 0xffffffffu, b), key);
  return u32_to_uniform(w.x) < prob;
}
