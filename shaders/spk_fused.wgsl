// Spiking engine, fused strategy (docs/spiking-engine.md; host: src/engine/spiking/webgpu/
// engine.ts): one workgroup per network runs many steps in one dispatch, the phases of a
// step separated by barriers. Small networks are bound by step latency, not arithmetic
// (ARCHITECTURE.md, GPU notes): one dispatch per chunk instead of 2–5 per step.
//
// Per step k (CpuSpikingSim.stepOnce; every part is order-independent, see the docs):
//   A  neurons (update, threshold, reset), Poisson blocks, fixed sources: spikes listed with
//      an integer atomic counter (parity k & 1); competitive factors of the posts whose
//      weights changed (no weight changes before B)
//   P  (unless V went NaN in A) per spike: monitors, traces / STP factors (prep_spike)
//   B  pre events, groups of threads over the spikes, a group's lanes over the spike's row
//   C  only with plasticity or a trace sample at this step: post events (likewise over each
//      post's incoming synapses, post traces committed), trace monitors
// Each kind of work is a loop of its own (SwiftShader pays for untaken branches, see
// spk_common.wgsl). Barriers: after A, P, B (when C runs) and the end-of-step broadcast of
// "go on?" — 3 or 4 per step.
// Networks of a batch advance independently: each starts at its own atm[A_DONE + b] and
// stops at P.k_end, earlier when its raster region could overflow within two steps (the
// host drains it and dispatches again) or its V went NaN (the host raises BlowUpError).

override WG: u32 = 256u;

var<workgroup> wg_k0: u32;
var<workgroup> wg_every: u32;
var<workgroup> wg_blow: atomic<u32>;
var<workgroup> wg_stop: u32;

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
  }
  let k0 = workgroupUniformLoad(&wg_k0);
  if (k0 >= P.k_end) {
    return;
  }
  // the trace cadence decides whether phase C (a barrier) runs: read as a uniform value
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
  var k = k0;
  loop {
    if (k >= P.k_end) {
      break;
    }
    let cidx = 2u * b + (k & 1u);
    // ── A. update, threshold, reset; sources; competitive factors ──
    for (var t = lid; t < n_neur; t += WG) {
      let r = update_neuron(e0 + t, k);
      if (r == 1u) {
        push_spike(cidx, e0, e0 + t);
      } else if (r == 2u) {
        atomicMin(&wg_blow, t);
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
    let n = select(0u, atomicLoad(&atm[hdr(H_A_CNT) + cidx]), live);
    // ── P. per spike: monitors, preparation ──
    for (var q = lid; q < n; q += WG) {
      let e = st[list + q];
      record_spike(e, b, k, k0);
      prep_spike(e, b, k);
    }
    if (lid == 0u) {
      // the other parity's counter is free (its step's phases are over); raster room for
      // this step and the next
      atomicStore(&atm[hdr(H_A_CNT) + (cidx ^ 1u)], 0u);
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
    // The spikes of a step are spread over groups of `lanes` threads, the lanes of a group
    // striding over one spike's row (B) or incoming synapses (C): all threads on one spike
    // when one spikes, down to 32 lanes per spike when many do. Spikes one after another
    // would chain a few dependent global loads per spike (measured on an H100: ~2–3 µs per
    // spike and step, BENCHMARKS.md); the spikes of a step touch disjoint synapses and
    // deliver with integer atomics, so their order does not matter (docs: The step
    // schedule).
    let lanes = max(min(32u, WG), WG >> min(32u - countLeadingZeros(max(n, 1u) - 1u), 31u));
    let lane = lid % lanes;
    let grp = lid / lanes;
    let ngrp = WG / lanes;
    // ── B. pre events ──
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
            deliver(pre_synapse(pr, p, rule, j, s, k));
          }
        }
      }
    }
    let sample = every != 0u && (k + 1u) % every == 0u;
    if (plastic || sample) {
      storageBarrier();
      workgroupBarrier();
      // ── C. post events; trace monitors ──
      // x2 is read from the scratch the commit copies from, so a lane that commits while
      // the others of its group still update leaves their x2 as it was
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
          record_trace(b, m, slot);
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
  if (lid == 0u) {
    atomicStore(&atm[hdr(H_A_DONE) + b], k);
    let blow = atomicLoad(&wg_blow);
    if (blow != NONE) {
      atomicStore(&atm[hdr(H_A_BSTEP) + b], k);
      atomicStore(&atm[hdr(H_A_BNEUR) + b], blow);
    }
  }
}
