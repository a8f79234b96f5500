// Shared declarations of the assemblies-lab kernels (shaders/asm_*.wgsl): the E/I assemblies
// network of Mackwood, Naumann & Sprekeler 2021 (eLife 10:e59715). The CPU reference these
// kernels are tested against is src/labs/assemblies/cpuEngine.ts; the host side is
// src/engine/webgpu/asm/asmEngine.ts (which writes AsmParams: word offsets in asm/layout.ts).
//
// Data layouts (row-major float32 unless said otherwise; B = stimuli in the batch,
// N = nE + nI units, Q = nE·nI plastic synapses per pathway):
//   h, z      [B × N]   activations of the steady-state solve / adjoint vectors, E units first
//   wct       [N × N]   signed combined weights, pre-major: wct[pre·N + post] (combinedWT)
//   aff       [nS × nE] afferent drive (background included)
//   stat      [B × 4] u32 per row: mark (detection step + 2; 1 = excluded; 0 = running),
//                       steps / iterations (i32), converged (0/1), aux (stimulus index for the
//                       forward solve, f32 bits of the residual threshold for the adjoint)
//   conv      [3 × B × 2] u32: per-step max |Δh| of the unclipped E and I units (f32 bit
//                       patterns: for non-negative floats the u32 order is the float order, so
//                       atomicMax on the bits is a float max); a triple buffer by step % 3
//   act       [E | RE | RI]   e = h_E − ρ0 of the used rows (0 elsewhere) [B × nE], r_E [B × nE],
//                             r_I [B × nI]
//   act2      [FP | LAM | MU] (W_IE e)∘σ(h_I) [B × nI] (eq 8b), λ = z_E [B × nE], μ = −z_I [B × nI]
//                             (eqs 15a/b)
//   pst       [W | V | M | S | MASK] one plastic pathway, Q floats each: weights, softplus
//                             parameters, Adam moments, connectivity mask (0/1)
//   grads     [gEI | gIE | aEI | aIE] batch sums of the update (g) and, for the angles (eq 7),
//                             of the other rule (a), without the σ(αV) factor (applied later)
//   stats     u32 words STAT_* below
//
// Contract: every kernel that includes this file declares
//   @group(0) @binding(0) var<uniform> P: AsmParams;
// (every dispatch gets its own 256-byte-aligned copy through a dynamic offset, so one command
// buffer can carry many steps with different step indices).

struct AsmParams {
  // 0–3
  batch: u32,
  n_e: u32,
  n_i: u32,
  n: u32,
  // 4–7: this dispatch's step (iteration) index t, the cap (maxSteps / adjointMaxIter), leak
  // mode (1: −h as eq 1; 0: −r as the reference code) and the perturbed E cell (none: ~0u)
  step: u32,
  limit: u32,
  leak_h: u32,
  perturb_cell: u32,
  // 8–11: dt/τ per population and the convergence thresholds dt/τ·maxDr (rounded up to the
  // next float32 so that `g < thr` decides exactly as the CPU's float64 comparison)
  k_e: f32,
  k_i: f32,
  thr_e: f32,
  thr_i: f32,
  // 12–15
  r_max: f32,
  bg_i: f32,
  perturb_delta: f32,
  rho0: f32,
  // 16–27: the generic product C = op(A)·op(B) (asm_gemm.wgsl), all in elements
  gm: u32,
  gn: u32,
  gk: u32,
  lda: u32,
  ldb: u32,
  ldc: u32,
  off_a: u32,
  off_b: u32,
  off_c: u32,
  aux_ld: u32,
  aux_off: u32,
  rule: u32, // 0 local, 1 gradient
  // 28–31
  tol: f32,
  want_grad: u32,
  count: u32, // Q = nE·nI
  off_g: u32,
  // 32–43: the update (applyUpdate in cpuEngine.ts)
  lr: f32,
  decay: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  c1: f32,
  c2: f32,
  alpha: f32,
  w_max: f32,
  total: f32,
  alpha_ei: f32,
  alpha_ie: f32,
}

// sections of a pst buffer (multiply by Q = P.count)
const PST_W: u32 = 0u;
const PST_V: u32 = 1u;
const PST_M: u32 = 2u;
const PST_S: u32 = 3u;
const PST_MASK: u32 = 4u;

// words of the stats buffer
const STAT_CONVERGED: u32 = 0u;
const STAT_USED: u32 = 1u;
const STAT_STEPS_SUM: u32 = 2u;
const STAT_STEPS_MAX: u32 = 3u;
const STAT_ADJ_FAILED: u32 = 4u;
const STAT_LOSS: u32 = 5u; // f32 bits
const STAT_DOTS: u32 = 6u; // 6 × f32 bits: EI (g·a, g·g, a·a), IE (g·a, g·g, a·a)

// sections of act and act2
fn sec_e() -> u32 {
  return 0u;
}
fn sec_re() -> u32 {
  return P.batch * P.n_e;
}
fn sec_ri() -> u32 {
  return 2u * P.batch * P.n_e;
}
fn sec_fp() -> u32 {
  return 0u;
}
fn sec_lam() -> u32 {
  return P.batch * P.n_i;
}
fn sec_mu() -> u32 {
  return P.batch * (P.n_i + P.n_e);
}

// r = clip(h, 0, r_max) with comparisons, as the CPU (`h < 0 ? 0 : h > rMax ? rMax : h`)
fn asm_rate(h: f32) -> f32 {
  if (h < 0.0) {
    return 0.0;
  }
  if (h > P.r_max) {
    return P.r_max;
  }
  return h;
}

// logistic σ(x); the argument is clamped so that exp never overflows (σ(−80) ≈ 2e-35)
fn asm_sigmoid(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-clamp(x, -80.0, 80.0)));
}

// ln(1 + u) for u ≥ 0 accurate to a few ulps also for small u: WGSL has no log1p and GPU log
// is only accurate to an absolute 2^-21 near 1, so below u = 1 it is 2·atanh(u/(2+u)) by its
// series (s ≤ 1/3: the terms up to s^17 leave < 2e-10 relative).
fn asm_log1p(u: f32) -> f32 {
  if (u > 1.0) {
    return log(1.0 + u);
  }
  let s = u / (2.0 + u);
  let s2 = s * s;
  var p = 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  p = p * s2 + 1.0;
  return 2.0 * s * p;
}

// the softplus reparameterisation W = ln(1 + e^{αV})/α capped at w_max (Appendix 1;
// `softplus` in network.ts, including its x > 30 branch W = V)
fn asm_softplus(v: f32, alpha: f32, w_max: f32) -> f32 {
  let x = alpha * v;
  var w = v;
  if (!(x > 30.0)) {
    w = asm_log1p(exp(x)) / alpha;
  }
  if (w < w_max) {
    return w;
  }
  return w_max;
}

// workgroup index of a (possibly 2-D) dispatch of one-dimensional work, x fastest
fn asm_flat(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.y * nwg.x + wid.x;
}
