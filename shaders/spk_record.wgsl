// Spiking engine, phased strategy: state monitors at the end of step k (dispatched only at
// sample steps). One thread per traced neuron of the batch (P.arg0 items of (network, index)
// at mon[P.arg1]): V after the reset and g_E, g_I with this step's jumps, as
// CpuSpikingSim.record samples them; the host derives I_E and I_I.

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
  if (m >= P.arg0) {
    return;
  }
  let b = mon[P.arg1 + 2u * m];
  let every = mon[b * MC_W + MC_T_EVERY];
  if (atomicLoad(&atm[hdr(H_A_BSTEP) + b]) <= k || every == 0u || (k + 1u) % every != 0u) {
    return;
  }
  record_trace(b, mon[P.arg1 + 2u * m + 1u], (k + 1u) / every - 1u - P.k0 / every);
}
