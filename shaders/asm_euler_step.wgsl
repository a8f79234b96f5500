// One forward-Euler step of the rate dynamics (eq 1) for a batch of stimuli, the batch as the
// row dimension of a tiled product (CPU twin: solveRow in src/labs/assemblies/cpuEngine.ts):
//
//   τ_E dh_E/dt = I_aff(s) + W_EE r_E − W_EI r_I − leak_E
//   τ_I dh_I/dt = W_IE r_E − W_II r_I − leak_I + I_bg,     r = clip(h, 0, r_max),
//   leak = h (eq 1 as printed) or r (the reference code),
//
// i.e. h_out = h_in + dt/τ·(drive + R·WcT − leak) with R = clip(H_in) [B × N] (clipped while
// the A tile is staged) and WcT the pre-major signed combined matrix [[W_EE, −W_EI],
// [W_IE, −W_II]]ᵀ (combinedWT), one 64 × 64 tile of (stimuli × units) per workgroup.
// Step 0 starts from h = ρ0 (E) and I_bg (I) without reading h_in (solveRow's initial state).
//
// Convergence (solveRow): after the step, max |Δh| over the units left unclipped, per
// population, must be below dt/τ·maxDr. Every tile folds its rows' maxima into slot t % 3 of
// `conv`; step t + 1 reads them (asm_rows.wgsl). Rows that are finished copy h_in to h_out, so
// both ping-pong buffers end with the final state.
// Needs asm_common.wgsl, asm_tile.wgsl, asm_rows.wgsl. Grid: x = ⌈N/64⌉ unit tiles,
// y = ⌈B/64⌉ stimulus tiles; 16 × 16 threads.

@group(0) @binding(0) var<uniform> P: AsmParams;
@group(0) @binding(1) var<storage, read> h_in: array<f32>;
@group(0) @binding(2) var<storage, read> wct: array<f32>;
@group(0) @binding(3) var<storage, read_write> h_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> conv: array<atomic<u32>>;
@group(0) @binding(5) var<storage, read_write> stat: array<atomic<u32>>;
@group(0) @binding(6) var<storage, read> aff: array<f32>;

// activation before the step: solveRow's initial state at step 0, else h_in
fn h_at(b: u32, i: u32) -> f32 {
  if (P.step == 0u) {
    return select(P.bg_i, P.rho0, i < P.n_e);
  }
  return h_in[b * P.n + i];
}

fn tile_a(m: u32, k: u32) -> f32 {
  if (m >= P.batch || k >= P.n) {
    return 0.0;
  }
  return asm_rate(h_at(m, k));
}

// WcT[pre][post]: k = pre, n = post (row-major: TRANS_B = false)
fn tile_b(k: u32, n: u32) -> f32 {
  if (k >= P.n || n >= P.n) {
    return 0.0;
  }
  return wct[k * P.n + n];
}

@compute @workgroup_size(16, 16)
fn main(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
) {
  let row0 = wid.y * TILE;
  let col0 = wid.x * TILE;
  let t = P.step;
  let busy = rows_begin(li, row0, t, wid.x == 0u);
  if (busy == 0u) {
    // every row of the tile is finished (or outside the batch): carry the state forward
    for (var i = 0u; i < 4u; i++) {
      let r = lid.y + 16u * i;
      let b = row0 + r;
      if (row_dec[r] == ROW_NONE) {
        continue;
      }
      for (var j = 0u; j < 4u; j++) {
        let c = col0 + lid.x + 16u * j;
        if (c < P.n) {
          h_out[b * P.n + c] = h_at(b, c);
        }
      }
    }
    return;
  }
  var acc = tile_product(li, lid.x, lid.y, row0, col0, P.n);
  let leak_h = P.leak_h != 0u;
  for (var i = 0u; i < 4u; i++) {
    let r = lid.y + 16u * i;
    let b = row0 + r;
    let dec = row_dec[r];
    if (dec == ROW_NONE) {
      continue;
    }
    let aff_row = atomicLoad(&stat[4u * b + 3u]) * P.n_e;
    var g_e = 0.0;
    var g_i = 0.0;
    for (var j = 0u; j < 4u; j++) {
      let c = col0 + lid.x + 16u * j;
      if (c >= P.n) {
        continue;
      }
      let h = h_at(b, c);
      if (dec != ROW_COMPUTE) {
        h_out[b * P.n + c] = h;
        continue;
      }
      let leak = select(asm_rate(h), h, leak_h);
      var d: f32;
      if (c < P.n_e) {
        var drive = aff[aff_row + c];
        if (c == P.perturb_cell) {
          drive = drive + P.perturb_delta;
        }
        d = P.k_e * (drive + acc[i][j] - leak);
      } else {
        d = P.k_i * (acc[i][j] + P.bg_i - leak);
      }
      let hn = h + d;
      h_out[b * P.n + c] = hn;
      // only units left unclipped count towards convergence (solveRow)
      if (!(hn < 0.0) && !(hn > P.r_max)) {
        let a = abs(d);
        if (c < P.n_e) {
          if (a > g_e) {
            g_e = a;
          }
        } else if (a > g_i) {
          g_i = a;
        }
      }
    }
    rows_max(r, g_e, g_i);
  }
  rows_end(li, row0, t, wid.x == 0u);
}
