// The statistics of a training batch, reduced on the GPU so that trainBatch reads back a few
// words (CPU twin: the BatchStats of CpuAsmEngine.trainBatchSync):
//   converged, stepsSum, stepsMax over the batch; lossSum = Σ over converged rows of
//   mean_j (h_E,j − ρ0)²; adjointFailed (converged rows whose adjoint failed, when computed);
//   used = the stimuli the update sums over (converged; for the gradient rule also with a
//   converged adjoint) — asm_apply / asm_normalize_rows read it (n of eqs 8a/b with decay,
//   and no update at all when 0).
// Needs asm_common.wgsl. One workgroup of 256 threads.

@group(0) @binding(0) var<uniform> P: AsmParams;
@group(0) @binding(1) var<storage, read> fstat: array<u32>;
@group(0) @binding(2) var<storage, read> astat: array<u32>;
@group(0) @binding(3) var<storage, read> row_loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> stats: array<u32>;

// (converged, used, stepsSum, adjointFailed), stepsMax, lossSum
var<workgroup> red_u: array<vec4<u32>, 256>;
var<workgroup> red_m: array<u32, 256>;
var<workgroup> red_f: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) li: u32) {
  var cnt = vec4<u32>(0u);
  var mx = 0u;
  var loss = 0.0;
  for (var b = li; b < P.batch; b += 256u) {
    let conv = fstat[4u * b + 2u] != 0u;
    let steps = fstat[4u * b + 1u];
    cnt.z = cnt.z + steps;
    mx = max(mx, steps);
    if (!conv) {
      continue;
    }
    cnt.x = cnt.x + 1u;
    loss = loss + row_loss[b];
    var used = true;
    if (P.want_grad != 0u && astat[4u * b + 2u] == 0u) {
      cnt.w = cnt.w + 1u;
      used = P.rule == 0u;
    }
    if (used) {
      cnt.y = cnt.y + 1u;
    }
  }
  red_u[li] = cnt;
  red_m[li] = mx;
  red_f[li] = loss;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (li < s) {
      red_u[li] = red_u[li] + red_u[li + s];
      red_m[li] = max(red_m[li], red_m[li + s]);
      red_f[li] = red_f[li] + red_f[li + s];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    stats[STAT_CONVERGED] = red_u[0].x;
    stats[STAT_USED] = red_u[0].y;
    stats[STAT_STEPS_SUM] = red_u[0].z;
    stats[STAT_STEPS_MAX] = red_m[0];
    stats[STAT_ADJ_FAILED] = red_u[0].w;
    stats[STAT_LOSS] = bitcast<u32>(red_f[0]);
  }
}
