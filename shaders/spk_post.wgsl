// Spiking engine, phased strategy, phase C: post events (docs: step schedule 3b). Indirect,
// one workgroup per spike of step k (striding past the indirect size); for every plastic
// projection the spike is the post entity of, the threads go over its incoming synapses
// (post-spike update, seeing the pre traces with this step's pre spikes) and thread 0
// commits the post traces prepared in spk_pre. Runs after every pre event of the step (a
// synapse may have both).

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
  let n = atomicLoad(&atm[hdr(H_A_CNT) + 2u * hdr(H_B) + (k & 1u)]);
  for (var q = flat_wg(wid, nwg); q < n; q += nwg.x * nwg.y) {
    let e = st[hdr(H_S_LIST) + q];
    let b = ent_net(e);
    if (atomicLoad(&atm[hdr(H_A_BSTEP) + b]) <= k) {
      continue;
    }
    let nr = net_rec(b);
    let p0 = cst[nr + N_PROJ_OFF];
    let p1 = p0 + cst[nr + N_N_PROJ];
    for (var p = p0; p < p1; p++) {
      let pr = proj_rec(p);
      let rule = plastic_rule(pr, p);
      let qs = cst[pr + PR_POST_START];
      if (rule != 0u && e >= qs && e < qs + cst[pr + PR_N_POST]) {
        let i = e - qs;
        let x2 = sf(cst[pr + PR_POST_SCR] + 2u * i + 1u);
        let ip = cst[pr + PR_INPTR] + i;
        for (var m = syn[ip] + lid; m < syn[ip + 1u]; m += WG) {
          post_synapse(pr, rule, i, m, x2, k);
        }
        if (lid == 0u) {
          commit_post(pr, i, k);
        }
      }
    }
  }
}
