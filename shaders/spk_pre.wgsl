// Spiking engine, phased strategy: pre events (docs: step schedule 3a). Indirect, one
// workgroup per spike of step k (striding when there are more spikes than workgroups).
// Thread 0 records the spike (raster, population counts — here rather than in spk_update,
// so that a step whose V went NaN records nothing, as on the CPU) and prepares its entity
// (prep_spike: pre traces, STP factors, post traces to scratch); after a barrier the threads
// spread over the spike's row in every projection it is the pre entity of: STP, fixed-point
// delivery (integer atomics), the pre-spike plasticity update. Rows of ~80 synapses (COBA)
// take two passes of 64 threads.

override WG: u32 = 64u;

var<workgroup> wg_n: u32;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let k = P.k;
  if (lid == 0u) {
    var n = atomicLoad(&atm[hdr(H_A_CNT) + 2u * hdr(H_B) + (k & 1u)]);
    if (k >= atomicLoad(&atm[hdr(H_A_HALT)])) {
      n = 0u;
    }
    wg_n = n;
  }
  let n = workgroupUniformLoad(&wg_n);
  let stride = nwg.x * nwg.y;
  for (var q = flat_wg(wid, nwg); q < n; q += stride) {
    let e = st[hdr(H_S_LIST) + q];
    let b = ent_net(e);
    let live = atomicLoad(&atm[hdr(H_A_BSTEP) + b]) > k;
    if (lid == 0u && live) {
      record_spike(e, b, k, P.k0);
      prep_spike(e, b, k);
    }
    storageBarrier();
    if (live) {
      let nr = net_rec(b);
      let p0 = cst[nr + N_PROJ_OFF];
      let p1 = p0 + cst[nr + N_N_PROJ];
      for (var p = p0; p < p1; p++) {
        let pr = proj_rec(p);
        let ps = cst[pr + PR_PRE_START];
        if (e >= ps && e < ps + cst[pr + PR_N_PRE]) {
          let j = e - ps;
          let rp = cst[pr + PR_ROWPTR] + j;
          let rule = plastic_rule(pr, p);
          for (var s = syn[rp] + lid; s < syn[rp + 1u]; s += WG) {
            deliver(pre_synapse(pr, p, rule, j, s, k));
          }
        }
      }
    }
  }
}
