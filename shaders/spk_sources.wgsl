// Spiking engine, phased strategy: the threshold of the spike sources at step k (docs: step
// schedule 2; Random numbers): one thread per Poisson block (4 trains of a network, one
// Philox call), then one per fixed source (binary search of its sorted (step, train) list).
// Spikes join the global list of spk_update. Dispatched only when the batch has sources.

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
  let npb = hdr(H_NPB);
  let cidx = 2u * hdr(H_B) + (k & 1u);
  if (t < npb) {
    if (atomicLoad(&atm[hdr(H_A_BSTEP) + cst[hdr(H_PBLK) + 2u * t]]) >= k) {
      poisson_block(t, k, cidx, 0u);
    }
  } else if (t < npb + hdr(H_NFIX)) {
    let f = t - npb;
    if (atomicLoad(&atm[hdr(H_A_BSTEP) + cst[hdr(H_FIXL) + 4u * f]]) >= k) {
      fixed_source(f, k, cidx, 0u);
    }
  }
}
