/**
 * The WebGPU rate simulation: buffers, uniforms and the dispatch schedule of the rate kernels
 * (shaders/rate_steps_thread.wgsl, rate_steps_workgroup.wgsl, trial_begin.wgsl,
 * trial_end.wgsl). The CPU twin is CpuRateSimulation (src/engine/cpu/cpuBackend.ts); the
 * arithmetic twins are in src/engine/cpu/rateKernels.ts.
 *
 * Commands are queued into one command encoder: beginTrial, runSteps (split into dispatches
 * of at most `stepsPerDispatch` steps, each looping over its steps inside the kernel) and
 * endTrial each append dispatches; every dispatch reads its own copy of the uniforms (a
 * 256-byte-aligned slot of one uniform buffer, bound with a dynamic offset), so the step
 * range and protocol can change between dispatches of one submission. The encoder is
 * submitted at endTrial, when the slots run out, before any host write, and by read(),
 * which is the only point that waits for the GPU (staging buffers from the pool).
 */
import { BackendLimitError, type RateReadout, type RateSimulation } from '../backend';
import {
  MAX_PULSES,
  N_MONITOR,
  samplesPerTrial,
  type PlasticityConfig,
  type RateNetworkConfig,
  type TrialProtocol,
} from '../../model/rateNetwork';
import { pairPathApplies, rateConsts, type RateConsts } from '../cpu/rateKernels';
import { seedKey, STREAM } from '../rng/philox';
import type { BufferPool } from './bufferPool';
import type { DeviceLimits } from './device';
import type { PipelineCache } from './pipelineCache';
import type { KernelName } from './shaders';

/** Word offsets of the WGSL `Params` struct (shaders/lib/common.wgsl). */
const PW = {
  batch: 0,
  nE: 1,
  nI: 2,
  n: 3,
  selfConn: 4,
  stepsPerTrial: 5,
  windowStart: 6,
  recordEvery: 7,
  monCount: 8,
  nPulse: 9,
  kickSteps: 10,
  online: 11,
  stepFrom: 12,
  stepTo: 13,
  gBaseLo: 14,
  gBaseHi: 15,
  noiseKey: 16,
  kickKey: 18,
  rule: 20,
  plastic: 21,
  trialMode: 22,
  resetRates: 23,
  hasNoise: 24,
  monitorLen: 25,
  stateLen: 26,
  dtTauE: 28,
  dtTauI: 29,
  dtTauSensor: 30,
  kickProb: 31,
  thetaE: 32,
  thetaI: 33,
  gainE: 34,
  gainI: 35,
  maxE: 36,
  maxI: 37,
  driveE: 38,
  driveI: 39,
  noiseDecay: 40,
  noiseStd: 41,
  kickAmp: 42,
  rectify: 43,
  setE: 44,
  setI: 45,
  alphaE: 46,
  alphaI: 47,
  floorEE: 48,
  floorEI: 49,
  floorIE: 50,
  floorII: 51,
  avgRate: 52,
  winLen: 53,
  pulse: 56,
  pulseAmp: 72,
} as const;

export const PARAM_WORDS = 76;
export const PARAM_BYTES = PARAM_WORDS * 4;

const RULE_CODE = { none: 0, homeostatic: 1, cross: 2, 'two-term': 3 } as const;

/** State sections of the state buffer, in units of S = B·N floats (common.wgsl SEC_*). */
const SEC = { rates: 0, eta: 1, avg: 2, sum: 3, trialMean: 4 } as const;
const N_SECTIONS = 5;

/** Private-array bounds of the kernels (MAX_U in rate_steps_thread, MAX_UPT in …_workgroup). */
export const THREAD_KERNEL_MAX_UNITS = 8;
export const WORKGROUP_KERNEL_MAX_UNITS_PER_THREAD = 16;
const THREAD_WG = 64;
const SLOT_CAPACITY = 256;
/**
 * Work per dispatch, so that one dispatch stays far below a second (and any watchdog) on a
 * real GPU whatever B and N are (estimates; no timing on a discrete GPU was available):
 *  - workgroup kernel: one workgroup (one compute unit) per network streams its N² weights
 *    every step; at most 1e9 weight reads per dispatch (B·N² per step);
 *  - thread kernel: all networks in parallel; at most 2e10 operations per dispatch, counting
 *    ~2N² for the inputs and ~80N for the noise (Philox, inverse CDF) per network-step.
 */
const MACS_PER_DISPATCH = 1e9;
const THREAD_OPS_PER_DISPATCH = 2e10;
const MAX_STEPS_PER_DISPATCH = 2000;

export type RateKernelKind = 'thread' | 'workgroup';

/** Expert knobs (tests, benchmarks); the defaults are chosen from the network size. */
export interface RateProgramOptions {
  /** 'thread' for N ≤ 8 by default, else 'workgroup' */
  kernel?: RateKernelKind;
  /** workgroup size of the workgroup kernel (a power of two) */
  workgroupSize?: number;
  /** steps per dispatch (default: up to 2000, fewer for big networks) */
  stepsPerDispatch?: number;
  /** use rate_steps_pair for two-population networks where it applies (default true) */
  scalarPair?: boolean;
}

/** What the simulation needs from its backend. */
export interface RateProgramContext {
  device: GPUDevice;
  pool: BufferPool;
  pipelines: PipelineCache;
  limits: DeviceLimits;
  /** throws a clear Error when the device is lost or the backend disposed */
  assertUsable(): void;
  /** resolves (never rejects) with the reason once the device is lost */
  lost: Promise<string>;
}

export interface RateState {
  rates?: Float32Array;
  eta?: Float32Array;
  avg?: Float32Array;
  weights?: Float32Array;
}

const nextPow2 = (x: number) => 2 ** Math.ceil(Math.log2(Math.max(1, x)));
const MiB = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

function ruleIsOnline(p: PlasticityConfig): boolean {
  return p.mode === 'online' && p.rule !== 'none';
}

export class WebGpuRateSimulation implements RateSimulation {
  config: RateNetworkConfig;
  protocol: TrialProtocol;
  /** which step kernel runs this network */
  readonly kernel: RateKernelKind;
  readonly workgroupSize: number;
  readonly stepsPerDispatch: number;

  private readonly device: GPUDevice;
  private readonly N: number;
  private readonly S: number;
  private consts: RateConsts;
  private readonly base = new ArrayBuffer(PARAM_BYTES);
  private readonly baseU = new Uint32Array(this.base);
  private readonly baseF = new Float32Array(this.base);

  private readonly stateBuf: GPUBuffer;
  private readonly weightBuf: GPUBuffer;
  private monitorBuf: GPUBuffer;
  private monitorLen: number;
  private readonly kickBuf: GPUBuffer;
  private readonly paramBuf: GPUBuffer;
  private readonly slotStride: number;
  private readonly slots: ArrayBuffer;
  private nSlots = 0;

  private readonly layout: GPUBindGroupLayout;
  private bindGroup: GPUBindGroup;
  private readonly stepPipeline: GPUComputePipeline;
  /** two-population twin of rateStepsPair (scalar locals), used when pairPathApplies */
  private readonly pairPipeline: GPUComputePipeline | null;
  private readonly beginPipeline: GPUComputePipeline;
  private readonly endPipeline: GPUComputePipeline;
  private readonly endWg: number;

  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private pendingClears: GPUBuffer[] = [];
  private trial = 0;
  private samples = 0;
  private disposed = false;

  constructor(
    private readonly ctx: RateProgramContext,
    config: RateNetworkConfig,
    protocol: TrialProtocol,
    opts: RateProgramOptions = {},
  ) {
    ctx.assertUsable();
    const dev = ctx.device;
    this.device = dev;
    const lim = ctx.limits;
    const { batch: B, nE, nI } = config;
    for (const [name, v] of [
      ['batch', B],
      ['nE', nE],
      ['nI', nI],
    ] as const)
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`${name} must be a positive integer (got ${v})`);
    const N = nE + nI;
    this.N = N;
    this.S = B * N;
    validateProtocol(protocol);

    // ── kernel choice and its limits (checked before touching the weights array, so a
    //    configuration too big for the GPU says so even if it could not be allocated) ──
    this.kernel = opts.kernel ?? (N <= THREAD_KERNEL_MAX_UNITS ? 'thread' : 'workgroup');
    const maxWg = Math.min(
      256,
      lim.maxComputeInvocationsPerWorkgroup,
      lim.maxComputeWorkgroupSizeX,
    );
    if (this.kernel === 'thread') {
      if (N > THREAD_KERNEL_MAX_UNITS)
        throw new BackendLimitError(
          `the per-thread kernel holds at most ${THREAD_KERNEL_MAX_UNITS} units per network (N = ${N})`,
        );
      this.workgroupSize = THREAD_WG;
    } else {
      const wg = opts.workgroupSize ?? Math.min(maxWg, Math.max(32, nextPow2(N)));
      if (!Number.isInteger(wg) || wg < 1 || nextPow2(wg) !== wg)
        throw new RangeError(`workgroupSize must be a power of two (got ${wg})`);
      if (wg > maxWg)
        throw new BackendLimitError(
          `workgroup size ${wg} is above this GPU's maxComputeInvocationsPerWorkgroup/maxComputeWorkgroupSizeX (${maxWg})`,
        );
      this.workgroupSize = wg;
      const slots = Math.ceil(nE / wg) + Math.ceil(nI / wg);
      if (slots > WORKGROUP_KERNEL_MAX_UNITS_PER_THREAD)
        throw new BackendLimitError(
          `${nE} E + ${nI} I units per network need ${slots} units per thread at workgroup size ${wg}; the workgroup kernel holds at most ${WORKGROUP_KERNEL_MAX_UNITS_PER_THREAD} (ceil(nE/${wg}) + ceil(nI/${wg}))`,
        );
      const wgBytes = 8 * N + 16 * wg;
      if (wgBytes > lim.maxComputeWorkgroupStorageSize)
        throw new BackendLimitError(
          `${N} units per network need ${wgBytes} bytes of workgroup memory (two rate buffers + reduction), above this GPU's maxComputeWorkgroupStorageSize of ${lim.maxComputeWorkgroupStorageSize} bytes`,
        );
    }
    this.endWg = Math.min(maxWg, Math.max(32, nextPow2(N)));
    const stepGroups = this.kernel === 'thread' ? Math.ceil(B / THREAD_WG) : B;
    checkGrid(stepGroups, lim, 'networks');
    checkGrid(B, lim, 'networks');
    const monitorLen = monitorLength(config, protocol);
    checkGrid(Math.ceil(Math.max(this.S, monitorLen) / 64), lim, 'state elements');
    const weightBytes = B * N * N * 4;
    const stateBytes = N_SECTIONS * this.S * 4;
    for (const [what, bytes] of [
      [`the weights (B·N² = ${B}·${N}² floats)`, weightBytes],
      [`the state (5·B·N = 5·${B}·${N} floats)`, stateBytes],
      [`the monitor (${monitorLen} floats)`, monitorLen * 4],
    ] as const) {
      if (bytes > lim.maxStorageBufferBindingSize)
        throw new BackendLimitError(
          `${what} need ${bytes} bytes (${MiB(bytes)}), above this GPU's maxStorageBufferBindingSize of ${lim.maxStorageBufferBindingSize} bytes (${MiB(lim.maxStorageBufferBindingSize)})`,
        );
      if (bytes > lim.maxBufferSize)
        throw new BackendLimitError(
          `${what} need ${bytes} bytes (${MiB(bytes)}), above this GPU's maxBufferSize of ${lim.maxBufferSize} bytes (${MiB(lim.maxBufferSize)})`,
        );
    }
    if (config.weights.length !== B * N * N)
      throw new RangeError(
        `weights must hold B·N·N = ${B * N * N} floats (got ${config.weights.length})`,
      );

    const perStep =
      this.kernel === 'thread'
        ? THREAD_OPS_PER_DISPATCH / (B * (2 * N * N + 80 * N))
        : MACS_PER_DISPATCH / (B * N * N);
    this.stepsPerDispatch =
      opts.stepsPerDispatch ?? Math.max(1, Math.min(MAX_STEPS_PER_DISPATCH, Math.floor(perStep)));
    if (!Number.isInteger(this.stepsPerDispatch) || this.stepsPerDispatch < 1)
      throw new RangeError(
        `stepsPerDispatch must be a positive integer (got ${this.stepsPerDispatch})`,
      );

    this.config = { ...config };
    this.protocol = { ...protocol, pulses: protocol.pulses.map((q) => ({ ...q })) };
    this.consts = rateConsts(this.config, this.protocol);

    // ── buffers ──
    const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const pool = ctx.pool;
    this.stateBuf = pool.acquire(stateBytes, STORAGE, 'rate state');
    this.weightBuf = pool.acquire(weightBytes, STORAGE, 'weights');
    this.monitorLen = monitorLen;
    this.monitorBuf = pool.acquire(monitorLen * 4, STORAGE, 'monitor');
    this.kickBuf = pool.acquire(B * 4, STORAGE, 'kick steps left');
    this.slotStride =
      Math.ceil(PARAM_BYTES / lim.minUniformBufferOffsetAlignment) *
      lim.minUniformBufferOffsetAlignment;
    this.slots = new ArrayBuffer(this.slotStride * SLOT_CAPACITY);
    this.paramBuf = pool.acquire(
      this.slots.byteLength,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      'rate params',
    );
    // pooled buffers come back dirty: zero the state, monitor and kick counters (as
    // createRateState does), then upload the initial weights
    this.pendingClears.push(this.stateBuf, this.monitorBuf, this.kickBuf);
    upload(dev.queue, this.weightBuf, 0, config.weights);

    // ── pipelines: one layout for all rate kernels (unused bindings are allowed) ──
    const storage = (binding: number): GPUBindGroupLayoutEntry => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: 'storage' },
    });
    const layout = ctx.pipelines.layout('rate program', [
      {
        binding: 0,
        visibility: GPUShaderStage.COMPUTE,
        buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: PARAM_BYTES },
      },
      storage(1),
      storage(2),
      storage(3),
      storage(4),
    ]);
    this.layout = layout.group;
    const pl = layout.pipeline;
    const pipe = (k: KernelName, constants: Record<string, number>) =>
      ctx.pipelines.get(k, pl, 'rate program', constants);
    this.stepPipeline =
      this.kernel === 'thread'
        ? pipe('rate_steps_thread', { WG_SIZE: THREAD_WG, N_E: nE, N_I: nI })
        : pipe('rate_steps_workgroup', { WG_SIZE: this.workgroupSize, N_E: nE, N_I: nI });
    this.pairPipeline =
      this.kernel === 'thread' && nE === 1 && nI === 1 && opts.scalarPair !== false
        ? pipe('rate_steps_pair', { WG_SIZE: THREAD_WG })
        : null;
    this.beginPipeline = pipe('trial_begin', { WG_SIZE: 64 });
    this.endPipeline = pipe('trial_end', { WG_SIZE: this.endWg, N_E: nE, N_I: nI });
    this.bindGroup = this.makeBindGroup();
    this.packBase();
  }

  // ── the RateSimulation interface ──

  beginTrial(trial: number): void {
    this.assertUsable();
    if (!Number.isInteger(trial) || trial < 0)
      throw new RangeError(`trial must be a non-negative integer (got ${trial})`);
    this.trial = trial;
    this.samples = 0;
    const n = Math.max(this.S, this.monitorLen);
    this.dispatch(this.beginPipeline, Math.ceil(n / 64), 0, 0);
  }

  runSteps(from: number, to: number): void {
    this.assertUsable();
    const T = this.protocol.stepsPerTrial;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > T || from > to)
      throw new RangeError(
        `runSteps(${from}, ${to}): need integers 0 ≤ from ≤ to ≤ stepsPerTrial (${T})`,
      );
    const groups =
      this.kernel === 'thread' ? Math.ceil(this.config.batch / THREAD_WG) : this.config.batch;
    // the scalar two-population kernel where it applies (same conditions as the CPU's
    // rateStepsPair: trial mode, no Poisson kicks), else the general one
    const pipeline =
      this.pairPipeline && pairPathApplies(this.config, this.protocol)
        ? this.pairPipeline
        : this.stepPipeline;
    for (let s = from; s < to; s += this.stepsPerDispatch)
      this.dispatch(pipeline, groups, s, Math.min(to, s + this.stepsPerDispatch));
    this.samples = Math.max(this.samples, Math.ceil(to / this.protocol.recordEvery));
  }

  endTrial(): void {
    this.assertUsable();
    this.dispatch(this.endPipeline, this.config.batch, 0, 0);
    this.submit(); // get the GPU going on this trial while the host queues the next one
  }

  async read(): Promise<RateReadout> {
    this.assertUsable();
    const pool = this.ctx.pool;
    const READ = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
    const stateBytes = N_SECTIONS * this.S * 4;
    const weightBytes = this.config.weights.length * 4;
    const monBytes = this.monitorLen * 4;
    const stState = pool.acquire(stateBytes, READ, 'readback state');
    const stW = pool.acquire(weightBytes, READ, 'readback weights');
    const stMon = pool.acquire(monBytes, READ, 'readback monitor');
    const enc = this.openEncoder();
    this.endPass();
    enc.copyBufferToBuffer(this.stateBuf, 0, stState, 0, stateBytes);
    enc.copyBufferToBuffer(this.weightBuf, 0, stW, 0, weightBytes);
    enc.copyBufferToBuffer(this.monitorBuf, 0, stMon, 0, monBytes);
    const samples = this.samples;
    this.submit();
    const staging = [stState, stW, stMon];
    try {
      await Promise.race([
        Promise.all(staging.map((b) => b.mapAsync(GPUMapMode.READ))),
        this.ctx.lost.then((reason) => {
          throw new Error(`WebGPU device lost during readback: ${reason}`);
        }),
      ]);
      const S = this.S;
      const st = new Float32Array(stState.getMappedRange(0, stateBytes));
      const out: RateReadout = {
        rates: st.slice(SEC.rates * S, (SEC.rates + 1) * S),
        eta: st.slice(SEC.eta * S, (SEC.eta + 1) * S),
        avg: st.slice(SEC.avg * S, (SEC.avg + 1) * S),
        trialMean: st.slice(SEC.trialMean * S, (SEC.trialMean + 1) * S),
        weights: new Float32Array(stW.getMappedRange(0, weightBytes)).slice(),
        monitor: new Float32Array(stMon.getMappedRange(0, monBytes)).slice(),
        samples,
      };
      return out;
    } catch (e) {
      this.assertUsable(); // a lost device gives its own clear message
      throw e;
    } finally {
      for (const b of staging) {
        if (b.mapState === 'mapped') b.unmap();
        pool.release(b);
      }
    }
  }

  setWeights(w: Float32Array): void {
    this.setState({ weights: w });
  }

  setPlasticity(p: PlasticityConfig): void {
    this.assertUsable();
    this.config = { ...this.config, plasticity: { ...p, plastic: { ...p.plastic } } };
    this.consts = rateConsts(this.config, this.protocol);
    this.packBase();
  }

  setProtocol(p: TrialProtocol): void {
    this.assertUsable();
    validateProtocol(p);
    const len = monitorLength(this.config, p);
    const maxBinding = this.ctx.limits.maxStorageBufferBindingSize;
    if (len * 4 > maxBinding)
      throw new BackendLimitError(
        `the monitor needs ${len * 4} bytes, above this GPU's maxStorageBufferBindingSize of ${maxBinding} bytes`,
      );
    const resize =
      p.stepsPerTrial !== this.protocol.stepsPerTrial ||
      p.recordEvery !== this.protocol.recordEvery ||
      p.monitorCount !== this.protocol.monitorCount;
    this.protocol = { ...p, pulses: p.pulses.map((q) => ({ ...q })) };
    this.consts = rateConsts(this.config, this.protocol);
    if (resize) {
      // a fresh, zeroed monitor (as on the CPU); the old buffer goes back to the pool once
      // the work queued so far has been submitted
      this.submit();
      this.ctx.pool.release(this.monitorBuf);
      this.monitorLen = len;
      this.monitorBuf = this.ctx.pool.acquire(
        len * 4,
        GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
        'monitor',
      );
      this.pendingClears.push(this.monitorBuf);
      this.bindGroup = this.makeBindGroup();
    }
    this.packBase();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pass = null;
    this.encoder = null; // never submitted: dropped
    for (const b of [this.stateBuf, this.weightBuf, this.monitorBuf, this.kickBuf, this.paramBuf])
      this.ctx.pool.release(b);
  }

  // ── extras (not in the interface) ──

  /**
   * Overwrite parts of the state, e.g. to restore a simulation on a re-acquired device from
   * the last readback. Queued work is submitted first, so the write lands after it.
   */
  setState(s: RateState): void {
    this.assertUsable();
    const S = this.S;
    const check = (name: string, a: Float32Array, n: number) => {
      if (a.length !== n) throw new RangeError(`${name} must hold ${n} floats (got ${a.length})`);
    };
    if (s.rates) check('rates', s.rates, S);
    if (s.eta) check('eta', s.eta, S);
    if (s.avg) check('avg', s.avg, S);
    if (s.weights) check('weights', s.weights, this.config.weights.length);
    this.submit();
    const q = this.device.queue;
    if (s.rates) upload(q, this.stateBuf, SEC.rates * S * 4, s.rates);
    if (s.eta) upload(q, this.stateBuf, SEC.eta * S * 4, s.eta);
    if (s.avg) upload(q, this.stateBuf, SEC.avg * S * 4, s.avg);
    if (s.weights) upload(q, this.weightBuf, 0, s.weights);
  }

  /** RateSimulation.restore: the same as setState. */
  restore(s: RateState): void {
    this.setState(s);
  }

  /** Submit everything queued so far (without waiting). */
  flush(): void {
    this.assertUsable();
    this.submit();
  }

  // ── internals ──

  private assertUsable(): void {
    if (this.disposed) throw new Error('this WebGPU rate simulation has been disposed');
    this.ctx.assertUsable();
  }

  private makeBindGroup(): GPUBindGroup {
    return this.device.createBindGroup({
      label: 'rate program',
      layout: this.layout,
      entries: [
        { binding: 0, resource: { buffer: this.paramBuf, offset: 0, size: PARAM_BYTES } },
        { binding: 1, resource: { buffer: this.stateBuf, size: N_SECTIONS * this.S * 4 } },
        { binding: 2, resource: { buffer: this.weightBuf, size: this.config.weights.length * 4 } },
        { binding: 3, resource: { buffer: this.monitorBuf, size: this.monitorLen * 4 } },
        { binding: 4, resource: { buffer: this.kickBuf, size: this.config.batch * 4 } },
      ],
    });
  }

  /** Uniform words that depend on the configuration and protocol (not on the dispatch). */
  private packBase(): void {
    const c = this.config;
    const p = this.protocol;
    const k = this.consts;
    const u = this.baseU;
    const f = this.baseF;
    u.fill(0);
    const pl = c.plasticity;
    u[PW.batch] = c.batch;
    u[PW.nE] = c.nE;
    u[PW.nI] = c.nI;
    u[PW.n] = this.N;
    u[PW.selfConn] = c.selfConnections ? 1 : 0;
    u[PW.stepsPerTrial] = p.stepsPerTrial;
    u[PW.windowStart] = p.windowStart;
    u[PW.recordEvery] = p.recordEvery;
    u[PW.monCount] = Math.max(0, Math.min(p.monitorCount, c.batch));
    u[PW.nPulse] = p.pulses.length;
    u[PW.kickSteps] = p.poissonKickSteps;
    u[PW.online] = ruleIsOnline(pl) ? 1 : 0;
    const [n0, n1] = seedKey(c.seed, STREAM.noise);
    const [q0, q1] = seedKey(c.seed, STREAM.poissonKick);
    u[PW.noiseKey] = n0;
    u[PW.noiseKey + 1] = n1;
    u[PW.kickKey] = q0;
    u[PW.kickKey + 1] = q1;
    u[PW.rule] = RULE_CODE[pl.rule];
    u[PW.plastic] =
      (pl.plastic.EE ? 1 : 0) |
      (pl.plastic.EI ? 2 : 0) |
      (pl.plastic.IE ? 4 : 0) |
      (pl.plastic.II ? 8 : 0);
    u[PW.trialMode] = pl.mode === 'trial' ? 1 : 0;
    u[PW.resetRates] = p.resetRates ? 1 : 0;
    u[PW.hasNoise] = Math.fround(c.noiseStd) !== 0 ? 1 : 0;
    u[PW.monitorLen] = this.monitorLen;
    u[PW.stateLen] = this.S;
    // Float32Array stores round to float32 exactly as Math.fround does on the CPU
    f[PW.dtTauE] = k.dtOverTauE;
    f[PW.dtTauI] = k.dtOverTauI;
    f[PW.dtTauSensor] = k.dtOverTauSensor;
    f[PW.kickProb] = k.kickProb;
    f[PW.thetaE] = c.E.theta;
    f[PW.thetaI] = c.I.theta;
    f[PW.gainE] = c.E.gain;
    f[PW.gainI] = c.I.gain;
    f[PW.maxE] = c.E.maxRate;
    f[PW.maxI] = c.I.maxRate;
    f[PW.driveE] = p.driveE;
    f[PW.driveI] = p.driveI;
    f[PW.noiseDecay] = c.noiseDecay;
    f[PW.noiseStd] = c.noiseStd;
    f[PW.kickAmp] = p.poissonKickAmp;
    f[PW.rectify] = pl.rectify;
    f[PW.setE] = c.E.setpoint;
    f[PW.setI] = c.I.setpoint;
    f[PW.alphaE] = c.E.alpha;
    f[PW.alphaI] = c.I.alpha;
    f[PW.floorEE] = k.floors.EE;
    f[PW.floorEI] = k.floors.EI;
    f[PW.floorIE] = k.floors.IE;
    f[PW.floorII] = k.floors.II;
    f[PW.avgRate] = pl.avgRate;
    f[PW.winLen] = p.stepsPerTrial - p.windowStart;
    p.pulses.forEach((q, i) => {
      u[PW.pulse + 4 * i] = q.startStep;
      u[PW.pulse + 4 * i + 1] = q.endStep;
      u[PW.pulse + 4 * i + 2] = q.target === 'E' ? 1 : 0;
      u[PW.pulse + 4 * i + 3] = q.mode === 'silence' ? 1 : 0;
      f[PW.pulseAmp + i] = q.amplitude;
    });
  }

  private openEncoder(): GPUCommandEncoder {
    if (!this.encoder) {
      this.encoder = this.device.createCommandEncoder({ label: 'rate program' });
      for (const b of this.pendingClears) this.encoder.clearBuffer(b);
      this.pendingClears = [];
    }
    return this.encoder;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Queue one dispatch of `groups` workgroups with its own uniform slot. */
  private dispatch(
    pipeline: GPUComputePipeline,
    groups: number,
    stepFrom: number,
    stepTo: number,
  ): void {
    if (this.nSlots >= SLOT_CAPACITY) this.submit();
    const enc = this.openEncoder();
    const slot = this.nSlots++;
    const off = slot * this.slotStride;
    const u = new Uint32Array(this.slots, off, PARAM_WORDS);
    u.set(this.baseU);
    const g = this.trial * this.protocol.stepsPerTrial;
    u[PW.stepFrom] = stepFrom;
    u[PW.stepTo] = stepTo;
    u[PW.gBaseLo] = g >>> 0;
    u[PW.gBaseHi] = Math.floor(g / 4294967296) >>> 0;
    if (!this.pass) this.pass = enc.beginComputePass({ label: 'rate program' });
    const [x, y] = grid(groups, this.ctx.limits.maxComputeWorkgroupsPerDimension);
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, this.bindGroup, [off]);
    this.pass.dispatchWorkgroups(x, y);
  }

  /** Upload the used uniform slots and submit the queued commands (does not wait). */
  private submit(): void {
    if (!this.encoder && this.pendingClears.length === 0) return;
    const enc = this.openEncoder();
    this.endPass();
    if (this.nSlots > 0)
      this.device.queue.writeBuffer(this.paramBuf, 0, this.slots, 0, this.nSlots * this.slotStride);
    this.device.queue.submit([enc.finish()]);
    this.encoder = null;
    this.nSlots = 0;
  }
}

/** queue.writeBuffer of a float array (any backing buffer). */
function upload(q: GPUQueue, buf: GPUBuffer, offset: number, a: Float32Array): void {
  q.writeBuffer(buf, offset, a as Float32Array<ArrayBuffer>);
}

function monitorLength(c: RateNetworkConfig, p: TrialProtocol): number {
  return samplesPerTrial(p) * Math.max(1, Math.min(p.monitorCount, c.batch)) * N_MONITOR;
}

function validateProtocol(p: TrialProtocol): void {
  if (!Number.isInteger(p.stepsPerTrial) || p.stepsPerTrial < 1)
    throw new RangeError(`stepsPerTrial must be a positive integer (got ${p.stepsPerTrial})`);
  if (!Number.isInteger(p.recordEvery) || p.recordEvery < 1)
    throw new RangeError(`recordEvery must be a positive integer (got ${p.recordEvery})`);
  if (p.pulses.length > MAX_PULSES)
    throw new BackendLimitError(
      `the GPU kernels take at most ${MAX_PULSES} pulses per trial (got ${p.pulses.length})`,
    );
  if (!Number.isInteger(p.poissonKickSteps) || p.poissonKickSteps < 0)
    throw new RangeError(`poissonKickSteps must be a non-negative integer`);
}

/** Dispatch shape for `groups` workgroups (2-D when one dimension is not enough). */
function grid(groups: number, maxPerDim: number): [number, number] {
  if (groups <= maxPerDim) return [Math.max(1, groups), 1];
  return [maxPerDim, Math.ceil(groups / maxPerDim)];
}

function checkGrid(groups: number, lim: DeviceLimits, what: string): void {
  const m = lim.maxComputeWorkgroupsPerDimension;
  if (Math.ceil(groups / m) > m)
    throw new BackendLimitError(
      `${groups} workgroups (one per ${what}) exceed this GPU's maxComputeWorkgroupsPerDimension² (${m}²)`,
    );
}
