// Subtractive normalisation (Giannakakis et al. 2023, Appendix A) of projection P.arg0:
// w ← clip(w − (Σw − T)/n) over each post neuron's n incoming synapses, one thread per post,
// Σw summed in the CPU's order and the division correctly rounded (div_rn), so the result
// has CpuSpikingSim.normalizeSubtractive's bits.

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let p = P.arg0;
  let pr = proj_rec(p);
  let i = flat_wg(wid, nwg) * WG + lid;
  if (i >= cst[pr + PR_N_POST]) {
    return;
  }
  let ip = cst[pr + PR_INPTR] + i;
  let a = syn[ip];
  let z = syn[ip + 1u];
  if (a == z) {
    return;
  }
  let is = cst[pr + PR_INSYN];
  let s0 = cst[pr + PR_SYN];
  let s = sum_incoming(is, s0, a, z);
  let d = div_rn(s - cf(pr + PR_SUB_T), f32(z - a));
  let lo = cf(pr + PR_W_MIN);
  let hi = cf(pr + PR_W_MAX);
  for (var q = a; q < z; q++) {
    let g = s0 + syn[is + q];
    var x = sw[g] - d;
    if (x < lo) {
      x = lo;
    } else if (x > hi) {
      x = hi;
    }
    sw[g] = x;
  }
}
