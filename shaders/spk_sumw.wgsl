// Spiking engine, phased strategy: competitive-normalisation factors (Giannakakis et al.
// 2023 eq 12) at the start of step k, one thread per post neuron of the plastic competitive
// projections. Σw is summed serially in the CPU's order so that the factor has the CPU's
// bits, and only for posts whose weights changed since the last sum (competitive_item).
// Dispatched only when the batch has such projections, before spk_pre.

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
  let m = flat_wg(wid, nwg) * WG + lid;
  if (m >= hdr(H_NCP)) {
    return;
  }
  if (atomicLoad(&atm[hdr(H_A_BSTEP) + cst[proj_rec(cst[hdr(H_CP) + 2u * m])]]) >= k) {
    competitive_item(m);
  }
}
