// After an input (E→I) update of the local rule: each PV cell's E weights rescaled to sum
// J_IE (Methods; CPU twin: normalizeRows in cpuEngine.ts; rows summing to ≤ 0 are left
// alone, and nothing happens when the batch made no update). V is not touched, as on the CPU.
// Needs asm_common.wgsl. One workgroup of 64 threads per PV cell (row of W_IE [nI × nE]).

@group(0) @binding(0) var<uniform> P: AsmParams;
@group(0) @binding(1) var<storage, read_write> pst: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<u32>;

var<workgroup> red: array<f32, 64>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let i = asm_flat(wid, nwg);
  if (i >= P.n_i) {
    return;
  }
  let o = PST_W * P.count + i * P.n_e;
  var part = 0.0;
  for (var j = li; j < P.n_e; j += 64u) {
    part = part + pst[o + j];
  }
  red[li] = part;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) {
      red[li] = red[li] + red[li + s];
    }
    workgroupBarrier();
  }
  let sum = red[0];
  if (stats[STAT_USED] == 0u || !(sum > 0.0)) {
    return;
  }
  let k = P.total / sum;
  for (var j = li; j < P.n_e; j += 64u) {
    pst[o + j] = pst[o + j] * k;
  }
}
