// Rate-network steps, one thread per network (small networks, N = N_E + N_I ≤ 8): the
// two-population model and large batches of it (e.g. 1024 multi-start networks). Every
// unit's rate, noise, window sum and all N² weights live in private arrays (registers once
// the driver unrolls the loops, whose bounds are pipeline-override constants), and one
// dispatch loops over the steps [step_from, step_to) without touching global memory except
// for monitor samples. CPU twin: rateSteps / rateStepsPair (src/engine/cpu/rateKernels.ts).
//
// Step schedule (the same named phases on every backend):
//   1 inputs (drives, pulses, Poisson kicks) → 2 noise (AR(1)/OU) → 3 E units (Euler step
//   of eqs 1–3 from the old rates, clip, silence) → 4 I units (from the NEW E rates and the
//   old I rates, the authors' order) → 5 window sum → 6 monitors → 7 online plasticity
//   (sensors + eqs 6–8 every step, Fig S4)
// Needs common.wgsl, philox.wgsl and rules.wgsl (prepended by src/engine/webgpu/shaders.ts).

override WG_SIZE: u32 = 64u;
override N_E: u32 = 1u;
override N_I: u32 = 1u;
override N_U: u32 = N_E + N_I;

const MAX_U: u32 = 8u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read_write> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> monitor: array<f32>;
@group(0) @binding(4) var<storage, read_write> kick_left: array<u32>;

@compute @workgroup_size(WG_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let b = flat_workgroup(wid, nwg) * WG_SIZE + lid;
  if (b >= P.batch) {
    return;
  }
  let S = P.state_len;
  let o = b * N_U;
  let wb = b * N_U * N_U;

  var r: array<f32, MAX_U>;
  var eta: array<f32, MAX_U>;
  var sum: array<f32, MAX_U>;
  var avg: array<f32, MAX_U>;
  var w: array<f32, 64>; // MAX_U²
  // noise of the current step pair, [parity][unit]; index N_U is the unused partner of an
  // odd last unit
  var nz0: array<f32, 10>;
  var nz1: array<f32, 10>;
  for (var u = 0u; u < N_U; u++) {
    r[u] = state[SEC_RATES * S + o + u];
    eta[u] = state[SEC_ETA * S + o + u];
    sum[u] = state[SEC_SUM * S + o + u];
    avg[u] = state[SEC_AVG * S + o + u];
  }
  for (var k = 0u; k < N_U * N_U; k++) {
    w[k] = weights[wb + k];
  }
  var kl = kick_left[b];
  let online = P.online != 0u;
  let mon = b < P.mon_count;
  let ne_f = f32(N_E);
  let ni_f = f32(N_I);

  for (var step = P.step_from; step < P.step_to; step++) {
    let g = global_step(step);
    // 1. inputs
    var inp = step_input(step);
    if (P.kick_prob > 0.0) {
      if (kick_starts(g, b, P.kick_key, P.kick_prob)) {
        kl = P.kick_steps;
      }
      if (kl > 0u) {
        inp.ext_e = inp.ext_e + P.kick_amp;
        kl = kl - 1u;
      }
    }
    // 2. noise: one Philox block serves a pair of units for a pair of steps
    let par = g.x & 1u;
    if (P.has_noise != 0u && (par == 0u || step == P.step_from)) {
      for (var u = 0u; u < N_U; u += 2u) {
        let z = noise_block(g, u >> 1u, b, P.noise_key);
        nz0[u] = z.x;
        nz0[u + 1u] = z.y;
        nz1[u] = z.z;
        nz1[u + 1u] = z.w;
      }
    }
    for (var u = 0u; u < N_U; u++) {
      var xi = 0.0;
      if (P.has_noise != 0u) {
        xi = select(nz0[u], nz1[u], par == 1u);
      }
      let e = eta[u];
      eta[u] = (e - P.noise_decay * e) + P.noise_std * xi;
    }
    // 3–5. Euler update of eqs 1–2 with f from eq 3, clip, window sum. Order of the
    // authors' code (Gauss–Seidel between populations): every E unit from the old E and I
    // rates, then every I unit from the NEW E rates and the old I rates.
    var nr: array<f32, MAX_U>;
    var m_e = 0.0;
    var m_i = 0.0;
    var m_exc = 0.0;
    var m_inh = 0.0;
    var m_exc_i = 0.0;
    var m_inh_i = 0.0;
    let in_window = step >= P.window_start;
    for (var i = 0u; i < N_U; i++) {
      if (i == N_E) {
        for (var j = 0u; j < N_E; j++) {
          r[j] = nr[j];
        }
      }
      var exc = 0.0;
      var inh = 0.0;
      for (var j = 0u; j < N_E; j++) {
        exc = exc + w[i * N_U + j] * r[j];
      }
      for (var j = N_E; j < N_U; j++) {
        inh = inh + w[i * N_U + j] * r[j];
      }
      let is_e = i < N_E;
      let x = ((exc - inh) + select(inp.ext_i, inp.ext_e, is_e)) + eta[i];
      var v: f32;
      if (is_e) {
        v = euler_rate(r[i], x, P.theta_e, P.gain_e, P.dt_tau_e, P.max_e, inp.sil_e);
      } else {
        v = euler_rate(r[i], x, P.theta_i, P.gain_i, P.dt_tau_i, P.max_i, inp.sil_i);
      }
      nr[i] = v;
      if (in_window) {
        sum[i] = sum[i] + v;
      }
      if (is_e) {
        m_e = m_e + v;
        m_exc = m_exc + exc;
        m_inh = m_inh + inh;
      } else {
        m_i = m_i + v;
        m_exc_i = m_exc_i + exc;
        m_inh_i = m_inh_i + inh;
      }
    }
    for (var u = N_E; u < N_U; u++) {
      r[u] = nr[u];
    }
    // 6. monitors: population means and the mean excitatory / inhibitory input onto E
    if (mon && step % P.record_every == 0u) {
      let m = ((step / P.record_every) * P.mon_count + b) * N_MONITOR;
      monitor[m] = m_e / ne_f;
      monitor[m + 1u] = m_i / ni_f;
      monitor[m + 2u] = m_exc / ne_f;
      monitor[m + 3u] = m_inh / ne_f;
      monitor[m + 4u] = m_exc_i / ni_f;
      monitor[m + 5u] = m_inh_i / ni_f;
    }
    // 7. online plasticity (Fig S4): low-passed sensors, one rule update per step
    if (online) {
      var rect: array<f32, MAX_U>;
      var s_e = 0.0;
      var s_i = 0.0;
      for (var u = 0u; u < N_U; u++) {
        let a = avg[u];
        let v = a + P.dt_tau_sensor * (r[u] - a);
        avg[u] = v;
        rect[u] = rule_rectify(v, P.rectify);
      }
      for (var u = 0u; u < N_E; u++) {
        s_e = s_e + (P.set_e - rect[u]);
      }
      for (var u = N_E; u < N_U; u++) {
        s_i = s_i + (P.set_i - rect[u]);
      }
      let err_e = s_e / ne_f;
      let err_i = s_i / ni_f;
      for (var i = 0u; i < N_U; i++) {
        let post_e = i < N_E;
        let term = rule_post_term(post_e, rect[i], err_e, err_i);
        let alpha = rule_alpha(post_e);
        for (var j = 0u; j < N_U; j++) {
          let pre_e = j < N_E;
          if ((j == i && P.self_conn == 0u) || !rule_plastic(post_e, pre_e)) {
            continue;
          }
          w[i * N_U + j] = rule_synapse(w[i * N_U + j], pre_e, alpha, rect[j], term, rule_floor(post_e, pre_e));
        }
      }
    }
  }

  for (var u = 0u; u < N_U; u++) {
    state[SEC_RATES * S + o + u] = r[u];
    state[SEC_ETA * S + o + u] = eta[u];
    state[SEC_SUM * S + o + u] = sum[u];
    state[SEC_AVG * S + o + u] = avg[u];
  }
  if (online) {
    for (var k = 0u; k < N_U * N_U; k++) {
      weights[wb + k] = w[k];
    }
  }
  kick_left[b] = kl;
}
