/**
 * Euler–Maruyama simulation of the reduced model (model.ts), as the authors' code integrates
 * it (compute_correlations.cpp: dt = 0.01, start near 0, relax, then accumulate moments):
 *
 *   x_i ← x_i + dt·[a x_i + b y_i + (W_EE (S_x − x_i) + W_EI (S_y − y_i))/(M−1)]
 *             + √dt·(σ_ext η_i + σ_int ξ_i^x)
 *   y_i ← y_i + dt·[c x_i + d y_i + (W_IE (S_x − x_i) + W_II (S_y − y_i))/(M−1)]
 *             + √dt·(σ_ext η_i + σ_int ξ_i^y)
 *
 * with S_x = Σ_j x_j, S_y = Σ_j y_j of the previous step (every variable is updated from the
 * old state) and η_i, ξ_i^x, ξ_i^y independent unit normals, η_i shared by x_i and y_i.
 * We start from 0 (the authors draw small uniform values; the burn-in erases either).
 *
 * Randomness: Philox4x32-10 (src/engine/rng/philox.ts) under key seedKey(seed, 40) — stream
 * 40 is used by nothing else (philox.ts's STREAM uses 1–5 and 16–19). Step s (counted from
 * the first burn-in step) reads blocks s·B … s·B + B − 1, B = ⌈3M/4⌉, counter
 * [block_lo, block_hi, 0, 0]; its words 3i, 3i+1, 3i+2 become η_i, ξ_i^x, ξ_i^y through
 * normalFromU32 (unused words of the last block are skipped). The same seed gives the same run
 * in Node (WebAssembly Philox) and in the browser (JavaScript Philox): the words are identical.
 *
 * Estimates: the correlations of Appendix C1 from pooled sample moments — variances averaged
 * over groups, covariances over ordered pairs i ≠ j (all groups are statistically alike), each
 * group centred on its own sample mean — over the measured steps after the burn-in. Their
 * standard errors come from batch means: the measured stretch is cut into equal batches, the
 * correlations are estimated in each, and SE = sd(batch estimates)/√batches. Batches must be
 * much longer than the slowest relaxation time (summary warns otherwise).
 */
import { normalFromU32, philox4x32, seedKey } from '../../engine/rng/philox';
import { philoxWasm } from '../../engine/rng/philoxWasm';
import { CORRELATION_KEYS, type Correlations } from './exact';
import { assertStationary, eulerStability, type ReducedCoefficients } from './model';

/** Philox key stream of the lab's noise (not in STREAM; see the module comment). */
export const REDUCED_NOISE_STREAM = 40;

export interface SimOptions {
  /** Euler–Maruyama step (time units) */
  dt: number;
  /** measured length after the burn-in (time units) */
  T: number;
  /** burn-in, discarded (time units) */
  burnIn: number;
  /** batches for the standard errors, ≥ 2 */
  batches: number;
  seed: number;
}

export interface SimResult {
  correlations: Correlations;
  /** batch-means standard errors */
  se: Correlations;
  /** the per-batch estimates */
  batchCorrelations: Correlations[];
  burnInSteps: number;
  stepsPerBatch: number;
  /** measured steps (batches × stepsPerBatch) */
  steps: number;
  /** pooled sample variances of x and y (stationary ⟨x_i²⟩, ⟨y_i²⟩ estimates) */
  varX: number;
  varY: number;
  wallMs: number;
}

/** Thrown when the Euler–Maruyama state stops being finite. */
export class SimulationDiverged extends Error {
  override readonly name = 'SimulationDiverged';
}

interface Sums {
  n: number;
  sx: Float64Array;
  sy: Float64Array;
  sxx: number;
  syy: number;
  sxy: number;
  /** Σ_t S_x², Σ_t S_y², Σ_t S_x S_y (S = sum over groups) */
  SSxx: number;
  SSyy: number;
  SSxy: number;
}

function correlationsFromSums(s: Sums, M: number): Correlations & { vx: number; vy: number } {
  const n = s.n;
  let mx2 = 0,
    my2 = 0,
    mxy = 0,
    smx = 0,
    smy = 0;
  for (let i = 0; i < M; i++) {
    const mx = s.sx[i] / n;
    const my = s.sy[i] / n;
    mx2 += mx * mx;
    my2 += my * my;
    mxy += mx * my;
    smx += mx;
    smy += my;
  }
  const vx = (s.sxx / n - mx2) / M;
  const vy = (s.syy / n - my2) / M;
  const cxyIn = (s.sxy / n - mxy) / M;
  const pairs = M * (M - 1);
  const cxx = ((s.SSxx - s.sxx) / n - (smx * smx - mx2)) / pairs;
  const cyy = ((s.SSyy - s.syy) / n - (smy * smy - my2)) / pairs;
  const cxy = ((s.SSxy - s.sxy) / n - (smx * smy - mxy)) / pairs;
  const sxy = Math.sqrt(vx * vy);
  return {
    C_EI_int: cxyIn / sxy,
    C_EE_ext: cxx / vx,
    C_II_ext: cyy / vy,
    C_EI_ext: cxy / sxy,
    vx,
    vy,
  };
}

/**
 * Words of Philox blocks [start, start + count) (counter [block_lo, block_hi, 0, 0]): the
 * WebAssembly Philox under Node, else (or with forceJs) the JavaScript one — the same words.
 * The returned array is reused by the next call.
 */
export function noiseBlockFiller(
  k0: number,
  k1: number,
  forceJs = false,
): (count: number, start: number) => Uint32Array {
  const wasm = forceJs ? null : philoxWasm();
  if (wasm)
    return (count, start) =>
      wasm.fill(count, start >>> 0, Math.floor(start / 4294967296) >>> 0, 0, 0, k0, k1);
  let buf = new Uint32Array(0);
  const tmp = new Uint32Array(4);
  return (count, start) => {
    if (buf.length < 4 * count) buf = new Uint32Array(4 * count);
    for (let i = 0; i < count; i++) {
      const c = start + i;
      philox4x32(c >>> 0, Math.floor(c / 4294967296) >>> 0, 0, 0, k0, k1, tmp);
      buf[4 * i] = tmp[0];
      buf[4 * i + 1] = tmp[1];
      buf[4 * i + 2] = tmp[2];
      buf[4 * i + 3] = tmp[3];
    }
    return buf;
  };
}

/** Simulate and estimate the four correlations with batch-means standard errors. */
export function simulateReduced(p: ReducedCoefficients, o: SimOptions): SimResult {
  const t0 = performance.now();
  assertStationary(p);
  if (!(o.dt > 0)) throw new RangeError('dt must be positive');
  const em = eulerStability(p, o.dt);
  if (!em.stable)
    throw new RangeError(
      `Euler–Maruyama is unstable at dt = ${o.dt} (|1 + λ·dt| reaches ${em.maxAbs.toPrecision(4)}): lower dt`,
    );
  const B = Math.floor(o.batches);
  if (!(B >= 2)) throw new RangeError('at least 2 batches are needed for a standard error');
  const M = p.M;
  const burnInSteps = Math.max(0, Math.round(o.burnIn / o.dt));
  const stepsPerBatch = Math.max(1, Math.round(o.T / o.dt / B));
  const total = burnInSteps + B * stepsPerBatch;

  const [k0, k1] = seedKey(o.seed, REDUCED_NOISE_STREAM);
  const fill = noiseBlockFiller(k0, k1);
  const bps = Math.ceil((3 * M) / 4);
  const chunk = Math.max(1, Math.floor(16384 / bps));

  const dt = o.dt;
  const sq = Math.sqrt(dt);
  const gi = p.sigmaInt * sq;
  const ge = p.sigmaExt * sq;
  const g = 1 / (M - 1);
  const kEE = g * p.W_EE;
  const kEI = g * p.W_EI;
  const kIE = g * p.W_IE;
  const kII = g * p.W_II;
  // own-group coefficients with the self term of the group sums taken out
  const aa = p.a - kEE;
  const bb = p.b - kEI;
  const cc = p.c - kIE;
  const dd = p.d - kII;

  const x = new Float64Array(M);
  const y = new Float64Array(M);
  let Sx = 0;
  let Sy = 0;

  const batchSums: Sums[] = [];
  let cur: Sums | null = null;
  let inBatch = 0;

  for (let s0 = 0; s0 < total; s0 += chunk) {
    const nSteps = Math.min(chunk, total - s0);
    const w = fill(nSteps * bps, s0 * bps);
    for (let st = 0; st < nSteps; st++) {
      const step = s0 + st;
      const base = st * bps * 4;
      const cx = kEE * Sx + kEI * Sy;
      const cy = kIE * Sx + kII * Sy;
      let nSx = 0;
      let nSy = 0;
      const measuring = step >= burnInSteps;
      if (measuring && cur === null) {
        cur = {
          n: 0,
          sx: new Float64Array(M),
          sy: new Float64Array(M),
          sxx: 0,
          syy: 0,
          sxy: 0,
          SSxx: 0,
          SSyy: 0,
          SSxy: 0,
        };
      }
      for (let i = 0; i < M; i++) {
        const q = base + 3 * i;
        const eta = ge * normalFromU32(w[q]);
        const xo = x[i];
        const yo = y[i];
        const xn = xo + dt * (aa * xo + bb * yo + cx) + eta + gi * normalFromU32(w[q + 1]);
        const yn = yo + dt * (cc * xo + dd * yo + cy) + eta + gi * normalFromU32(w[q + 2]);
        x[i] = xn;
        y[i] = yn;
        nSx += xn;
        nSy += yn;
      }
      Sx = nSx;
      Sy = nSy;
      if (cur !== null) {
        let sxx = 0,
          syy = 0,
          sxy = 0;
        const csx = cur.sx;
        const csy = cur.sy;
        for (let i = 0; i < M; i++) {
          const xi = x[i];
          const yi = y[i];
          csx[i] += xi;
          csy[i] += yi;
          sxx += xi * xi;
          syy += yi * yi;
          sxy += xi * yi;
        }
        cur.sxx += sxx;
        cur.syy += syy;
        cur.sxy += sxy;
        cur.SSxx += Sx * Sx;
        cur.SSyy += Sy * Sy;
        cur.SSxy += Sx * Sy;
        cur.n++;
        if (++inBatch === stepsPerBatch) {
          batchSums.push(cur);
          cur = null;
          inBatch = 0;
        }
      }
    }
    if (!Number.isFinite(Sx) || !Number.isFinite(Sy))
      throw new SimulationDiverged(
        `the Euler–Maruyama state stopped being finite by step ${s0 + nSteps} (t = ${((s0 + nSteps) * dt).toPrecision(4)})`,
      );
  }

  const all: Sums = {
    n: 0,
    sx: new Float64Array(M),
    sy: new Float64Array(M),
    sxx: 0,
    syy: 0,
    sxy: 0,
    SSxx: 0,
    SSyy: 0,
    SSxy: 0,
  };
  const batchCorrelations: Correlations[] = [];
  for (const b of batchSums) {
    const c = correlationsFromSums(b, M);
    batchCorrelations.push({
      C_EI_int: c.C_EI_int,
      C_EE_ext: c.C_EE_ext,
      C_II_ext: c.C_II_ext,
      C_EI_ext: c.C_EI_ext,
    });
    all.n += b.n;
    for (let i = 0; i < M; i++) {
      all.sx[i] += b.sx[i];
      all.sy[i] += b.sy[i];
    }
    all.sxx += b.sxx;
    all.syy += b.syy;
    all.sxy += b.sxy;
    all.SSxx += b.SSxx;
    all.SSyy += b.SSyy;
    all.SSxy += b.SSxy;
  }
  const full = correlationsFromSums(all, M);
  const correlations: Correlations = {
    C_EI_int: full.C_EI_int,
    C_EE_ext: full.C_EE_ext,
    C_II_ext: full.C_II_ext,
    C_EI_ext: full.C_EI_ext,
  };
  const se = {} as Correlations;
  for (const k of CORRELATION_KEYS) {
    let m = 0;
    for (const b of batchCorrelations) m += b[k];
    m /= B;
    let v = 0;
    for (const b of batchCorrelations) v += (b[k] - m) ** 2;
    se[k] = Math.sqrt(v / (B - 1) / B);
  }
  return {
    correlations,
    se,
    batchCorrelations,
    burnInSteps,
    stepsPerBatch,
    steps: B * stepsPerBatch,
    varX: full.vx,
    varY: full.vy,
    wallMs: performance.now() - t0,
  };
}
