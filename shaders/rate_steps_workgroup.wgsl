// Rate-network steps, one workgroup per network (the multi-unit model: N = 100 up to a few
// thousand units). Thread t owns E units t, t + WG_SIZE, … and I units N_E + t,
// N_E + t + WG_SIZE, … ("slots": E slots first, then I slots), so both population phases
// keep every thread busy. Noise, window sums and sensors of the own units stay in private
// arrays across the steps; the rates of the previous and the next step are in workgroup
// memory (ping-pong), and one dispatch loops over many steps. CPU twin: rateSteps
// (src/engine/cpu/rateKernels.ts); every unit's input sum runs over the presynaptic units
// in the same order as on the CPU.
//
// Step schedule: 1 inputs → 2 noise → 3 E units from the old rates (eqs 1–3, clip, silence)
// → barrier → 4 I units from the NEW E rates and the old I rates (the authors' order)
// → barrier → 5 window sum (with 3–4) → 6 monitors → 7 online plasticity (sensors + eqs 6–8
// every step, Fig S4). Two barriers per step; more only on monitor steps and when online.
// Needs common.wgsl, philox.wgsl and rules.wgsl (prepended by src/engine/webgpu/shaders.ts).

override WG_SIZE: u32 = 128u; // a power of two (tree reductions)
override N_E: u32 = 80u;
override N_I: u32 = 20u;
override N_U: u32 = N_E + N_I;
// slots per thread of each population (UPT_E + UPT_I ≤ MAX_UPT, checked on the host)
override UPT_E: u32 = (N_E + WG_SIZE - 1u) / WG_SIZE;
override UPT_I: u32 = (N_I + WG_SIZE - 1u) / WG_SIZE;
override UPT: u32 = UPT_E + UPT_I;
// the ping-pong rate buffer: two halves of N_U
override RBUF_LEN: u32 = 2u * N_U;

const MAX_UPT: u32 = 16u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read_write> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> monitor: array<f32>;
@group(0) @binding(4) var<storage, read_write> kick_left: array<u32>;

var<workgroup> rbuf: array<f32, RBUF_LEN>;
var<workgroup> red: array<vec4<f32>, WG_SIZE>;

// Unit of slot k of thread t (may be ≥ its population's end: check slot_valid).
fn slot_unit(t: u32, k: u32) -> u32 {
  if (k < UPT_E) {
    return t + k * WG_SIZE;
  }
  return N_E + t + (k - UPT_E) * WG_SIZE;
}

fn slot_valid(t: u32, k: u32) -> bool {
  if (k < UPT_E) {
    return t + k * WG_SIZE < N_E;
  }
  return t + (k - UPT_E) * WG_SIZE < N_I;
}

// Workgroup sum of each thread's partial (tree order; the CPU sums in unit order, so the
// result agrees to rounding). Called in uniform control flow only.
fn reduce_sum(t: u32, partial: vec4<f32>) -> vec4<f32> {
  red[t] = partial;
  workgroupBarrier();
  for (var s = WG_SIZE / 2u; s > 0u; s = s >> 1u) {
    if (t < s) {
      red[t] = red[t] + red[t + s];
    }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier(); // everyone has read red[0] before it is reused
  return total;
}

// Input sums of unit i: Σ_E W_ij r_j and Σ_I W_ij r_j in unit order (eqs 1–2), E rates at
// rbuf offset e_off, I rates at i_off.
fn input_sums(row: u32, e_off: u32, i_off: u32) -> vec2<f32> {
  var exc = 0.0;
  var inh = 0.0;
  for (var j = 0u; j < N_E; j++) {
    exc = exc + weights[row + j] * rbuf[e_off + j];
  }
  for (var j = N_E; j < N_U; j++) {
    inh = inh + weights[row + j] * rbuf[i_off + j];
  }
  return vec2<f32>(exc, inh);
}

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
  let wb = b * N_U * N_U;

  var eta: array<f32, MAX_UPT>;
  var sum: array<f32, MAX_UPT>;
  var avg: array<f32, MAX_UPT>;
  var nz0: array<f32, MAX_UPT>;
  var nz1: array<f32, MAX_UPT>;
  for (var k = 0u; k < UPT; k++) {
    if (slot_valid(t, k)) {
      let i = slot_unit(t, k);
      rbuf[i] = state[SEC_RATES * S + o + i];
      eta[k] = state[SEC_ETA * S + o + i];
      sum[k] = state[SEC_SUM * S + o + i];
      avg[k] = state[SEC_AVG * S + o + i];
    }
  }
  workgroupBarrier();
  var cur = 0u;   // rbuf offset of the previous step's rates
  var nxt = N_U;  // rbuf offset of the rates being computed
  var kl = kick_left[b];
  let online = P.online != 0u;
  let mon = b < P.mon_count;
  let ne_f = f32(N_E);
  let ni_f = f32(N_I);

  for (var step = P.step_from; step < P.step_to; step++) {
    let g = global_step(step);
    // 1. inputs (the same for every thread of the network; each computes its own copy)
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
    // 2. noise (AR(1) = Euler–Maruyama OU); a unit pair's block also holds the next step
    let par = g.x & 1u;
    let fresh_noise = P.has_noise != 0u && (par == 0u || step == P.step_from);
    for (var k = 0u; k < UPT; k++) {
      if (slot_valid(t, k)) {
        let i = slot_unit(t, k);
        if (fresh_noise) {
          let z = noise_block(g, i >> 1u, b, P.noise_key);
          let odd = (i & 1u) == 1u;
          nz0[k] = select(z.x, z.y, odd);
          nz1[k] = select(z.z, z.w, odd);
        }
        var xi = 0.0;
        if (P.has_noise != 0u) {
          xi = select(nz0[k], nz1[k], par == 1u);
        }
        let e = eta[k];
        eta[k] = (e - P.noise_decay * e) + P.noise_std * xi;
      }
    }
    let in_window = step >= P.window_start;
    var part = vec4<f32>(0.0); // monitor partials: E rate, I rate, exc onto E, inh onto E
    var part_i = vec4<f32>(0.0); // and exc onto I, inh onto I
    // 3. E units from the previous E and I rates
    for (var k = 0u; k < UPT_E; k++) {
      if (slot_valid(t, k)) {
        let i = slot_unit(t, k);
        let ei = input_sums(wb + i * N_U, cur, cur);
        let x = ((ei.x - ei.y) + inp.ext_e) + eta[k];
        let v = euler_rate(rbuf[cur + i], x, P.theta_e, P.gain_e, P.dt_tau_e, P.max_e, inp.sil_e);
        rbuf[nxt + i] = v;
        part = part + vec4<f32>(v, 0.0, ei.x, ei.y);
        if (in_window) {
          sum[k] = sum[k] + v;
        }
      }
    }
    workgroupBarrier(); // the new E rates are visible
    // 4. I units from the NEW E rates and the previous I rates
    for (var k = UPT_E; k < UPT; k++) {
      if (slot_valid(t, k)) {
        let i = slot_unit(t, k);
        let ei = input_sums(wb + i * N_U, nxt, cur);
        let x = ((ei.x - ei.y) + inp.ext_i) + eta[k];
        let v = euler_rate(rbuf[cur + i], x, P.theta_i, P.gain_i, P.dt_tau_i, P.max_i, inp.sil_i);
        rbuf[nxt + i] = v;
        part.y = part.y + v;
        part_i = part_i + vec4<f32>(ei.x, ei.y, 0.0, 0.0);
        if (in_window) {
          sum[k] = sum[k] + v;
        }
      }
    }
    workgroupBarrier(); // all new rates written, all previous rates read
    // 6. monitors
    if (mon && step % P.record_every == 0u) {
      let tot = reduce_sum(t, part);
      let tot_i = reduce_sum(t, part_i);
      if (t == 0u) {
        let m = ((step / P.record_every) * P.mon_count + b) * N_MONITOR;
        monitor[m] = tot.x / ne_f;
        monitor[m + 1u] = tot.y / ni_f;
        monitor[m + 2u] = tot.z / ne_f;
        monitor[m + 3u] = tot.w / ne_f;
        monitor[m + 4u] = tot_i.x / ni_f;
        monitor[m + 5u] = tot_i.y / ni_f;
      }
    }
    // 7. online plasticity (Fig S4): sensors of the own units; their rectified values go
    // into the previous-rates half of rbuf, which no thread reads any more this step
    if (online) {
      var perr = vec4<f32>(0.0);
      for (var k = 0u; k < UPT; k++) {
        if (slot_valid(t, k)) {
          let i = slot_unit(t, k);
          let a = avg[k];
          let v = a + P.dt_tau_sensor * (rbuf[nxt + i] - a);
          avg[k] = v;
          let rc = rule_rectify(v, P.rectify);
          rbuf[cur + i] = rc;
          if (k < UPT_E) {
            perr.x = perr.x + (P.set_e - rc);
          } else {
            perr.y = perr.y + (P.set_i - rc);
          }
        }
      }
      let err = reduce_sum(t, perr); // its barriers also publish the rectified sensors
      let err_e = err.x / ne_f;
      let err_i = err.y / ni_f;
      for (var k = 0u; k < UPT; k++) {
        if (slot_valid(t, k)) {
          let i = slot_unit(t, k);
          let post_e = k < UPT_E;
          let term = rule_post_term(post_e, rbuf[cur + i], err_e, err_i);
          let alpha = rule_alpha(post_e);
          let row = wb + i * N_U;
          for (var j = 0u; j < N_U; j++) {
            let pre_e = j < N_E;
            if ((j == i && P.self_conn == 0u) || !rule_plastic(post_e, pre_e)) {
              continue;
            }
            weights[row + j] = rule_synapse(weights[row + j], pre_e, alpha, rbuf[cur + j], term, rule_floor(post_e, pre_e));
          }
        }
      }
      workgroupBarrier(); // the sensors are read before the next step overwrites them
    }
    let tmp = cur;
    cur = nxt;
    nxt = tmp;
  }

  for (var k = 0u; k < UPT; k++) {
    if (slot_valid(t, k)) {
      let i = slot_unit(t, k);
      state[SEC_RATES * S + o + i] = rbuf[cur + i];
      state[SEC_ETA * S + o + i] = eta[k];
      state[SEC_SUM * S + o + i] = sum[k];
      state[SEC_AVG * S + o + i] = avg[k];
    }
  }
  if (t == 0u) {
    kick_left[b] = kl;
  }
}
