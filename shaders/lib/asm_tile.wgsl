// Tiled matrix product of the assemblies kernels: C[M × Nc] = A[M × K] · B[K × Nc].
//
// Why tiled: the steady-state solve of eq 1 for a batch of stimuli is, step after step, the
// product R·WcT of the batch's rates [B × N] with the combined weights [N × N] (plus an
// elementwise epilogue); the adjoint (eqs 12–15) and the batch sums of the plasticity rules
// (eqs 8a/b) are products too. Each weight read from global memory is reused by 64 rows of
// the batch and each rate by 64 columns, through workgroup memory.
//
// Shape: a workgroup of 16 × 16 threads owns a 64 × 64 output tile; thread (tx, ty) owns the
// 4 × 4 micro-tile of rows ty + 16i and columns tx + 16j (i, j < 4) — strided rather than
// blocked, so that neighbouring threads store neighbouring columns and read neighbouring words
// of the B tile. K is walked in steps of TK = 16: each step stages a 64 × 16 slice of A and a
// 16 × 64 slice of B in workgroup memory (k-major, rows padded to 65 words so that the
// transposed stores do not all hit one bank), 4 loads per thread per operand.
//
// The including kernel defines
//   fn tile_a(m: u32, k: u32) -> f32   // A[m][k], 0 outside the matrix
//   fn tile_b(k: u32, n: u32) -> f32   // B[k][n], 0 outside the matrix
// and TRANS_A / TRANS_B (pipeline constants) say which index of each operand is contiguous in
// memory (false: A row-major [M × K], B row-major [K × Nc]; true: the transposes), which picks
// the load order that keeps consecutive threads on consecutive addresses.
// Sizes need not be multiples of the tile: tile_a / tile_b bound-check, the caller's epilogue
// bound-checks its stores.

const TILE: u32 = 64u;
const TK: u32 = 16u;
const TSTRIDE: u32 = 65u; // padded row of a staged slice
const TPW: u32 = 256u; // threads per workgroup

override TRANS_A: bool = false;
override TRANS_B: bool = false;

var<workgroup> tile_sa: array<f32, 1040>; // [k < TK][m < TILE], stride TSTRIDE
var<workgroup> tile_sb: array<f32, 1040>; // [k < TK][n < TILE], stride TSTRIDE

// The micro-tile of thread (tx, ty): element [i][j] is C[row0 + ty + 16i][col0 + tx + 16j].
// Must be called in uniform control flow (it has barriers); K must be uniform.
fn tile_product(li: u32, tx: u32, ty: u32, row0: u32, col0: u32, K: u32) -> array<vec4<f32>, 4> {
  var c0 = vec4<f32>(0.0);
  var c1 = vec4<f32>(0.0);
  var c2 = vec4<f32>(0.0);
  var c3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < K; k0 += TK) {
    for (var q = 0u; q < 4u; q++) {
      let e = li + TPW * q;
      var m: u32;
      var ka: u32;
      if (TRANS_A) {
        m = e % TILE;
        ka = e / TILE;
      } else {
        m = e / TK;
        ka = e % TK;
      }
      tile_sa[ka * TSTRIDE + m] = tile_a(row0 + m, k0 + ka);
      var n: u32;
      var kb: u32;
      if (TRANS_B) {
        n = e / TK;
        kb = e % TK;
      } else {
        n = e % TILE;
        kb = e / TILE;
      }
      tile_sb[kb * TSTRIDE + n] = tile_b(k0 + kb, col0 + n);
    }
    workgroupBarrier();
    for (var k = 0u; k < TK; k++) {
      let o = k * TSTRIDE;
      let a = vec4<f32>(tile_sa[o + ty], tile_sa[o + ty + 16u], tile_sa[o + ty + 32u], tile_sa[o + ty + 48u]);
      let b = vec4<f32>(tile_sb[o + tx], tile_sb[o + tx + 16u], tile_sb[o + tx + 32u], tile_sb[o + tx + 48u]);
      c0 += a.x * b;
      c1 += a.y * b;
      c2 += a.z * b;
      c3 += a.w * b;
    }
    workgroupBarrier();
  }
  return array<vec4<f32>, 4>(c0, c1, c2, c3);
}
