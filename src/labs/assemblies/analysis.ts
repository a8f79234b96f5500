/**
 * The paper's analyses on a (trained or initial) assemblies network: steady-state responses
 * to every stimulus, response similarity (eq 5) vs synaptic weights with Pearson r and p
 * (Fig 1e), the sampling experiment (Figs 2e–f, 3e), selectivity (eq 6, Figs 1c, 2b, 3b–c),
 * E/I current tuning (Figs 1f, 2c, 3d), example reciprocal pairs (Fig 1d) and the
 * single-cell perturbation experiment (Fig 4). Generic statistics live in src/analysis/stats.ts.
 */
import {
  binnedMeans,
  linearFit,
  meanSquaredOffDiagonalCorrelation,
  pearson,
  responseSimilarityMatrix,
  samplingExperiment,
  skewness,
} from '../../analysis/stats';
import { CounterStream } from '../../engine/rng/philox';
import type { AsmEngine, PlasticState, SolveOptions, SteadyBatch } from './engine';
import type { AsmNetwork } from './network';

/** counter-RNG stream of the choice of perturbed cells */
export const STREAM_PERTURB = 7;

export interface Responses {
  nS: number;
  nE: number;
  nI: number;
  /** rates r = clip(h, 0, r_max), stimulus-major [nS × n] */
  rE: Float32Array;
  rI: Float32Array;
  hE: Float32Array;
  hI: Float32Array;
  converged: Uint8Array;
  steps: Int32Array;
}

const clipRates = (h: Float32Array, rMax: number) => {
  const r = new Float32Array(h.length);
  for (let x = 0; x < h.length; x++) r[x] = h[x] < 0 ? 0 : h[x] > rMax ? rMax : h[x];
  return r;
};

export function responsesFrom(net: AsmNetwork, b: SteadyBatch): Responses {
  // rows come back in the order of b.stim; put them in stimulus order
  const { nE, nI, nS } = net;
  const hE = new Float32Array(nS * nE);
  const hI = new Float32Array(nS * nI);
  const converged = new Uint8Array(nS);
  const steps = new Int32Array(nS);
  for (let x = 0; x < b.stim.length; x++) {
    const s = b.stim[x];
    hE.set(b.hE.subarray(x * nE, (x + 1) * nE), s * nE);
    hI.set(b.hI.subarray(x * nI, (x + 1) * nI), s * nI);
    converged[s] = b.converged[x];
    steps[s] = b.steps[x];
  }
  return {
    nS,
    nE,
    nI,
    rE: clipRates(hE, net.cfg.rMax),
    rI: clipRates(hI, net.cfg.rMax),
    hE,
    hI,
    converged,
    steps,
  };
}

/** Steady states for every stimulus, solved in chunks (`onChunk` reports progress). */
export async function networkResponses(
  engine: AsmEngine,
  opts: SolveOptions = {},
  chunk = 432,
  onChunk?: (done: number, total: number) => void | Promise<void>,
): Promise<Responses> {
  const net = engine.net;
  const { nE, nI, nS } = net;
  const all: SteadyBatch = {
    stim: new Int32Array(nS),
    hE: new Float32Array(nS * nE),
    hI: new Float32Array(nS * nI),
    steps: new Int32Array(nS),
    converged: new Uint8Array(nS),
  };
  for (let s0 = 0; s0 < nS; s0 += chunk) {
    const stim = Int32Array.from({ length: Math.min(chunk, nS - s0) }, (_, i) => s0 + i);
    const b = await engine.solve(stim, opts);
    all.stim.set(b.stim, s0);
    all.hE.set(b.hE, s0 * nE);
    all.hI.set(b.hI, s0 * nI);
    all.steps.set(b.steps, s0);
    all.converged.set(b.converged, s0);
    await onChunk?.(s0 + stim.length, nS);
  }
  return responsesFrom(net, all);
}

export interface SynapseSets {
  /** PV→Pyr (output) synapses above threshold: weight, RS, Pyr index, PV index */
  output: { w: Float64Array; rs: Float64Array; e: Int32Array; i: Int32Array };
  /** Pyr→PV (input) synapses above threshold */
  input: { w: Float64Array; rs: Float64Array; e: Int32Array; i: Int32Array };
  /** reciprocally connected pairs with both synapses above threshold */
  reciprocal: {
    win: Float64Array;
    wout: Float64Array;
    rs: Float64Array;
    e: Int32Array;
    i: Int32Array;
  };
  thresholdEI: number;
  thresholdIE: number;
}

export interface Thresholds {
  /** absolute detection threshold (Table 1: 1e-4) */
  detect: number;
  /** relative to the strongest weight of each pathway, overrides `detect` when set */
  detectRel: number | null;
}

function maxOf(a: Float32Array): number {
  let m = 0;
  for (let x = 0; x < a.length; x++) if (a[x] > m) m = a[x];
  return m;
}

/** Detectable synapses (Methods: weights below θ are invisible to the experiment). */
export function synapseSets(
  net: AsmNetwork,
  st: PlasticState,
  rs: Float64Array, // [nE × nI] RS between Pyr i and PV j
  th: Thresholds,
): SynapseSets {
  const { nE, nI } = net;
  const tEI = th.detectRel != null ? th.detectRel * maxOf(st.wEI) : th.detect;
  const tIE = th.detectRel != null ? th.detectRel * maxOf(st.wIE) : th.detect;
  const o = { w: [] as number[], rs: [] as number[], e: [] as number[], i: [] as number[] };
  const n = { w: [] as number[], rs: [] as number[], e: [] as number[], i: [] as number[] };
  const p = {
    win: [] as number[],
    wout: [] as number[],
    rs: [] as number[],
    e: [] as number[],
    i: [] as number[],
  };
  for (let e = 0; e < nE; e++)
    for (let i = 0; i < nI; i++) {
      const hasOut = net.maskEI[e * nI + i] === 1 && st.wEI[e * nI + i] > tEI;
      const hasIn = net.maskIE[i * nE + e] === 1 && st.wIE[i * nE + e] > tIE;
      const r = rs[e * nI + i];
      if (hasOut) {
        o.w.push(st.wEI[e * nI + i]);
        o.rs.push(r);
        o.e.push(e);
        o.i.push(i);
      }
      if (hasIn) {
        n.w.push(st.wIE[i * nE + e]);
        n.rs.push(r);
        n.e.push(e);
        n.i.push(i);
      }
      if (hasIn && hasOut) {
        p.win.push(st.wIE[i * nE + e]);
        p.wout.push(st.wEI[e * nI + i]);
        p.rs.push(r);
        p.e.push(e);
        p.i.push(i);
      }
    }
  const F = (a: number[]) => Float64Array.from(a);
  const I = (a: number[]) => Int32Array.from(a);
  return {
    output: { w: F(o.w), rs: F(o.rs), e: I(o.e), i: I(o.i) },
    input: { w: F(n.w), rs: F(n.rs), e: I(n.e), i: I(n.i) },
    reciprocal: { win: F(p.win), wout: F(p.wout), rs: F(p.rs), e: I(p.e), i: I(p.i) },
    thresholdEI: tEI,
    thresholdIE: tIE,
  };
}

export interface Correlation {
  r: number;
  p: number;
  n: number;
  slope: number;
  intercept: number;
}

function corr(x: Float64Array, y: Float64Array): Correlation {
  const { r, p, n } = pearson(x, y);
  const { slope, intercept } = n >= 2 ? linearFit(x, y) : { slope: NaN, intercept: NaN };
  return { r, p, n, slope, intercept };
}

export interface WeightMeasures {
  sets: SynapseSets;
  rs: Float64Array;
  outputRs: Correlation;
  inputRs: Correlation;
  inputOutput: Correlation;
}

/** RS (eq 5) between every Pyr–PV pair and the three correlations of Fig 1e. */
export function weightMeasures(
  net: AsmNetwork,
  st: PlasticState,
  resp: Responses,
  th: Thresholds,
): WeightMeasures {
  const rs = responseSimilarityMatrix(resp.rE, net.nE, resp.rI, net.nI, net.nS);
  const sets = synapseSets(net, st, rs, th);
  return {
    sets,
    rs,
    outputRs: corr(sets.output.w, sets.output.rs),
    inputRs: corr(sets.input.w, sets.input.rs),
    inputOutput: corr(sets.reciprocal.win, sets.reciprocal.wout),
  };
}

export interface SamplingResult {
  outputRs: { r: Float64Array; fracSignificant: number };
  inputRs: { r: Float64Array; fracSignificant: number };
  inputOutput: { r: Float64Array; fracSignificant: number };
}

/** The sampling experiment (Figs 2e–f, 3e): n connections per sample, p < 0.01 and r > 0. */
export function sampling(
  wm: WeightMeasures,
  n: number,
  samples: number,
  seed: number,
): SamplingResult {
  const run = (x: Float64Array, y: Float64Array, tag: number) => {
    const s = samplingExperiment(x, y, { n, samples, seed: seed * 8 + tag });
    return { r: s.r, fracSignificant: s.fracSignificant };
  };
  const { output, input, reciprocal } = wm.sets;
  return {
    outputRs: run(output.w, output.rs, 1),
    inputRs: run(input.w, input.rs, 2),
    inputOutput: run(reciprocal.win, reciprocal.wout, 3),
  };
}

/** Selectivity (eq 6): skewness of each cell's responses over all stimuli. */
export function selectivity(resp: Responses): { E: Float64Array; I: Float64Array } {
  const col = (r: Float32Array, n: number, j: number) => {
    const a = new Float64Array(resp.nS);
    for (let s = 0; s < resp.nS; s++) a[s] = r[s * n + j];
    return a;
  };
  const E = new Float64Array(resp.nE);
  const I = new Float64Array(resp.nI);
  for (let j = 0; j < resp.nE; j++) E[j] = skewness(col(resp.rE, resp.nE, j));
  for (let j = 0; j < resp.nI; j++) I[j] = skewness(col(resp.rI, resp.nI, j));
  return { E, I };
}

export function median(a: ArrayLike<number>): number {
  const s = Array.from(a)
    .filter((x) => Number.isFinite(x))
    .sort((x, y) => x - y);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Excitatory (afferent + W_EE r_E) and inhibitory (W_EI r_I) input currents onto Pyr cell
 * `cell` for every stimulus (exc_in / inh_in of the reference), and their tuning over the
 * second and third stimulus axes (spatial × temporal frequency) averaged over the first
 * (orientation): grids [sAxis × sAxis], row = spatial, column = temporal (Figs 1f, 2c, 3d).
 */
export function currentTuning(
  net: AsmNetwork,
  st: PlasticState,
  resp: Responses,
  cell: number,
): { exc: Float64Array; inh: Float64Array; excAll: Float64Array; inhAll: Float64Array } {
  const { nE, nI, nS } = net;
  const m = net.cfg.sAxis;
  const excAll = new Float64Array(nS);
  const inhAll = new Float64Array(nS);
  for (let s = 0; s < nS; s++) {
    let ex = net.aff[s * nE + cell];
    for (let j = 0; j < nE; j++) ex += net.wEE[cell * nE + j] * resp.rE[s * nE + j];
    let ih = 0;
    for (let k = 0; k < nI; k++) ih += st.wEI[cell * nI + k] * resp.rI[s * nI + k];
    excAll[s] = ex;
    inhAll[s] = ih;
  }
  const exc = new Float64Array(m * m);
  const inh = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++)
      for (let k = 0; k < m; k++) {
        const s = (i * m + j) * m + k;
        exc[j * m + k] += excAll[s] / m;
        inh[j * m + k] += inhAll[s] / m;
      }
  return { exc, inh, excAll, inhAll };
}

/** Example reciprocal pairs with high, intermediate and low RS (Fig 1d). */
export function examplePairs(sets: SynapseSets): { e: number; i: number; rs: number }[] {
  const p = sets.reciprocal;
  if (p.rs.length === 0) return [];
  const order = Array.from(p.rs.keys()).sort((a, b) => p.rs[b] - p.rs[a]);
  const pick = [0, Math.floor(order.length / 2), order.length - 1];
  return [...new Set(pick)].map((k) => ({
    e: p.e[order[k]],
    i: p.i[order[k]],
    rs: p.rs[order[k]],
  }));
}

/** Pearson correlation between Pyr cells' responses over stimuli ("receptive field" correlation). */
export function rfCorrelation(resp: Responses, a: number, b: number): number {
  return pearson(column(resp.rE, resp.nE, resp.nS, a), column(resp.rE, resp.nE, resp.nS, b)).r;
}

function column(r: Float32Array, n: number, nS: number, j: number): Float64Array {
  const a = new Float64Array(nS);
  for (let s = 0; s < nS; s++) a[s] = r[s * n + j];
  return a;
}

export function expectedR2(resp: Responses): number {
  return meanSquaredOffDiagonalCorrelation(resp.rE, resp.nE, resp.nS);
}

export interface PerturbationResult {
  cells: Int32Array;
  /** influence of perturbed cell p on Pyr cell j, mean over stimuli of Δr_j/ΔI [P × nE]; NaN on the diagonal */
  influence: Float32Array;
  /** RF correlation between perturbed cell p and cell j [P × nE] */
  rfCorr: Float32Array;
  binned: { centers: Float64Array; mean: Float64Array; sem: Float64Array; count: Float64Array };
  /** least-squares slope of influence on RF correlation over all pairs */
  slope: number;
  /** total Pyr→PV output weight of each perturbed cell and its mean influence (Fig 4e) */
  outWeight: Float64Array;
  meanInfluence: Float64Array;
  outWeightVsInfluence: Correlation;
  /** E[R²] of Pyr–Pyr RF correlations (0.06 before, 0.02 after learning in the paper) */
  expectedR2: number;
}

/** Choose `count` distinct Pyr cells from the seed (all of them when count ≥ N_E). */
export function perturbedCells(nE: number, count: number, seed: number): Int32Array {
  const idx = Int32Array.from({ length: nE }, (_, i) => i);
  const k = Math.min(count, nE);
  const rng = new CounterStream(seed, STREAM_PERTURB);
  for (let t = 0; t < k; t++) {
    const r = t + Math.floor(rng.uniform() * (nE - t));
    const tmp = idx[t];
    idx[t] = idx[r];
    idx[r] = tmp;
  }
  return idx.slice(0, k).sort();
}

/**
 * Fig 4: for each perturbed Pyr cell, add ΔI to its afferent drive for every stimulus,
 * recompute the steady state (tighter criterion), influence on every other Pyr cell =
 * Δrate/ΔI averaged over stimuli; binned against the RF correlation (10 bins).
 */
export async function perturbationExperiment(
  engine: AsmEngine,
  st: PlasticState,
  cells: Int32Array,
  delta: number,
  maxDr: number,
  onProgress?: (done: number, total: number) => void | Promise<void>,
  chunk = 432,
): Promise<PerturbationResult> {
  const net = engine.net;
  const { nE, nI, nS } = net;
  const P = cells.length;
  const base = await networkResponses(engine, { maxDr }, chunk);
  const influence = new Float32Array(P * nE);
  const rfCorr = new Float32Array(P * nE);
  // z-scored responses for the RF correlations
  const z = new Float64Array(nE * nS);
  for (let j = 0; j < nE; j++) {
    let m = 0;
    for (let s = 0; s < nS; s++) m += base.rE[s * nE + j];
    m /= nS;
    let ss = 0;
    for (let s = 0; s < nS; s++) ss += (base.rE[s * nE + j] - m) ** 2;
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : NaN;
    for (let s = 0; s < nS; s++) z[j * nS + s] = (base.rE[s * nE + j] - m) * inv;
  }
  const total = P * nS;
  let done = 0;
  for (let p = 0; p < P; p++) {
    const c = cells[p];
    const acc = new Float64Array(nE);
    for (let s0 = 0; s0 < nS; s0 += chunk) {
      const stim = Int32Array.from({ length: Math.min(chunk, nS - s0) }, (_, i) => s0 + i);
      const b = await engine.solve(stim, { perturbCell: c, perturbDelta: delta, maxDr });
      for (let x = 0; x < stim.length; x++) {
        const s = stim[x];
        for (let j = 0; j < nE; j++) {
          const h = b.hE[x * nE + j];
          const r = h < 0 ? 0 : h > net.cfg.rMax ? net.cfg.rMax : h;
          acc[j] += r - base.rE[s * nE + j];
        }
      }
      done += stim.length;
      await onProgress?.(done, total);
    }
    for (let j = 0; j < nE; j++) {
      influence[p * nE + j] = j === c ? NaN : acc[j] / nS / delta;
      let d = 0;
      for (let s = 0; s < nS; s++) d += z[c * nS + s] * z[j * nS + s];
      rfCorr[p * nE + j] = j === c ? NaN : d;
    }
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let x = 0; x < influence.length; x++)
    if (Number.isFinite(influence[x]) && Number.isFinite(rfCorr[x])) {
      xs.push(rfCorr[x]);
      ys.push(influence[x]);
    }
  const X = Float64Array.from(xs);
  const Y = Float64Array.from(ys);
  const binned = binnedMeans(X, Y, 10);
  const slope = X.length >= 2 ? linearFit(X, Y).slope : NaN;
  const outWeight = new Float64Array(P);
  const meanInfluence = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    const c = cells[p];
    for (let i = 0; i < nI; i++) outWeight[p] += st.wIE[i * nE + c];
    let sum = 0;
    let n = 0;
    for (let j = 0; j < nE; j++) {
      const v = influence[p * nE + j];
      if (Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    meanInfluence[p] = n > 0 ? sum / n : NaN;
  }
  return {
    cells,
    influence,
    rfCorr,
    binned: {
      centers: Float64Array.from(binned.centers),
      mean: Float64Array.from(binned.mean),
      sem: Float64Array.from(binned.sem),
      count: Float64Array.from(binned.count),
    },
    slope,
    outWeight,
    meanInfluence,
    outWeightVsInfluence: corr(outWeight, meanInfluence),
    expectedR2: expectedR2(base),
  };
}
