// End of a trial, one workgroup per network: window mean → running average → one
// plasticity update (trial mode). CPU twin: trialEnd (src/engine/cpu/rateKernels.ts).
//
//   trialMean = sum / window length
//   Avg ← Avg + avgRate·(trialMean − Avg)              (trial mode only)
//   r = max(rectify, Avg); ΔW by eqs 6–8 (rules.wgsl)   (trial mode, rule ≠ none)
//
// The population mean errors come from a workgroup reduction; the synapse updates are then
// strided across the threads, row by row (coalesced along the presynaptic index).
// Needs common.wgsl and rules.wgsl.

override WG_SIZE: u32 = 64u; // a power of two (tree reduction)
override N_E: u32 = 1u;
override N_I: u32 = 1u;
override N_U: u32 = N_E + N_I;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read_write> weights: array<f32>;

var<workgroup> red: array<vec2<f32>, WG_SIZE>;

@compute @workgroup_size(WG_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) t: u32,
) {
  let b = flat_workgroup(wid, nwg);
  if (b >= P.batch) {
    return;
  }
  let S = P.state_len;
  let o = b * N_U;
  let trial_mode = P.trial_mode != 0u;
  var part = vec2<f32>(0.0);
  for (var u = t; u < N_U; u += WG_SIZE) {
    let m = state[SEC_SUM * S + o + u] / P.win_len;
    state[SEC_TMEAN * S + o + u] = m;
    var a = state[SEC_AVG * S + o + u];
    if (trial_mode) {
      a = a + P.avg_rate * (m - a);
      state[SEC_AVG * S + o + u] = a;
    }
    let rc = rule_rectify(a, P.rectify);
    if (u < N_E) {
      part.x = part.x + (P.set_e - rc);
    } else {
      part.y = part.y + (P.set_i - rc);
    }
  }
  if (!trial_mode || P.rule == RULE_NONE) {
    return;
  }
  // population errors mean_k∈E(E_set − r_k), mean_k∈I(I_set − r_k)
  red[t] = part;
  workgroupBarrier();
  for (var s = WG_SIZE / 2u; s > 0u; s = s >> 1u) {
    if (t < s) {
      red[t] = red[t] + red[t + s];
    }
    workgroupBarrier();
  }
  let err_e = red[0].x / f32(N_E);
  let err_i = red[0].y / f32(N_I);
  // the averages written above by other threads must be visible before they are read
  storageBarrier();
  let wb = b * N_U * N_U;
  for (var i = 0u; i < N_U; i++) {
    let post_e = i < N_E;
    let term = rule_post_term(post_e, rule_rectify(state[SEC_AVG * S + o + i], P.rectify), err_e, err_i);
    let alpha = rule_alpha(post_e);
    let row = wb + i * N_U;
    for (var j = t; j < N_U; j += WG_SIZE) {
      let pre_e = j < N_E;
      if ((j == i && P.self_conn == 0u) || !rule_plastic(post_e, pre_e)) {
        continue;
      }
      let r_pre = rule_rectify(state[SEC_AVG * S + o + j], P.rectify);
      weights[row + j] = rule_synapse(weights[row + j], pre_e, alpha, r_pre, term, rule_floor(post_e, pre_e));
    }
  }
}
