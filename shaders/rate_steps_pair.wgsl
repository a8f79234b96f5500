// Rate-network steps for the two-population model (N_E = N_I = 1), one thread per network:
// the GPU twin of rateStepsPair (src/engine/cpu/rateKernels.ts). Same schedule and
// arithmetic as rate_steps_thread.wgsl, with every value in a scalar local instead of a
// dynamically indexed private array, and a countdown instead of a modulo per step for the
// monitors: compilers that do not promote private arrays to registers (SwiftShader's
// Subzero, which runs CI and machines without a GPU) otherwise go through memory on every
// access. Used in trial mode without Poisson kicks (the rate_steps_thread kernel covers the
// online variant of Fig S4).
//
// Step schedule: 1 inputs → 2 noise (AR(1)/OU) → 3 E (Euler step of eqs 1–3 from the old
// rates) → 4 I (from the NEW E rate, the authors' order) → 5 window sum → 6 monitors.
// Needs common.wgsl and philox.wgsl (prepended by src/engine/webgpu/shaders.ts).

override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read_write> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> monitor: array<f32>;

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
  let o = b * 2u;
  var r_e = state[SEC_RATES * S + o];
  var r_i = state[SEC_RATES * S + o + 1u];
  var eta_e = state[SEC_ETA * S + o];
  var eta_i = state[SEC_ETA * S + o + 1u];
  var sum_e = state[SEC_SUM * S + o];
  var sum_i = state[SEC_SUM * S + o + 1u];
  // W[post][pre]: EE, EI (I→E), IE (E→I), II
  let w_ee = weights[b * 4u];
  let w_ei = weights[b * 4u + 1u];
  let w_ie = weights[b * 4u + 2u];
  let w_ii = weights[b * 4u + 3u];
  let mon = b < P.mon_count;
  // steps until the next recorded step (a multiple of record_every)
  let rem = P.step_from % P.record_every;
  var rec_left = select(P.record_every - rem + 1u, 1u, rem == 0u);
  var nz = vec4<f32>(0.0);

  for (var step = P.step_from; step < P.step_to; step++) {
    let g = global_step(step);
    // 1. inputs
    let inp = step_input(step);
    // 2. noise: one Philox block serves both units for a pair of steps
    let par = g.x & 1u;
    var xi_e = 0.0;
    var xi_i = 0.0;
    if (P.has_noise != 0u) {
      if (par == 0u || step == P.step_from) {
        nz = noise_block(g, 0u, b, P.noise_key);
      }
      xi_e = select(nz.x, nz.z, par == 1u);
      xi_i = select(nz.y, nz.w, par == 1u);
    }
    eta_e = (eta_e - P.noise_decay * eta_e) + P.noise_std * xi_e;
    eta_i = (eta_i - P.noise_decay * eta_i) + P.noise_std * xi_i;
    // 3. E from the old rates
    let exc_e = w_ee * r_e;
    let inh_e = w_ei * r_i;
    let x_e = ((exc_e - inh_e) + inp.ext_e) + eta_e;
    let n_e = euler_rate(r_e, x_e, P.theta_e, P.gain_e, P.dt_tau_e, P.max_e, inp.sil_e);
    // 4. I from the new E and the old I
    let exc_i = w_ie * n_e;
    let inh_i = w_ii * r_i;
    let x_i = ((exc_i - inh_i) + inp.ext_i) + eta_i;
    let n_i = euler_rate(r_i, x_i, P.theta_i, P.gain_i, P.dt_tau_i, P.max_i, inp.sil_i);
    r_e = n_e;
    r_i = n_i;
    // 5. window sum
    if (step >= P.window_start) {
      sum_e = sum_e + r_e;
      sum_i = sum_i + r_i;
    }
    // 6. monitors
    rec_left = rec_left - 1u;
    if (rec_left == 0u) {
      rec_left = P.record_every;
      if (mon) {
        let m = ((step / P.record_every) * P.mon_count + b) * N_MONITOR;
        monitor[m] = r_e;
        monitor[m + 1u] = r_i;
        monitor[m + 2u] = exc_e;
        monitor[m + 3u] = inh_e;
        monitor[m + 4u] = exc_i;
        monitor[m + 5u] = inh_i;
      }
    }
  }

  state[SEC_RATES * S + o] = r_e;
  state[SEC_RATES * S + o + 1u] = r_i;
  state[SEC_ETA * S + o] = eta_e;
  state[SEC_ETA * S + o + 1u] = eta_i;
  state[SEC_SUM * S + o] = sum_e;
  state[SEC_SUM * S + o + 1u] = sum_i;
}
