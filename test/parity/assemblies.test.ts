/**
 * The WebGPU assemblies engine (src/engine/webgpu/asm/asmEngine.ts, shaders/asm_*.wgsl)
 * against the CPU reference (src/labs/assemblies/cpuEngine.ts) on the same seeded networks:
 * the tiled product alone, batched steady states (both leak modes, a perturbed solve with a
 * maxDr override, a step cap), training batches with the local rule (batch 1 twice in a row —
 * the "paper" online schedule, whose second solve must see the first update — and batch 37),
 * the gradient rule (adjoint + Adam with non-trivial moments), the angles of eq 7, a failing
 * adjoint, and the limit checks.
 *
 * Sizes: N = 27 + 5 = 32 units and batches of 37 (neither a multiple of the 64-wide tiles),
 * one case at N = 64 + 8 = 72 (two unit tiles). SwiftShader runs ~3 ms per step dispatch, so
 * batches stay small.
 *
 * Float32 tolerances (the CPU accumulates in float64, the GPU in float32 in another order;
 * "measured" is SwiftShader, seed 7):
 *  - product: |Δ| ≤ 1e-5·Σ_k |a_ik b_kj| (a K·ε bound with margin; measured ≤ 3e-7 of it);
 *  - steady states: rows with the same step count within 2e-4 + 1e-3·|h_cpu| and 99% of the
 *    values within 2e-5 + 1e-4·|h_cpu| (measured: max |Δh| ≤ 1.5e-5, i.e. ≤ 0.1 of the tight
 *    bound); step counts equal for ≥ 95% of the rows and never off by more than one (a max
 *    |Δh| within rounding of the threshold dt/τ·maxDr can stop a row one step earlier or
 *    later; such rows' activations are only checked to within 0.05, about one step's change).
 *    Measured: every step count equal (37/37, 37/37, 37/37, 41/41). The GPU's threshold is
 *    the next float32 above dt/τ·maxDr, so `g < thr` decides as the CPU's float64 compare;
 *  - adjoint iterations per stimulus equal for ≥ 95% of the rows, others within ±2 (measured:
 *    all equal);
 *  - weights after an update: W within 1e-6 + 1e-4·|W_cpu|, V within 1e-4 + 1e-5·|V_cpu|,
 *    Adam moments within 1e-6·max|m| + 1e-3·|m_cpu| (measured: |ΔW| ≤ 3e-7, |ΔV| ≤ 4e-6,
 *    |Δm|, |Δs| ≤ 2e-5 with max|m| ~ 1–4);
 *  - stats: converged and adjointFailed equal, stepsSum within ⌊B/20⌋ and stepsMax within 1
 *    (rows one step apart), lossSum within 1e-5 relative (1e-3 when some row stopped one
 *    step apart); measured: all equal, lossSum ~1e-7 relative. Angles within 1e-3 rad
 *    (measured ≤ 1e-6 rad).
 * Every update test also checks that the weights moved by ≥ 100× the weight tolerance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendLimitError } from '../../src/engine/backend';
import {
  createWebGpuAsmEngine,
  measureEulerRate,
  type WebGpuAsmEngine,
} from '../../src/engine/webgpu/asm/asmEngine';
import {
  CpuAsmEngine,
  adjointSolve,
  combinedWT,
  solveRow,
} from '../../src/labs/assemblies/cpuEngine';
import {
  defaultUpdate,
  type BatchStats,
  type PlasticState,
  type SolveOptions,
  type SteadyBatch,
  type UpdateOptions,
} from '../../src/labs/assemblies/engine';
import {
  PAPER_CONFIG,
  buildNetwork,
  type AsmConfig,
  type AsmNetwork,
} from '../../src/labs/assemblies/network';
import { CounterStream } from '../../src/engine/rng/philox';
import { acquireGpu, expectClose, type GpuHandle, type Tolerance } from './harness';

const SMALL: AsmConfig = { ...PAPER_CONFIG, eAxis: 3, nI: 5, sAxis: 5 };
const MEDIUM: AsmConfig = { ...PAPER_CONFIG, eAxis: 4, nI: 8, sAxis: 6 };
const SEED = 7;

let gpu: GpuHandle;
const engines: WebGpuAsmEngine[] = [];
beforeAll(async () => {
  gpu = await acquireGpu();
});
afterAll(() => {
  for (const e of engines) e.dispose();
  gpu?.backend.dispose();
});

async function gpuEngine(net: AsmNetwork, opts = {}): Promise<WebGpuAsmEngine> {
  const e = await createWebGpuAsmEngine(gpu.backend.device, net, opts);
  engines.push(e);
  return e;
}

/** B distinct stimuli spread over the grid (stride coprime with nS). */
function stimuli(nS: number, B: number, stride = 17, first = 3): Int32Array {
  return Int32Array.from({ length: B }, (_, i) => (first + i * stride) % nS);
}

const H_TOL: Tolerance = {
  atol: 2e-4,
  rtol: 1e-3,
  tightAtol: 2e-5,
  tightRtol: 1e-4,
  maxOutside: 0.01,
};

/** Steady states of the same batch: step counts, convergence flags and activations. */
function steadyClose(label: string, g: SteadyBatch, c: SteadyBatch, net: AsmNetwork): string {
  const B = c.stim.length;
  const { nE, nI } = net;
  let same = 0;
  for (let b = 0; b < B; b++) {
    expect(Math.abs(g.steps[b] - c.steps[b]), `${label} row ${b} steps`).toBeLessThanOrEqual(1);
    if (g.steps[b] === c.steps[b]) {
      same++;
      expect(g.converged[b], `${label} row ${b} converged`).toBe(c.converged[b]);
    }
  }
  expect(same / B, `${label}: rows with equal step counts`).toBeGreaterThanOrEqual(0.95);
  // rows with equal counts: the float32 tolerance; rows one step apart differ by about one
  // step's change, below 2·dt/τ·maxDr (loose check)
  const rows = (b: number) => g.steps[b] === c.steps[b];
  const pick = (a: Float32Array, n: number, keep: boolean) => {
    const out: number[] = [];
    for (let b = 0; b < B; b++)
      if (rows(b) === keep) for (let j = 0; j < n; j++) out.push(a[b * n + j]);
    return Float32Array.from(out);
  };
  const dE = expectClose(`${label} hE`, pick(g.hE, nE, true), pick(c.hE, nE, true), H_TOL);
  const dI = expectClose(`${label} hI`, pick(g.hI, nI, true), pick(c.hI, nI, true), H_TOL);
  const offE = pick(g.hE, nE, false);
  const offC = pick(c.hE, nE, false);
  for (let x = 0; x < offE.length; x++) expect(Math.abs(offE[x] - offC[x])).toBeLessThan(0.05);
  return `${label}: steps equal ${same}/${B}; hE max abs ${dE.maxAbs.toExponential(1)} rel ${dE.maxRel.toExponential(1)}; hI max abs ${dI.maxAbs.toExponential(1)} rel ${dI.maxRel.toExponential(1)}`;
}

const W_TOL: Tolerance = {
  atol: 1e-6,
  rtol: 1e-4,
  tightAtol: 1e-6,
  tightRtol: 1e-4,
  maxOutside: 0,
};
const V_TOL: Tolerance = {
  atol: 1e-4,
  rtol: 1e-5,
  tightAtol: 1e-4,
  tightRtol: 1e-5,
  maxOutside: 0,
};

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const x of a) m = Math.max(m, Math.abs(x));
  return m;
}

/** Plastic states after the same update(s): W, V (and Adam moments for the gradient rule). */
function stateClose(
  label: string,
  g: PlasticState,
  c: PlasticState,
  before: PlasticState,
  adam: boolean,
): string {
  const out: string[] = [];
  for (const k of ['wEI', 'wIE'] as const) {
    const d = expectClose(`${label} ${k}`, g[k], c[k], W_TOL);
    // the update must have moved the weights far beyond the tolerance (else it proves nothing)
    let moved = 0;
    for (let x = 0; x < c[k].length; x++) moved = Math.max(moved, Math.abs(c[k][x] - before[k][x]));
    expect(moved, `${label} ${k} change`).toBeGreaterThan(
      100 * (W_TOL.atol + W_TOL.rtol * maxAbs(c[k])),
    );
    out.push(`${k} abs ${d.maxAbs.toExponential(1)} (moved ${moved.toExponential(1)})`);
  }
  for (const k of ['vEI', 'vIE'] as const) {
    const d = expectClose(`${label} ${k}`, g[k], c[k], V_TOL);
    out.push(`${k} abs ${d.maxAbs.toExponential(1)}`);
  }
  if (adam)
    for (const k of ['mEI', 'sEI', 'mIE', 'sIE'] as const) {
      const scale = maxAbs(c[k]);
      const tol: Tolerance = {
        atol: 1e-6 * scale,
        rtol: 1e-3,
        tightAtol: 1e-6 * scale,
        tightRtol: 1e-3,
        maxOutside: 0,
      };
      const d = expectClose(`${label} ${k}`, g[k], c[k], tol);
      out.push(`${k} abs ${d.maxAbs.toExponential(1)} (max ${scale.toExponential(1)})`);
    }
  expect(g.adamStep).toBe(c.adamStep);
  return `${label}: ${out.join('; ')}`;
}

function statsClose(label: string, g: BatchStats, c: BatchStats) {
  expect(g.n, label).toBe(c.n);
  expect(g.converged, label).toBe(c.converged);
  expect(g.adjointFailed, label).toBe(c.adjointFailed);
  // a row may stop one step apart (see the header): up to 5% of the rows, one step each
  expect(Math.abs(g.stepsSum - c.stepsSum), `${label} stepsSum`).toBeLessThanOrEqual(
    Math.floor(c.n / 20),
  );
  expect(Math.abs(g.stepsMax - c.stepsMax), `${label} stepsMax`).toBeLessThanOrEqual(1);
  const rel = g.stepsSum === c.stepsSum ? 1e-5 : 1e-3;
  expect(Math.abs(g.lossSum - c.lossSum), `${label} lossSum`).toBeLessThanOrEqual(rel * c.lossSum);
}

/** Run the same update on a fresh CPU engine and on the GPU engine (state copied over). */
async function trainBoth(
  net: AsmNetwork,
  eng: WebGpuAsmEngine,
  batches: Int32Array[],
  upd: UpdateOptions,
  start?: PlasticState,
) {
  const cpu = new CpuAsmEngine(net);
  if (start) await cpu.writeState(start);
  const before = await cpu.readState();
  await eng.writeState(before);
  const stats = [];
  for (const stim of batches) {
    const g = await eng.trainBatch(stim, upd);
    const c = cpu.trainBatchSync(stim, upd);
    stats.push({ g, c });
  }
  expect(gpu.errors).toEqual([]);
  return { stats, before, g: await eng.readState(), c: await cpu.readState() };
}

describe('assemblies WebGPU engine vs CPU reference', () => {
  const small = buildNetwork(SMALL, SEED);

  it('tiled product on sizes that are not multiples of the tile (67×45×33, both operand layouts)', async () => {
    const eng = await gpuEngine(small);
    const rng = new CounterStream(SEED, 77);
    const [M, N, K] = [67, 45, 33];
    const a = Float32Array.from({ length: M * K }, () => rng.normal());
    const b = Float32Array.from({ length: K * N }, () => rng.normal());
    let worst = 0;
    // the two layouts the engine uses (each pipeline variant costs a SwiftShader compile):
    // A row-major with B transposed (eq 8b's factor), A transposed with B row-major (batch sums)
    for (const [transA, transB] of [
      [false, true],
      [true, false],
    ]) {
      const c = await eng.gemm(a, b, M, N, K, { transA, transB });
      const A = (i: number, k: number) => (transA ? a[k * M + i] : a[i * K + k]);
      const Bv = (k: number, j: number) => (transB ? b[j * K + k] : b[k * N + j]);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          let sa = 0;
          for (let k = 0; k < K; k++) {
            s += A(i, k) * Bv(k, j);
            sa += Math.abs(A(i, k) * Bv(k, j));
          }
          const r = Math.abs(c[i * N + j] - s) / (1e-5 * sa);
          worst = Math.max(worst, r);
          if (!(r <= 1))
            throw new Error(
              `C[${i}][${j}] = ${c[i * N + j]} vs ${s} (transA ${transA}, transB ${transB})`,
            );
        }
    }
    expect(gpu.errors).toEqual([]);
    console.log(`gemm 67×45×33: worst error ${(worst * 1e-5).toExponential(1)} of Σ|a·b|`);
  });

  it('steady states of 37 stimuli (leak h), N = 32', async () => {
    const eng = await gpuEngine(small);
    const stim = stimuli(small.nS, 37);
    const g = await eng.solve(stim);
    const c = new CpuAsmEngine(small).solveSync(stim);
    expect(c.converged.every((x) => x === 1)).toBe(true);
    expect(gpu.errors).toEqual([]);
    console.log(steadyClose('leak h', g, c, small), `(${eng.lastSolve.readbacks} readbacks)`);
  });

  it('steady states with leak r and a step cap some rows hit (maxSteps 320)', async () => {
    const net = buildNetwork({ ...SMALL, leak: 'r' }, SEED);
    const eng = await gpuEngine(net, { stepsPerSubmit: 48 });
    const stim = stimuli(net.nS, 37, 23, 1);
    const opts: SolveOptions = { maxSteps: 320 };
    const g = await eng.solve(stim, opts);
    const c = new CpuAsmEngine(net).solveSync(stim, opts);
    const conv = c.converged.reduce((s, x) => s + x, 0);
    expect(conv).toBeGreaterThan(0); // a mix of converged and capped rows
    expect(conv).toBeLessThan(37);
    for (let b = 0; b < 37; b++) if (!c.converged[b]) expect(c.steps[b]).toBe(320);
    expect(gpu.errors).toEqual([]);
    console.log(steadyClose('leak r, cap 320', g, c, net), `${conv}/37 converged`);
  });

  it('perturbed steady states (Fig 4: one E cell driven harder, maxDr override)', async () => {
    const eng = await gpuEngine(small);
    const stim = stimuli(small.nS, 37, 11, 5);
    const opts: SolveOptions = { perturbCell: 13, perturbDelta: 3, maxDr: 0.25 };
    const g = await eng.solve(stim, opts);
    const cpu = new CpuAsmEngine(small);
    const c = cpu.solveSync(stim, opts);
    // the perturbation matters: the unperturbed solution is elsewhere
    const u = cpu.solveSync(stim.subarray(0, 1), { maxDr: 0.25 });
    expect(Math.abs(u.hE[13] - c.hE[13])).toBeGreaterThan(0.5);
    expect(gpu.errors).toEqual([]);
    console.log(steadyClose('perturbed', g, c, small));
  });

  it('steady states at N = 72 (two unit tiles), 41 stimuli', async () => {
    const net = buildNetwork(MEDIUM, SEED);
    const eng = await gpuEngine(net);
    const stim = stimuli(net.nS, 41, 5, 2);
    const g = await eng.solve(stim);
    const c = new CpuAsmEngine(net).solveSync(stim);
    expect(gpu.errors).toEqual([]);
    console.log(steadyClose('N 72', g, c, net));
  });

  it('local rule, both pathways plastic: batch 1 twice (online) and batch 37', async () => {
    const eng = await gpuEngine(small);
    const upd = defaultUpdate({ rule: 'local', etaEI: 2e-3, etaIE: 2e-3 });
    const online = await trainBoth(
      small,
      eng,
      [stimuli(small.nS, 1, 1, 40), stimuli(small.nS, 1, 1, 41)],
      upd,
    );
    for (const [i, s] of online.stats.entries()) statsClose(`online ${i}`, s.g, s.c);
    console.log(stateClose('local, batch 1 ×2', online.g, online.c, online.before, false));
    const batch = await trainBoth(small, eng, [stimuli(small.nS, 37)], upd);
    statsClose('batch 37', batch.stats[0].g, batch.stats[0].c);
    expect(batch.stats[0].g.angleEI).toBeNaN();
    console.log(stateClose('local, batch 37', batch.g, batch.c, batch.before, false));
  });

  it('gradient rule (adjoint + Adam at step 4 with non-zero moments), batch 37', async () => {
    const eng = await gpuEngine(small);
    // a state in the middle of an Adam run: moments from a deterministic pattern, step 3
    const start = await new CpuAsmEngine(small).readState();
    const rng = new CounterStream(SEED, 78);
    for (const k of ['mEI', 'mIE'] as const)
      for (let x = 0; x < start[k].length; x++) start[k][x] = 0.5 * rng.normal();
    for (const k of ['sEI', 'sIE'] as const)
      for (let x = 0; x < start[k].length; x++) start[k][x] = 0.3 * rng.uniform();
    start.adamStep = 3;
    const upd = defaultUpdate({
      rule: 'gradient',
      etaEI: 0.2,
      etaIE: 0.2,
      normalizeIE: false,
      lrScale: 2,
      adjointMaxIter: 1800, // one stimulus of this batch needs 3084: excluded on both
    });
    const stim = stimuli(small.nS, 37);
    const r = await trainBoth(small, eng, [stim], upd, start);
    const { g, c } = r.stats[0];
    statsClose('gradient', g, c);
    expect(c.adjointFailed).toBe(1);
    expect(r.c.adamStep).toBe(4);
    // the adjoint iteration counts per stimulus, as adjointSolve returns them
    const gi = await eng.adjointIterations();
    const WcT = combinedWT(small, start.wEI, start.wIE);
    const N = small.nE + small.nI;
    const [h, rr, inp] = [new Float32Array(N), new Float32Array(N), new Float64Array(N)];
    let same = 0;
    for (let b = 0; b < stim.length; b++) {
      solveRow(small, WcT, stim[b], h, rr, inp);
      const e = Float64Array.from(h.subarray(0, small.nE), (x) => x - small.cfg.rho0);
      const it = adjointSolve(
        small,
        WcT,
        h,
        e,
        new Float64Array(N),
        new Float64Array(2 * N),
        upd.adjointTol,
        upd.adjointMaxIter,
      );
      if (it === gi[b]) same++;
      else
        expect(it > 0 && Math.abs(gi[b] - it) <= 2, `row ${b}: adjoint ${gi[b]} vs ${it}`).toBe(
          true,
        );
    }
    expect(same / stim.length).toBeGreaterThanOrEqual(0.95);
    console.log(
      stateClose('gradient', r.g, r.c, r.before, true),
      `(adjoint iterations equal for ${same}/${stim.length} rows; ${eng.lastSolve.adjointIterations} dispatched)`,
    );
  });

  it('angles between the gradient and the local update (eq 7), local rule', async () => {
    const eng = await gpuEngine(small);
    const upd = defaultUpdate({
      rule: 'local',
      etaEI: 2e-3,
      etaIE: 2e-3,
      angles: true,
      adjointTol: 1e-2,
    });
    const r = await trainBoth(small, eng, [stimuli(small.nS, 20, 13, 9)], upd);
    const { g, c } = r.stats[0];
    statsClose('angles', g, c);
    expect(Number.isFinite(c.angleEI) && Number.isFinite(c.angleIE)).toBe(true);
    expect(Math.abs(g.angleEI - c.angleEI)).toBeLessThan(1e-3);
    expect(Math.abs(g.angleIE - c.angleIE)).toBeLessThan(1e-3);
    console.log(
      stateClose('local + angles', r.g, r.c, r.before, false),
      `angles EI ${g.angleEI.toFixed(6)} vs ${c.angleEI.toFixed(6)}, IE ${g.angleIE.toFixed(6)} vs ${c.angleIE.toFixed(6)}`,
    );
  });

  it('a failing adjoint excludes its stimuli: no gradient update, Adam step unchanged', async () => {
    const eng = await gpuEngine(small);
    const upd = defaultUpdate({ rule: 'gradient', etaEI: 5e-2, etaIE: 5e-2, adjointMaxIter: 30 });
    const stim = stimuli(small.nS, 5, 29, 8);
    const cpu = new CpuAsmEngine(small);
    const before = await cpu.readState();
    await eng.writeState(before);
    const g = await eng.trainBatch(stim, upd);
    const c = cpu.trainBatchSync(stim, upd);
    statsClose('failing adjoint', g, c);
    expect(g.adjointFailed).toBe(5);
    const after = await eng.readState();
    expect(after.adamStep).toBe(0);
    expect(after.wEI).toEqual(before.wEI);
    expect(after.vIE).toEqual(before.vIE);
    expect(gpu.errors).toEqual([]);
  });

  it('BackendLimitError for networks and batches above the limits; the engine stays usable', async () => {
    const caught = async (f: () => Promise<unknown>): Promise<BackendLimitError> => {
      try {
        await f();
      } catch (e) {
        expect(e).toBeInstanceOf(BackendLimitError);
        return e as BackendLimitError;
      }
      throw new Error('expected a BackendLimitError');
    };
    // a 1 KiB binding limit: WcT (32² floats = 4096 bytes) does not fit
    let e = await caught(() =>
      gpuEngine(small, { limitCaps: { maxStorageBufferBindingSize: 1024 } }),
    );
    expect(e.message).toContain('maxStorageBufferBindingSize');
    expect(e.message).toContain('4096');
    e = await caught(() =>
      gpuEngine(small, { limitCaps: { maxComputeWorkgroupStorageSize: 4096 } }),
    );
    expect(e.message).toContain('maxComputeWorkgroupStorageSize');
    // a batch whose activations need 10 000·32·4 bytes > 1 MiB (checked before allocating)
    const eng = await gpuEngine(small, { limitCaps: { maxStorageBufferBindingSize: 2 ** 20 } });
    e = await caught(() => eng.solve(new Int32Array(10_000)));
    expect(e.message).toContain('maxStorageBufferBindingSize');
    expect(e.message).toContain(String(10_000 * 32 * 4));
    await caught(() => eng.trainBatch(new Int32Array(10_000), defaultUpdate()));
    // on the device's own limits: the smallest batch whose activations (B·N floats) do not fit
    const big = await gpuEngine(small);
    const lim = Math.min(big.limits.maxStorageBufferBindingSize, big.limits.maxBufferSize);
    e = await caught(() => big.solve(new Int32Array(Math.floor(lim / (32 * 4)) + 1)));
    expect(e.message).toMatch(/maxStorageBufferBindingSize|maxBufferSize/);
    // still usable
    const ok = await eng.solve(stimuli(small.nS, 2), { maxSteps: 5 });
    expect(ok.steps).toEqual(Int32Array.from([5, 5]));
    expect(gpu.errors).toEqual([]);
  });

  it('measureEulerRate runs exactly the requested steps', async () => {
    const eng = await gpuEngine(small);
    const r = await measureEulerRate(eng, 3, 20);
    expect(r.steps).toBe(20);
    expect(eng.lastSolve.steps).toBe(20);
    expect(r.stimulusStepsPerSecond).toBeGreaterThan(0);
  });
});
