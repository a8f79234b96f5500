// Correctly rounded float32 division and exponential for the spiking kernels, so that the
// GPU reproduces CpuSpikingSim's bits where the CPU rounds float64 results to float32:
// f(a / b) (float64 division of float32 operands, then fround: correctly rounded) and
// f(Math.exp(x)) (correctly rounded unless exp(x) lies within ~2^-52 of a float32 midpoint).
// Vulkan lets OpFDiv be off by 2.5 ulp and exp by 3 + 2|x| ulp, enough to move V across the
// threshold now and then (measured on SwiftShader: a 1000-neuron network's rasters parted
// after 133 steps with the built-ins; docs/spiking-engine.md wants the CPU's spikes).
//
// The includer defines nf(x) (a product rounded on its own, never contracted into a fused
// multiply–add: spk_common.wgsl) and exp_tab(j) = 2^(j/256) as a float-float (hi, lo).

// a + b = s + e exactly (Knuth's TwoSum).
fn two_sum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  let bb = s - a;
  return vec2<f32>(s, (a - (s - bb)) + (b - bb));
}

// a + b = s + e exactly when |a| ≥ |b| (Dekker's FastTwoSum).
fn fast_two_sum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  return vec2<f32>(s, b - (s - a));
}

// a·b = p + e exactly (Dekker's TwoProduct with Veltkamp's split into 12-bit halves; the
// partial products are exact, so only the split and p need guarding against contraction).
fn two_prod(a: f32, b: f32) -> vec2<f32> {
  let p = nf(a * b);
  let ca = nf(4097.0 * a);
  let ah = ca - (ca - a);
  let al = a - ah;
  let cb = nf(4097.0 * b);
  let bh = cb - (cb - b);
  let bl = b - bh;
  return vec2<f32>(p, (((ah * bh - p) + ah * bl) + al * bh) + al * bl);
}

// ln 2 / 256 = C1 + C2 + C3 (C1 has 8 significant bits: m·C1 is exact for |m| < 2^16).
const EXP_C1: f32 = 0x1.62p-9;
const EXP_C2: f32 = 0x1.c85fep-18;
const EXP_C3: f32 = -0x1.718432p-43;
const EXP_INV: f32 = 0x1.715476p+8; // 256 / ln 2

// exp(x) rounded to float32 as f(Math.exp(x)): x = (256n + j)·ln2/256 + r, |r| ≤ ln2/512,
// exp(x) = 2^n · 2^(j/256) · (1 + r + r²/2 + r³/6 + r⁴/24) in float-float arithmetic
// (relative error ~2^-48; the truncated series 2^-60), rounded once. Misrounds only when
// exp(x) is within ~2^-48 of a float32 midpoint (probability ~2^-23 per call).
// Subnormal results (x < −87.3) may be off by an ulp of 2^-149; they only scale V − V∞.
fn exp_rn(x: f32) -> f32 {
  if (is_nan(x)) {
    return x;
  }
  if (x < -104.0) {
    return 0.0;
  }
  if (x > 89.0) {
    return exp(x); // overflows to +∞ as f(Math.exp(x))
  }
  let m = i32(round(x * EXP_INV));
  let mf = f32(m);
  // r = x − m·ln2/256: x − m·C1 is exact (Sterbenz), then the rest in float-float
  let t1 = x - mf * EXP_C1;
  let p = two_prod(mf, EXP_C2);
  let s = two_sum(t1, -p.x);
  let r = fast_two_sum(s.x, (s.y - p.y) - nf(mf * EXP_C3));
  // q = r + r²/2 + r³/6 + r⁴/24 (r² in float-float, the last two terms < 2^-31 in float32)
  let r2 = two_prod(r.x, r.x);
  let r2lo = r2.y + 2.0 * nf(r.x * r.y);
  // nf() on c too: it is a product that the sum below would otherwise be free to fuse
  let c = nf(nf(r2.x * r.x) * (0x1.555556p-3 + nf(r.x * 0x1.555556p-5)));
  let h = fast_two_sum(r.x, 0.5 * r2.x);
  let q = fast_two_sum(h.x, ((h.y + r.y) + nf(0.5 * r2lo)) + c);
  // 2^(j/256)·(1 + q) = T + T·q
  let t = exp_tab(u32(m) & 255u);
  let tq = two_prod(t.x, q.x);
  let u = fast_two_sum(t.x, tq.x);
  let lo = ((u.y + tq.y) + nf(t.x * q.y)) + nf(t.y * q.x);
  let res = fast_two_sum(u.x, lo + t.y);
  return ldexp(res.x, m >> 8);
}

// Correctly rounded float32 division a/b for normal operands and a normal result; other
// cases (zeros, infinities, NaN, subnormals) are a / b. The quotient of the 24-bit
// significands, m = round(ma·2^23/mb) with ma in [mb, 2mb), is estimated by the built-in
// division (a few ulp off at most: Vulkan allows 2.5), then made exact with the remainder
// R = ma·2^23 − m·mb: its true value is small, so u32 arithmetic that wraps mod 2^32 gets it
// exactly; m steps until 0 ≤ R < mb, then rounds to nearest even on 2R against mb. About
// 20 operations instead of the 25-step long division (div_rn_long), which stays as the
// fallback should the estimate be further off than the steps allow (a driver's fast math).
fn div_rn(a: f32, b: f32) -> f32 {
  let ua = bitcast<u32>(a);
  let ub = bitcast<u32>(b);
  let ea = (ua >> 23u) & 0xffu;
  let eb = (ub >> 23u) & 0xffu;
  if (ea == 0u || ea == 0xffu || eb == 0u || eb == 0xffu) {
    return a / b;
  }
  var ma = (ua & 0x7fffffu) | 0x800000u;
  let mb = (ub & 0x7fffffu) | 0x800000u;
  var e = i32(ea) - i32(eb) + 127;
  if (ma < mb) {
    ma = ma << 1u;
    e = e - 1;
  }
  // ma, mb < 2^25 are exact in float32; the quotient lies in [1, 2)
  var m = u32(f32(ma) / f32(mb) * 8388608.0);
  let imb = i32(mb);
  var r = bitcast<i32>((ma << 23u) - m * mb);
  for (var i = 0u; i < 8u && r < 0; i++) {
    m = m - 1u;
    r = r + imb;
  }
  for (var i = 0u; i < 8u && r >= imb; i++) {
    m = m + 1u;
    r = r - imb;
  }
  if (r < 0 || r >= imb) {
    return div_rn_long(a, b);
  }
  if (2 * r > imb || (2 * r == imb && (m & 1u) != 0u)) {
    m = m + 1u;
  }
  if (m == 0x1000000u) {
    m = m >> 1u;
    e = e + 1;
  }
  if (e <= 0 || e >= 255) {
    return a / b;
  }
  return bitcast<f32>(((ua ^ ub) & 0x80000000u) | (u32(e) << 23u) | (m & 0x7fffffu));
}

// The same by long division of the significands: 25 quotient bits, then round to nearest
// even with the remainder as sticky bit (div_rn's fallback).
fn div_rn_long(a: f32, b: f32) -> f32 {
  let ua = bitcast<u32>(a);
  let ub = bitcast<u32>(b);
  let ea = (ua >> 23u) & 0xffu;
  let eb = (ub >> 23u) & 0xffu;
  if (ea == 0u || ea == 0xffu || eb == 0u || eb == 0xffu) {
    return a / b;
  }
  var ma = (ua & 0x7fffffu) | 0x800000u;
  let mb = (ub & 0x7fffffu) | 0x800000u;
  var e = i32(ea) - i32(eb) + 127;
  if (ma < mb) {
    ma = ma << 1u;
    e = e - 1;
  }
  var q = 0u;
  var r = ma;
  for (var i = 0u; i < 25u; i++) {
    q = q << 1u;
    if (r >= mb) {
      r = r - mb;
      q = q | 1u;
    }
    r = r << 1u;
  }
  var m = q >> 1u;
  if ((q & 1u) != 0u && (r != 0u || (m & 1u) != 0u)) {
    m = m + 1u;
  }
  if (m == 0x1000000u) {
    m = m >> 1u;
    e = e + 1;
  }
  if (e <= 0 || e >= 255) {
    return a / b;
  }
  return bitcast<f32>(((ua ^ ub) & 0x80000000u) | (u32(e) << 23u) | (m & 0x7fffffu));
}
