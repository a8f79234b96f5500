// Rewrite the plastic blocks of the pre-major combined matrix WcT [N × N] after an update
// (CPU twin: combinedWT in cpuEngine.ts): W_IE (E→I) at WcT[j·N + nE + m] = W_IE[m][j] and
// −W_EI (I→E, negative: inhibitory presynaptic) at WcT[(nE + k)·N + i] = −W_EI[i][k]. The
// fixed blocks W_EE and −W_II were uploaded once. One thread per synapse of each pathway.
// Needs asm_common.wgsl. 64 threads per workgroup over Q = nE·nI.

@group(0) @binding(0) var<uniform> P: AsmParams;
@group(0) @binding(1) var<storage, read> pst_ei: array<f32>;
@group(0) @binding(2) var<storage, read> pst_ie: array<f32>;
@group(0) @binding(3) var<storage, read_write> wct: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let x = asm_flat(wid, nwg) * 64u + li;
  if (x >= P.count) {
    return;
  }
  // W_IE [nI × nE]: x = m·nE + j
  let m = x / P.n_e;
  let j = x % P.n_e;
  wct[j * P.n + P.n_e + m] = pst_ie[PST_W * P.count + x];
  // W_EI [nE × nI]: x = i·nI + k
  let i = x / P.n_i;
  let k = x % P.n_i;
  wct[(P.n_e + k) * P.n + i] = -pst_ei[PST_W * P.count + x];
}
