// Per-row convergence bookkeeping of the batched iterative solves (the steady state of eq 1
// and the adjoint of eqs 12–15): every row (stimulus) of the batch stops on its own, exactly
// where the CPU's solveRow / adjointSolve would, while the host only encodes chunks of step
// dispatches and reads back how many rows are still running between chunks.
//
// The triple buffer `conv` (asm_common.wgsl): step t atomicMax-es its rows' max |Δh| (or max
// |residual|) into slot t % 3 from every column tile, step t + 1 reads slot t % 3 to decide
// whether the row converged at step t, and step t clears slot (t + 1) % 3, which step t + 1
// will write. The three slots a dispatch touches are distinct, so there is no race inside a
// dispatch; dispatches are ordered (each sees the previous one's writes).
//
// `stat[4b]` (the mark) is written by the column-tile-0 workgroup of the step that detects the
// end of row b, as detection step + 2, while other workgroups of the same dispatch may read it:
// a reader at step t treats mark ≤ t + 1 (detected at an earlier step) as done and anything
// else as not yet marked, then re-derives the same decision from the slot — so a racing read
// sees the same outcome either way. Excluded rows (adjoint of a stimulus whose steady state
// did not converge) are marked 1 before the solve.
//
// Contract: the including kernel declares P, and
//   var<storage, read_write> conv: array<atomic<u32>>;
//   var<storage, read_write> stat: array<atomic<u32>>;
// ADJOINT (pipeline constant) selects the criterion: steady state: max|Δh_E| < thr_e and
// max|Δh_I| < thr_i (solveRow); adjoint: max|ρ| < thr_b (per row, stat aux) and non-finite
// residuals fail (adjointSolve).

override ADJOINT: bool = false;

const ROW_COMPUTE: u32 = 0u; // take step t
const ROW_DONE: u32 = 1u; // finished before step t: carry the state forward
const ROW_NEW: u32 = 2u; // converged at step t − 1 (detected now)
const ROW_FINAL: u32 = 3u; // t reached the cap without convergence
const ROW_FAILED: u32 = 4u; // adjoint residual not finite
const ROW_NONE: u32 = 5u; // outside the batch

fn conv_slot(t: u32, b: u32) -> u32 {
  return ((t % 3u) * P.batch + b) * 2u;
}

fn row_decision(b: u32, t: u32) -> u32 {
  let mark = atomicLoad(&stat[4u * b]);
  if (mark != 0u && mark <= t + 1u) {
    return ROW_DONE;
  }
  if (t > 0u) {
    let s = conv_slot(t - 1u, b);
    let g0 = atomicLoad(&conv[s]);
    if (ADJOINT) {
      // adjointSolve: `if (worst < thr) return it; if (!isFinite(worst)) return −1`
      let thr = bitcast<f32>(atomicLoad(&stat[4u * b + 3u]));
      if (bitcast<f32>(g0) < thr) {
        return ROW_NEW;
      }
      if (g0 >= 0x7f800000u) {
        return ROW_FAILED;
      }
    } else {
      // solveRow: converged = gE < thrE && gI < thrI after the step
      let g1 = atomicLoad(&conv[s + 1u]);
      if (bitcast<f32>(g0) < P.thr_e && bitcast<f32>(g1) < P.thr_i) {
        return ROW_NEW;
      }
    }
  }
  if (t >= P.limit) {
    return ROW_FINAL;
  }
  return ROW_COMPUTE;
}

// Record the end of row b detected at step t (column-tile-0 workgroup only): the step count
// as solveRow counts it (the converging step included; maxSteps when it never converged) or
// the iteration count of adjointSolve (−1 when it failed).
fn row_record(b: u32, t: u32, dec: u32) {
  var steps = i32(t);
  var ok = 0u;
  if (dec == ROW_NEW) {
    ok = 1u;
  } else if (ADJOINT) {
    steps = -1;
  }
  atomicStore(&stat[4u * b + 1u], bitcast<u32>(steps));
  atomicStore(&stat[4u * b + 2u], ok);
  atomicStore(&stat[4u * b], t + 2u);
}

// ── workgroup side of a batched step (asm_euler_step, asm_adjoint_step): one 64-row tile ──

var<workgroup> row_dec: array<u32, 64>;
var<workgroup> row_active: u32;
// per tile row, the max |Δ| of the E units (2r) and of the I units (2r + 1), as f32 bits
var<workgroup> row_max: array<atomic<u32>, 128>;

// Decide every row of the tile (rows row0 … row0 + 63), record the rows that end here (only
// when `record`: the column-tile-0 workgroup) and return, uniformly, whether any row of the
// tile takes a step — a tile whose rows are all finished skips the product entirely.
// Call in uniform control flow.
fn rows_begin(li: u32, row0: u32, t: u32, record: bool) -> u32 {
  if (li < 64u) {
    let b = row0 + li;
    var d = ROW_NONE;
    if (b < P.batch) {
      d = row_decision(b, t);
      if (record && (d == ROW_NEW || d == ROW_FINAL || d == ROW_FAILED)) {
        row_record(b, t, d);
      }
    }
    row_dec[li] = d;
  }
  if (li < 128u) {
    atomicStore(&row_max[li], 0u);
  }
  workgroupBarrier();
  if (li == 0u) {
    var any = 0u;
    for (var r = 0u; r < 64u; r++) {
      if (row_dec[r] == ROW_COMPUTE) {
        any = 1u;
      }
    }
    row_active = any;
  }
  return workgroupUniformLoad(&row_active);
}

// Fold a thread's row maxima into the tile's (skipping zeros: the slots start at 0).
fn rows_max(r: u32, g_e: f32, g_i: f32) {
  if (g_e > 0.0) {
    atomicMax(&row_max[2u * r], bitcast<u32>(g_e));
  }
  if (g_i > 0.0) {
    atomicMax(&row_max[2u * r + 1u], bitcast<u32>(g_i));
  }
}

// Publish the tile's row maxima to slot t % 3 (combined across the column tiles by
// atomicMax) and, in the column-tile-0 workgroup, clear slot (t + 1) % 3 for step t + 1.
// Call in uniform control flow.
fn rows_end(li: u32, row0: u32, t: u32, clear: bool) {
  workgroupBarrier();
  if (li < 64u) {
    let b = row0 + li;
    if (b < P.batch) {
      if (row_dec[li] == ROW_COMPUTE) {
        let s = conv_slot(t, b);
        let g0 = atomicLoad(&row_max[2u * li]);
        if (g0 != 0u) {
          atomicMax(&conv[s], g0);
        }
        let g1 = atomicLoad(&row_max[2u * li + 1u]);
        if (g1 != 0u) {
          atomicMax(&conv[s + 1u], g1);
        }
      }
      if (clear) {
        let s1 = conv_slot(t + 1u, b);
        atomicStore(&conv[s1], 0u);
        atomicStore(&conv[s1 + 1u], 0u);
      }
    }
  }
}
