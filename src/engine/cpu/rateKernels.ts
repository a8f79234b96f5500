/**
 * CPU twins of the rate-network WGSL kernels (float32 semantics via Math.fround: every stored
 * value and every scalar operation is rounded to float32; only dot products (recurrent input,
 * noise quantiles) are evaluated in float64 and rounded once, which is more accurate). These are
 * the reference: the WebGPU kernels must match them within the parity tolerance.
 *
 *  rateSteps        ↔ shaders/rate_steps_thread.wgsl, shaders/rate_steps_workgroup.wgsl
 *  rateStepsPair    ↔ shaders/rate_steps_pair.wgsl (two-population fast path)
 *  trialEnd         ↔ shaders/trial_end.wgsl (window mean → running average → plasticity)
 *  applyRule        ↔ shaders/lib/rules.wgsl (eqs 6–8 and their multi-unit forms)
 *
 * Equations: Soldado-Magraner et al. 2022, eqs 1–3 (dynamics), 6–8 (rules); the multi-unit
 * forms, floors, averaging and noise as in ../shared/spec/isn-soldado-magraner2022.md.
 *
 * Step schedule (every backend, in this order), for global step g = trial·stepsPerTrial + step:
 *   1. inputs   constant drives + pulses active at `step` (+ Poisson kick, online mode)
 *   2. noise    η ← η − decay·η + std·ξ(g, unit, network)      (η is then used in 3)
 *   3. E units  from the old E and I rates (and η), Euler step, clip to [0, max], silence
 *   4. I units  from the NEW E rates and the old I rates — the authors' MATLAB update order
 *   5. window   sum += r for step ≥ windowStart
 *   6. monitors every recordEvery steps: mean E, mean I, mean exc and inh input onto E (from 3)
 *               and onto I (from 4)
 *   7. online plasticity (Fig S4): sensors, then the rule with α per step
 */
import type { RateNetworkConfig, TrialProtocol } from '../../model/rateNetwork';
import { N_MONITOR } from '../../model/rateNetwork';
import { normalFromU32, philox4x32, seedKey, STREAM, u32ToUniform } from '../rng/philox';
import { philoxWasm } from '../rng/philoxWasm';

const f = Math.fround;

/** Mutable simulation state, laid out as on the GPU. */
export interface RateState {
  rates: Float32Array;
  eta: Float32Array;
  avg: Float32Array;
  sum: Float32Array;
  trialMean: Float32Array;
  weights: Float32Array;
  monitor: Float32Array;
  /** online mode: remaining steps of the current Poisson kick, per network */
  kickLeft: Uint32Array;
}

export function createRateState(c: RateNetworkConfig, p: TrialProtocol): RateState {
  const N = c.nE + c.nI;
  const B = c.batch;
  const samples = Math.ceil(p.stepsPerTrial / p.recordEvery);
  return {
    rates: new Float32Array(B * N),
    eta: new Float32Array(B * N),
    avg: new Float32Array(B * N),
    sum: new Float32Array(B * N),
    trialMean: new Float32Array(B * N),
    weights: Float32Array.from(c.weights),
    monitor: new Float32Array(samples * Math.max(1, Math.min(p.monitorCount, B)) * N_MONITOR),
    kickLeft: new Uint32Array(B),
  };
}

/** Uniforms derived once per configuration (identical values are uploaded to the GPU). */
export interface RateConsts {
  dtOverTauE: number;
  dtOverTauI: number;
  dtOverTauSensor: number;
  kickProb: number;
  floors: { EE: number; EI: number; IE: number; II: number };
}

export function rateConsts(c: RateNetworkConfig, p: TrialProtocol): RateConsts {
  const nPre = (preE: boolean, postE: boolean) =>
    Math.max(1, (preE ? c.nE : c.nI) - (!c.selfConnections && preE === postE ? 1 : 0));
  const fl = c.plasticity.floorTotal;
  return {
    dtOverTauE: f(c.dtMs / c.E.tau),
    dtOverTauI: f(c.dtMs / c.I.tau),
    dtOverTauSensor: f(c.dtMs / c.plasticity.sensorTauMs),
    kickProb: f(p.poissonKickHz * c.dtMs * 1e-3),
    floors: {
      EE: f(fl / nPre(true, true)),
      EI: f(fl / nPre(false, true)),
      IE: f(fl / nPre(true, false)),
      II: f(fl / nPre(false, false)),
    },
  };
}

/**
 * One plasticity update of network b from rectified rates r (length N), scaled by `scale`
 * (1 in trial mode). ΔW_ij = s_j · α_post(i) · r_j · (homeostatic term + cross term), where
 * s_j = +1 for an E and −1 for an I presynaptic unit; homeostatic term = set_post − r_i
 * (eq 6), cross term = mean_k∈I(I_set − r_k) for E posts and −mean_k∈E(E_set − r_k) for
 * I posts (eq 7 and its multi-unit form); two-term is their sum (eq 8). Floors per synapse.
 */
export function applyRule(
  c: RateNetworkConfig,
  k: RateConsts,
  W: Float32Array,
  b: number,
  r: Float32Array,
  scale: number,
): void {
  const rule = c.plasticity.rule;
  if (rule === 'none') return;
  const N = c.nE + c.nI;
  const nE = c.nE;
  const homeo = rule === 'homeostatic' || rule === 'two-term';
  const cross = rule === 'cross' || rule === 'two-term';
  let sE = 0;
  for (let u = 0; u < nE; u++) sE = f(sE + f(c.E.setpoint - r[u]));
  let sI = 0;
  for (let u = nE; u < N; u++) sI = f(sI + f(c.I.setpoint - r[u]));
  const errE = f(sE / nE);
  const errI = f(sI / c.nI);
  const pl = c.plasticity.plastic;
  const aE = f(c.E.alpha * scale);
  const aI = f(c.I.alpha * scale);
  const base = b * N * N;
  for (let i = 0; i < N; i++) {
    const postE = i < nE;
    const alpha = postE ? aE : aI;
    const local = homeo ? f((postE ? c.E.setpoint : c.I.setpoint) - r[i]) : 0;
    const crossErr = cross ? (postE ? errI : -errE) : 0;
    const term = f(local + crossErr);
    const plE = postE ? pl.EE : pl.IE;
    const plI = postE ? pl.EI : pl.II;
    const flE = postE ? k.floors.EE : k.floors.IE;
    const flI = postE ? k.floors.EI : k.floors.II;
    const row = base + i * N;
    for (let j = 0; j < N; j++) {
      if (j === i && !c.selfConnections) continue;
      const preE = j < nE;
      if (preE ? !plE : !plI) continue;
      const d = f(f(alpha * r[j]) * term);
      const w = preE ? f(W[row + j] + d) : f(W[row + j] - d);
      const fl = preE ? flE : flI;
      W[row + j] = w > fl ? w : fl;
    }
  }
}

/**
 * Σ_{j∈[from,to)} W[row + j]·r[j] in float64, four partial sums (a small function V8
 * optimizes well; ~25% faster than one accumulator). Exact for a one-term sum.
 */
function dot(W: Float32Array, row: number, r: Float32Array, from: number, to: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let j = from;
  for (; j + 3 < to; j += 4) {
    a += W[row + j] * r[j];
    b += W[row + j + 1] * r[j + 1];
    c += W[row + j + 2] * r[j + 2];
    d += W[row + j + 3] * r[j + 3];
  }
  for (; j < to; j++) a += W[row + j] * r[j];
  return a + b + (c + d);
}

const scratch = new Uint32Array(4);

/**
 * Standard normal for (network b, unit u, global step g); the WGSL twin is noise_normal().
 * One Philox block (ctr = [g>>1 (64 bit), u>>1, b]) serves a pair of units for a pair of
 * steps: word 2·(g&1) + (u&1).
 */
export function noiseNormal(k0: number, k1: number, g: number, u: number, b: number): number {
  const half = Math.floor(g / 2);
  philox4x32(half >>> 0, Math.floor(half / 4294967296) >>> 0, u >>> 1, b, k0, k1, scratch);
  return normalFromU32(scratch[(g & 1) * 2 + (u & 1)]);
}

/** Run trial-relative steps [from, to) of trial `trial` for every network. */
export function rateSteps(
  c: RateNetworkConfig,
  p: TrialProtocol,
  k: RateConsts,
  s: RateState,
  trial: number,
  from: number,
  to: number,
): void {
  const N = c.nE + c.nI;
  const nE = c.nE;
  const [k0, k1] = seedKey(c.seed, STREAM.noise);
  const [q0, q1] = seedKey(c.seed, STREAM.poissonKick);
  const online = c.plasticity.mode === 'online' && c.plasticity.rule !== 'none';
  const monCount = Math.min(p.monitorCount, c.batch);
  const prevRates = new Float32Array(N);
  const rect = new Float32Array(N);
  // noise[parity][unit]: one Philox block of pair (u>>1) serves steps 2h and 2h+1
  const noise = [new Float32Array(N + 1), new Float32Array(N + 1)];
  const decay = f(c.noiseDecay);
  const std = f(c.noiseStd);
  const rectify = f(c.plasticity.rectify);
  const stepBase = trial * p.stepsPerTrial;
  const nPulse = p.pulses.length;
  const pStart = p.pulses.map((q) => q.startStep);
  const pEnd = p.pulses.map((q) => q.endStep);
  const pAmp = p.pulses.map((q) => f(q.amplitude));
  const pE = p.pulses.map((q) => q.target === 'E');
  const pSil = p.pulses.map((q) => q.mode === 'silence');
  const W = s.weights;
  const thE = f(c.E.theta);
  const thI = f(c.I.theta);
  const gE = f(c.E.gain);
  const gI = f(c.I.gain);
  const mxE = f(c.E.maxRate);
  const mxI = f(c.I.maxRate);
  for (let b = 0; b < c.batch; b++) {
    const o = b * N;
    const wb = b * N * N;
    for (let step = from; step < to; step++) {
      const g = stepBase + step;
      // 1. inputs: constant drive + pulses (+ Poisson kicks in online mode)
      let extE = f(p.driveE);
      let extI = f(p.driveI);
      let silE = false;
      let silI = false;
      for (let q = 0; q < nPulse; q++) {
        if (step < pStart[q] || step >= pEnd[q]) continue;
        if (pSil[q]) {
          if (pE[q]) silE = true;
          else silI = true;
        } else if (pE[q]) extE = f(extE + pAmp[q]);
        else extI = f(extI + pAmp[q]);
      }
      if (k.kickProb > 0) {
        philox4x32(g >>> 0, Math.floor(g / 4294967296) >>> 0, 0xffffffff, b, q0, q1, scratch);
        if (u32ToUniform(scratch[0]) < k.kickProb) s.kickLeft[b] = p.poissonKickSteps;
        if (s.kickLeft[b] > 0) {
          extE = f(extE + f(p.poissonKickAmp));
          s.kickLeft[b]--;
        }
      }
      // 2. noise (AR(1) = Euler–Maruyama OU, spec "Noise η")
      const par = g & 1;
      if (std !== 0 && (par === 0 || step === from)) {
        const half = Math.floor(g / 2);
        const h0 = half >>> 0;
        const h1 = Math.floor(half / 4294967296) >>> 0;
        for (let u = 0; u < N; u += 2) {
          philox4x32(h0, h1, u >>> 1, b, k0, k1, scratch);
          noise[0][u] = normalFromU32(scratch[0]);
          noise[0][u + 1] = normalFromU32(scratch[1]);
          noise[1][u] = normalFromU32(scratch[2]);
          noise[1][u + 1] = normalFromU32(scratch[3]);
        }
      }
      const nz = noise[par];
      for (let u = 0; u < N; u++) {
        const xi = std === 0 ? 0 : nz[u];
        const e = s.eta[o + u];
        s.eta[o + u] = f(f(e - f(decay * e)) + f(std * xi));
        prevRates[u] = s.rates[o + u];
      }
      // 3–4. Euler update of eqs 1–2 with f from eq 3, then clip. Order as in the authors'
      // code (Gauss–Seidel between populations): every E unit from the old E and I rates,
      // then every I unit from the NEW E rates and the old I rates.
      let mE = 0;
      let mI = 0;
      let mExc = 0;
      let mInh = 0;
      let mExcI = 0;
      let mInhI = 0;
      const inWindow = step >= p.windowStart;
      for (let i = 0; i < N; i++) {
        if (i === nE) for (let j = 0; j < nE; j++) prevRates[j] = s.rates[o + j];
        const row = wb + i * N;
        // Recurrent input, accumulated in float64 and rounded once: more accurate than a float32
        // running sum (the GPU's), ~4× faster in V8, and exact for one-term sums (two-pop).
        const exc = f(dot(W, row, prevRates, 0, nE));
        const inh = f(dot(W, row, prevRates, nE, N));
        const isE = i < nE;
        const x = f(f(f(exc - inh) + (isE ? extE : extI)) + s.eta[o + i]);
        const th = isE ? thE : thI;
        const drive = x > th ? f((isE ? gE : gI) * f(x - th)) : 0;
        const r0 = prevRates[i];
        let r = f(r0 + f((isE ? k.dtOverTauE : k.dtOverTauI) * f(drive - r0)));
        const mx = isE ? mxE : mxI;
        if (r > mx) r = mx;
        if (r < 0) r = 0;
        if (isE ? silE : silI) r = 0;
        s.rates[o + i] = r;
        // 5. activity window
        if (inWindow) s.sum[o + i] = f(s.sum[o + i] + r);
        if (isE) {
          mE = f(mE + r);
          mExc = f(mExc + exc);
          mInh = f(mInh + inh);
        } else {
          mI = f(mI + r);
          mExcI = f(mExcI + exc);
          mInhI = f(mInhI + inh);
        }
      }
      // 6. monitors
      if (b < monCount && step % p.recordEvery === 0) {
        const m = ((step / p.recordEvery) * monCount + b) * N_MONITOR;
        s.monitor[m] = f(mE / nE);
        s.monitor[m + 1] = f(mI / c.nI);
        s.monitor[m + 2] = f(mExc / nE);
        s.monitor[m + 3] = f(mInh / nE);
        s.monitor[m + 4] = f(mExcI / c.nI);
        s.monitor[m + 5] = f(mInhI / c.nI);
      }
      // 7. online plasticity (Fig S4): low-passed sensors, α per step
      if (online) {
        for (let u = 0; u < N; u++) {
          const a = s.avg[o + u];
          const v = f(a + f(k.dtOverTauSensor * f(s.rates[o + u] - a)));
          s.avg[o + u] = v;
          rect[u] = v > rectify ? v : rectify;
        }
        applyRule(c, k, W, b, rect, 1);
      }
    }
  }
}

/** Constant inputs over a run of steps: the pulses change only at their boundaries. */
interface Segment {
  from: number;
  to: number;
  extE: number;
  extI: number;
  silE: boolean;
  silI: boolean;
  inWindow: boolean;
}

/** Split [from, to) at pulse and window boundaries; inputs are constant within a segment. */
export function inputSegments(p: TrialProtocol, from: number, to: number): Segment[] {
  const cuts = new Set<number>([from, to]);
  for (const q of p.pulses)
    for (const t of [q.startStep, q.endStep]) if (t > from && t < to) cuts.add(t);
  if (p.windowStart > from && p.windowStart < to) cuts.add(p.windowStart);
  const pts = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i];
    let extE = f(p.driveE);
    let extI = f(p.driveI);
    let silE = false;
    let silI = false;
    // same accumulation order as the per-step loop of rateSteps
    for (const q of p.pulses) {
      if (a < q.startStep || a >= q.endStep) continue;
      if (q.mode === 'silence') {
        if (q.target === 'E') silE = true;
        else silI = true;
      } else if (q.target === 'E') extE = f(extE + f(q.amplitude));
      else extI = f(extI + f(q.amplitude));
    }
    out.push({ from: a, to: pts[i + 1], extE, extI, silE, silI, inWindow: a >= p.windowStart });
  }
  return out;
}

/**
 * Two-population fast path (nE = nI = 1, trial mode, no Poisson kicks): the same arithmetic
 * as rateSteps in the same order, with the state in locals and the inputs constant over
 * segments. Twin of shaders/rate_steps_pair.wgsl; a test asserts it is bit-identical to the
 * generic loop.
 */
export function rateStepsPair(
  c: RateNetworkConfig,
  p: TrialProtocol,
  k: RateConsts,
  s: RateState,
  trial: number,
  from: number,
  to: number,
): void {
  const [k0, k1] = seedKey(c.seed, STREAM.noise);
  const monCount = Math.min(p.monitorCount, c.batch);
  const decay = f(c.noiseDecay);
  const std = f(c.noiseStd);
  const stepBase = trial * p.stepsPerTrial;
  const segs = inputSegments(p, from, to);
  const thE = f(c.E.theta);
  const thI = f(c.I.theta);
  const gE = f(c.E.gain);
  const gI = f(c.I.gain);
  const mxE = f(c.E.maxRate);
  const mxI = f(c.I.maxRate);
  const aE = k.dtOverTauE;
  const aI = k.dtOverTauI;
  const rec = p.recordEvery;
  const xi = new Float32Array(2 * (to - from));
  const mon = s.monitor;
  for (let b = 0; b < c.batch; b++) {
    const o = b * 2;
    const wEE = s.weights[b * 4];
    const wEI = s.weights[b * 4 + 1];
    const wIE = s.weights[b * 4 + 2];
    const wII = s.weights[b * 4 + 3];
    let rE = s.rates[o];
    let rI = s.rates[o + 1];
    let eE = s.eta[o];
    let eI = s.eta[o + 1];
    let sumE = s.sum[o];
    let sumI = s.sum[o + 1];
    const monitored = b < monCount;
    // countdown to the next recorded step (a modulo per step costs more than the dynamics)
    let recLeft = from % rec === 0 ? 1 : rec - (from % rec) + 1;
    // noise for the whole chunk first: a tight loop the JIT handles well
    if (std !== 0) fillPairNoise(xi, k0, k1, stepBase + from, to - from, b);
    for (const sg of segs) {
      const extE = sg.extE;
      const extI = sg.extI;
      const silE = sg.silE;
      const silI = sg.silI;
      const inWindow = sg.inWindow;
      for (let step = sg.from; step < sg.to; step++) {
        const x2 = 2 * (step - from);
        eE = f(f(eE - f(decay * eE)) + f(std * xi[x2]));
        eI = f(f(eI - f(decay * eI)) + f(std * xi[x2 + 1]));
        const excE = f(wEE * rE);
        const inhE = f(wEI * rI);
        const xE = f(f(f(excE - inhE) + extE) + eE);
        const drE = xE > thE ? f(gE * f(xE - thE)) : 0;
        let nrE = f(rE + f(aE * f(drE - rE)));
        if (nrE > mxE) nrE = mxE;
        if (nrE < 0 || silE) nrE = 0;
        // I sees the new E (the authors' update order)
        const excI = f(wIE * nrE);
        const inhI = f(wII * rI);
        const xI = f(f(f(excI - inhI) + extI) + eI);
        const drI = xI > thI ? f(gI * f(xI - thI)) : 0;
        let nrI = f(rI + f(aI * f(drI - rI)));
        if (nrI > mxI) nrI = mxI;
        if (nrI < 0 || silI) nrI = 0;
        rE = nrE;
        rI = nrI;
        if (inWindow) {
          sumE = f(sumE + rE);
          sumI = f(sumI + rI);
        }
        if (monitored && --recLeft === 0) {
          recLeft = rec;
          const m = (((step - (step % rec)) / rec) * monCount + b) * N_MONITOR;
          mon[m] = rE;
          mon[m + 1] = rI;
          mon[m + 2] = excE;
          mon[m + 3] = inhE;
          mon[m + 4] = excI;
          mon[m + 5] = inhI;
        }
      }
    }
    s.rates[o] = rE;
    s.rates[o + 1] = rI;
    s.eta[o] = eE;
    s.eta[o + 1] = eI;
    s.sum[o] = sumE;
    s.sum[o + 1] = sumI;
  }
}

/** Normals for units 0 and 1 of network b at global steps g0 … g0+n−1, into out[2·k + u]. */
function fillPairNoise(
  out: Float32Array,
  k0: number,
  k1: number,
  g0: number,
  n: number,
  b: number,
): void {
  const wasm = philoxWasm();
  if (wasm) {
    // blocks for halves h0 … h1: step g reads words 2·(g&1), 2·(g&1)+1 of block g>>1
    const h0 = Math.floor(g0 / 2);
    const blocks = Math.floor((g0 + n - 1) / 2) - h0 + 1;
    const w = wasm.fill(blocks, h0 >>> 0, Math.floor(h0 / 4294967296) >>> 0, 0, b, k0, k1);
    const off = (g0 & 1) * 2; // word index of step g0 within its block
    for (let k = 0; k < n; k++) {
      const q = off + 2 * k;
      out[2 * k] = normalFromU32(w[q]);
      out[2 * k + 1] = normalFromU32(w[q + 1]);
    }
    return;
  }
  let k = 0;
  let g = g0;
  if (g & 1) {
    const half = Math.floor(g / 2);
    philox4x32(half >>> 0, Math.floor(half / 4294967296) >>> 0, 0, b, k0, k1, scratch);
    out[0] = normalFromU32(scratch[2]);
    out[1] = normalFromU32(scratch[3]);
    k = 1;
    g++;
  }
  for (; k + 1 < n; k += 2, g += 2) {
    const half = g / 2;
    philox4x32(half >>> 0, Math.floor(half / 4294967296) >>> 0, 0, b, k0, k1, scratch);
    out[2 * k] = normalFromU32(scratch[0]);
    out[2 * k + 1] = normalFromU32(scratch[1]);
    out[2 * k + 2] = normalFromU32(scratch[2]);
    out[2 * k + 3] = normalFromU32(scratch[3]);
  }
  if (k < n) {
    const half = g / 2;
    philox4x32(half >>> 0, Math.floor(half / 4294967296) >>> 0, 0, b, k0, k1, scratch);
    out[2 * k] = normalFromU32(scratch[0]);
    out[2 * k + 1] = normalFromU32(scratch[1]);
  }
}

/** True when the two-population fast path applies. */
export function pairPathApplies(c: RateNetworkConfig, p: TrialProtocol): boolean {
  return (
    c.nE === 1 &&
    c.nI === 1 &&
    p.poissonKickHz === 0 &&
    (c.plasticity.mode === 'trial' || c.plasticity.rule === 'none')
  );
}

/** Window mean → running average → one trial-based plasticity update (trial mode only). */
export function trialEnd(
  c: RateNetworkConfig,
  p: TrialProtocol,
  k: RateConsts,
  s: RateState,
): void {
  const N = c.nE + c.nI;
  const win = f(p.stepsPerTrial - p.windowStart);
  const ar = f(c.plasticity.avgRate);
  const rectify = f(c.plasticity.rectify);
  const trialMode = c.plasticity.mode === 'trial';
  const rect = new Float32Array(N);
  for (let b = 0; b < c.batch; b++) {
    for (let u = 0; u < N; u++) {
      const i = b * N + u;
      const m = f(s.sum[i] / win);
      s.trialMean[i] = m;
      if (trialMode) {
        const a = s.avg[i];
        s.avg[i] = f(a + f(ar * f(m - a)));
      }
      const v = s.avg[i];
      rect[u] = v > rectify ? v : rectify;
    }
    if (trialMode) applyRule(c, k, s.weights, b, rect, 1);
  }
}

/** Begin a trial: zero window sums; reset rates (not the noise) when the protocol says so. */
export function trialBegin(p: TrialProtocol, s: RateState): void {
  s.sum.fill(0);
  s.monitor.fill(0);
  if (p.resetRates) s.rates.fill(0);
}
