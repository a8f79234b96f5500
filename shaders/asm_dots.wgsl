// The three dot products of the angle between the gradient and the local update (eq 7; CPU
// twin: angleOf in cpuEngine.ts) of both plastic pathways, reduced on the GPU: workgroup 0
// the output pathway (I→E, W_EI), workgroup 1 the input pathway (E→I, W_IE). The summed
// updates are grads[g] and grads[a] times σ(αV) on the connected synapses (the factor the
// GEMMs leave out), taken before this batch's update. The host takes the arccos.
// Needs asm_common.wgsl. 2 workgroups of 256 threads.

@group(0) @binding(0) var<uniform> P: AsmParams;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read> pst_ei: array<f32>;
@group(0) @binding(3) var<storage, read> pst_ie: array<f32>;
@group(0) @binding(4) var<storage, read_write> stats: array<u32>;

var<workgroup> red: array<vec3<f32>, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let path = wid.x;
  let q = P.count;
  let og = path * q; // grads: [gEI | gIE | aEI | aIE]
  let oa = (2u + path) * q;
  var acc = vec3<f32>(0.0);
  for (var x = li; x < q; x += 256u) {
    var v: f32;
    var mask: f32;
    var alpha: f32;
    if (path == 0u) {
      v = pst_ei[PST_V * q + x];
      mask = pst_ei[PST_MASK * q + x];
      alpha = P.alpha_ei;
    } else {
      v = pst_ie[PST_V * q + x];
      mask = pst_ie[PST_MASK * q + x];
      alpha = P.alpha_ie;
    }
    if (mask == 0.0) {
      continue;
    }
    let s = asm_sigmoid(alpha * v);
    let g = grads[og + x] * s;
    let a = grads[oa + x] * s;
    acc = acc + vec3<f32>(g * a, g * g, a * a);
  }
  red[li] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (li < s) {
      red[li] = red[li] + red[li + s];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    // the angle of (g, a): ab = red.x, gg = red.y, aa = red.z
    stats[STAT_DOTS + 3u * path] = bitcast<u32>(red[0].x);
    stats[STAT_DOTS + 3u * path + 1u] = bitcast<u32>(red[0].y);
    stats[STAT_DOTS + 3u * path + 2u] = bitcast<u32>(red[0].z);
  }
}
