// After the adjoint solve of a training batch (gradient rule, or the angles of eq 7): the
// batch operands of the gradient (Appendix 1, eqs 15a/b), one workgroup per stimulus row b:
//   LAM[b] = λ = z_E,  MU[b] = μ = −z_I   for rows whose steady state and adjoint converged,
//   0 for the others (CpuAsmEngine.trainBatchSync skips them);
// and for the gradient rule, whose update skips stimuli with a failed adjoint altogether, the
// local operand E of those rows is zeroed too (it only feeds the angles then).
// Needs asm_common.wgsl. Workgroup of 64 threads.

@group(0) @binding(0) var<uniform> P: AsmParams;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read> fstat: array<u32>;
@group(0) @binding(3) var<storage, read> astat: array<u32>;
@group(0) @binding(4) var<storage, read_write> act: array<f32>;
@group(0) @binding(5) var<storage, read_write> act2: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let b = asm_flat(wid, nwg);
  if (b >= P.batch) {
    return;
  }
  let conv = fstat[4u * b + 2u] != 0u;
  let ok = conv && astat[4u * b + 2u] != 0u;
  let o = b * P.n;
  for (var j = li; j < P.n_e; j += 64u) {
    act2[sec_lam() + b * P.n_e + j] = select(0.0, z[o + j], ok);
    if (P.rule == 1u && !ok) {
      act[sec_e() + b * P.n_e + j] = 0.0;
    }
  }
  for (var i = li; i < P.n_i; i += 64u) {
    act2[sec_mu() + b * P.n_i + i] = select(0.0, -z[o + P.n_e + i], ok);
  }
}
