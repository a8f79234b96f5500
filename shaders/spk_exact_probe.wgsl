// Test-only kernel: div_rn, div_rn_long and exp_rn of shaders/lib/spk_exact.wgsl on given
// float32 operands, so that test/parity/spkExact.test.ts can compare them bit for bit with
// the CPU's f(a / b) and f(Math.exp(x)) (host: src/engine/spiking/webgpu/exactProbe.ts).
// Defines what spk_exact.wgsl wants of its includer: nf(), exp_tab() and is_nan(), as
// spk_common.wgsl does.
//   input  : per probe 3 words (a, b, x); the 2^(j/256) table (512 words, layout.ts)
//   output : per probe 3 words: div_rn(a, b), div_rn_long(a, b), exp_rn(x)

struct ProbeParams {
  n: u32,
  zero: u32, // always 0 (see nf)
  pad0: u32,
  pad1: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> Q: ProbeParams;
@group(0) @binding(1) var<storage, read> tab: array<u32>;
@group(0) @binding(2) var<storage, read> args: array<u32>;
@group(0) @binding(3) var<storage, read_write> res: array<u32>;

fn nf(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) | Q.zero);
}

fn exp_tab(j: u32) -> vec2<f32> {
  return vec2<f32>(bitcast<f32>(tab[2u * j]), bitcast<f32>(tab[2u * j + 1u]));
}

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= Q.n) {
    return;
  }
  let a = bitcast<f32>(args[3u * i]);
  let b = bitcast<f32>(args[3u * i + 1u]);
  let x = bitcast<f32>(args[3u * i + 2u]);
  res[3u * i] = bitcast<u32>(div_rn(a, b));
  res[3u * i + 1u] = bitcast<u32>(div_rn_long(a, b));
  res[3u * i + 2u] = bitcast<u32>(exp_rn(x));
}
