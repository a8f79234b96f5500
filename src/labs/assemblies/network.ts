/**
 * The E/I assemblies network of Mackwood, Naumann & Sprekeler 2021 (eLife 10:e59715), built
 * from a seed: stimulus grid and afferent tuning, E→E from afferent signal correlations
 * (eq 2), random log-normal E→I, I→E, I→I with fixed in-degree, and the softplus
 * reparameterisation of the plastic weights (Appendix 1). Every detail the paper leaves out
 * follows the authors' simulator (owenmackwood/ei-assemblies; ../shared/spec/assemblies-mackwood2021.md).
 *
 * Layouts (row-major, float32):
 *   aff  [nS × nE]   afferent drive of E cell n for stimulus s (background included)
 *   wEE  [nE × nE]   post × pre      wEI [nE × nI]  (I→E, "output" of PV cells)
 *   wIE  [nI × nE]   (E→I, "input")  wII [nI × nI]
 */
import { CounterStream, STREAM } from '../../engine/rng/philox';

export interface AsmConfig {
  /** E cells per stimulus axis (N_E = eAxis³) */
  eAxis: number;
  /** stimuli per axis (N_S = sAxis³) */
  sAxis: number;
  /** PV cells (N_E/8 in the paper) */
  nI: number;
  tauE: number; // ms
  tauI: number; // ms
  dt: number; // ms
  /** leak term of eq 1: 'h' (paper) or 'r' (the reference code's −r) */
  leak: 'h' | 'r';
  rMax: number;
  /** convergence: max|dh| < dt/τ · maxDr over unclipped units */
  maxDr: number;
  maxSteps: number;
  kappa: number;
  peak: number; // Hz
  bgE: number; // Hz
  bgI: number; // Hz
  p: number; // connection probability
  J_EE: number;
  J_IE: number; // total E→I weight per PV cell
  J_EI: number; // total I→E weight per Pyr cell
  J_II: number;
  sigma: number; // log-normal σ of I→E and I→I weights
  sigmaIE: number; // log-normal σ of E→I (Fig 3—S2 heavy tail)
  rho0: number;
  /** softplus sharpness α = alphaScale / mean weight */
  alphaScale: number;
  /** cap of a plastic weight, in units of its mean weight */
  wMaxRel: number;
}

export interface AsmNetwork {
  cfg: AsmConfig;
  nE: number;
  nI: number;
  nS: number;
  /** stimulus s's three coordinates in [−π, π) (s = (i·m + j)·m + k) */
  stimCoords: Float32Array; // [nS × 3]
  /** preferred stimulus of E cell n (n = (a·A + b)·A + c) */
  prefs: Float32Array; // [nE × 3]
  aff: Float32Array;
  wEE: Float32Array;
  wII: Float32Array;
  /** plastic weights and their parameters V (W = softplus(V)·mask) */
  wEI: Float32Array;
  wIE: Float32Array;
  vEI: Float32Array;
  vIE: Float32Array;
  maskEI: Uint8Array;
  maskIE: Uint8Array;
  alphaEI: number;
  alphaIE: number;
  maxEI: number;
  maxIE: number;
  /** mean weight per synapse J/k, for the detection threshold and the plots */
  jEI: number;
  jIE: number;
}

export const TWO_PI = 2 * Math.PI;

/** evenly spaced in [−π, π) like numpy.linspace(−π, π, n, endpoint=False), in float32 */
export function axisPoints(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = -Math.PI + (TWO_PI * i) / n;
  return out;
}

/**
 * Afferent tuning (Methods; make_afferents in the reference): per axis
 * exp(κ(cos(s − pref) − 1)), min–max normalised over the whole cell × location table, the
 * product over the three axes times the peak, plus background.
 */
export function afferents(
  eAxis: number,
  sAxis: number,
  kappa: number,
  peak: number,
  bg: number,
): { aff: Float32Array; prefs: Float32Array; stimCoords: Float32Array } {
  const nE = eAxis ** 3;
  const nS = sAxis ** 3;
  const pe = axisPoints(eAxis);
  const loc = axisPoints(sAxis);
  const prefs = new Float32Array(nE * 3);
  for (let a = 0; a < eAxis; a++)
    for (let b = 0; b < eAxis; b++)
      for (let c = 0; c < eAxis; c++) {
        const n = (a * eAxis + b) * eAxis + c;
        prefs[3 * n] = pe[a];
        prefs[3 * n + 1] = pe[b];
        prefs[3 * n + 2] = pe[c];
      }
  const stimCoords = new Float32Array(nS * 3);
  for (let i = 0; i < sAxis; i++)
    for (let j = 0; j < sAxis; j++)
      for (let k = 0; k < sAxis; k++) {
        const s = (i * sAxis + j) * sAxis + k;
        stimCoords[3 * s] = loc[i];
        stimCoords[3 * s + 1] = loc[j];
        stimCoords[3 * s + 2] = loc[k];
      }
  // per-axis tables [nE × sAxis], each min–max normalised over the whole table
  const tables: Float64Array[] = [];
  for (let q = 0; q < 3; q++) {
    const t = new Float64Array(nE * sAxis);
    let lo = Infinity;
    let hi = -Infinity;
    for (let n = 0; n < nE; n++)
      for (let l = 0; l < sAxis; l++) {
        const v = Math.exp(kappa * (Math.cos(loc[l] - prefs[3 * n + q]) - 1));
        t[n * sAxis + l] = v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    const span = hi - lo || 1;
    for (let x = 0; x < t.length; x++) t[x] = (t[x] - lo) / span;
    tables.push(t);
  }
  const aff = new Float32Array(nS * nE);
  for (let i = 0; i < sAxis; i++)
    for (let j = 0; j < sAxis; j++)
      for (let k = 0; k < sAxis; k++) {
        const s = (i * sAxis + j) * sAxis + k;
        for (let n = 0; n < nE; n++)
          aff[s * nE + n] =
            peak * tables[0][n * sAxis + i] * tables[1][n * sAxis + j] * tables[2][n * sAxis + k] +
            bg;
      }
  return { aff, prefs, stimCoords };
}

/** Pearson correlation matrix of the rows' tuning over stimuli ([nS × n] stimulus-major input). */
export function tuningCorrelations(table: Float32Array, n: number, nS: number): Float64Array {
  const z = new Float64Array(n * nS);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let s = 0; s < nS; s++) m += table[s * n + i];
    m /= nS;
    let ss = 0;
    for (let s = 0; s < nS; s++) {
      const d = table[s * n + i] - m;
      z[i * nS + s] = d;
      ss += d * d;
    }
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let s = 0; s < nS; s++) z[i * nS + s] *= inv;
  }
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let acc = 0;
      const a = i * nS;
      const b = j * nS;
      for (let s = 0; s < nS; s++) acc += z[a + s] * z[b + s];
      c[i * n + j] = acc;
      c[j * n + i] = acc;
    }
  return c;
}

/**
 * E→E weights (eq 2; afferents_to_wee in the reference): correlations of the afferent tuning
 * computed with κ/4, diagonal zeroed, shifted so the smallest entry is 0, the weakest
 * (1 − p) fraction of all entries set to 0, rows scaled to sum J_EE. Ties are broken by index
 * (the reference's unstable sort breaks them arbitrarily).
 */
export function recurrentEE(corr: Float64Array, n: number, p: number, J: number): Float32Array {
  const f = Float64Array.from(corr);
  for (let i = 0; i < n; i++) f[i * n + i] = 0;
  let mn = Infinity;
  for (let x = 0; x < f.length; x++) if (f[x] < mn) mn = f[x];
  const order = Array.from({ length: f.length }, (_, i) => i);
  // argsort of the unshifted values (the shift does not change the order)
  order.sort((a, b) => f[a] - f[b] || a - b);
  for (let x = 0; x < f.length; x++) f[x] -= mn;
  const toZero = Math.floor((1 - p) * f.length);
  for (let x = 0; x < toZero; x++) f[order[x]] = 0;
  for (let i = 0; i < n; i++) f[i * n + i] = 0;
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += f[i * n + j];
    const scale = sum > 0 ? J / sum : 0;
    for (let j = 0; j < n; j++) w[i * n + j] = f[i * n + j] * scale;
  }
  return w;
}

/**
 * Random weights with fixed in-degree k = round(p·nPre): each post cell draws k distinct
 * presynaptic partners (partial Fisher–Yates) and log-normal weights with mean J/k
 * (μ = ln(J/k) − σ²/2).
 */
export function randomLogNormal(
  rng: CounterStream,
  nPost: number,
  nPre: number,
  p: number,
  J: number,
  sigma: number,
): { w: Float32Array; mask: Uint8Array; k: number; jMean: number } {
  const k = Math.max(1, Math.round(p * nPre));
  const jMean = J / k;
  const mu = Math.log(jMean) - (sigma * sigma) / 2;
  const w = new Float32Array(nPost * nPre);
  const mask = new Uint8Array(nPost * nPre);
  const idx = new Int32Array(nPre);
  for (let i = 0; i < nPost; i++) {
    for (let j = 0; j < nPre; j++) idx[j] = j;
    for (let t = 0; t < k; t++) {
      const r = t + Math.floor(rng.uniform() * (nPre - t));
      const tmp = idx[t];
      idx[t] = idx[r];
      idx[r] = tmp;
      const j = idx[t];
      w[i * nPre + j] = Math.exp(mu + sigma * rng.normal());
      mask[i * nPre + j] = 1;
    }
  }
  return { w, mask, k, jMean };
}

/** softplus W = ln(1 + e^{αV})/α, capped at wMax (the reference's `nonlinearity`) */
export function softplus(v: number, alpha: number, wMax: number): number {
  const x = alpha * v;
  const w = x > 30 ? v : Math.log1p(Math.exp(x)) / alpha;
  return w < wMax ? w : wMax;
}

/** inverse softplus V = ln(e^{αW} − 1)/α */
export function softplusInverse(w: number, alpha: number): number {
  const x = alpha * w;
  return x > 30 ? w : Math.log(Math.expm1(x)) / alpha;
}

/** logistic σ(x) = dW/dV·(1/α)… i.e. the softplus derivative at sharpness 1 */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function buildNetwork(cfg: AsmConfig, seed: number): AsmNetwork {
  const nE = cfg.eAxis ** 3;
  const nS = cfg.sAxis ** 3;
  const nI = cfg.nI;
  const { aff, prefs, stimCoords } = afferents(cfg.eAxis, cfg.sAxis, cfg.kappa, cfg.peak, cfg.bgE);
  let wEE: Float32Array;
  if (cfg.J_EE > 0) {
    const corrAff = afferents(cfg.eAxis, cfg.sAxis, cfg.kappa / 4, cfg.peak, cfg.bgE).aff;
    wEE = recurrentEE(tuningCorrelations(corrAff, nE, nS), nE, cfg.p, cfg.J_EE);
  } else wEE = new Float32Array(nE * nE);
  // one stream per pathway so changing one pathway's σ leaves the others' draws unchanged
  const ei = randomLogNormal(
    new CounterStream(seed, STREAM.initWeights, 1),
    nE,
    nI,
    cfg.p,
    cfg.J_EI,
    cfg.sigma,
  );
  const ii = randomLogNormal(
    new CounterStream(seed, STREAM.initWeights, 2),
    nI,
    nI,
    cfg.p,
    cfg.J_II,
    cfg.sigma,
  );
  const ie = randomLogNormal(
    new CounterStream(seed, STREAM.initWeights, 3),
    nI,
    nE,
    cfg.p,
    cfg.J_IE,
    cfg.sigmaIE,
  );
  const alphaEI = cfg.alphaScale / ei.jMean;
  const alphaIE = cfg.alphaScale / ie.jMean;
  const maxEI = cfg.wMaxRel * ei.jMean;
  const maxIE = cfg.wMaxRel * ie.jMean;
  const vEI = new Float32Array(ei.w.length);
  const vIE = new Float32Array(ie.w.length);
  for (let x = 0; x < vEI.length; x++) if (ei.mask[x]) vEI[x] = softplusInverse(ei.w[x], alphaEI);
  for (let x = 0; x < vIE.length; x++) if (ie.mask[x]) vIE[x] = softplusInverse(ie.w[x], alphaIE);
  return {
    cfg,
    nE,
    nI,
    nS,
    stimCoords,
    prefs,
    aff,
    wEE,
    wII: ii.w,
    wEI: ei.w,
    wIE: ie.w,
    vEI,
    vIE,
    maskEI: ei.mask,
    maskIE: ie.mask,
    alphaEI,
    alphaIE,
    maxEI,
    maxIE,
    jEI: ei.jMean,
    jIE: ie.jMean,
  };
}

export const PAPER_CONFIG: AsmConfig = {
  eAxis: 8,
  sAxis: 12,
  nI: 64,
  tauE: 50,
  tauI: 25,
  dt: 1,
  leak: 'h',
  rMax: 1000,
  maxDr: 0.5,
  maxSteps: 1500,
  kappa: 1,
  peak: 50,
  bgE: 5,
  bgI: 5,
  p: 0.6,
  J_EE: 2,
  J_IE: 5,
  J_EI: 1,
  J_II: 1,
  sigma: 0.65,
  sigmaIE: 0.65,
  rho0: 1,
  alphaScale: 0.05,
  wMaxRel: 1e5,
};
