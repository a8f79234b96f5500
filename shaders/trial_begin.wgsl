// Start of a trial: zero the window sums and the monitor, reset the rates (not the noise)
// when the protocol says so. One thread per element. CPU twin: trialBegin.
// Needs common.wgsl.

override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(3) var<storage, read_write> monitor: array<f32>;

@compute @workgroup_size(WG_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let k = flat_workgroup(wid, nwg) * WG_SIZE + lid;
  if (k < P.state_len) {
    state[SEC_SUM * P.state_len + k] = 0.0;
    if (P.reset_rates != 0u) {
      state[SEC_RATES * P.state_len + k] = 0.0;
    }
  }
  if (k < P.monitor_len) {
    monitor[k] = 0.0;
  }
}
