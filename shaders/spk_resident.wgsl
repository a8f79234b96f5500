// Spiking engine, resident strategy (docs/spiking-engine.md; host: src/engine/spiking/webgpu/
// engine.ts): spk_fused.wgsl's schedule — one workgroup per network, many steps per
// dispatch, the phases of a step separated by barriers — with the step's latency-bound
// state kept on chip for the whole dispatch instead of in storage buffers:
//  - each thread owns NPT neurons (t = lid + m·WG) and keeps their V, g_E, g_I, last spike,
//    injected current and silenced flag in registers (read at the start of the dispatch;
//    host setters act between dispatches);
//  - the population constants are in workgroup memory (no dependent loads per neuron);
//  - the conductance jumps of a step go to fixed-point accumulators in workgroup memory
//    (workgroup integer atomics; the dispatch takes over the global ones at its start and
//    hands them back at its end), and the spike list is counted in workgroup memory.
// The arithmetic is spk_common.wgsl's (lif_v, pre_synapse, prep_spike, …), in the same
// order, so the results are the CPU's bit for bit, as with the other strategies. V, g_E and
// g_I go back to storage at the end of the dispatch, and at the steps a trace monitor samples.
// Networks whose neurons do not fit WG·NPT, whose accumulators do not fit the workgroup
// memory, or with more than POP_MAX populations run fused instead (strategy.ts).

override WG: u32 = 256u;
// neurons per thread (≤ NPT_MAX) and accumulator slots per channel (≥ neurons per network)
override NPT: u32 = 1u;
override ACC_N: u32 = 256u;
const NPT_MAX: u32 = 8u;
const POP_MAX: u32 = 8u;
const SIL_BIT: u32 = 0x80000000u;

var<workgroup> acc_e: array<atomic<i32>, ACC_N>;
var<workgroup> acc_i: array<atomic<i32>, ACC_N>;
var<workgroup> wg_pop: array<u32, 96>; // POP_MAX · POP_W
var<workgroup> wg_k0: u32;
var<workgroup> wg_every: u32;
var<workgroup> wg_blow: atomic<u32>;
var<workgroup> wg_stop: u32;

fn pop_wg(lp: u32) -> Pop {
  let o = lp * POP_W;
  return Pop(
    bitcast<f32>(wg_pop[o]), bitcast<f32>(wg_pop[o + 1u]), bitcast<f32>(wg_pop[o + 2u]),
    bitcast<f32>(wg_pop[o + 3u]), bitcast<f32>(wg_pop[o + 4u]), bitcast<f32>(wg_pop[o + 5u]),
    bitcast<f32>(wg_pop[o + 6u]), bitcast<f32>(wg_pop[o + 7u]), bitcast<f32>(wg_pop[o + 8u]),
    bitcast<f32>(wg_pop[o + 9u]), wg_pop[o + 10u],
  );
}

// g of local neuron t including this step's jumps (pending_g with the workgroup accumulators).
fn pending_g_wg(e: u32, t: u32, n_neur: u32, ch: u32, nr: u32) -> f32 {
  if (t >= n_neur) {
    return pending_g(e, ch);
  }
  var a = atomicLoad(&acc_e[t]);
  if (ch == 1u) {
    a = atomicLoad(&acc_i[t]);
  }
  let g = sf(select(hdr(H_S_GE), hdr(H_S_GI), ch == 1u) + e);
  if (a == 0) {
    return g;
  }
  return g + f32(a) * cf(nr + N_UNSCALE_E + ch);
}

// record_trace with the workgroup accumulators.
fn record_trace_wg(b: u32, n: u32, slot: u32, e0: u32, n_neur: u32, nr: u32) {
  let mc = b * MC_W;
  let e = mon[mon[mc + MC_T_LIST] + n];
  let o = mon[mc + MC_T_BASE] + 3u * (slot * mon[mc + MC_T_N] + n);
  mon[o] = st[hdr(H_S_V) + e];
  mon[o + 1u] = bitcast<u32>(pending_g_wg(e, e - e0, n_neur, 0u, nr));
  mon[o + 2u] = bitcast<u32>(pending_g_wg(e, e - e0, n_neur, 1u, nr));
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let b = flat_wg(wid, nwg);
  if (b >= hdr(H_B)) {
    return;
  }
  let nr = net_rec(b);
  if (lid == 0u) {
    var k0 = atomicLoad(&atm[hdr(H_A_DONE) + b]);
    if (atomicLoad(&atm[hdr(H_A_BSTEP) + b]) != NONE) {
      k0 = P.k_end; // blew up earlier: stays where it stopped
    }
    wg_k0 = k0;
    wg_every = mon[b * MC_W + MC_T_EVERY];
    atomicStore(&wg_blow, NONE);
    atomicStore(&wg_cnt[0], 0u);
    atomicStore(&wg_cnt[1], 0u);
  }
  let k0 = workgroupUniformLoad(&wg_k0);
  if (k0 >= P.k_end) {
    return;
  }
  let every = workgroupUniformLoad(&wg_every);
  let e0 = cst[nr + N_ENT_OFF];
  let n_neur = cst[nr + N_N_NEUR];
  let n_pb = cst[nr + N_N_PBLK];
  let n_fix = cst[nr + N_N_FIX];
  let n_cp = cst[nr + N_N_CP];
  let pb0 = cst[nr + N_PBLK_OFF];
  let fx0 = cst[nr + N_FIXL_OFF];
  let cp0 = cst[nr + N_CP_OFF];
  let p0 = cst[nr + N_PROJ_OFF];
  let p1 = p0 + cst[nr + N_N_PROJ];
  let plastic = cst[nr + N_PLASTIC] != 0u;
  let list = hdr(H_S_LIST) + e0;
  let mc = b * MC_W;
  let pop0 = cst[nr + N_POP_OFF];
  let n_pop = min(cst[nr + N_POP_OFF + 1u], POP_MAX);
  let NE = hdr(H_NE);
  let unscale_e = cf(nr + N_UNSCALE_E);
  let unscale_i = cf(nr + N_UNSCALE_E + 1u);

  // ── take over: population constants, the owned neurons' state, the pending jumps ──
  for (var w = lid; w < n_pop * POP_W; w += WG) {
    wg_pop[w] = cst[hdr(H_POP) + pop0 * POP_W + w];
  }
  var v: array<f32, NPT_MAX>;
  var ge: array<f32, NPT_MAX>;
  var gi: array<f32, NPT_MAX>;
  var last: array<i32, NPT_MAX>;
  var iext: array<f32, NPT_MAX>;
  var pmeta: array<u32, NPT_MAX>; // local population | SIL_BIT when silenced
  for (var m = 0u; m < NPT; m++) {
    let t = lid + m * WG;
    if (t < n_neur) {
      let e = e0 + t;
      v[m] = sf(hdr(H_S_V) + e);
      ge[m] = sf(hdr(H_S_GE) + e);
      gi[m] = sf(hdr(H_S_GI) + e);
      last[m] = bitcast<i32>(st[hdr(H_S_LAST) + e]);
      iext[m] = sf(hdr(H_S_IEXT) + e);
      pmeta[m] = (ent_pop(e) - pop0) | select(0u, SIL_BIT, st[hdr(H_S_SIL) + e] != 0u);
      atomicStore(&acc_e[t], bitcast<i32>(atomicExchange(&atm[e], 0u)));
      atomicStore(&acc_i[t], bitcast<i32>(atomicExchange(&atm[NE + e], 0u)));
    }
  }
  workgroupBarrier();

  var k = k0;
  loop {
    if (k >= P.k_end) {
      break;
    }
    let cidx = CIDX_WG | (k & 1u);
    let sample = every != 0u && (k + 1u) % every == 0u;
    // ── A. update, threshold, reset (update_neuron on the registers); sources ──
    for (var m = 0u; m < NPT; m++) {
      let t = lid + m * WG;
      if (t < n_neur) {
        let e = e0 + t;
        let q = pop_wg(pmeta[m] & ~SIL_BIT);
        let ae = atomicExchange(&acc_e[t], 0);
        let ai = atomicExchange(&acc_i[t], 0);
        var gE = ge[m];
        var gI = gi[m];
        if (ae != 0) {
          gE = gE + f32(ae) * unscale_e;
        }
        if (ai != 0) {
          gI = gI + f32(ai) * unscale_i;
        }
        let refr = i32(k) - last[m] < i32(q.refr);
        var vn = v[m];
        if (!refr && (pmeta[m] & SIL_BIT) == 0u) {
          vn = lif_v(q, vn, gE, gI, iext[m]);
          if (is_non_finite(vn)) {
            atomicMin(&wg_blow, t);
          } else if (vn > q.vth) {
            vn = q.vreset;
            last[m] = i32(k);
            st[hdr(H_S_LAST) + e] = bitcast<u32>(i32(k));
            push_spike(cidx, e0, e);
          }
        }
        v[m] = vn;
        // nf(): these products stay in registers into the next step, where they meet an
        // addition (g + jump, g_L + g_E in lif_v) that a driver could otherwise contract into
        // a fused multiply–add across the loop (the CPU rounds the product first)
        ge[m] = nf(gE * q.decE);
        gi[m] = nf(gI * q.decI);
        if (sample) {
          // for the trace monitors (phase C); otherwise stored when the dispatch ends
          sset(hdr(H_S_V) + e, vn);
          sset(hdr(H_S_GE) + e, ge[m]);
          sset(hdr(H_S_GI) + e, gi[m]);
        }
      }
    }
    for (var t = lid; t < n_pb; t += WG) {
      poisson_block(pb0 + t, k, cidx, e0);
    }
    for (var t = lid; t < n_fix; t += WG) {
      fixed_source(fx0 + t, k, cidx, e0);
    }
    for (var t = lid; t < n_cp; t += WG) {
      competitive_item(cp0 + t);
    }
    storageBarrier();
    workgroupBarrier();
    let live = atomicLoad(&wg_blow) == NONE;
    let n = select(0u, atomicLoad(&wg_cnt[k & 1u]), live);
    // ── P. per spike: monitors, preparation ──
    for (var q = lid; q < n; q += WG) {
      let e = st[list + q];
      record_spike(e, b, k, k0);
      prep_spike(e, b, k);
    }
    if (lid == 0u) {
      atomicStore(&wg_cnt[(k & 1u) ^ 1u], 0u);
      var stop = 0u;
      if (!live) {
        stop = 2u;
      } else if (
        mon[mc + MC_R_CAP] != 0u &&
        atomicLoad(&atm[hdr(H_A_RCNT) + b]) + 2u * mon[mc + MC_R_WORST] > mon[mc + MC_R_CAP]
      ) {
        stop = 1u;
      }
      wg_stop = stop;
    }
    storageBarrier();
    workgroupBarrier();
    // groups of lanes per spike as in spk_fused.wgsl
    let lanes = max(min(32u, WG), WG >> min(32u - countLeadingZeros(max(n, 1u) - 1u), 31u));
    let lane = lid % lanes;
    let grp = lid / lanes;
    let ngrp = WG / lanes;
    // ── B. pre events, delivered to the workgroup accumulators ──
    for (var q = grp; q < n; q += ngrp) {
      let e = st[list + q];
      for (var p = p0; p < p1; p++) {
        let pr = proj_rec(p);
        let ps = cst[pr + PR_PRE_START];
        if (e >= ps && e < ps + cst[pr + PR_N_PRE]) {
          let j = e - ps;
          let rp = cst[pr + PR_ROWPTR] + j;
          let rule = plastic_rule(pr, p);
          for (var s = syn[rp] + lane; s < syn[rp + 1u]; s += lanes) {
            let d = pre_synapse(pr, p, rule, j, s, k);
            if (d.x != NONE) {
              let fx = bitcast<i32>(d.y);
              if (d.x >= NE) {
                atomicAdd(&acc_i[d.x - NE - e0], fx);
              } else {
                atomicAdd(&acc_e[d.x - e0], fx);
              }
            }
          }
        }
      }
    }
    if (plastic || sample) {
      storageBarrier();
      workgroupBarrier();
      // ── C. post events; trace monitors (as in spk_fused.wgsl) ──
      for (var q = grp; q < n; q += ngrp) {
        let e = st[list + q];
        for (var p = p0; p < p1; p++) {
          let pr = proj_rec(p);
          let rule = plastic_rule(pr, p);
          let qs = cst[pr + PR_POST_START];
          if (rule != 0u && e >= qs && e < qs + cst[pr + PR_N_POST]) {
            let i = e - qs;
            let x2 = sf(cst[pr + PR_POST_SCR] + 2u * i + 1u);
            let ip = cst[pr + PR_INPTR] + i;
            for (var m = syn[ip] + lane; m < syn[ip + 1u]; m += lanes) {
              post_synapse(pr, rule, i, m, x2, k);
            }
            if (lane == 0u) {
              commit_post(pr, i, k);
            }
          }
        }
      }
      if (sample && live) {
        let slot = (k + 1u) / every - 1u - k0 / every;
        for (var m = lid; m < mon[mc + MC_T_N]; m += WG) {
          record_trace_wg(b, m, slot, e0, n_neur, nr);
        }
      }
    }
    storageBarrier();
    let stop = workgroupUniformLoad(&wg_stop);
    if (stop == 2u) {
      break;
    }
    k++;
    if (stop == 1u) {
      break;
    }
  }
  // ── hand back: V, g (the last spike is stored at each spike) and the pending jumps ──
  for (var m = 0u; m < NPT; m++) {
    let t = lid + m * WG;
    if (t < n_neur) {
      sset(hdr(H_S_V) + e0 + t, v[m]);
      sset(hdr(H_S_GE) + e0 + t, ge[m]);
      sset(hdr(H_S_GI) + e0 + t, gi[m]);
      atomicStore(&atm[e0 + t], bitcast<u32>(atomicLoad(&acc_e[t])));
      atomicStore(&atm[NE + e0 + t], bitcast<u32>(atomicLoad(&acc_i[t])));
    }
  }
  if (lid == 0u) {
    atomicStore(&atm[hdr(H_A_DONE) + b], k);
    let blow = atomicLoad(&wg_blow);
    if (blow != NONE) {
      atomicStore(&atm[hdr(H_A_BSTEP) + b], k);
      atomicStore(&atm[hdr(H_A_BNEUR) + b], blow);
    }
  }
}
