// Shared declarations and step functions of the spiking kernels (shaders/spk_*.wgsl), the
// WGSL twin of CpuSpikingSim (src/engine/spiking/cpu/cpuSim.ts). The contract is
// docs/spiking-engine.md; the buffer layout is written by src/engine/spiking/webgpu/layout.ts
// (packBatch), whose H / NETF / PF / MC tables the constants below mirror.
//
// Bit-for-bit parity with the CPU:
//  * every float32 constant that the CPU computes from float64 parameters (η·A, 1 − η_N,
//    dt/C, exp(−dt/τ) …) is computed on the host and read here;
//  * trace and STP decays exp(−n·dt/τ) come from float32 tables the host filled with the
//    CPU's own decay() (lookup_decay);
//  * each product that feeds an addition goes through nf(), an OR with a uniform zero the
//    compiler cannot see through, so no driver may contract a·b + c into a fused
//    multiply–add (SPIR-V allows contraction; the CPU rounds the product first);
//  * the divisions (V∞ = num/g_tot; the normalisations' T·η_N/Σw and (Σw − T)/n) are
//    div_rn() and V's exp(−dt·g_tot/C) is exp_rn(), correctly rounded (spk_exact.wgsl) as
//    the CPU's float64 results rounded to float32 are — Vulkan's built-ins may be ulps off;
//  * conductance jumps go to per-entity i32 accumulators with integer atomicAdd
//    (docs: Delivery in fixed point), so the order of delivery does not matter;
//  * Σw for the competitive normalisation is summed by one thread in the CPU's order.
//
// Every kernel including this file gets the same bind group: P (dynamic uniform slot), cst,
// syn (read-only), sw, st, atm, mon; the kernels that find spikes (spk_update, spk_sources,
// spk_fused) also ind, the indirect dispatch sizes of spk_pre / spk_post (a buffer may not
// be both indirect and writable storage in one dispatch, so the kernels that are dispatched
// indirectly do not use it).
//
// SwiftShader (CI) pays for the code of a branch even when no invocation takes it, so rare
// work (a spike's preparation, Poisson blocks, fixed sources, Σw) runs in loops or kernels
// of its own rather than behind an `if` in the per-neuron code.

struct SpkParams {
  k: u32,      // phased kernels: the step of this dispatch
  k_end: u32,  // fused kernel: run every network up to (excluding) this step
  k0: u32,     // phased kernels: first step of the chunk (monitor slots and bins)
  zero: u32,   // always 0 (see nf)
  arg0: u32,   // kernel-specific (spk_record: number of trace items; spk_norm: projection)
  arg1: u32,
  max_wg: u32, // maxComputeWorkgroupsPerDimension (push_spike)
  pad0: u32,
}

@group(0) @binding(0) var<uniform> P: SpkParams;
@group(0) @binding(1) var<storage, read> cst: array<u32>;
@group(0) @binding(2) var<storage, read> syn: array<u32>;
@group(0) @binding(3) var<storage, read_write> sw: array<f32>;
@group(0) @binding(4) var<storage, read_write> st: array<u32>;
@group(0) @binding(5) var<storage, read_write> atm: array<atomic<u32>>;
@group(0) @binding(6) var<storage, read_write> mon: array<u32>;
@group(0) @binding(7) var<storage, read_write> ind: array<atomic<u32>>;

// ── cst header words (layout.ts H) ──
const H_B: u32 = 0u;
const H_NE: u32 = 1u;
const H_NPOIS: u32 = 2u;
const H_NPB: u32 = 3u;
const H_NFIX: u32 = 4u;
const H_NPROJ: u32 = 5u;
const H_NCP: u32 = 6u;
const H_NET: u32 = 8u;
const H_POP: u32 = 9u;
const H_PROJ: u32 = 10u;
const H_TAB: u32 = 11u;
const H_ENT: u32 = 12u;
const H_PBLK: u32 = 13u;
const H_PENT: u32 = 14u;
const H_FIXL: u32 = 15u;
const H_FIX: u32 = 16u;
const H_CP: u32 = 17u;
const H_EXP: u32 = 18u;
const H_S_V: u32 = 20u;
const H_S_GE: u32 = 21u;
const H_S_GI: u32 = 22u;
const H_S_LAST: u32 = 23u;
const H_S_IEXT: u32 = 24u;
const H_S_SIL: u32 = 25u;
const H_S_PROB: u32 = 26u;
const H_S_PFLAG: u32 = 27u;
const H_S_LIST: u32 = 28u;
const H_A_CNT: u32 = 30u;
const H_A_DONE: u32 = 31u;
const H_A_BSTEP: u32 = 32u;
const H_A_BNEUR: u32 = 33u;
const H_A_HALT: u32 = 34u;
const H_A_RCNT: u32 = 35u;

// ── records ──
const NET_W: u32 = 24u;
const N_ENT_OFF: u32 = 0u;
const N_N_ENT: u32 = 1u;
const N_N_NEUR: u32 = 2u;
const N_PROJ_OFF: u32 = 3u;
const N_N_PROJ: u32 = 4u;
const N_POIS_OFF: u32 = 5u;
const N_N_POIS: u32 = 6u;
const N_KEY_LO: u32 = 7u;
const N_KEY_HI: u32 = 8u;
const N_SCALE_E: u32 = 9u;
const N_UNSCALE_E: u32 = 11u;
const N_POP_OFF: u32 = 13u;
const N_PBLK_OFF: u32 = 15u;
const N_N_PBLK: u32 = 16u;
const N_FIXL_OFF: u32 = 17u;
const N_N_FIX: u32 = 18u;
const N_RATE_OFF: u32 = 19u;
const N_CP_OFF: u32 = 20u;
const N_N_CP: u32 = 21u;
const N_PLASTIC: u32 = 22u;

const POP_W: u32 = 12u;

const PROJ_W: u32 = 48u;
const PR_PRE_START: u32 = 1u;
const PR_N_PRE: u32 = 2u;
const PR_POST_START: u32 = 3u;
const PR_N_POST: u32 = 4u;
const PR_FLAGS: u32 = 5u;
const PR_GBAR: u32 = 6u;
const PR_ROWPTR: u32 = 7u;
const PR_COL: u32 = 8u;
const PR_INPTR: u32 = 9u;
const PR_INSYN: u32 = 10u;
const PR_ROW: u32 = 11u;
const PR_SYN: u32 = 12u;
const PR_U: u32 = 14u;
const PR_R: u32 = 15u;
const PR_PRE_TR: u32 = 16u;
const PR_PRE_LAST: u32 = 17u;
const PR_POST_TR: u32 = 18u;
const PR_POST_LAST: u32 = 19u;
const PR_STP_LAST: u32 = 20u;
const PR_STP_SCR: u32 = 21u;
const PR_POST_SCR: u32 = 22u;
const PR_FAC: u32 = 23u;
const PR_DIRTY: u32 = 24u;
const PR_C_PRE: u32 = 25u;
const PR_C_POST: u32 = 26u;
const PR_ALPHA: u32 = 27u;
const PR_W_MIN: u32 = 28u;
const PR_W_MAX: u32 = 29u;
const PR_TAB0: u32 = 30u;
const PR_TAB1: u32 = 31u;
const PR_TAB2: u32 = 32u;
const PR_TAB3: u32 = 33u;
const PR_STP_U: u32 = 34u;
const PR_STP_F: u32 = 35u;
const PR_TAB_U: u32 = 36u;
const PR_TAB_R: u32 = 37u;
const PR_COMP_C1: u32 = 38u;
const PR_COMP_C2: u32 = 39u;
const PR_SUB_T: u32 = 40u;
const PR_MU: u32 = 41u;

const F_POST_NEURON: u32 = 1u;
const F_TARGET_I: u32 = 2u;
const F_STP: u32 = 16u;
const F_COMPETITIVE: u32 = 32u;
const RULE_TRIPLET: u32 = 1u;
const RULE_PAIR: u32 = 2u;
const RULE_VOGELS: u32 = 3u;

const PFL_ENABLED: u32 = 1u;
const PFL_PLASTIC: u32 = 2u;

const MC_W: u32 = 16u;
const MC_R_FROM: u32 = 0u;
const MC_R_TO: u32 = 1u;
const MC_R_BASE: u32 = 2u;
const MC_R_CAP: u32 = 3u;
const MC_R_WORST: u32 = 4u;
const MC_RATE_BIN: u32 = 5u;
const MC_T_EVERY: u32 = 6u;
const MC_T_N: u32 = 7u;
const MC_T_LIST: u32 = 8u;
const MC_T_BASE: u32 = 9u;

const RATE_BINS: u32 = 256u;
const NONE: u32 = 0xffffffffu;
const STP_NEVER_GAP: u32 = 0x3fffffffu;

// ── accessors ──
fn hdr(i: u32) -> u32 {
  return cst[i];
}
fn cf(i: u32) -> f32 {
  return bitcast<f32>(cst[i]);
}
fn sf(i: u32) -> f32 {
  return bitcast<f32>(st[i]);
}
fn sset(i: u32, x: f32) {
  st[i] = bitcast<u32>(x);
}
fn net_rec(b: u32) -> u32 {
  return hdr(H_NET) + b * NET_W;
}
fn proj_rec(p: u32) -> u32 {
  return hdr(H_PROJ) + p * PROJ_W;
}
fn ent_net(e: u32) -> u32 {
  return cst[hdr(H_ENT) + 2u * e];
}
fn ent_pop(e: u32) -> u32 {
  return cst[hdr(H_ENT) + 2u * e + 1u];
}

// A product that is about to be added: rounded to float32 on its own (see the header).
fn nf(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) | P.zero);
}

// 2^(j/256) as a float-float (hi, lo), j < 256, for exp_rn (spk_exact.wgsl).
fn exp_tab(j: u32) -> vec2<f32> {
  let o = hdr(H_EXP) + 2u * j;
  return vec2<f32>(cf(o), cf(o + 1u));
}

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

// NaN or ±∞, from the bits (a compiler may assume floats finite in comparisons)
fn is_non_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) >= 0x7f800000u;
}

// exp(−n·dt/τ) rounded to float32 as CpuSpikingSim's decay(n, dt, τ): the host's table, 0
// past a table that reached float32 zero, the GPU's exp past a capped table (2^20 entries).
fn lookup_decay(tab: u32, n: u32) -> f32 {
  let d = hdr(H_TAB) + tab * 4u;
  if (n < cst[d + 1u]) {
    return cf(cst[d] + n);
  }
  if (cst[d + 2u] == 0u) {
    return 0.0;
  }
  return exp(-(f32(n) * cf(d + 3u)));
}

// ── update and threshold (docs: The step schedule 1–2, reset 4) ──

// A population's constants (layout.ts, POP_W words from pop record po): what the V update
// reads. From cst here; the resident kernel (spk_resident.wgsl) keeps them in workgroup
// memory and builds the same struct from there.
struct Pop {
  gL: f32,
  EL: f32,
  EE: f32,
  EI: f32,
  vth: f32,
  vreset: f32,
  dtC: f32,   // dt / C
  decE: f32,  // exp(−dt/τ_E)
  decI: f32,  // exp(−dt/τ_I)
  ibias: f32,
  refr: u32,  // refractory steps
}

fn pop_at(po: u32) -> Pop {
  return Pop(
    cf(po), cf(po + 1u), cf(po + 2u), cf(po + 3u), cf(po + 4u), cf(po + 5u), cf(po + 6u),
    cf(po + 7u), cf(po + 8u), cf(po + 9u), cst[po + 10u],
  );
}

// V after one step of exponential Euler (Giannakakis eqs 5–6 / Brette 2007, conductances held
// over the step; docs: The step schedule 2): V∞ = (g_L·E_L + g_E·E_E + g_I·E_I + I)/g_tot,
// V ← V∞ + (V − V∞)·exp(−dt·g_tot/C). `iext` is the neuron's injected current (pA).
fn lif_v(q: Pop, v: f32, ge: f32, gi: f32, iext: f32) -> f32 {
  let I = q.ibias + iext;
  let gtot = (q.gL + ge) + gi;
  let num = (nf(q.gL * q.EL) + nf(ge * q.EE)) + (nf(gi * q.EI) + I);
  let vinf = div_rn(num, gtot);
  // nf(): once exp_rn is inlined, the product could fuse into its range reduction x − m·C1
  let ef = exp_rn(-nf(q.dtC * gtot));
  return vinf + nf((v - vinf) * ef);
}

// One neuron (global entity e) at step k: the previous step's jumps enter g, then V by
// exponential Euler unless refractory or silenced, then the conductance decay; the reset is
// done here at once (nothing before the next step reads V or lastSpike). Returns 1 for a
// spike, 2 for a non-finite V (NaN or ±∞: CpuSpikingSim's BlowUpError; not a spike), else 0.
fn update_neuron(e: u32, k: u32) -> u32 {
  let b = ent_net(e);
  let nr = net_rec(b);
  let q = pop_at(hdr(H_POP) + ent_pop(e) * POP_W);
  let NE = hdr(H_NE);
  let ae = atomicExchange(&atm[e], 0u);
  let ai = atomicExchange(&atm[NE + e], 0u);
  var ge = sf(hdr(H_S_GE) + e);
  var gi = sf(hdr(H_S_GI) + e);
  // f(g + f(f(acc)·2^−shift)): the product is exact (a power of two), so no nf() needed
  if (ae != 0u) {
    ge = ge + f32(bitcast<i32>(ae)) * cf(nr + N_UNSCALE_E);
  }
  if (ai != 0u) {
    gi = gi + f32(bitcast<i32>(ai)) * cf(nr + N_UNSCALE_E + 1u);
  }
  let last = bitcast<i32>(st[hdr(H_S_LAST) + e]);
  let refr = i32(k) - last < i32(q.refr);
  var spike = 0u;
  let iv = hdr(H_S_V) + e;
  if (!refr && st[hdr(H_S_SIL) + e] == 0u) {
    let vn = lif_v(q, sf(iv), ge, gi, sf(hdr(H_S_IEXT) + e));
    sset(iv, vn);
    if (is_non_finite(vn)) {
      spike = 2u;
    } else if (vn > q.vth) {
      spike = 1u;
    }
  }
  // nf() as in spk_resident.wgsl (here the barrier before the next step's load already keeps
  // the product from meeting that step's additions; the guard costs one OR)
  sset(hdr(H_S_GE) + e, nf(ge * q.decE));
  sset(hdr(H_S_GI) + e, nf(gi * q.decI));
  if (spike == 1u) {
    sset(iv, q.vreset);
    st[hdr(H_S_LAST) + e] = bitcast<u32>(i32(k));
  }
  return spike;
}

// Spike-list append: the counter of the list (atm[A_CNT + cidx]) and its base in st. The
// phased kernels' global list (cidx ≥ 2B) also sizes the indirect dispatch of its parity:
// one workgroup per spike, at most max_wg (the per-spike kernels then stride).
// cidx with CIDX_WG set: the resident kernel's list, counted in workgroup memory (wg_cnt).
const CIDX_WG: u32 = 0x80000000u;
var<workgroup> wg_cnt: array<atomic<u32>, 2>;

fn push_spike(cidx: u32, base: u32, e: u32) {
  if ((cidx & CIDX_WG) != 0u) {
    let q = atomicAdd(&wg_cnt[cidx & 1u], 1u);
    st[hdr(H_S_LIST) + base + q] = e;
    return;
  }
  let q = atomicAdd(&atm[hdr(H_A_CNT) + cidx], 1u);
  st[hdr(H_S_LIST) + base + q] = e;
  if (cidx >= 2u * hdr(H_B)) {
    atomicMax(&ind[4u * (cidx & 1u)], min(q + 1u, P.max_wg));
  }
}

// Poisson block g (4 consecutive trains of one network, one Philox call) at step k
// (docs: Random numbers). Appends the trains that spike.
fn poisson_block(g: u32, k: u32, cidx: u32, base: u32) {
  let b = cst[hdr(H_PBLK) + 2u * g];
  let q = cst[hdr(H_PBLK) + 2u * g + 1u];
  let nr = net_rec(b);
  let w = philox4x32(vec4<u32>(k, 0u, q, 0u), vec2<u32>(cst[nr + N_KEY_LO], cst[nr + N_KEY_HI]));
  let n = cst[nr + N_N_POIS];
  let g0 = cst[nr + N_POIS_OFF];
  for (var t = 0u; t < 4u; t++) {
    let jj = 4u * q + t;
    if (jj >= n) {
      break;
    }
    if (u32_to_uniform(w[t]) < sf(hdr(H_S_PROB) + g0 + jj)) {
      push_spike(cidx, base, cst[hdr(H_PENT) + g0 + jj]);
    }
  }
}

// Fixed source f at step k: its (step, train) list is sorted by step then train; a binary
// search finds step k, duplicates of a train are adjacent and fire once.
fn fixed_source(f: u32, k: u32, cidx: u32, base: u32) {
  let o = hdr(H_FIXL) + 4u * f;
  let e0 = cst[o + 1u];
  let fx = hdr(H_FIX);
  var lo = cst[o + 2u];
  let end = lo + cst[o + 3u];
  var hi = end;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    if (cst[fx + 2u * mid] < k) {
      lo = mid + 1u;
    } else {
      hi = mid;
    }
  }
  var prev = NONE;
  for (var c = lo; c < end; c++) {
    if (cst[fx + 2u * c] != k) {
      break;
    }
    let tr = cst[fx + 2u * c + 1u];
    if (tr != prev) {
      push_spike(cidx, base, e0 + tr);
      prev = tr;
    }
  }
}

// ── per-spike preparation and monitors ──

// Monitors of one spike of network b at step k: raster ring and population count per bin
// (bin relative to the chunk's first step k0).
fn record_spike(e: u32, b: u32, k: u32, k0: u32) {
  let mc = b * MC_W;
  if (e >= mon[mc + MC_R_FROM] && e < mon[mc + MC_R_TO]) {
    let i = atomicAdd(&atm[hdr(H_A_RCNT) + b], 1u);
    if (i < mon[mc + MC_R_CAP]) {
      let o = mon[mc + MC_R_BASE] + 2u * i;
      mon[o] = k;
      mon[o + 1u] = e - cst[net_rec(b) + N_ENT_OFF];
    }
  }
  let bin = mon[mc + MC_RATE_BIN];
  let pop = ent_pop(e);
  if (bin != 0u && pop != NONE) {
    let nr = net_rec(b);
    let rel = k / bin - k0 / bin;
    let lp = pop - cst[nr + N_POP_OFF];
    atomicAdd(&atm[cst[nr + N_RATE_OFF] + lp * RATE_BINS + rel], 1u);
  }
}

fn plastic_rule(pr: u32, p: u32) -> u32 {
  if ((st[hdr(H_S_PFLAG) + p] & PFL_PLASTIC) == 0u) {
    return 0u;
  }
  return (cst[pr + PR_FLAGS] >> 2u) & 3u;
}

// Spike of entity e at step k, for every projection p of its network: as a pre entity, the
// pre traces jump (+1 after exact decay) and the STP relaxation factors of this spike go to
// scratch (CPU: only when the row is not empty); as the post entity of a plastic projection,
// the post traces with this spike go to scratch — the pre events of this step still see the
// old ones, the post events commit them. It touches only e's own words, so the spikes of
// a step are prepared in parallel, in any order.
fn prep_spike(e: u32, b: u32, k: u32) {
  let nr = net_rec(b);
  let p0 = cst[nr + N_PROJ_OFF];
  let p1 = p0 + cst[nr + N_N_PROJ];
  for (var p = p0; p < p1; p++) {
    let pr = proj_rec(p);
    let rule = plastic_rule(pr, p);
    let ps = cst[pr + PR_PRE_START];
    if (e >= ps && e < ps + cst[pr + PR_N_PRE]) {
      let j = e - ps;
      let rp = cst[pr + PR_ROWPTR] + j;
      if (syn[rp] != syn[rp + 1u]) {
        if (rule != 0u) {
          let t = cst[pr + PR_PRE_TR] + 2u * j;
          let l = cst[pr + PR_PRE_LAST] + j;
          let el = k - st[l];
          sset(t, nf(sf(t) * lookup_decay(cst[pr + PR_TAB0], el)) + 1.0);
          sset(t + 1u, nf(sf(t + 1u) * lookup_decay(cst[pr + PR_TAB1], el)) + 1.0);
          st[l] = k;
        }
        if ((cst[pr + PR_FLAGS] & F_STP) != 0u) {
          let l = cst[pr + PR_STP_LAST] + j;
          let el = k - st[l]; // u32: k − NEVER = k + 0x3fffffff for a first spike
          var du = 0.0;
          var dr = 0.0;
          if (el <= STP_NEVER_GAP) {
            du = lookup_decay(cst[pr + PR_TAB_U], el);
            dr = lookup_decay(cst[pr + PR_TAB_R], el);
          }
          let s = cst[pr + PR_STP_SCR] + 2u * j;
          sset(s, du);
          sset(s + 1u, dr);
          st[l] = k;
        }
      }
    }
    let qs = cst[pr + PR_POST_START];
    if (rule != 0u && e >= qs && e < qs + cst[pr + PR_N_POST]) {
      let i = e - qs;
      let t = cst[pr + PR_POST_TR] + 2u * i;
      let el = k - st[cst[pr + PR_POST_LAST] + i];
      let s = cst[pr + PR_POST_SCR] + 2u * i;
      sset(s, nf(sf(t) * lookup_decay(cst[pr + PR_TAB2], el)) + 1.0);
      sset(s + 1u, nf(sf(t + 1u) * lookup_decay(cst[pr + PR_TAB3], el)) + 1.0);
    }
  }
}

// Σw over incoming synapses q0 … q1 − 1 (weights w[s0 + inSyn[is + q]]), added one by one in
// the CPU's order. The sum is serial by nature (float addition is not associative); four
// loads are issued ahead of their additions so that a GPU overlaps their latency.
fn sum_incoming(is: u32, s0: u32, q0: u32, q1: u32) -> f32 {
  var s = 0.0;
  var q = q0;
  for (; q + 4u <= q1; q += 4u) {
    let a0 = sw[s0 + syn[is + q]];
    let a1 = sw[s0 + syn[is + q + 1u]];
    let a2 = sw[s0 + syn[is + q + 2u]];
    let a3 = sw[s0 + syn[is + q + 3u]];
    s = s + a0;
    s = s + a1;
    s = s + a2;
    s = s + a3;
  }
  for (; q < q1; q++) {
    s = s + sw[s0 + syn[is + q]];
  }
  return s;
}

// Competitive normalisation (Giannakakis eq 12): factor (1 − η_N) + η_N·T/Σw of post i of
// projection p, Σw at the start of the step summed in the CPU's order (incoming index).
// Recomputed only when a weight onto i changed since (dirty flag): same weights, same sum.
// Runs before the pre events (no weight changes in between); m indexes the work items
// (projection, post).
fn competitive_item(m: u32) {
  let p = cst[hdr(H_CP) + 2u * m];
  let i = cst[hdr(H_CP) + 2u * m + 1u];
  let pr = proj_rec(p);
  if (plastic_rule(pr, p) == 0u) {
    return;
  }
  let d = cst[pr + PR_DIRTY] + i;
  if (atomicLoad(&atm[d]) == 0u) {
    return;
  }
  let ip = cst[pr + PR_INPTR] + i;
  let s = sum_incoming(cst[pr + PR_INSYN], cst[pr + PR_SYN], syn[ip], syn[ip + 1u]);
  sset(cst[pr + PR_FAC] + i, cf(pr + PR_COMP_C1) + div_rn(cf(pr + PR_COMP_C2), s));
  atomicStore(&atm[d], 0u);
}

// ── phases 3–4: synapses ──

// w ← clip(w + dw) then × the competitive factor (CpuSpikingSim.updateWeight).
fn update_weight(pr: u32, sg: u32, i: u32, dw: f32) {
  var w = sw[sg] + dw;
  let lo = cf(pr + PR_W_MIN);
  let hi = cf(pr + PR_W_MAX);
  if (w < lo) {
    w = lo;
  } else if (w > hi) {
    w = hi;
  }
  if ((cst[pr + PR_FLAGS] & F_COMPETITIVE) != 0u) {
    w = w * sf(cst[pr + PR_FAC] + i);
    atomicStore(&atm[cst[pr + PR_DIRTY] + i], 1u);
  }
  sw[sg] = w;
}

// Pre event on synapse s (local index in projection p) of pre j at step k: STP efficacy,
// the jump ḡ·w·μ in fixed point with the weight before plasticity, then the pre-spike
// update of w (reads the post traces as they were before this step's post spikes). Returns
// the delivery (accumulator index ch·NE + post, fixed-point jump), index NONE for none: the
// caller adds it to its accumulators (global: deliver(); the resident kernel's workgroup
// ones), in any order (integer addition).
fn pre_synapse(pr: u32, p: u32, rule: u32, j: u32, s: u32, k: u32) -> vec2<u32> {
  let i = syn[cst[pr + PR_COL] + s];
  let sg = cst[pr + PR_SYN] + s;
  let flags = cst[pr + PR_FLAGS];
  var mu = 1.0;
  if ((flags & F_STP) != 0u) {
    let U = cf(pr + PR_STP_U);
    let sc = cst[pr + PR_STP_SCR] + 2u * j;
    let iu = cst[pr + PR_U] + s;
    let ir = cst[pr + PR_R] + s;
    var u = U + nf((sw[iu] - U) * sf(sc));
    let r0 = 1.0 + nf((sw[ir] - 1.0) * sf(sc + 1u));
    u = u + nf((1.0 - u) * cf(pr + PR_STP_F));
    mu = nf(u * r0);
    sw[iu] = u;
    sw[ir] = r0 - mu;
    sw[cst[pr + PR_MU] + s] = mu;
  }
  var d = vec2<u32>(NONE, 0u);
  if ((flags & F_POST_NEURON) != 0u && (st[hdr(H_S_PFLAG) + p] & PFL_ENABLED) != 0u) {
    let tgt = select(0u, 1u, (flags & F_TARGET_I) != 0u);
    let b = cst[pr];
    let x = (cf(pr + PR_GBAR) * sw[sg]) * mu;
    let fx = i32(floor(x * cf(net_rec(b) + N_SCALE_E + tgt) + 0.5));
    let post = cst[pr + PR_POST_START] + i;
    d = vec2<u32>(tgt * hdr(H_NE) + post, bitcast<u32>(fx));
  }
  if (rule != 0u) {
    let el = k - st[cst[pr + PR_POST_LAST] + i];
    // nf: the Vogels rule subtracts α from x1 (no fused multiply–add)
    let x1 = nf(sf(cst[pr + PR_POST_TR] + 2u * i) * lookup_decay(cst[pr + PR_TAB2], el));
    var dw: f32;
    if (rule == RULE_TRIPLET) {
      let y2 = sf(cst[pr + PR_PRE_TR] + 2u * j + 1u);
      dw = -nf((cf(pr + PR_C_PRE) * y2) * x1);
    } else if (rule == RULE_PAIR) {
      dw = -nf(cf(pr + PR_C_PRE) * x1);
    } else {
      dw = nf(cf(pr + PR_C_PRE) * (x1 - cf(pr + PR_ALPHA)));
    }
    update_weight(pr, sg, i, dw);
  }
  return d;
}

// A delivery of pre_synapse into the global accumulators atm[ch·NE + post].
fn deliver(d: vec2<u32>) {
  if (d.x != NONE) {
    atomicAdd(&atm[d.x], d.y);
  }
}

// Post event on the q-th incoming synapse of post i (plastic projection p) at step k:
// reads the pre traces with this step's pre spikes and the post trace with this spike.
fn post_synapse(pr: u32, rule: u32, i: u32, q: u32, x2: f32, k: u32) {
  let s = syn[cst[pr + PR_INSYN] + q];
  let j = syn[cst[pr + PR_ROW] + s];
  let el = k - st[cst[pr + PR_PRE_LAST] + j];
  let y1 = sf(cst[pr + PR_PRE_TR] + 2u * j) * lookup_decay(cst[pr + PR_TAB0], el);
  var dw: f32;
  if (rule == RULE_TRIPLET) {
    dw = nf((cf(pr + PR_C_POST) * y1) * x2);
  } else if (rule == RULE_PAIR) {
    dw = nf(cf(pr + PR_C_POST) * y1);
  } else {
    dw = nf(cf(pr + PR_C_POST) * y1);
  }
  update_weight(pr, cst[pr + PR_SYN] + s, i, dw);
}

// Commit the post traces of post i (prepared by prep_spike) at step k.
fn commit_post(pr: u32, i: u32, k: u32) {
  let s = cst[pr + PR_POST_SCR] + 2u * i;
  let t = cst[pr + PR_POST_TR] + 2u * i;
  st[t] = st[s];
  st[t + 1u] = st[s + 1u];
  st[cst[pr + PR_POST_LAST] + i] = k;
}

// ── monitors ──

// g including this step's jumps (CpuSpikingSim.conductances).
fn pending_g(e: u32, ch: u32) -> f32 {
  let b = ent_net(e);
  let a = atomicLoad(&atm[ch * hdr(H_NE) + e]);
  let g = sf(select(hdr(H_S_GE), hdr(H_S_GI), ch == 1u) + e);
  if (a == 0u) {
    return g;
  }
  return g + f32(bitcast<i32>(a)) * cf(net_rec(b) + N_UNSCALE_E + ch);
}

// Trace sample `slot` of the n-th traced neuron of network b: V, g_E, g_I (host: I_E, I_I).
fn record_trace(b: u32, n: u32, slot: u32) {
  let mc = b * MC_W;
  let e = mon[mon[mc + MC_T_LIST] + n];
  let o = mon[mc + MC_T_BASE] + 3u * (slot * mon[mc + MC_T_N] + n);
  mon[o] = st[hdr(H_S_V) + e];
  mon[o + 1u] = bitcast<u32>(pending_g(e, 0u));
  mon[o + 2u] = bitcast<u32>(pending_g(e, 1u));
}

// Network index of a workgroup in a (possibly 2-D) dispatch: x runs fastest.
fn flat_wg(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.y * nwg.x + wid.x;
}
