/**
 * The assemblies lab's CPU reference against independent computations: network construction
 * (afferents, E→E rule eq 2, fixed in-degree log-normal weights), the steady state against
 * the fixed-point equation, the adjoint (eqs 12–15) against a dense direct solve, one batch
 * update against eqs 8a/b written out, Adam against Kingma & Ba, and the stimulus order.
 */
import { describe, expect, it } from 'vitest';
import {
  PAPER_CONFIG,
  afferents,
  buildNetwork,
  randomLogNormal,
  sigmoid,
  softplus,
  softplusInverse,
  type AsmConfig,
} from '../../src/labs/assemblies/network';
import {
  CpuAsmEngine,
  adjointSolve,
  combinedWT,
  solveRow,
} from '../../src/labs/assemblies/cpuEngine';
import { defaultUpdate } from '../../src/labs/assemblies/engine';
import { passOrder } from '../../src/labs/assemblies/trainer';
import { CounterStream } from '../../src/engine/rng/philox';

const small: AsmConfig = { ...PAPER_CONFIG, eAxis: 3, sAxis: 4, nI: 5 };

/** Dense Gaussian elimination with partial pivoting (an independent linear solver). */
function gaussSolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[p * n + c])) p = r;
    for (let k = 0; k < n; k++) [M[c * n + k], M[p * n + k]] = [M[p * n + k], M[c * n + k]];
    [x[c], x[p]] = [x[p], x[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / M[c * n + c];
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= M[r * n + k] * x[k];
    x[r] = s / M[r * n + r];
  }
  return x;
}

describe('assemblies network construction', () => {
  it('afferent drive spans background … background + peak with the von Mises product', () => {
    const { aff, prefs, stimCoords } = afferents(4, 6, 1, 50, 5);
    expect(aff.length).toBe(6 ** 3 * 4 ** 3);
    let lo = Infinity;
    let hi = -Infinity;
    for (const a of aff) {
      lo = Math.min(lo, a);
      hi = Math.max(hi, a);
    }
    expect(lo).toBeCloseTo(5, 5);
    expect(hi).toBeCloseTo(55, 4);
    // cell 0 prefers (−π, −π, −π) = stimulus 0 on both grids: maximal drive there
    expect(prefs[0]).toBeCloseTo(-Math.PI, 6);
    expect(stimCoords[0]).toBeCloseTo(-Math.PI, 6);
    expect(aff[0]).toBeCloseTo(55, 4);
    // an independent evaluation for one cell/stimulus: per-axis exp(κ(cos−1)) normalised by
    // the table's min (exp(−2) at distance π, which occurs on these grids) and max (1)
    const n = 21;
    const s = 100;
    const norm = (d: number) => (Math.exp(Math.cos(d) - 1) - Math.exp(-2)) / (1 - Math.exp(-2));
    let prod = 1;
    for (let q = 0; q < 3; q++) prod *= norm(stimCoords[3 * s + q] - prefs[3 * n + q]);
    expect(aff[s * 64 + n]).toBeCloseTo(50 * prod + 5, 3);
  });

  it('E→E (eq 2): zero diagonal, rows sum to J_EE, about p of the entries connected, stronger for similar tuning', () => {
    const net = buildNetwork({ ...small, eAxis: 4, sAxis: 6 }, 3);
    const n = net.nE;
    let nz = 0;
    for (let i = 0; i < n; i++) {
      expect(net.wEE[i * n + i]).toBe(0);
      let s = 0;
      for (let j = 0; j < n; j++) {
        s += net.wEE[i * n + j];
        if (net.wEE[i * n + j] > 0) nz++;
      }
      expect(s).toBeCloseTo(2, 4);
    }
    expect(nz / (n * n)).toBeGreaterThan(0.55);
    expect(nz / (n * n)).toBeLessThanOrEqual(0.6 + 1e-9);
    // cell 0's strongest partner is a grid neighbour (distance one step on one axis)
    let best = 1;
    for (let j = 1; j < n; j++) if (net.wEE[j] > net.wEE[best]) best = j;
    const d = [0, 1, 2].map((q) => Math.abs(net.prefs[3 * best + q] - net.prefs[q]));
    expect(d.filter((x) => x > 1e-6).length).toBe(1);
  });

  it('random pathways: exactly k = round(p·n_pre) inputs per cell, log-normal with mean J/k', () => {
    const rng = new CounterStream(9, 3, 7);
    const { w, mask, k, jMean } = randomLogNormal(rng, 400, 512, 0.6, 5, 0.65);
    expect(k).toBe(307);
    let sum = 0;
    let sumLog = 0;
    let sumLog2 = 0;
    let cnt = 0;
    for (let i = 0; i < 400; i++) {
      let row = 0;
      for (let j = 0; j < 512; j++) if (mask[i * 512 + j]) row++;
      expect(row).toBe(k);
    }
    for (let x = 0; x < w.length; x++)
      if (mask[x]) {
        sum += w[x];
        sumLog += Math.log(w[x]);
        sumLog2 += Math.log(w[x]) ** 2;
        cnt++;
      } else expect(w[x]).toBe(0);
    const m = sumLog / cnt;
    expect(sum / cnt / jMean).toBeGreaterThan(0.98);
    expect(sum / cnt / jMean).toBeLessThan(1.02);
    expect(Math.sqrt(sumLog2 / cnt - m * m)).toBeCloseTo(0.65, 2);
  });

  it('softplus and its inverse round-trip; the cap applies', () => {
    for (const w of [1e-6, 1e-3, 0.02, 1, 40]) {
      const a = 3.07;
      expect(softplus(softplusInverse(w, a), a, 1e9) / w).toBeCloseTo(1, 4);
    }
    expect(softplus(100, 1, 5)).toBe(5);
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const a = buildNetwork(small, 4);
    const b = buildNetwork(small, 4);
    const c = buildNetwork(small, 5);
    expect(Array.from(a.wIE)).toEqual(Array.from(b.wIE));
    expect(Array.from(a.wIE)).not.toEqual(Array.from(c.wIE));
  });
});

describe('steady state and adjoint', () => {
  const net = buildNetwork({ ...small, eAxis: 4, sAxis: 6, nI: 8 }, 2);
  const N = net.nE + net.nI;
  const WcT = combinedWT(net, net.wEI, net.wIE);

  it('the converged state satisfies eq 1’s fixed point h = I + Wc·r (leak on h)', () => {
    const h = new Float32Array(N);
    const r = new Float32Array(N);
    const inp = new Float64Array(N);
    for (const s of [0, 17, 100, 215]) {
      const res = solveRow(net, WcT, s, h, r, inp, { maxDr: 1e-4, maxSteps: 20000 });
      expect(res.converged).toBe(true);
      // independent evaluation of the right-hand side from the four blocks
      for (let i = 0; i < net.nE; i++) {
        let x = net.aff[s * net.nE + i];
        for (let j = 0; j < net.nE; j++) x += net.wEE[i * net.nE + j] * Math.max(0, h[j]);
        for (let k = 0; k < net.nI; k++) x -= net.wEI[i * net.nI + k] * Math.max(0, h[net.nE + k]);
        expect(Math.abs(h[i] - x)).toBeLessThan(0.01);
      }
      for (let m = 0; m < net.nI; m++) {
        let x = net.cfg.bgI;
        for (let j = 0; j < net.nE; j++) x += net.wIE[m * net.nE + j] * Math.max(0, h[j]);
        for (let k = 0; k < net.nI; k++) x -= net.wII[m * net.nI + k] * Math.max(0, h[net.nE + k]);
        expect(Math.abs(h[net.nE + m] - x)).toBeLessThan(0.01);
      }
    }
  });

  it('the reference leak (−r) gives the same rates, but silent cells drift further down', () => {
    const netR = buildNetwork({ ...small, eAxis: 4, sAxis: 6, nI: 8, leak: 'r' }, 2);
    const a = new CpuAsmEngine(net).solveSync(Int32Array.of(5, 60));
    const b = new CpuAsmEngine(netR).solveSync(Int32Array.of(5, 60));
    expect(Array.from(b.steps)).toEqual(Array.from(a.steps));
    let drift = 0;
    for (let x = 0; x < a.hE.length; x++) {
      if (a.hE[x] > 0) expect(b.hE[x]).toBeCloseTo(a.hE[x], 4);
      else drift = Math.max(drift, a.hE[x] - b.hE[x]);
    }
    expect(drift).toBeGreaterThan(1);
  });

  it('the adjoint iteration solves Aᵀz = [e; 0] with A = I − Wc·D (eqs 12–15) like a dense solve', () => {
    const h = new Float32Array(N);
    const r = new Float32Array(N);
    const inp = new Float64Array(N);
    solveRow(net, WcT, 42, h, r, inp);
    const e = new Float64Array(net.nE);
    for (let i = 0; i < net.nE; i++) e[i] = h[i] - 1;
    const z = new Float64Array(N);
    const it = adjointSolve(net, WcT, h, e, z, new Float64Array(2 * N), 1e-9, 100000);
    expect(it).toBeGreaterThan(0);
    // dense Aᵀ[pre][post] = δ − D[pre]·Wc[post][pre] = δ − D[pre]·WcT[pre][post]
    const At = new Float64Array(N * N);
    for (let p = 0; p < N; p++)
      for (let q = 0; q < N; q++)
        At[p * N + q] = (p === q ? 1 : 0) - sigmoid(h[p]) * WcT[p * N + q];
    const b = new Float64Array(N);
    b.set(e);
    const zd = gaussSolve(At, b, N);
    let scale = 0;
    for (const v of zd) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < N; i++) expect(Math.abs(z[i] - zd[i])).toBeLessThan(1e-6 * scale);
    // and λ = z_E equals 𝒲⁻ᵀe with 𝒲 = I − W_EE D_E + W_EI D_I ℳ⁻¹ W_IE D_E (eq 12), built explicitly
    const nE = net.nE;
    const nI = net.nI;
    const DE = Array.from({ length: nE }, (_, i) => sigmoid(h[i]));
    const DI = Array.from({ length: nI }, (_, k) => sigmoid(h[nE + k]));
    const Mt = new Float64Array(nI * nI); // ℳ = I + W_II D_I
    for (let a = 0; a < nI; a++)
      for (let c = 0; c < nI; c++) Mt[a * nI + c] = (a === c ? 1 : 0) + net.wII[a * nI + c] * DI[c];
    // X = ℳ⁻¹ (W_IE D_E): solve column by column
    const X = new Float64Array(nI * nE);
    for (let j = 0; j < nE; j++) {
      const col = new Float64Array(nI);
      for (let a = 0; a < nI; a++) col[a] = net.wIE[a * nE + j] * DE[j];
      const sol = gaussSolve(Mt, col, nI);
      for (let a = 0; a < nI; a++) X[a * nE + j] = sol[a];
    }
    const Wcal = new Float64Array(nE * nE);
    for (let i = 0; i < nE; i++)
      for (let j = 0; j < nE; j++) {
        let v = (i === j ? 1 : 0) - net.wEE[i * nE + j] * DE[j];
        for (let k = 0; k < nI; k++) v += net.wEI[i * nI + k] * DI[k] * X[k * nE + j];
        Wcal[i * nE + j] = v;
      }
    const WcalT = new Float64Array(nE * nE);
    for (let i = 0; i < nE; i++) for (let j = 0; j < nE; j++) WcalT[j * nE + i] = Wcal[i * nE + j];
    const lambda = gaussSolve(WcalT, e, nE);
    for (let i = 0; i < nE; i++) expect(Math.abs(z[i] - lambda[i])).toBeLessThan(1e-6 * scale);
  });
});

describe('plasticity', () => {
  const net = buildNetwork({ ...small, eAxis: 4, sAxis: 6, nI: 8 }, 6);
  const { nE, nI } = net;
  const stim = Int32Array.of(3, 77, 150);

  it('one local-rule batch update equals eqs 8a/b summed over the converged stimuli', async () => {
    const eng = new CpuAsmEngine(net);
    const before = await eng.readState();
    const ss = eng.solveSync(stim);
    const eta = 1e-3;
    const upd = defaultUpdate({ etaEI: eta, etaIE: eta });
    const stats = eng.trainBatchSync(stim, upd);
    expect(stats.converged).toBe(3);
    const after = await eng.readState();
    // independent: ΔV_EI[j][i] = η Σ_s [e_j r_I,i σ(αV)] − η·n·δ·W
    const gEI = new Float64Array(nE * nI);
    const gIE = new Float64Array(nI * nE);
    for (let b = 0; b < 3; b++) {
      const hE = ss.hE.subarray(b * nE, (b + 1) * nE);
      const hI = ss.hI.subarray(b * nI, (b + 1) * nI);
      for (let j = 0; j < nE; j++)
        for (let i = 0; i < nI; i++)
          gEI[j * nI + i] +=
            (hE[j] - 1) * Math.max(0, hI[i]) * sigmoid(net.alphaEI * before.vEI[j * nI + i]);
      for (let i = 0; i < nI; i++) {
        let fp = 0;
        for (let k = 0; k < nE; k++) fp += before.wIE[i * nE + k] * (hE[k] - 1);
        fp *= sigmoid(hI[i]);
        for (let j = 0; j < nE; j++)
          gIE[i * nE + j] +=
            fp * Math.max(0, hE[j]) * sigmoid(net.alphaIE * before.vIE[i * nE + j]);
      }
    }
    let checked = 0;
    for (let x = 0; x < gEI.length; x++) {
      if (!net.maskEI[x]) {
        expect(after.wEI[x]).toBe(0);
        continue;
      }
      const dv = eta * (gEI[x] - 3 * 0.1 * before.wEI[x]);
      expect(after.vEI[x] - before.vEI[x]).toBeCloseTo(dv, 5);
      checked++;
    }
    for (let x = 0; x < gIE.length; x++) {
      if (!net.maskIE[x]) continue;
      const dv = eta * (gIE[x] - 3 * 0.1 * before.wIE[x]);
      expect(after.vIE[x] - before.vIE[x]).toBeCloseTo(dv, 5);
    }
    expect(checked).toBeGreaterThan(100);
    // the E→I rows are renormalised to J_IE = 5
    for (let i = 0; i < nI; i++) {
      let s = 0;
      for (let j = 0; j < nE; j++) s += after.wIE[i * nE + j];
      expect(s).toBeCloseTo(5, 4);
    }
  });

  it('a knocked-out pathway does not change', async () => {
    const eng = new CpuAsmEngine(net);
    const before = await eng.readState();
    eng.trainBatchSync(stim, defaultUpdate({ etaEI: 0, etaIE: 1e-3 }));
    const after = await eng.readState();
    expect(Array.from(after.wEI)).toEqual(Array.from(before.wEI));
    expect(Array.from(after.wIE)).not.toEqual(Array.from(before.wIE));
  });

  it('the gradient rule takes one bias-corrected Adam step of size ≈ η per synapse', async () => {
    const eng = new CpuAsmEngine(net);
    const before = await eng.readState();
    const eta = 1e-3;
    const s = eng.trainBatchSync(
      stim,
      defaultUpdate({ rule: 'gradient', etaEI: eta, etaIE: eta, normalizeIE: false }),
    );
    expect(s.adjointFailed).toBe(0);
    const after = await eng.readState();
    // first Adam step: m̂ = g, v̂ = g², so ΔV = η·g/(|g| + ε) = ±η for every synapse with g ≠ 0
    let n = 0;
    for (let x = 0; x < after.vEI.length; x++) {
      if (!net.maskEI[x]) continue;
      const dv = after.vEI[x] - before.vEI[x];
      expect(Math.abs(Math.abs(dv) - eta)).toBeLessThan(2e-5);
      n++;
    }
    expect(n).toBeGreaterThan(100);
    expect(after.adamStep).toBe(1);
  });

  it('angles (eq 7) between the gradient and the local update are in [0, π] and finite', async () => {
    const eng = new CpuAsmEngine(net);
    const s = eng.trainBatchSync(stim, defaultUpdate({ etaEI: 1e-3, etaIE: 1e-3, angles: true }));
    expect(s.angleEI).toBeGreaterThanOrEqual(0);
    expect(s.angleEI).toBeLessThan(Math.PI / 2); // the local output rule points downhill
    expect(Number.isFinite(s.angleIE)).toBe(true);
  });
});

describe('stimulus order', () => {
  it('each pass is a permutation in the reference’s nested shuffled order, new each pass', () => {
    const a = passOrder(6, 1, 0);
    const b = passOrder(6, 1, 1);
    expect(new Set(a).size).toBe(216);
    expect(Array.from(a)).not.toEqual(Array.from(b));
    // nested: the first 36 stimuli share the first axis index, the first 6 the second too
    const i0 = Math.floor(a[0] / 36);
    for (let x = 0; x < 36; x++) expect(Math.floor(a[x] / 36)).toBe(i0);
    const j0 = Math.floor(a[0] / 6) % 6;
    for (let x = 0; x < 6; x++) expect(Math.floor(a[x] / 6) % 6).toBe(j0);
    expect(Array.from(passOrder(6, 1, 0))).toEqual(Array.from(a));
  });
});
