// The plasticity sums of a training batch as tiled products over the batch dimension
// (CPU twin: the per-stimulus loops of CpuAsmEngine.trainBatchSync):
//   eq 8b input factor   FP = (E·W_IEᵀ)∘σ(h_I)          [B × nI]   (EPI = 1: × σ(aux))
//   eq 8a (output)       gEI = Eᵀ·R_I                    [nE × nI]
//   eq 8b (input)        gIE = FPᵀ·R_E                   [nI × nE]
//   eq 15b / 15a         gEI = Λᵀ·R_I,  gIE = Mᵀ·R_E     (λ = z_E, μ = −z_I from the adjoint)
// Rows of stimuli that do not count are zero in E / FP / Λ / M, so they add nothing. The
// σ(αV) factor of eqs 8a/b and 15 is the same for every stimulus of the batch and is applied
// by asm_apply.wgsl / asm_dots.wgsl.
//
// C[off_c + m·ldc + n] = Σ_k op(A)[m][k]·op(B)[k][n], with op(A)[m][k] = a[off_a + m·lda + k]
// (TRANS_A: a[off_a + k·lda + m]) and op(B)[k][n] = bm[off_b + k·ldb + n] (TRANS_B:
// bm[off_b + n·ldb + k]). Also the matrix-product test kernel of the parity tests.
// Needs asm_common.wgsl, asm_tile.wgsl. Grid: x = ⌈gn/64⌉, y = ⌈gm/64⌉; 16 × 16 threads.

override EPI: u32 = 0u;

@group(0) @binding(0) var<uniform> P: AsmParams;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> bm: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<storage, read> aux: array<f32>;

fn tile_a(m: u32, k: u32) -> f32 {
  if (m >= P.gm || k >= P.gk) {
    return 0.0;
  }
  if (TRANS_A) {
    return a[P.off_a + k * P.lda + m];
  }
  return a[P.off_a + m * P.lda + k];
}

fn tile_b(k: u32, n: u32) -> f32 {
  if (k >= P.gk || n >= P.gn) {
    return 0.0;
  }
  if (TRANS_B) {
    return bm[P.off_b + n * P.ldb + k];
  }
  return bm[P.off_b + k * P.ldb + n];
}

@compute @workgroup_size(16, 16)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  var acc = tile_product(li, lid.x, lid.y, row0, col0, P.gk);
  for (var i = 0u; i < 4u; i++) {
    let m = row0 + lid.y + 16u * i;
    if (m >= P.gm) {
      continue;
    }
    for (var j = 0u; j < 4u; j++) {
      let n = col0 + lid.x + 16u * j;
      if (n >= P.gn) {
        continue;
      }
      var v = acc[i][j];
      if (EPI == 1u) {
        v = v * asm_sigmoid(aux[P.aux_off + m * P.aux_ld + n]);
      }
      c[P.off_c + m * P.ldc + n] = v;
    }
  }
}
