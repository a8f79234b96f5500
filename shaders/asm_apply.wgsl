// Apply one batch update to a plastic pathway, one thread per synapse (CPU twin: applyUpdate
// in cpuEngine.ts). With the summed raw update G (grads[off_g], a sum over the n = `used`
// stimuli of the batch) times σ(αV) (the softplus derivative, taken before the update):
//   local rule (eqs 8a/b):  V += η·s·(G − n·δ·W)
//   gradient (Fig 1—S2):    Adam on the mean ĝ = G/n − δ·W (Kingma & Ba 2014, bias-corrected
//                           with c1 = 1 − β1^t, c2 = 1 − β2^t from the host):
//                           m ← β1 m + (1 − β1) ĝ,  s ← β2 s + (1 − β2) ĝ²,
//                           V += η·s·(m/c1)/(√(s/c2) + ε)
// then W = softplus(V) capped (Appendix 1). Unconnected synapses are left alone; nothing
// changes when no stimulus of the batch counts (used = 0).
// Needs asm_common.wgsl. 64 threads per workgroup over Q synapses.

@group(0) @binding(0) var<uniform> P: AsmParams;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> pst: array<f32>;
@group(0) @binding(3) var<storage, read> stats: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let x = asm_flat(wid, nwg) * 64u + li;
  let q = P.count;
  let used = stats[STAT_USED];
  if (x >= q || used == 0u || pst[PST_MASK * q + x] == 0.0) {
    return;
  }
  var v = pst[PST_V * q + x];
  let w = pst[PST_W * q + x];
  let n = f32(used);
  let g = grads[P.off_g + x] * asm_sigmoid(P.alpha * v);
  if (P.rule == 0u) {
    v = v + P.lr * (g - P.decay * n * w);
  } else {
    let gr = g / n - P.decay * w;
    let m = P.beta1 * pst[PST_M * q + x] + (1.0 - P.beta1) * gr;
    let s = P.beta2 * pst[PST_S * q + x] + (1.0 - P.beta2) * gr * gr;
    pst[PST_M * q + x] = m;
    pst[PST_S * q + x] = s;
    v = v + P.lr * (m / P.c1) / (sqrt(s / P.c2) + P.eps);
  }
  pst[PST_V * q + x] = v;
  pst[PST_W * q + x] = asm_softplus(v, P.alpha, P.w_max);
}
