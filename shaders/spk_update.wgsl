// Spiking engine, phased strategy, first kernel of a step (docs/spiking-engine.md, step
// schedule 1–2 and the reset 4): one thread per neuron entity of the batch. A spike goes to
// one global list (global entity ids) with an integer atomic counter of parity k & 1 — the
// later phases do not depend on the order (docs: Everything else is order-independent too) —
// and sizes the indirect dispatch of spk_pre / spk_post.
// Thread 0 frees the other parity's counter and indirect size, and halts the rest of the
// command buffer from step k + 1 on when a network's raster region could overflow within
// two steps (the host drains it and goes on from there).
// A NaN V marks its network dead from this step on (lowest neuron of the first such step,
// CpuSpikingSim's BlowUpError); the other networks go on.

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let k = P.k;
  if (k >= atomicLoad(&atm[hdr(H_A_HALT)])) {
    return;
  }
  let t = flat_wg(wid, nwg) * WG + lid;
  let B = hdr(H_B);
  let cidx = 2u * B + (k & 1u);
  if (t == 0u) {
    atomicStore(&atm[hdr(H_A_CNT) + (cidx ^ 1u)], 0u);
    atomicStore(&ind[4u * ((k + 1u) & 1u)], 0u);
    for (var b = 0u; b < B; b++) {
      let mc = b * MC_W;
      let cap = mon[mc + MC_R_CAP];
      if (cap != 0u && atomicLoad(&atm[hdr(H_A_RCNT) + b]) + 2u * mon[mc + MC_R_WORST] > cap) {
        atomicMin(&atm[hdr(H_A_HALT)], k + 1u);
      }
    }
  }
  if (t >= hdr(H_NE) || ent_pop(t) == NONE) {
    return;
  }
  let b = ent_net(t);
  if (atomicLoad(&atm[hdr(H_A_BSTEP) + b]) < k) {
    return;
  }
  let r = update_neuron(t, k);
  if (r == 1u) {
    push_spike(cidx, 0u, t);
  } else if (r == 2u) {
    atomicMin(&atm[hdr(H_A_BSTEP) + b], k);
    atomicMin(&atm[hdr(H_A_BNEUR) + b], t - cst[net_rec(b) + N_ENT_OFF]);
  }
}
