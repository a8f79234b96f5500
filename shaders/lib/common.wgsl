// Shared declarations of the rate-network kernels (prepended to each kernel at load time).
//
// Data layout (src/model/rateNetwork.ts; identical on the CPU):
//   state   : five sections of S = B·N floats: rates | eta | avg | sum | trialMean
//   weights : W[b][post][pre], magnitudes; the sign comes from the presynaptic type (eqs 1–2)
//   monitor : [sample][network < mon_count][channel], channels E, I, excOntoE, inhOntoE, excOntoI, inhOntoI
//   kick    : remaining steps of the current Poisson kick, one u32 per network
//
// Params is written by src/engine/webgpu/rateProgram.ts (PARAM_WORDS, word offsets below);
// every dispatch gets its own 256-byte-aligned copy (a dynamic uniform offset), so chunks
// of one command buffer can carry different step ranges and protocols.
//
// Contract: every kernel that includes this file declares
//   @group(0) @binding(0) var<uniform> P: Params;
// and the helpers below (and in rules.wgsl) read P directly rather than taking the struct
// as an argument: a by-value struct argument is copied on every call by compilers that do
// not inline (SwiftShader's Subzero, i.e. CI).

struct Pulse {
  start: u32,    // first trial-relative step (inclusive)
  end: u32,      // end step (exclusive): the window is [start, end)
  target_e: u32, // 1: E population, 0: I population
  silence: u32,  // 1: force the target's rates to 0; 0: add the amplitude to its input
}

struct Params {
  // words 0–3
  batch: u32,
  n_e: u32,
  n_i: u32,
  n: u32,
  // 4–7
  self_conn: u32,
  steps_per_trial: u32,
  window_start: u32,
  record_every: u32,
  // 8–11
  mon_count: u32,
  n_pulse: u32,
  kick_steps: u32,
  online: u32,
  // 12–15: this dispatch's trial-relative steps [step_from, step_to) and the trial's first
  // global step (64 bit, lo/hi: WGSL has no u64)
  step_from: u32,
  step_to: u32,
  g_base_lo: u32,
  g_base_hi: u32,
  // 16–19: Philox keys of the noise and Poisson-kick streams (seedKey in philox.ts)
  noise_key: vec2<u32>,
  kick_key: vec2<u32>,
  // 20–23
  rule: u32,        // RULE_* below
  plastic: u32,     // bit mask: 1 EE, 2 EI, 4 IE, 8 II
  trial_mode: u32,  // 1: plasticity once per trial (trial_end); 0: online
  reset_rates: u32,
  // 24–27
  has_noise: u32,
  monitor_len: u32,
  state_len: u32,   // S = B·N
  pad0: u32,
  // 28–31
  dt_tau_e: f32,
  dt_tau_i: f32,
  dt_tau_sensor: f32,
  kick_prob: f32,
  // 32–35
  theta_e: f32,
  theta_i: f32,
  gain_e: f32,
  gain_i: f32,
  // 36–39
  max_e: f32,
  max_i: f32,
  drive_e: f32,
  drive_i: f32,
  // 40–43
  noise_decay: f32,
  noise_std: f32,
  kick_amp: f32,
  rectify: f32,
  // 44–47
  set_e: f32,
  set_i: f32,
  alpha_e: f32,
  alpha_i: f32,
  // 48–51: per-synapse floors of the classes (floorTotal / presynaptic partners)
  floor_ee: f32,
  floor_ei: f32,
  floor_ie: f32,
  floor_ii: f32,
  // 52–55
  avg_rate: f32,
  win_len: f32,     // steps in the activity window, as f32
  pad1: f32,
  pad2: f32,
  // 56–71
  pulse: array<Pulse, 4>,
  // 72–75
  pulse_amp: vec4<f32>,
}

// Sections of the state buffer (multiply by Params.state_len).
const SEC_RATES: u32 = 0u;
const SEC_ETA: u32 = 1u;
const SEC_AVG: u32 = 2u;
const SEC_SUM: u32 = 3u;
const SEC_TMEAN: u32 = 4u;

const N_MONITOR: u32 = 6u;

const RULE_NONE: u32 = 0u;
const RULE_HOMEOSTATIC: u32 = 1u;
const RULE_CROSS: u32 = 2u;
const RULE_TWO_TERM: u32 = 3u;

// External input of one step (phase 1 of the schedule): constant drives plus the pulses
// whose window [start, end) contains the trial-relative step. Amplitudes are added in pulse
// order, as in rateSteps.
struct StepInput {
  ext_e: f32,
  ext_i: f32,
  sil_e: bool,
  sil_i: bool,
}

fn step_input(step: u32) -> StepInput {
  var s = StepInput(P.drive_e, P.drive_i, false, false);
  for (var q = 0u; q < P.n_pulse; q++) {
    let pu = P.pulse[q];
    if (step < pu.start || step >= pu.end) {
      continue;
    }
    if (pu.silence != 0u) {
      if (pu.target_e != 0u) {
        s.sil_e = true;
      } else {
        s.sil_i = true;
      }
    } else if (pu.target_e != 0u) {
      s.ext_e = s.ext_e + P.pulse_amp[q];
    } else {
      s.ext_i = s.ext_i + P.pulse_amp[q];
    }
  }
  return s;
}

// Global step g = trial·stepsPerTrial + step as (lo, hi) with carry: the RNG counters are
// 64-bit so that long runs never wrap.
fn global_step(step: u32) -> vec2<u32> {
  let lo = P.g_base_lo + step;
  let hi = P.g_base_hi + select(0u, 1u, lo < step);
  return vec2<u32>(lo, hi);
}

// Network index of a workgroup in a (possibly 2-D) dispatch: x runs fastest.
fn flat_workgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.y * nwg.x + wid.x;
}

// Euler update of one unit (eqs 1–3): r ← r + dt/τ·(f(x) − r), f(x) = g·[x − θ]₊, then the
// clip to [0, max] and silencing. Comparisons (not min/max) keep the CPU's NaN behaviour.
fn euler_rate(r0: f32, x: f32, th: f32, gain: f32, a: f32, mx: f32, silenced: bool) -> f32 {
  var drive = 0.0;
  if (x > th) {
    drive = gain * (x - th);
  }
  var r = r0 + a * (drive - r0);
  if (r > mx) {
    r = mx;
  }
  if (r < 0.0) {
    r = 0.0;
  }
  if (silenced) {
    r = 0.0;
  }
  return r;
}
