/**
 * CPU reference of the assemblies lab (the source of truth the WGSL kernels are tested
 * against). Float32 storage like the authors' simulator, float64 accumulation.
 *
 * Steady state (eq 1, forward Euler, Jacobi order as compute_steady_state in the reference):
 *   dh_E = dt/τ_E·(I_aff + W_EE r_E − W_EI r_I − leak_E),  dh_I = dt/τ_I·(W_IE r_E − W_II r_I − leak_I + I_bg)
 *   leak = h (eq 1) or r (reference code), r = clip(h, 0, r_max);
 * converged when max|dh| over unclipped units < dt/τ·maxDr for both populations.
 *
 * The recurrent input is one product with the signed combined matrix Wc = [[W_EE, −W_EI],
 * [W_IE, −W_II]], stored pre-major (WcT[pre·N + post]) so that silent presynaptic cells are
 * skipped (most Pyr cells are silent for a given stimulus).
 */
import type {
  AsmEngine,
  BatchStats,
  PlasticState,
  SolveOptions,
  SteadyBatch,
  UpdateOptions,
} from './engine';
import { initialPlasticState } from './engine';
import { sigmoid, softplus, type AsmNetwork } from './network';

/** Build the pre-major combined matrix WcT [N × N] from the four blocks. */
export function combinedWT(
  net: AsmNetwork,
  wEI: Float32Array,
  wIE: Float32Array,
  out?: Float32Array,
): Float32Array {
  const { nE, nI } = net;
  const N = nE + nI;
  const w = out ?? new Float32Array(N * N);
  for (let j = 0; j < nE; j++) {
    const row = j * N;
    for (let i = 0; i < nE; i++) w[row + i] = net.wEE[i * nE + j];
    for (let m = 0; m < nI; m++) w[row + nE + m] = wIE[m * nE + j];
  }
  for (let k = 0; k < nI; k++) {
    const row = (nE + k) * N;
    for (let i = 0; i < nE; i++) w[row + i] = -wEI[i * nI + k];
    for (let m = 0; m < nI; m++) w[row + nE + m] = -net.wII[m * nI + k];
  }
  return w;
}

export interface RowResult {
  steps: number;
  converged: boolean;
}

/**
 * One stimulus's steady state. `h` (length N) receives the final activations; `r` and `inp`
 * are scratch. Returns the number of Euler steps taken and whether it converged.
 */
export function solveRow(
  net: AsmNetwork,
  WcT: Float32Array,
  stim: number,
  h: Float32Array,
  r: Float32Array,
  inp: Float64Array,
  opts: SolveOptions = {},
): RowResult {
  const c = net.cfg;
  const { nE } = net;
  const N = nE + net.nI;
  const kE = c.dt / c.tauE;
  const kI = c.dt / c.tauI;
  const maxDr = opts.maxDr ?? c.maxDr;
  const thrE = kE * maxDr;
  const thrI = kI * maxDr;
  const maxSteps = opts.maxSteps ?? c.maxSteps;
  const rMax = c.rMax;
  const leakH = c.leak === 'h';
  const affOff = stim * nE;
  const aff = net.aff;
  const pc = opts.perturbCell ?? -1;
  const pd = opts.perturbDelta ?? 0;
  for (let i = 0; i < nE; i++) h[i] = c.rho0;
  for (let i = nE; i < N; i++) h[i] = c.bgI;
  for (let i = 0; i < N; i++) r[i] = h[i] < 0 ? 0 : h[i] > rMax ? rMax : h[i];
  let t = 0;
  let converged = false;
  while (!converged && t < maxSteps) {
    inp.fill(0);
    for (let pre = 0; pre < N; pre++) {
      const rv = r[pre];
      if (rv === 0) continue;
      const row = pre * N;
      for (let post = 0; post < N; post++) inp[post] += rv * WcT[row + post];
    }
    let gE = 0;
    let gI = 0;
    for (let i = 0; i < nE; i++) {
      const drive = aff[affOff + i] + (i === pc ? pd : 0);
      const d = Math.fround(kE * (drive + inp[i] - (leakH ? h[i] : r[i])));
      const hn = Math.fround(h[i] + d);
      h[i] = hn;
      if (hn < 0) r[i] = 0;
      else if (hn > rMax) r[i] = rMax;
      else {
        r[i] = hn;
        const a = Math.abs(d);
        if (a > gE) gE = a;
      }
    }
    for (let i = nE; i < N; i++) {
      const d = Math.fround(kI * (inp[i] + c.bgI - (leakH ? h[i] : r[i])));
      const hn = Math.fround(h[i] + d);
      h[i] = hn;
      if (hn < 0) r[i] = 0;
      else if (hn > rMax) r[i] = rMax;
      else {
        r[i] = hn;
        const a = Math.abs(d);
        if (a > gI) gI = a;
      }
    }
    t++;
    converged = gE < thrE && gI < thrI;
  }
  return { steps: t, converged };
}

const clip = (x: number, rMax: number) => (x < 0 ? 0 : x > rMax ? rMax : x);

/**
 * Adjoint of the steady state (Appendix 1, eqs 12–15): with D = diag(σ(h)) (surrogate
 * derivative, α = 1) and A = I − Wc·D, solve Aᵀz = [e; 0] by iterating the transposed
 * linearised dynamics z ← z + κ∘(b − Aᵀz) (κ = dt/τ per population) — no inverses. Then
 * λ = z_E = 𝒲⁻ᵀe (eq 15b) and −z_I = ℳ⁻ᵀD_I W_EIᵀλ (eq 15a).
 * Returns the iterations used, or −1 when it did not converge.
 */
export function adjointSolve(
  net: AsmNetwork,
  WcT: Float32Array,
  h: Float32Array,
  e: Float64Array,
  z: Float64Array,
  scratch: Float64Array,
  tol: number,
  maxIter: number,
): number {
  const { nE } = net;
  const N = nE + net.nI;
  const kE = net.cfg.dt / net.cfg.tauE;
  const kI = net.cfg.dt / net.cfg.tauI;
  let emax = 0;
  for (let i = 0; i < nE; i++) emax = Math.max(emax, Math.abs(e[i]));
  const thr = tol * Math.max(emax, 1e-30);
  const D = scratch.subarray(0, N);
  for (let i = 0; i < N; i++) D[i] = sigmoid(h[i]);
  z.fill(0);
  for (let i = 0; i < nE; i++) z[i] = e[i];
  for (let it = 1; it <= maxIter; it++) {
    let worst = 0;
    // residual ρ = b − z + D∘(Wcᵀ z); (Wcᵀz)[pre] = Σ_post WcT[pre][post] z[post]
    const res = scratch.subarray(N, 2 * N);
    for (let pre = 0; pre < N; pre++) {
      const row = pre * N;
      let acc = 0;
      for (let post = 0; post < N; post++) acc += WcT[row + post] * z[post];
      const b = pre < nE ? e[pre] : 0;
      const rr = b - z[pre] + D[pre] * acc;
      res[pre] = rr;
      const a = Math.abs(rr);
      if (a > worst) worst = a;
    }
    if (worst < thr) return it;
    if (!Number.isFinite(worst)) return -1;
    for (let i = 0; i < N; i++) z[i] += (i < nE ? kE : kI) * res[i];
  }
  return -1;
}

export function angleOf(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let x = 0; x < a.length; x++) {
    ab += a[x] * b[x];
    aa += a[x] * a[x];
    bb += b[x] * b[x];
  }
  if (aa === 0 || bb === 0) return NaN;
  return Math.acos(Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb))));
}

/**
 * Apply one update to a plastic pathway from the summed raw update g (without decay):
 * local rule  V += η·s·(g − n·δ·W)              (eqs 8a/b, summed over n stimuli)
 * gradient    Adam on the mean (g/n − δ·W)      (Fig 1—S2; Kingma & Ba 2014, bias-corrected)
 * then W = softplus(V)·mask, capped.
 */
export function applyUpdate(
  g: Float64Array,
  n: number,
  v: Float32Array,
  w: Float32Array,
  mask: Uint8Array,
  m: Float32Array,
  s: Float32Array,
  adamStep: number,
  alpha: number,
  wMax: number,
  eta: number,
  upd: UpdateOptions,
): void {
  const f = Math.fround;
  if (upd.rule === 'local') {
    const k = eta * upd.lrScale;
    const dn = upd.decay * n;
    for (let x = 0; x < v.length; x++) {
      if (!mask[x]) continue;
      v[x] = f(v[x] + k * (g[x] - dn * w[x]));
      w[x] = softplus(v[x], alpha, wMax);
    }
  } else {
    const { beta1: b1, beta2: b2, eps } = upd.adam;
    const c1 = 1 - Math.pow(b1, adamStep);
    const c2 = 1 - Math.pow(b2, adamStep);
    const lr = eta * upd.lrScale;
    for (let x = 0; x < v.length; x++) {
      if (!mask[x]) continue;
      const gr = g[x] / n - upd.decay * w[x];
      m[x] = f(b1 * m[x] + (1 - b1) * gr);
      s[x] = f(b2 * s[x] + (1 - b2) * gr * gr);
      v[x] = f(v[x] + (lr * (m[x] / c1)) / (Math.sqrt(s[x] / c2) + eps));
      w[x] = softplus(v[x], alpha, wMax);
    }
  }
}

/** Each PV cell's E inputs rescaled to sum J_IE (Methods; rows with sum ≤ 0 left alone). */
export function normalizeRows(w: Float32Array, nRows: number, nCols: number, total: number): void {
  for (let i = 0; i < nRows; i++) {
    let sum = 0;
    const o = i * nCols;
    for (let j = 0; j < nCols; j++) sum += w[o + j];
    if (!(sum > 0)) continue;
    const k = total / sum;
    for (let j = 0; j < nCols; j++) w[o + j] = Math.fround(w[o + j] * k);
  }
}

export class CpuAsmEngine implements AsmEngine {
  readonly label = 'cpu';
  private st: PlasticState;
  private WcT: Float32Array;
  private readonly N: number;
  private readonly h: Float32Array;
  private readonly r: Float32Array;
  private readonly inp: Float64Array;
  private readonly gEI: Float64Array;
  private readonly gIE: Float64Array;
  private readonly aEI: Float64Array;
  private readonly aIE: Float64Array;

  constructor(readonly net: AsmNetwork) {
    this.st = initialPlasticState(net);
    this.N = net.nE + net.nI;
    this.WcT = combinedWT(net, this.st.wEI, this.st.wIE);
    this.h = new Float32Array(this.N);
    this.r = new Float32Array(this.N);
    this.inp = new Float64Array(this.N);
    this.gEI = new Float64Array(net.nE * net.nI);
    this.gIE = new Float64Array(net.nI * net.nE);
    this.aEI = new Float64Array(net.nE * net.nI);
    this.aIE = new Float64Array(net.nI * net.nE);
  }

  solveSync(stim: Int32Array, opts: SolveOptions = {}): SteadyBatch {
    const { nE, nI } = this.net;
    const B = stim.length;
    const out: SteadyBatch = {
      stim: stim.slice(),
      hE: new Float32Array(B * nE),
      hI: new Float32Array(B * nI),
      steps: new Int32Array(B),
      converged: new Uint8Array(B),
    };
    for (let b = 0; b < B; b++) {
      const res = solveRow(this.net, this.WcT, stim[b], this.h, this.r, this.inp, opts);
      out.hE.set(this.h.subarray(0, nE), b * nE);
      out.hI.set(this.h.subarray(nE), b * nI);
      out.steps[b] = res.steps;
      out.converged[b] = res.converged ? 1 : 0;
    }
    return out;
  }

  async solve(stim: Int32Array, opts: SolveOptions = {}): Promise<SteadyBatch> {
    return this.solveSync(stim, opts);
  }

  trainBatchSync(stim: Int32Array, upd: UpdateOptions): BatchStats {
    const net = this.net;
    const { nE, nI } = net;
    const N = this.N;
    const c = net.cfg;
    const st = this.st;
    const { gEI, gIE, aEI, aIE } = this;
    const wantGrad = upd.rule === 'gradient' || upd.angles;
    const wantLocal = upd.rule === 'local' || upd.angles;
    gEI.fill(0);
    gIE.fill(0);
    if (upd.angles) {
      aEI.fill(0);
      aIE.fill(0);
    }
    // for the gradient rule the raw gradient goes to g*, the local update (angles) to a*;
    // for the local rule the local update goes to g*, the gradient (angles) to a*
    const locEI = upd.rule === 'local' ? gEI : aEI;
    const locIE = upd.rule === 'local' ? gIE : aIE;
    const grEI = upd.rule === 'gradient' ? gEI : aEI;
    const grIE = upd.rule === 'gradient' ? gIE : aIE;
    const e = new Float64Array(nE);
    const z = new Float64Array(N);
    const scratch = new Float64Array(2 * N);
    const fp = new Float64Array(nI);
    const rE = new Float64Array(nE);
    const rI = new Float64Array(nI);
    const sigEI = new Float32Array(nE * nI);
    const sigIE = new Float32Array(nI * nE);
    for (let x = 0; x < sigEI.length; x++)
      if (net.maskEI[x]) sigEI[x] = sigmoid(net.alphaEI * st.vEI[x]);
    for (let x = 0; x < sigIE.length; x++)
      if (net.maskIE[x]) sigIE[x] = sigmoid(net.alphaIE * st.vIE[x]);
    const stats: BatchStats = {
      n: stim.length,
      converged: 0,
      lossSum: 0,
      stepsMax: 0,
      stepsSum: 0,
      angleEI: NaN,
      angleIE: NaN,
      adjointFailed: 0,
    };
    let used = 0;
    const h = this.h;
    for (let b = 0; b < stim.length; b++) {
      const res = solveRow(net, this.WcT, stim[b], h, this.r, this.inp);
      stats.stepsSum += res.steps;
      if (res.steps > stats.stepsMax) stats.stepsMax = res.steps;
      if (!res.converged) continue;
      stats.converged++;
      let loss = 0;
      for (let j = 0; j < nE; j++) {
        e[j] = h[j] - c.rho0;
        loss += e[j] * e[j];
        rE[j] = clip(h[j], c.rMax);
      }
      stats.lossSum += loss / nE;
      for (let i = 0; i < nI; i++) rI[i] = clip(h[nE + i], c.rMax);
      if (wantGrad) {
        const it = adjointSolve(
          net,
          this.WcT,
          h,
          e,
          z,
          scratch,
          upd.adjointTol,
          upd.adjointMaxIter,
        );
        if (it < 0) {
          stats.adjointFailed++;
          if (upd.rule === 'gradient') continue;
        } else {
          // eq 15b: λ_j r_I,i σ(αV);  eq 15a: μ_i r_E,j σ(αV) with μ = −z_I
          if (upd.etaEI > 0 || upd.angles)
            for (let j = 0; j < nE; j++) {
              const lj = z[j];
              if (lj === 0) continue;
              const o = j * nI;
              for (let i = 0; i < nI; i++) grEI[o + i] += lj * rI[i] * sigEI[o + i];
            }
          if (upd.etaIE > 0 || upd.angles)
            for (let i = 0; i < nI; i++) {
              const mu = -z[nE + i];
              const o = i * nE;
              for (let j = 0; j < nE; j++)
                if (rE[j] !== 0) grIE[o + j] += mu * rE[j] * sigIE[o + j];
            }
        }
      }
      if (wantLocal) {
        // eq 8a: e_j r_I,i σ(α V_EI)
        if (upd.etaEI > 0 || upd.angles)
          for (let j = 0; j < nE; j++) {
            const ej = e[j];
            const o = j * nI;
            for (let i = 0; i < nI; i++) locEI[o + i] += ej * rI[i] * sigEI[o + i];
          }
        // eq 8b: (W_IE e)_i σ(h_I,i) r_E,j σ(α V_IE)
        if (upd.etaIE > 0 || upd.angles) {
          for (let i = 0; i < nI; i++) {
            let acc = 0;
            const o = i * nE;
            for (let j = 0; j < nE; j++) acc += st.wIE[o + j] * e[j];
            fp[i] = acc * sigmoid(h[nE + i]);
          }
          for (let i = 0; i < nI; i++) {
            const o = i * nE;
            const fi = fp[i];
            for (let j = 0; j < nE; j++) if (rE[j] !== 0) locIE[o + j] += fi * rE[j] * sigIE[o + j];
          }
        }
      }
      used++;
    }
    if (upd.angles) {
      stats.angleEI = angleOf(gEI, aEI);
      stats.angleIE = angleOf(gIE, aIE);
    }
    if (used > 0) {
      if (upd.rule === 'gradient') st.adamStep++;
      if (upd.etaIE > 0) {
        applyUpdate(
          gIE,
          used,
          st.vIE,
          st.wIE,
          net.maskIE,
          st.mIE,
          st.sIE,
          st.adamStep,
          net.alphaIE,
          net.maxIE,
          upd.etaIE,
          upd,
        );
        if (upd.normalizeIE) normalizeRows(st.wIE, nI, nE, c.J_IE);
      }
      if (upd.etaEI > 0)
        applyUpdate(
          gEI,
          used,
          st.vEI,
          st.wEI,
          net.maskEI,
          st.mEI,
          st.sEI,
          st.adamStep,
          net.alphaEI,
          net.maxEI,
          upd.etaEI,
          upd,
        );
      if (upd.etaIE > 0 || upd.etaEI > 0) combinedWT(net, st.wEI, st.wIE, this.WcT);
    }
    return stats;
  }

  async trainBatch(stim: Int32Array, upd: UpdateOptions): Promise<BatchStats> {
    return this.trainBatchSync(stim, upd);
  }

  async readState(): Promise<PlasticState> {
    return clonePlastic(this.st);
  }

  async writeState(s: PlasticState): Promise<void> {
    this.st = clonePlastic(s);
    this.WcT = combinedWT(this.net, this.st.wEI, this.st.wIE, this.WcT);
  }

  dispose(): void {}
}

export function clonePlastic(s: PlasticState): PlasticState {
  return {
    wEI: s.wEI.slice(),
    wIE: s.wIE.slice(),
    vEI: s.vEI.slice(),
    vIE: s.vIE.slice(),
    mEI: s.mEI.slice(),
    sEI: s.sEI.slice(),
    mIE: s.mIE.slice(),
    sIE: s.sIE.slice(),
    adamStep: s.adamStep,
  };
}
