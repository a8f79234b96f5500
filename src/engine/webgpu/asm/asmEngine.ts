/**
 * The WebGPU engine of the assemblies lab (Mackwood, Naumann & Sprekeler 2021): the twin of
 * CpuAsmEngine (src/labs/assemblies/cpuEngine.ts, the source of truth) on the kernels
 * shaders/asm_*.wgsl. Stimuli are the batch dimension of every product.
 *
 *  solve       Euler steps of eq 1 as tiled products H·WcT (asm_euler_step), many step
 *              dispatches per command buffer (each with its own uniform slot: a dynamic
 *              offset), the per-row convergence decided on the GPU (asm_rows.wgsl); between
 *              chunks the host reads back one counter of rows still running (asm_running).
 *  trainBatch  the solve, then everything on the GPU: per-row prep (asm_batch_prep), the
 *              adjoint iteration of eqs 12–15 when needed (asm_adjoint_step, same chunking),
 *              the batch sums of eqs 8a/b / 15a/b as products over the batch (asm_gemm), the
 *              stats and angle reductions (asm_stats, asm_dots), the update (asm_apply:
 *              local rule or Adam; softplus), the row normalisation of W_IE
 *              (asm_normalize_rows) and the rewrite of WcT's plastic blocks (asm_write_wct);
 *              one readback of 16 words at the end.
 *
 * The network's constant data (afferents, W_EE, W_II inside WcT) is uploaded once; the
 * plastic state lives on the GPU (readState / writeState copy it). Buffers that depend on the
 * batch size are created once per size (a few sizes are kept). Calls are serialised.
 */
import { BackendLimitError } from '../../backend';
import { BufferPool } from '../bufferPool';
import { PipelineCache } from '../pipelineCache';
import { loadKernelSources, type KernelName } from '../shaders';
import { combinedWT } from '../../../labs/assemblies/cpuEngine';
import {
  initialPlasticState,
  type AsmEngine,
  type BatchStats,
  type PlasticState,
  type SolveOptions,
  type SteadyBatch,
  type UpdateOptions,
} from '../../../labs/assemblies/engine';
import type { AsmNetwork } from '../../../labs/assemblies/network';
import {
  KERNEL_BINDINGS,
  MAX_STORAGE_BINDINGS,
  NO_CELL,
  PARAM_BYTES,
  PARAM_WORDS,
  PST,
  PST_SECTIONS,
  STAT,
  STAT_ROW,
  STAT_WORDS,
  TILE,
  WORKGROUP_BYTES,
  f32Up,
  packParams,
  type ParamValues,
} from './layout';

/** Device limits the engine checks (the device's, optionally capped for tests). */
export const ASM_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
] as const;
export type AsmLimitName = (typeof ASM_LIMITS)[number];

export interface WebGpuAsmOptions {
  /** lower the limits checked below the device's (tests of the limit checks) */
  limitCaps?: Partial<Record<AsmLimitName, number>>;
  /** Euler steps (adjoint iterations) per command buffer between two readbacks of the
   *  running-row counter (default 64) */
  stepsPerSubmit?: number;
  /** batch sizes whose buffers are kept (default 4) */
  cachedBatchSizes?: number;
  label?: string;
}

/** Per-batch-size buffers (created once per B). */
interface BatchBuffers {
  B: number;
  base: Uint32Array;
  h: [GPUBuffer, GPUBuffer];
  z: [GPUBuffer, GPUBuffer];
  fstat: GPUBuffer;
  astat: GPUBuffer;
  conv: GPUBuffer;
  act: GPUBuffer;
  act2: GPUBuffer;
  rowLoss: GPUBuffer;
  groups: Map<string, GPUBindGroup>;
}

/** What the last solve (or the solve of the last trainBatch) took. */
export interface SolveInfo {
  /** Euler steps dispatched (the slowest row's count, + 1 finishing dispatch) */
  steps: number;
  /** command buffers submitted with a readback of the running counter */
  readbacks: number;
  /** adjoint iterations dispatched in the last trainBatch (0 when none) */
  adjointIterations: number;
}

const PIPELINES = new WeakMap<GPUDevice, PipelineCache>();

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
const MiB = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const cdiv = (a: number, b: number) => Math.ceil(a / b);

export class WebGpuAsmEngine implements AsmEngine {
  readonly label: string;
  readonly limits: Readonly<Record<AsmLimitName, number>>;
  readonly stepsPerSubmit: number;
  /** statistics of the last solve, for benchmarks */
  lastSolve: SolveInfo = { steps: 0, readbacks: 0, adjointIterations: 0 };
  /** milliseconds spent since creation encoding the iterative solves' commands and waiting
   *  for their readbacks (benchmarks: where a step's time goes) */
  readonly timing = { encodeMs: 0, waitMs: 0 };

  private readonly N: number;
  private readonly Q: number;
  private readonly pool: BufferPool;
  private readonly pipelines: PipelineCache;

  /** compile errors of the assemblies kernels on this device */
  compileErrors(): Promise<string[]> {
    return this.pipelines.compileErrors(
      (Object.keys(this.sources) as KernelName[]).filter((k) => k.startsWith('asm_')),
    );
  }
  private readonly wct: GPUBuffer;
  private readonly aff: GPUBuffer;
  private readonly pstEI: GPUBuffer;
  private readonly pstIE: GPUBuffer;
  private readonly grads: GPUBuffer;
  private readonly stats: GPUBuffer;
  private readonly running: GPUBuffer;
  private readonly runningRead: GPUBuffer;
  private readonly paramBuf: GPUBuffer;
  private readonly slotStride: number;
  private readonly slotCapacity: number;
  private readonly slots: ArrayBuffer;
  private nSlots = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly netBase = new Uint32Array(PARAM_WORDS);
  private readonly batches = new Map<number, BatchBuffers>();
  private readonly maxBatches: number;
  private readonly groups = new Map<string, GPUBindGroup>();
  private readonly ids = new WeakMap<GPUBuffer, number>();
  private nextId = 1;
  private adamStep = 0;
  private lastAdjoint: BatchBuffers | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly device: GPUDevice,
    readonly net: AsmNetwork,
    private readonly sources: Record<KernelName, string>,
    opts: WebGpuAsmOptions = {},
  ) {
    const lim = {} as Record<AsmLimitName, number>;
    for (const name of ASM_LIMITS) {
      const cap = opts.limitCaps?.[name];
      lim[name] = cap !== undefined ? Math.min(cap, device.limits[name]) : device.limits[name];
    }
    this.limits = lim;
    this.label = opts.label ?? 'webgpu';
    const { nE, nI, nS } = net;
    const N = nE + nI;
    this.N = N;
    this.Q = nE * nI;
    const spS = opts.stepsPerSubmit ?? 64;
    if (!Number.isInteger(spS) || spS < 1)
      throw new RangeError(`stepsPerSubmit must be a positive integer (got ${spS})`);
    this.stepsPerSubmit = spS;
    this.maxBatches = Math.max(1, opts.cachedBatchSizes ?? 4);

    // ── limits (checked before anything is allocated) ──
    const need = (name: AsmLimitName, min: number, why: string) => {
      if (lim[name] < min)
        throw new BackendLimitError(
          `this GPU's ${name} is ${lim[name]}; the assemblies kernels need at least ${min} (${why})`,
        );
    };
    need('maxComputeInvocationsPerWorkgroup', 256, '16 × 16 threads per tile');
    need('maxComputeWorkgroupSizeX', 256, 'the 256-thread reductions');
    need('maxComputeWorkgroupSizeY', 16, '16 × 16 threads per tile');
    need('maxComputeWorkgroupStorageSize', WORKGROUP_BYTES, 'the 64 × 64 tile staging');
    need('maxStorageBuffersPerShaderStage', MAX_STORAGE_BINDINGS, 'the adjoint step kernel');
    this.checkBytes(`the combined weights WcT (N² = ${N}² floats)`, N * N * 4);
    this.checkBytes(`the afferent drive (nS·nE = ${nS}·${nE} floats)`, nS * nE * 4);
    this.checkBytes(`a plastic pathway (5·nE·nI = 5·${this.Q} floats)`, PST_SECTIONS * this.Q * 4);
    this.checkBytes(`the batch updates (4·nE·nI = 4·${this.Q} floats)`, 4 * this.Q * 4);
    this.checkGrid(cdiv(N, TILE), 'unit tiles');
    this.checkGrid(cdiv(this.Q, 64), 'synapse groups');

    this.pool = new BufferPool(device);
    // one pipeline cache per device, shared by its engines (compiling is the slow part)
    let pipelines = PIPELINES.get(device);
    if (!pipelines) {
      pipelines = new PipelineCache(device, sources);
      PIPELINES.set(device, pipelines);
    }
    this.pipelines = pipelines;
    const pool = this.pool;
    this.wct = pool.acquire(N * N * 4, STORAGE(), 'asm WcT');
    this.aff = pool.acquire(nS * nE * 4, STORAGE(), 'asm afferents');
    this.pstEI = pool.acquire(PST_SECTIONS * this.Q * 4, STORAGE(), 'asm plastic EI');
    this.pstIE = pool.acquire(PST_SECTIONS * this.Q * 4, STORAGE(), 'asm plastic IE');
    this.grads = pool.acquire(4 * this.Q * 4, STORAGE(), 'asm batch updates');
    this.stats = pool.acquire(STAT_WORDS * 4, STORAGE(), 'asm stats');
    this.running = pool.acquire(16, STORAGE(), 'asm running rows');
    this.runningRead = pool.acquire(
      16,
      GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      'asm running rows readback',
    );
    const align = device.limits.minUniformBufferOffsetAlignment;
    this.slotStride = Math.ceil(PARAM_BYTES / align) * align;
    this.slotCapacity = Math.max(256, spS + 16);
    this.slots = new ArrayBuffer(this.slotStride * this.slotCapacity);
    this.paramBuf = pool.acquire(
      this.slots.byteLength,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      'asm params',
    );

    // ── network constants of every dispatch ──
    const c = net.cfg;
    const fu = new Float32Array(this.netBase.buffer);
    packParams(this.netBase, fu, {
      nE,
      nI,
      n: N,
      leakH: c.leak === 'h' ? 1 : 0,
      perturbCell: NO_CELL,
      kE: c.dt / c.tauE,
      kI: c.dt / c.tauI,
      rMax: c.rMax,
      bgI: c.bgI,
      rho0: c.rho0,
      count: this.Q,
      alphaEI: net.alphaEI,
      alphaIE: net.alphaIE,
      total: c.J_IE,
    });
    write(device.queue, this.aff, 0, net.aff);
    this.uploadState(initialPlasticState(net));
  }

  // ── AsmEngine ──

  solve(stim: Int32Array, opts: SolveOptions = {}): Promise<SteadyBatch> {
    return this.exclusive(() => this.solveNow(stim, opts));
  }

  trainBatch(stim: Int32Array, upd: UpdateOptions): Promise<BatchStats> {
    return this.exclusive(() => this.trainNow(stim, upd));
  }

  readState(): Promise<PlasticState> {
    return this.exclusive(async () => {
      this.assertUsable();
      const P = PST_SECTIONS * this.Q * 4;
      const [ei, ie] = await this.readBack([
        [this.pstEI, 0, P],
        [this.pstIE, 0, P],
      ]);
      const fe = new Float32Array(ei);
      const fi = new Float32Array(ie);
      const Q = this.Q;
      const sec = (f: Float32Array, s: number) => f.slice(s * Q, (s + 1) * Q);
      return {
        wEI: sec(fe, PST.w),
        vEI: sec(fe, PST.v),
        mEI: sec(fe, PST.m),
        sEI: sec(fe, PST.s),
        wIE: sec(fi, PST.w),
        vIE: sec(fi, PST.v),
        mIE: sec(fi, PST.m),
        sIE: sec(fi, PST.s),
        adamStep: this.adamStep,
      };
    });
  }

  writeState(s: PlasticState): Promise<void> {
    return this.exclusive(async () => {
      this.assertUsable();
      this.uploadState(s);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.encoder = null;
    this.pass = null;
    for (const bb of this.batches.values()) destroyBatch(bb);
    this.batches.clear();
    this.groups.clear();
    this.pool.dispose();
  }

  // ── extras (benchmarks, tests) ──

  /**
   * C = op(A)·op(B) through the tiled product kernel (asm_gemm.wgsl), op = transpose when
   * asked: A is [m × k] ([k × m] with transA), B is [k × n] ([n × k] with transB).
   */
  gemm(
    a: Float32Array,
    b: Float32Array,
    m: number,
    n: number,
    k: number,
    opts: { transA?: boolean; transB?: boolean } = {},
  ): Promise<Float32Array> {
    return this.exclusive(async () => {
      this.assertUsable();
      if (a.length !== m * k || b.length !== k * n)
        throw new RangeError(`gemm: A must hold m·k and B k·n floats`);
      for (const [what, len] of [
        ['A', m * k],
        ['B', k * n],
        ['C', m * n],
      ] as const)
        this.checkBytes(`gemm ${what}`, len * 4);
      this.checkGrid(cdiv(m, TILE), 'row tiles');
      this.checkGrid(cdiv(n, TILE), 'column tiles');
      const bufA = this.pool.acquire(a.length * 4, STORAGE(), 'gemm A');
      const bufB = this.pool.acquire(b.length * 4, STORAGE(), 'gemm B');
      const bufC = this.pool.acquire(m * n * 4, STORAGE(), 'gemm C');
      try {
        this.upload(bufA, 0, a);
        this.upload(bufB, 0, b);
        const tA = opts.transA ? 1 : 0;
        const tB = opts.transB ? 1 : 0;
        this.dispatch(
          'asm_gemm',
          { TRANS_A: tA, TRANS_B: tB, EPI: 0 },
          [bufA, bufB, bufC, bufA],
          this.groups,
          cdiv(n, TILE),
          cdiv(m, TILE),
          this.netBase,
          {
            gm: m,
            gn: n,
            gk: k,
            lda: tA ? m : k,
            ldb: tB ? k : n,
            ldc: n,
            offA: 0,
            offB: 0,
            offC: 0,
          },
        );
        const [out] = await this.readBack([[bufC, 0, m * n * 4]]);
        return new Float32Array(out);
      } finally {
        for (const buf of [bufA, bufB, bufC]) this.pool.release(buf);
        this.dropGroups(bufA, bufB, bufC);
      }
    });
  }

  /**
   * Per stimulus of the last trainBatch that ran the adjoint: the iterations adjointSolve
   * would return (−1: did not converge; −2: excluded, its steady state did not converge).
   */
  adjointIterations(): Promise<Int32Array> {
    return this.exclusive(async () => {
      this.assertUsable();
      const bb = this.lastAdjoint;
      if (!bb || this.batches.get(bb.B) !== bb) return new Int32Array(0);
      const [buf] = await this.readBack([[bb.astat, 0, bb.B * STAT_ROW * 4]]);
      const st = new Int32Array(buf);
      return Int32Array.from({ length: bb.B }, (_, b) => st[b * STAT_ROW + 1]);
    });
  }

  // ── the solves ──

  private async solveNow(stim: Int32Array, opts: SolveOptions): Promise<SteadyBatch> {
    this.assertUsable();
    const { nE, nI } = this.net;
    const N = this.N;
    const B = stim.length;
    const out: SteadyBatch = {
      stim: stim.slice(),
      hE: new Float32Array(B * nE),
      hI: new Float32Array(B * nI),
      steps: new Int32Array(B),
      converged: new Uint8Array(B),
    };
    if (B === 0) return out;
    const bb = this.batch(B);
    const res = await this.forward(bb, stim, opts);
    const [hb, sb] = await this.readBack([
      [bb.h[res], 0, B * N * 4],
      [bb.fstat, 0, B * STAT_ROW * 4],
    ]);
    const h = new Float32Array(hb);
    const st = new Int32Array(sb);
    for (let b = 0; b < B; b++) {
      out.hE.set(h.subarray(b * N, b * N + nE), b * nE);
      out.hI.set(h.subarray(b * N + nE, (b + 1) * N), b * nI);
      out.steps[b] = st[b * STAT_ROW + 1];
      out.converged[b] = st[b * STAT_ROW + 2] ? 1 : 0;
    }
    return out;
  }

  /** The batched steady state; returns which of bb.h holds it. */
  private async forward(bb: BatchBuffers, stim: Int32Array, opts: SolveOptions): Promise<number> {
    const net = this.net;
    const c = net.cfg;
    const B = bb.B;
    const st = new Uint32Array(B * STAT_ROW);
    for (let b = 0; b < B; b++) {
      const s = stim[b];
      if (!Number.isInteger(s) || s < 0 || s >= net.nS)
        throw new RangeError(`stimulus index ${s} is outside 0…${net.nS - 1}`);
      st[b * STAT_ROW + 3] = s;
    }
    this.upload(bb.fstat, 0, st);
    const maxDr = opts.maxDr ?? c.maxDr;
    const maxSteps = opts.maxSteps ?? c.maxSteps;
    if (!Number.isInteger(maxSteps) || maxSteps < 0)
      throw new RangeError(`maxSteps must be a non-negative integer (got ${maxSteps})`);
    const pc = opts.perturbCell;
    const values: ParamValues = {
      limit: maxSteps,
      thrE: f32Up((c.dt / c.tauE) * maxDr),
      thrI: f32Up((c.dt / c.tauI) * maxDr),
      perturbCell: pc !== undefined && pc >= 0 && pc < net.nE ? pc : NO_CELL,
      perturbDelta: opts.perturbDelta ?? 0,
    };
    const r = await this.iterate(bb, 'forward', values, maxSteps, 0);
    this.lastSolve = { steps: r.steps, readbacks: r.readbacks, adjointIterations: 0 };
    return r.result;
  }

  /**
   * Run a batched iterative solve to its end: chunks of `stepsPerSubmit` step dispatches,
   * each followed by a readback of the rows still running, then one finishing dispatch that
   * records the rows that ended at the last step. Returns which ping-pong buffer holds the
   * result.
   */
  private async iterate(
    bb: BatchBuffers,
    kind: 'forward' | 'adjoint',
    values: ParamValues,
    limit: number,
    hIdx: number,
  ): Promise<{ result: number; steps: number; readbacks: number }> {
    const adj = kind === 'adjoint';
    const B = bb.B;
    const stepKernel: KernelName = adj ? 'asm_adjoint_step' : 'asm_euler_step';
    const stepConsts: Record<string, number> = adj
      ? { TRANS_B: 1, ADJOINT: 1, INIT: 0 }
      : { TRANS_B: 0, ADJOINT: 0 };
    const bufs = adj ? bb.z : bb.h;
    const stat = adj ? bb.astat : bb.fstat;
    const stepGroups = [0, 1].map((p) =>
      adj
        ? [bufs[p], this.wct, bufs[1 - p], bb.conv, stat, bb.h[hIdx], bb.act]
        : [bufs[p], this.wct, bufs[1 - p], bb.conv, stat, this.aff],
    );
    const gx = cdiv(this.N, TILE);
    const gy = cdiv(B, TILE);
    const step = (t: number) =>
      this.dispatch(stepKernel, stepConsts, stepGroups[t % 2], bb.groups, gx, gy, bb.base, {
        ...values,
        limit,
        step: t,
      });
    this.clear(bb.conv);
    if (adj)
      // ρ_0 from z_0 (written to z[1] by asm_batch_prep): into z[0], which step 0 reads
      this.dispatch(
        stepKernel,
        { ...stepConsts, INIT: 1 },
        stepGroups[1],
        bb.groups,
        gx,
        gy,
        bb.base,
        { ...values, limit, step: 0 },
      );
    let t = 0;
    let readbacks = 0;
    const [rx, ry] = this.grid(cdiv(B, 64));
    for (;;) {
      const tEnc = performance.now();
      const t1 = Math.min(limit, t + this.stepsPerSubmit);
      for (; t < t1; t++) step(t);
      if (t >= limit) break;
      this.clear(this.running);
      this.dispatch(
        'asm_running',
        { ADJOINT: adj ? 1 : 0 },
        [bb.conv, stat, this.running],
        bb.groups,
        rx,
        ry,
        bb.base,
        { ...values, limit, step: t },
      );
      this.copy(this.running, this.runningRead, 4);
      this.submit();
      readbacks++;
      const tWait = performance.now();
      this.timing.encodeMs += tWait - tEnc;
      await this.mapRead(this.runningRead);
      this.timing.waitMs += performance.now() - tWait;
      const left = new Uint32Array(this.runningRead.getMappedRange(0, 4))[0];
      this.runningRead.unmap();
      if (left === 0) break;
    }
    step(t); // records the rows that ended at step t − 1 (or at the cap)
    return { result: (t + 1) % 2, steps: t, readbacks };
  }

  // ── one training batch ──

  private async trainNow(stim: Int32Array, upd: UpdateOptions): Promise<BatchStats> {
    this.assertUsable();
    const net = this.net;
    const { nE, nI } = net;
    const N = this.N;
    const Q = this.Q;
    const B = stim.length;
    const stats: BatchStats = {
      n: B,
      converged: 0,
      lossSum: 0,
      stepsMax: 0,
      stepsSum: 0,
      angleEI: NaN,
      angleIE: NaN,
      adjointFailed: 0,
    };
    if (B === 0) return stats;
    if (!Number.isInteger(upd.adjointMaxIter) || upd.adjointMaxIter < 0)
      throw new RangeError(`adjointMaxIter must be a non-negative integer`);
    const bb = this.batch(B);
    const local = upd.rule === 'local';
    const wantGrad = !local || upd.angles;
    const wantLocal = local || upd.angles;
    const needEI = upd.etaEI > 0 || upd.angles;
    const needIE = upd.etaIE > 0 || upd.angles;
    const rule = local ? 0 : 1;
    const base = bb.base;
    const g = bb.groups;

    const hIdx = await this.forward(bb, stim, {});
    const h = bb.h[hIdx];
    this.dispatch(
      'asm_batch_prep',
      {},
      [h, bb.fstat, bb.act, bb.z[1], bb.astat, bb.rowLoss],
      g,
      ...this.grid(B),
      base,
      { tol: upd.adjointTol },
    );
    if (wantGrad) {
      const r = await this.iterate(bb, 'adjoint', {}, upd.adjointMaxIter, hIdx);
      this.lastAdjoint = bb;
      this.lastSolve.adjointIterations = r.steps;
      this.lastSolve.readbacks += r.readbacks;
      this.dispatch(
        'asm_grad_prep',
        {},
        [bb.z[r.result], bb.fstat, bb.astat, bb.act, bb.act2],
        g,
        ...this.grid(B),
        base,
        { rule },
      );
    }
    // eq 8b's factor FP = (E·W_IEᵀ)∘σ(h_I), [B × nI]
    if (wantLocal && needIE)
      this.gemmDispatch(g, base, {
        a: bb.act,
        b: this.pstIE,
        c: bb.act2,
        aux: h,
        transA: false,
        transB: true,
        epi: 1,
        values: {
          gm: B,
          gn: nI,
          gk: nE,
          lda: nE,
          offA: 0,
          ldb: nE,
          offB: PST.w * Q,
          ldc: nI,
          offC: 0,
          auxLd: N,
          auxOff: nE,
        },
      });
    this.dispatch('asm_stats', {}, [bb.fstat, bb.astat, bb.rowLoss, this.stats], g, 1, 1, base, {
      wantGrad: wantGrad ? 1 : 0,
      rule,
    });
    // the batch sums: [gEI | gIE | aEI | aIE]; g = this rule's, a = the other (angles)
    const secRE = B * nE;
    const secRI = 2 * B * nE;
    const secLAM = B * nI;
    const secMU = B * (nI + nE);
    const sums = (gradient: boolean, slot: number) => {
      if (needEI)
        this.gemmDispatch(g, base, {
          a: gradient ? bb.act2 : bb.act,
          b: bb.act,
          c: this.grads,
          aux: h,
          transA: true,
          transB: false,
          epi: 0,
          values: {
            gm: nE,
            gn: nI,
            gk: B,
            lda: nE,
            offA: gradient ? secLAM : 0,
            ldb: nI,
            offB: secRI,
            ldc: nI,
            offC: slot * 2 * Q,
          },
        });
      if (needIE)
        this.gemmDispatch(g, base, {
          a: bb.act2,
          b: bb.act,
          c: this.grads,
          aux: h,
          transA: true,
          transB: false,
          epi: 0,
          values: {
            gm: nI,
            gn: nE,
            gk: B,
            lda: nI,
            offA: gradient ? secMU : 0,
            ldb: nE,
            offB: secRE,
            ldc: nE,
            offC: slot * 2 * Q + Q,
          },
        });
    };
    sums(!local, 0);
    if (upd.angles) {
      sums(local, 1);
      this.dispatch(
        'asm_dots',
        {},
        [this.grads, this.pstEI, this.pstIE, this.stats],
        this.groups,
        2,
        1,
        base,
        {},
      );
    }
    // the update
    const t = this.adamStep + 1;
    const common: ParamValues = {
      rule,
      decay: upd.decay,
      beta1: upd.adam.beta1,
      beta2: upd.adam.beta2,
      eps: upd.adam.eps,
      c1: 1 - Math.pow(upd.adam.beta1, t),
      c2: 1 - Math.pow(upd.adam.beta2, t),
    };
    const [qx, qy] = this.grid(cdiv(Q, 64));
    if (upd.etaIE > 0) {
      this.dispatch(
        'asm_apply',
        {},
        [this.grads, this.pstIE, this.stats],
        this.groups,
        qx,
        qy,
        base,
        {
          ...common,
          lr: upd.etaIE * upd.lrScale,
          alpha: net.alphaIE,
          wMax: net.maxIE,
          offG: Q,
        },
      );
      if (upd.normalizeIE)
        this.dispatch(
          'asm_normalize_rows',
          {},
          [this.pstIE, this.stats],
          this.groups,
          ...this.grid(nI),
          base,
          {},
        );
    }
    if (upd.etaEI > 0)
      this.dispatch(
        'asm_apply',
        {},
        [this.grads, this.pstEI, this.stats],
        this.groups,
        qx,
        qy,
        base,
        {
          ...common,
          lr: upd.etaEI * upd.lrScale,
          alpha: net.alphaEI,
          wMax: net.maxEI,
          offG: 0,
        },
      );
    if (upd.etaEI > 0 || upd.etaIE > 0)
      this.dispatch(
        'asm_write_wct',
        {},
        [this.pstEI, this.pstIE, this.wct],
        this.groups,
        qx,
        qy,
        base,
        {},
      );
    const [sbuf] = await this.readBack([[this.stats, 0, STAT_WORDS * 4]]);
    const su = new Uint32Array(sbuf);
    const sf = new Float32Array(sbuf);
    stats.converged = su[STAT.converged];
    stats.stepsSum = su[STAT.stepsSum];
    stats.stepsMax = su[STAT.stepsMax];
    stats.lossSum = sf[STAT.loss];
    stats.adjointFailed = wantGrad ? su[STAT.adjointFailed] : 0;
    if (su[STAT.used] > 0 && !local) this.adamStep++;
    if (upd.angles) {
      stats.angleEI = angle(sf[STAT.dots], sf[STAT.dots + 1], sf[STAT.dots + 2]);
      stats.angleIE = angle(sf[STAT.dots + 3], sf[STAT.dots + 4], sf[STAT.dots + 5]);
    }
    return stats;
  }

  /** One asm_gemm dispatch (grid from the output shape). */
  private gemmDispatch(
    cache: Map<string, GPUBindGroup>,
    base: Uint32Array,
    o: {
      a: GPUBuffer;
      b: GPUBuffer;
      c: GPUBuffer;
      aux: GPUBuffer;
      transA: boolean;
      transB: boolean;
      epi: number;
      values: ParamValues;
    },
  ): void {
    const m = o.values.gm ?? 0;
    const n = o.values.gn ?? 0;
    this.dispatch(
      'asm_gemm',
      { TRANS_A: o.transA ? 1 : 0, TRANS_B: o.transB ? 1 : 0, EPI: o.epi },
      [o.a, o.b, o.c, o.aux],
      cache,
      cdiv(n, TILE),
      cdiv(m, TILE),
      base,
      o.values,
    );
  }

  // ── buffers ──

  private uploadState(s: PlasticState): void {
    const net = this.net;
    const Q = this.Q;
    if (!Number.isInteger(s.adamStep) || s.adamStep < 0)
      throw new RangeError(`adamStep must be a non-negative integer (got ${s.adamStep})`);
    for (const [name, a] of Object.entries({
      wEI: s.wEI,
      wIE: s.wIE,
      vEI: s.vEI,
      vIE: s.vIE,
      mEI: s.mEI,
      sEI: s.sEI,
      mIE: s.mIE,
      sIE: s.sIE,
    }))
      if (a.length !== Q) throw new RangeError(`${name} must hold nE·nI = ${Q} floats`);
    const pack = (
      w: Float32Array,
      v: Float32Array,
      m: Float32Array,
      sv: Float32Array,
      mask: Uint8Array,
    ) => {
      const p = new Float32Array(PST_SECTIONS * Q);
      p.set(w, PST.w * Q);
      p.set(v, PST.v * Q);
      p.set(m, PST.m * Q);
      p.set(sv, PST.s * Q);
      for (let x = 0; x < Q; x++) p[PST.mask * Q + x] = mask[x] ? 1 : 0;
      return p;
    };
    this.upload(this.pstEI, 0, pack(s.wEI, s.vEI, s.mEI, s.sEI, net.maskEI));
    this.upload(this.pstIE, 0, pack(s.wIE, s.vIE, s.mIE, s.sIE, net.maskIE));
    this.upload(this.wct, 0, combinedWT(net, s.wEI, s.wIE));
    this.adamStep = s.adamStep;
  }

  /** The buffers of batch size B (created on first use; the least recently used size goes). */
  private batch(B: number): BatchBuffers {
    const hit = this.batches.get(B);
    if (hit) {
      this.batches.delete(B);
      this.batches.set(B, hit);
      return hit;
    }
    const { nE, nI } = this.net;
    const N = this.N;
    this.checkBytes(`the batch's activations (B·N = ${B}·${N} floats)`, B * N * 4);
    this.checkBytes(
      `the batch's plasticity operands (B·(2nE + nI) = ${B}·${2 * nE + nI} floats)`,
      B * (2 * nE + nI) * 4,
    );
    this.checkBytes(
      `the batch's update operands (B·(nE + 2nI) = ${B}·${nE + 2 * nI} floats)`,
      B * (nE + 2 * nI) * 4,
    );
    this.checkBytes(`the batch's adjoint state (2·B·N = 2·${B}·${N} floats)`, 2 * B * N * 4);
    this.checkBytes(`the batch's convergence slots (6·B = 6·${B} words)`, 6 * B * 4);
    this.checkGrid(cdiv(B, TILE), 'stimulus tiles');
    this.checkGrid(B, 'stimuli');
    if (this.batches.size >= this.maxBatches) {
      const [oldest, ob] = this.batches.entries().next().value as [number, BatchBuffers];
      this.submit();
      destroyBatch(ob);
      this.batches.delete(oldest);
    }
    const dev = this.device;
    const mk = (words: number, label: string) =>
      dev.createBuffer({
        size: Math.max(16, Math.ceil((words * 4) / 16) * 16),
        usage: STORAGE(),
        label,
      });
    const base = this.netBase.slice();
    base[0] = B; // AsmParams.batch
    const bb: BatchBuffers = {
      B,
      base,
      h: [mk(B * N, 'asm h0'), mk(B * N, 'asm h1')],
      z: [mk(2 * B * N, 'asm adjoint z|ρ 0'), mk(2 * B * N, 'asm adjoint z|ρ 1')],
      fstat: mk(B * STAT_ROW, 'asm steady-state rows'),
      astat: mk(B * STAT_ROW, 'asm adjoint rows'),
      conv: mk(6 * B, 'asm convergence slots'),
      act: mk(B * (2 * nE + nI), 'asm act'),
      act2: mk(B * (nE + 2 * nI), 'asm act2'),
      rowLoss: mk(B, 'asm row loss'),
      groups: new Map(),
    };
    this.batches.set(B, bb);
    return bb;
  }

  private checkBytes(what: string, bytes: number): void {
    for (const name of ['maxStorageBufferBindingSize', 'maxBufferSize'] as const)
      if (bytes > this.limits[name])
        throw new BackendLimitError(
          `${what} need ${bytes} bytes (${MiB(bytes)}), above this GPU's ${name} of ${this.limits[name]} bytes (${MiB(this.limits[name])})`,
        );
  }

  private checkGrid(groups: number, what: string): void {
    const m = this.limits.maxComputeWorkgroupsPerDimension;
    if (Math.ceil(groups / m) > m)
      throw new BackendLimitError(
        `${groups} workgroups (${what}) exceed this GPU's maxComputeWorkgroupsPerDimension² (${m}²)`,
      );
  }

  private grid(groups: number): [number, number] {
    const m = this.limits.maxComputeWorkgroupsPerDimension;
    if (groups <= m) return [Math.max(1, groups), 1];
    return [m, Math.ceil(groups / m)];
  }

  // ── command encoding ──

  private id(b: GPUBuffer): number {
    let i = this.ids.get(b);
    if (i === undefined) {
      i = this.nextId++;
      this.ids.set(b, i);
    }
    return i;
  }

  private dropGroups(...bufs: GPUBuffer[]): void {
    const ids = new Set(bufs.map((b) => `#${this.id(b)}#`));
    for (const k of [...this.groups.keys()])
      if ([...ids].some((i) => k.includes(i))) this.groups.delete(k);
  }

  private dispatch(
    kernel: KernelName,
    constants: Record<string, number>,
    buffers: GPUBuffer[],
    cache: Map<string, GPUBindGroup>,
    x: number,
    y: number,
    base: Uint32Array,
    values: ParamValues,
  ): void {
    const kinds = KERNEL_BINDINGS[kernel];
    if (!kinds || kinds.length !== buffers.length)
      throw new Error(`internal: ${kernel} binds ${kinds?.length} buffers, got ${buffers.length}`);
    const key = `asm:${kernel}`;
    const layout = this.pipelines.layout(key, [
      {
        binding: 0,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: PARAM_BYTES },
      },
      ...kinds.map((k, i): GPUBindGroupLayoutEntry => ({
        binding: i + 1,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: k === 'r' ? 'read-only-storage' : 'storage' },
      })),
    ]);
    const pipeline = this.pipelines.get(kernel, layout.pipeline, key, constants);
    const gkey = `${kernel}:${buffers.map((b) => `#${this.id(b)}#`).join(',')}`;
    let group = cache.get(gkey);
    if (!group) {
      group = this.device.createBindGroup({
        label: gkey,
        layout: layout.group,
        entries: [
          { binding: 0, resource: { buffer: this.paramBuf, offset: 0, size: PARAM_BYTES } },
          ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
        ],
      });
      cache.set(gkey, group);
    }
    if (this.nSlots >= this.slotCapacity) this.submit();
    const enc = this.openEncoder();
    const off = this.nSlots++ * this.slotStride;
    const u = new Uint32Array(this.slots, off, PARAM_WORDS);
    u.set(base);
    packParams(u, new Float32Array(this.slots, off, PARAM_WORDS), values);
    this.pass ??= enc.beginComputePass({ label: 'asm' });
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, group, [off]);
    this.pass.dispatchWorkgroups(x, y);
  }

  private openEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder({ label: 'asm' });
    return this.encoder;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  private clear(buf: GPUBuffer): void {
    const enc = this.openEncoder();
    this.endPass();
    enc.clearBuffer(buf);
  }

  private copy(src: GPUBuffer, dst: GPUBuffer, bytes: number, srcOff = 0): void {
    const enc = this.openEncoder();
    this.endPass();
    enc.copyBufferToBuffer(src, srcOff, dst, 0, bytes);
  }

  /** Submit the queued commands with their uniform slots (does not wait). */
  private submit(): void {
    if (!this.encoder) return;
    this.endPass();
    if (this.nSlots > 0)
      this.device.queue.writeBuffer(this.paramBuf, 0, this.slots, 0, this.nSlots * this.slotStride);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.nSlots = 0;
  }

  /** queue.writeBuffer after the queued commands (which are submitted first). */
  private upload(buf: GPUBuffer, offset: number, data: Float32Array | Uint32Array): void {
    this.submit();
    write(this.device.queue, buf, offset, data);
  }

  private async mapRead(buf: GPUBuffer): Promise<void> {
    try {
      await buf.mapAsync(GPUMapMode.READ);
    } catch (e) {
      this.assertUsable();
      throw e;
    }
  }

  /** Copy byte ranges to staging buffers, submit, wait and return copies of the data. */
  private async readBack(parts: [GPUBuffer, number, number][]): Promise<ArrayBuffer[]> {
    const READ = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
    const staging = parts.map(([, , size]) => this.pool.acquire(size, READ, 'asm readback'));
    try {
      parts.forEach(([src, off, size], i) => this.copy(src, staging[i], size, off));
      this.submit();
      await Promise.all(staging.map((s) => this.mapRead(s)));
      return parts.map(([, , size], i) => staging[i].getMappedRange(0, size).slice(0));
    } finally {
      for (const s of staging) {
        if (s.mapState === 'mapped') s.unmap();
        this.pool.release(s);
      }
    }
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error('this WebGPU assemblies engine has been disposed');
  }

  private exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.chain.then(() => f());
    this.chain = run.catch(() => undefined);
    return run;
  }
}

function destroyBatch(bb: BatchBuffers): void {
  for (const b of [...bb.h, ...bb.z, bb.fstat, bb.astat, bb.conv, bb.act, bb.act2, bb.rowLoss])
    b.destroy();
  bb.groups.clear();
}

function write(q: GPUQueue, buf: GPUBuffer, offset: number, a: Float32Array | Uint32Array): void {
  q.writeBuffer(buf, offset, a as Float32Array<ArrayBuffer>);
}

/** eq 7: the angle between two summed updates from their dot products (angleOf). */
function angle(ab: number, gg: number, aa: number): number {
  if (gg === 0 || aa === 0) return NaN;
  return Math.acos(Math.max(-1, Math.min(1, ab / Math.sqrt(gg * aa))));
}

/**
 * The assemblies engine on `device` (Dawn in Node, or navigator.gpu's device). Throws
 * BackendLimitError when the network does not fit the device's limits.
 */
export async function createWebGpuAsmEngine(
  device: GPUDevice,
  net: AsmNetwork,
  opts: WebGpuAsmOptions = {},
): Promise<WebGpuAsmEngine> {
  const sources = await loadKernelSources();
  const engine = new WebGpuAsmEngine(device, net, sources, opts);
  // a shader that does not compile on this device is a clear error here, not a silent NaN later
  const errors = await engine.compileErrors();
  if (errors.length) {
    engine.dispose();
    throw new Error(`WebGPU shader compilation failed: ${errors.slice(0, 3).join('; ')}`);
  }
  return engine;
}

/** Throughput of the batched Euler solve, for bench/run.ts. */
export interface EulerRate {
  batch: number;
  /** Euler steps per solve (no row converges: maxDr = 0) */
  steps: number;
  seconds: number;
  /** batched steps per second (each advances all B stimuli) */
  stepsPerSecond: number;
  /** stimulus-steps per second (B × steps per second) */
  stimulusStepsPerSecond: number;
  readbacks: number;
}

/**
 * Time a solve of `batch` stimuli (the first `batch` of the grid, repeated when the grid is
 * smaller) for exactly `steps` Euler steps (convergence disabled with maxDr = 0), after one
 * short warm-up solve that compiles the pipelines and allocates the batch's buffers. The same
 * call on CpuAsmEngine.solveSync(stim, { maxDr: 0, maxSteps: steps }) gives the CPU figure.
 */
export async function measureEulerRate(
  engine: AsmEngine,
  batch: number,
  steps = 200,
): Promise<EulerRate> {
  const nS = engine.net.nS;
  const stim = Int32Array.from({ length: batch }, (_, i) => i % nS);
  await engine.solve(stim, { maxDr: 0, maxSteps: 2 });
  const t0 = performance.now();
  await engine.solve(stim, { maxDr: 0, maxSteps: steps });
  const seconds = (performance.now() - t0) / 1000;
  const readbacks = engine instanceof WebGpuAsmEngine ? engine.lastSolve.readbacks : 0;
  return {
    batch,
    steps,
    seconds,
    stepsPerSecond: steps / seconds,
    stimulusStepsPerSecond: (batch * steps) / seconds,
    readbacks,
  };
}
