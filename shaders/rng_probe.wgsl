// Test-only kernel: Philox words and normals for given counters, for the RNG parity tests
// (test/parity). Needs common.wgsl and philox.wgsl.
//   input  : counters, 4 words each, and the key in P.noise_key; P.batch = number of counters
//   output : per counter (13 words): the 4 Philox words, their 4 normals (bitcast to u32), the
//            uniform of word 0, then the normals of the 4 counter words themselves (so that
//            chosen words, e.g. the extremes 0 and 0xffffffff of the tails, can be probed)

override WG_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> counters: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(WG_SIZE)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let k = flat_workgroup(wid, nwg) * WG_SIZE + lid;
  if (k >= P.batch) {
    return;
  }
  let w = philox4x32(counters[k], P.noise_key);
  let o = k * 13u;
  out[o] = w.x;
  out[o + 1u] = w.y;
  out[o + 2u] = w.z;
  out[o + 3u] = w.w;
  out[o + 4u] = bitcast<u32>(normal_from_u32(w.x));
  out[o + 5u] = bitcast<u32>(normal_from_u32(w.y));
  out[o + 6u] = bitcast<u32>(normal_from_u32(w.z));
  out[o + 7u] = bitcast<u32>(normal_from_u32(w.w));
  out[o + 8u] = bitcast<u32>(u32_to_uniform(w.x));
  let c = counters[k];
  out[o + 9u] = bitcast<u32>(normal_from_u32(c.x));
  out[o + 10u] = bitcast<u32>(normal_from_u32(c.y));
  out[o + 11u] = bitcast<u32>(normal_from_u32(c.z));
  out[o + 12u] = bitcast<u32>(normal_from_u32(c.w));
}
