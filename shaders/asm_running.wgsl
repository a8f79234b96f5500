// Rows of a batched solve still running before step t (the steady state of eq 1, or with
// ADJOINT the adjoint of eqs 12–15): the host reads this one counter back between chunks of
// step dispatches and stops encoding steps when it is 0 (the per-row decisions themselves
// are made on the GPU, asm_rows.wgsl). Writes nothing else, so it may run at any chunk
// boundary. Needs asm_common.wgsl, asm_rows.wgsl. One thread per row.

@group(0) @binding(0) var<uniform> P: AsmParams;
@group(0) @binding(1) var<storage, read_write> conv: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read_write> stat: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> running: array<atomic<u32>>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let b = asm_flat(wid, nwg) * 64u + li;
  if (b < P.batch && row_decision(b, P.step) == ROW_COMPUTE) {
    atomicAdd(&running[0], 1u);
  }
}
