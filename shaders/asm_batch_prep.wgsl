// After the steady-state solve of a training batch, one workgroup per stimulus row b
// (CPU twin: the per-stimulus part of CpuAsmEngine.trainBatchSync):
//   e = h_E − ρ0 (the error of the objective, Appendix 1), r_E, r_I = clip(h);
//   act: E = e for converged rows (0 otherwise: non-converged stimuli add nothing to eqs 8a/b),
//        RE = r_E, RI = r_I;
//   row_loss[b] = mean_j e_j² (summed over converged rows into BatchStats.lossSum);
//   the adjoint's start z = [e; 0] in z0 and its row status: threshold tol·max(max|e|, 1e-30)
//   and, for rows whose steady state did not converge, the mark 1 (excluded, never iterated).
// Needs asm_common.wgsl. Workgroup of 64 threads.

@group(0) @binding(0) var<uniform> P: AsmParams;
@group(0) @binding(1) var<storage, read> h: array<f32>;
@group(0) @binding(2) var<storage, read> fstat: array<u32>;
@group(0) @binding(3) var<storage, read_write> act: array<f32>;
@group(0) @binding(4) var<storage, read_write> z0: array<f32>;
@group(0) @binding(5) var<storage, read_write> astat: array<u32>;
@group(0) @binding(6) var<storage, read_write> row_loss: array<f32>;

var<workgroup> red: array<vec2<f32>, 64>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let b = asm_flat(wid, nwg);
  if (b >= P.batch) {
    return; // uniform: b depends on the workgroup only
  }
  let ok = fstat[4u * b + 2u] != 0u;
  let o = b * P.n;
  var part = vec2<f32>(0.0); // (Σ e², max |e|)
  for (var j = li; j < P.n_e; j += 64u) {
    let hj = h[o + j];
    let e = hj - P.rho0;
    part.x = part.x + e * e;
    part.y = max(part.y, abs(e));
    act[sec_e() + b * P.n_e + j] = select(0.0, e, ok);
    act[sec_re() + b * P.n_e + j] = asm_rate(hj);
    z0[o + j] = select(0.0, e, ok);
  }
  for (var i = li; i < P.n_i; i += 64u) {
    act[sec_ri() + b * P.n_i + i] = asm_rate(h[o + P.n_e + i]);
    z0[o + P.n_e + i] = 0.0;
  }
  red[li] = part;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) {
      red[li] = vec2<f32>(red[li].x + red[li + s].x, max(red[li].y, red[li + s].y));
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    row_loss[b] = red[0].x / f32(P.n_e);
    let thr = P.tol * max(red[0].y, 1e-30);
    astat[4u * b] = select(1u, 0u, ok);
    astat[4u * b + 1u] = bitcast<u32>(select(-2, 0, ok));
    astat[4u * b + 2u] = 0u;
    astat[4u * b + 3u] = bitcast<u32>(thr);
  }
}
