/**
 * The WebGPU backend of the spiking engine: the twin of CpuSpikingSim
 * (src/engine/spiking/cpu/cpuSim.ts, the source of truth) on the kernels shaders/spk_*.wgsl,
 * for a batch of B independent compiled networks (different seeds, parameters, sizes) run in
 * one dispatch sequence. The contract is docs/spiking-engine.md; the buffers are described
 * in layout.ts.
 *
 * Three strategies (strategy.ts chooses by size and device):
 *  - fused: one workgroup per network loops over up to `stepsPerDispatch` steps inside one
 *    dispatch, the phases of a step separated by barriers (spk_fused). Small networks,
 *    batches of them (sweeps), and every network on SwiftShader.
 *  - resident: the same schedule with the neuron state in registers and the conductance
 *    accumulators in workgroup memory for the whole dispatch (spk_resident), for networks
 *    that fit one workgroup's registers and memory.
 *  - phased: one dispatch per phase (spk_update → [spk_sources] → [spk_sumw] → spk_pre →
 *    [spk_post] → [spk_record]), `stepsPerSubmit` steps per command buffer, the per-spike
 *    phases sized on the GPU by indirect dispatch (one workgroup per spike, its threads
 *    over the row). Large networks on GPUs.
 *
 * After each chunk the host reads a few status words (progress, NaN, raster counters) and
 * drains the monitors into the CPU's Recording type, so a run records exactly what
 * CpuSpikingSim.run records (rasters sorted by (step, id), as the CPU lists them). A network
 * whose V turns NaN stops at that step and the run rejects with the CPU's BlowUpError; the
 * other networks of a batch run on. Every call is serialised (setters included), so
 * commands take effect in the order they were made.
 *
 * Steps are counted below 2^30 (29.8 h of model time at dt = 0.1 ms): lastSpike and the
 * refractory test are 32-bit on the GPU.
 */
import { BackendLimitError } from '../../backend';
import { BufferPool } from '../../webgpu/bufferPool';
import { PipelineCache } from '../../webgpu/pipelineCache';
import { loadKernelSources, type KernelName } from '../../webgpu/shaders';
import type { CompiledNet } from '../../../model/spiking/build';
import { BlowUpError } from '../cpu/cpuSim';
import { emptyRecording, type MonitorSpec, type Recording } from '../monitor';
import type { SpikingSimLike } from '../sim';
import { MC, MC_W, NONE, PFLAG, RATE_BINS, packBatch, type PackedBatch } from './layout';
import {
  chooseStrategy,
  defaultFusedWorkgroupSize,
  residentFits,
  isCpuDevice,
  type SpikingStrategy,
} from './strategy';

const f = Math.fround;

/** Device limits the engine checks (the device's, optionally capped for tests). */
export const SPK_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeWorkgroupStorageSize',
] as const;
export type SpkLimitName = (typeof SPK_LIMITS)[number];

export interface WebGpuSpikingOptions {
  /** 'auto' (default): fused for small networks, else phased (strategy.ts); 'resident'
   *  throws BackendLimitError for a batch that does not fit (strategy.ts residentFits) */
  strategy?: SpikingStrategy | 'auto';
  /** fused: steps per dispatch, i.e. between two readbacks of the status (default 1000) */
  stepsPerDispatch?: number;
  /** phased: steps per command buffer, i.e. between two readbacks (default 128) */
  stepsPerSubmit?: number;
  /** fused: threads per workgroup (default 256 on GPUs, 64 on SwiftShader; strategy.ts) */
  fusedWorkgroupSize?: number;
  /** phased: threads per workgroup of the neuron update (default 256: fewer, larger
   *  workgroups; SwiftShader pays ~20 µs per workgroup) */
  updateWorkgroupSize?: number;
  /** raster entries one network may buffer on the GPU between readbacks (default: enough
   *  for a chunk at 100 Hz, at least 4 steps of every monitored entity spiking, ≤ 2^20) */
  rasterCapacity?: number;
  /** lower the limits checked below the device's (tests of the limit checks) */
  limitCaps?: Partial<Record<SpkLimitName, number>>;
}

/** A projection's state as read back (CpuSpikingSim.ProjectionState's arrays). */
export interface SpikingProjectionState {
  w: Float32Array;
  enabled: boolean;
  plastic: boolean;
  u: Float32Array | null;
  R: Float32Array | null;
  /** STP efficacy u·R of each synapse's last release */
  mu: Float32Array | null;
  stpLast: Int32Array | null;
  preTrace: Float32Array | null;
  preLast: Int32Array | null;
  postTrace: Float32Array | null;
  postLast: Int32Array | null;
}

/** One network's state as read back. */
export interface SpikingState {
  /** steps run (the next step's index) */
  step: number;
  v: Float32Array;
  /** g_E, g_I with this step's pending jumps, as CpuSpikingSim.conductances */
  gE: Float32Array;
  gI: Float32Array;
  /** the stored g_E, g_I and the fixed-point accumulators (CpuSpikingSim's gE, gI, accE, accI) */
  gEStored: Float32Array;
  gIStored: Float32Array;
  accE: Int32Array;
  accI: Int32Array;
  lastSpike: Int32Array;
  proj: SpikingProjectionState[];
}

/**
 * The protocol's controls of one network: CpuSpikingSim's setters with the same signatures
 * and effects, plus range forms for I_ext and silencing (one GPU write for many neurons).
 * They take effect in call order relative to run() and the reads.
 */
export interface SpikingControls {
  /** rate (Hz) of Poisson trains [from, to) of a source (CpuSpikingSim.setRate) */
  setRate(source: string, rateHz: number | ArrayLike<number>, from?: number, to?: number): void;
  /** I_ext (pA) of one neuron, or of neurons [from, from + values.length) */
  setIext(neuron: number, pA: number): void;
  setIext(values: ArrayLike<number>, from?: number): void;
  /** silence a neuron (V frozen at V_reset, no spikes) or release it (CpuSpikingSim), or
   *  neurons [from, from + values.length) */
  setSilenced(neuron: number, on: boolean): void;
  setSilenced(values: ArrayLike<number | boolean>, from?: number): void;
  /** deliver spikes of a projection (by index or name) or not */
  setProjectionEnabled(p: number | string, on: boolean): void;
  /** apply a projection's plasticity or freeze it (no effect without a rule) */
  setPlastic(p: number | string, on: boolean): void;
  /** subtractive normalisation of a projection (CpuSpikingSim.normalizeSubtractive) */
  normalizeSubtractive(p: number | string): void;
}

interface MonLayout {
  key: string;
  buf: GPUBuffer;
  words: number;
  /** per network: raster base/cap, trace base/cap (words) */
  raster: { base: number; cap: number }[];
  trace: { base: number; every: number; n: number; cap: number; neurons: readonly number[] }[];
  rateBin: number[];
  /** the flat trace item list (phased spk_record) */
  itemsOff: number;
  nItems: number;
  /** words of raster regions (to copy whole when small) */
  rasterStart: number;
  rasterWords: number;
  traceStart: number;
  traceWords: number;
}

const PIPELINES = new WeakMap<GPUDevice, PipelineCache>();
const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
const MiB = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
/** Uniform slot: SpkParams (8 words). */
const PARAM_WORDS = 8;
const PARAM_BYTES = PARAM_WORDS * 4;
/** raster regions up to this many bytes in all are copied whole with the status */
const RASTER_COPY_WHOLE = 256 * 1024;

/**
 * A batch of B networks on the GPU. With B = 1 it is a SpikingSimLike (src/engine/spiking/
 * sim.ts), so lab protocols drive it as they drive CpuSpikingSim; with B > 1 the controls
 * of network b are sim.network(b), and run() takes one monitor spec and Recording per
 * network.
 */
export class WebGpuSpikingSim implements SpikingSimLike {
  readonly nets: readonly CompiledNet[];
  readonly B: number;
  readonly strategy: SpikingStrategy;
  readonly limits: Readonly<Record<SpkLimitName, number>>;
  readonly stepsPerDispatch: number;
  readonly stepsPerSubmit: number;
  readonly fusedWorkgroupSize: number;
  /** resident: neurons per thread and accumulator slots per channel (override constants) */
  private readonly resident: { npt: number; acc: number } | null = null;
  /** phased: threads per workgroup of spk_update (one per neuron) */
  readonly updateWorkgroupSize: number;
  /** steps run per network */
  readonly steps: number[];
  /** chunks (readbacks) of the last run, for benchmarks */
  lastRunChunks = 0;

  private readonly pk: PackedBatch;
  private readonly pool: BufferPool;
  private readonly pipelines: PipelineCache;
  private readonly cst: GPUBuffer;
  private readonly syn: GPUBuffer;
  private readonly sw: GPUBuffer;
  private readonly st: GPUBuffer;
  private readonly atm: GPUBuffer;
  private readonly ind: GPUBuffer;
  private readonly paramBuf: GPUBuffer;
  private readonly slotStride: number;
  private readonly slotCapacity: number;
  private readonly slots: ArrayBuffer;
  private nSlots = 0;
  private mon: MonLayout;
  private groups: { main: GPUBindGroup; find: GPUBindGroup } | null = null;
  private readonly enabled: boolean[][];
  private readonly plastic: boolean[][];
  private readonly dead: (BlowUpError | null)[];
  private readonly rasterCapacity: number | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private deferred: Error | null = null;
  private disposed = false;

  constructor(
    private readonly device: GPUDevice,
    nets: readonly CompiledNet[],
    sources: Record<KernelName, string>,
    opts: WebGpuSpikingOptions = {},
  ) {
    const lim = {} as Record<SpkLimitName, number>;
    for (const name of SPK_LIMITS) {
      const cap = opts.limitCaps?.[name];
      lim[name] = cap !== undefined ? Math.min(cap, device.limits[name]) : device.limits[name];
    }
    this.limits = lim;
    this.nets = nets;
    this.B = nets.length;
    const spd = opts.stepsPerDispatch ?? 1000;
    const sps = opts.stepsPerSubmit ?? 128;
    for (const [name, v] of [
      ['stepsPerDispatch', spd],
      ['stepsPerSubmit', sps],
    ] as const)
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`${name} must be a positive integer (got ${v})`);
    this.stepsPerDispatch = spd;
    this.stepsPerSubmit = sps;
    this.rasterCapacity = opts.rasterCapacity;

    this.pk = packBatch(nets);
    const pk = this.pk;
    const cpuDevice = isCpuDevice(device);
    const asked = opts.strategy ?? strategyFromEnv();
    this.strategy = !asked || asked === 'auto' ? chooseStrategy(pk.maxEntities, cpuDevice) : asked;

    // ── limits (checked before anything is allocated) ──
    const need = (name: SpkLimitName, min: number, why: string) => {
      if (lim[name] < min)
        throw new BackendLimitError(
          `this GPU's ${name} is ${lim[name]}; the spiking kernels need at least ${min} (${why})`,
        );
    };
    need('maxStorageBuffersPerShaderStage', 7, 'spk_update binds 7 storage buffers');
    need('maxComputeInvocationsPerWorkgroup', 64, 'workgroups of 64 threads');
    need('maxComputeWorkgroupSizeX', 64, 'workgroups of 64 threads');
    const wgCap = Math.min(lim.maxComputeInvocationsPerWorkgroup, lim.maxComputeWorkgroupSizeX);
    const fwg = opts.fusedWorkgroupSize ?? defaultFusedWorkgroupSize(cpuDevice, wgCap);
    if (![32, 64, 128, 256, 512, 1024].includes(fwg))
      throw new RangeError(`fusedWorkgroupSize must be a power of two in 32…1024 (got ${fwg})`);
    if (fwg > wgCap)
      throw new BackendLimitError(
        `fusedWorkgroupSize ${fwg} exceeds this GPU's maxComputeInvocationsPerWorkgroup / maxComputeWorkgroupSizeX (${wgCap})`,
      );
    this.fusedWorkgroupSize = fwg;
    if (this.strategy === 'resident') {
      const maxNeur = Math.max(...nets.map((n) => n.nNeurons));
      const maxPops = Math.max(...nets.map((n) => n.populations.length));
      const fit = residentFits(maxNeur, maxPops, fwg, lim.maxComputeWorkgroupStorageSize);
      if (!fit.ok)
        throw new BackendLimitError(`the resident strategy cannot run this batch: ${fit.why}`);
      this.resident = { npt: fit.npt, acc: fit.acc };
    }
    this.updateWorkgroupSize = Math.min(opts.updateWorkgroupSize ?? 256, wgCap);
    for (const part of Object.values(pk.parts)) this.checkBytes(part.what, part.bytes);
    const mx = lim.maxComputeWorkgroupsPerDimension;
    const gridNeed = Math.max(this.B, Math.ceil(Math.max(pk.NE, pk.NPB + pk.NFIX, pk.NCP) / 64));
    if (Math.ceil(gridNeed / mx) > mx)
      throw new BackendLimitError(
        `${gridNeed} workgroups exceed this GPU's maxComputeWorkgroupsPerDimension² (${mx}²)`,
      );

    this.pool = new BufferPool(device);
    let pipelines = PIPELINES.get(device);
    if (!pipelines) {
      pipelines = new PipelineCache(device, sources);
      PIPELINES.set(device, pipelines);
    }
    this.pipelines = pipelines;
    const mk = (data: Uint32Array | Float32Array, label: string) => {
      const b = this.pool.acquire(data.byteLength, STORAGE(), label);
      write(device.queue, b, 0, data);
      return b;
    };
    this.cst = mk(pk.cst, 'spk cst');
    this.syn = mk(pk.syn, 'spk syn');
    this.sw = mk(pk.sw, 'spk sw');
    this.st = mk(pk.st, 'spk st');
    this.atm = mk(pk.atm, 'spk atm');
    // indirect sizes of spk_pre / spk_post, one (x, y, z, pad) per step parity
    this.ind = this.pool.acquire(
      32,
      GPUBufferUsage.STORAGE | GPUBufferUsage.INDIRECT | GPUBufferUsage.COPY_DST,
      'spk indirect',
    );
    write(device.queue, this.ind, 0, Uint32Array.of(0, 1, 1, 0, 0, 1, 1, 0));
    const align = device.limits.minUniformBufferOffsetAlignment;
    this.slotStride = Math.max(256, Math.ceil(PARAM_BYTES / align) * align);
    this.slotCapacity = this.stepsPerSubmit + 16;
    this.slots = new ArrayBuffer(this.slotStride * this.slotCapacity);
    this.paramBuf = this.pool.acquire(
      this.slots.byteLength,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      'spk params',
    );
    this.steps = nets.map(() => 0);
    this.enabled = nets.map((n) => n.projections.map(() => true));
    this.plastic = nets.map((n) => n.projections.map((p) => !!p.spec.plasticity));
    this.dead = nets.map(() => null);
    this.mon = this.monLayout(nets.map(() => undefined));
  }

  /** The network (SpikingSimLike; B = 1 only). */
  get net(): CompiledNet {
    if (this.B !== 1) throw new Error(`this simulation runs ${this.B} networks: see sim.nets`);
    return this.nets[0];
  }

  /** What runs it, e.g. "WebGPU fused (64 threads per network)". */
  get label(): string {
    return this.strategy === 'phased'
      ? 'WebGPU phased'
      : `WebGPU ${this.strategy} (${this.fusedWorkgroupSize} threads per network)`;
  }

  /** Steps run by network 0 (all networks of a batch advance together unless one blew up). */
  get step(): number {
    return this.steps[0];
  }

  /** Compile errors of the spiking kernels on this device. */
  compileErrors(): Promise<string[]> {
    return this.pipelines.compileErrors(SPK_KERNELS);
  }

  // ── controls ──

  /** Network b's blow-up (its V went NaN; it runs no further), or null. */
  failure(b: number): BlowUpError | null {
    return this.dead[b] ?? null;
  }

  /** The controls of network b. */
  network(b: number): SpikingControls {
    if (!Number.isInteger(b) || b < 0 || b >= this.B)
      throw new RangeError(`network index ${b} is outside 0…${this.B - 1}`);
    const iext = (x: number | ArrayLike<number>, y?: number) =>
      typeof x === 'number'
        ? this.setNeuronWords(b, 'IEXT', [y ?? 0], x)
        : this.setNeuronWords(b, 'IEXT', x, y ?? 0);
    const silence = (x: number | ArrayLike<number | boolean>, y?: number | boolean) =>
      typeof x === 'number'
        ? this.setNeuronWords(b, 'SIL', [!!y], x)
        : this.setNeuronWords(b, 'SIL', x, (y as number | undefined) ?? 0);
    return {
      setRate: (source, rateHz, from = 0, to) => this.setRateOf(b, source, rateHz, from, to),
      setIext: iext as SpikingControls['setIext'],
      setSilenced: silence as SpikingControls['setSilenced'],
      setProjectionEnabled: (p, on) => this.setFlag(b, p, 'enabled', on),
      setPlastic: (p, on) => this.setFlag(b, p, 'plastic', on),
      normalizeSubtractive: (p) => this.normalizeOf(b, p),
    };
  }

  private single(): SpikingControls {
    if (this.B !== 1)
      throw new Error(`this simulation runs ${this.B} networks: name one with sim.network(b)`);
    return this.network(0);
  }
  setRate(source: string, rateHz: number | ArrayLike<number>, from = 0, to?: number): void {
    this.single().setRate(source, rateHz, from, to);
  }
  setIext(neuron: number, pA: number): void;
  setIext(values: ArrayLike<number>, from?: number): void;
  setIext(x: number | ArrayLike<number>, y?: number): void {
    (this.single().setIext as (x: number | ArrayLike<number>, y?: number) => void)(x, y);
  }
  setSilenced(neuron: number, on: boolean): void;
  setSilenced(values: ArrayLike<number | boolean>, from?: number): void;
  setSilenced(x: number | ArrayLike<number | boolean>, y?: number | boolean): void {
    (
      this.single().setSilenced as (
        x: number | ArrayLike<number | boolean>,
        y?: number | boolean,
      ) => void
    )(x, y);
  }
  setProjectionEnabled(p: number | string, on: boolean): void {
    this.single().setProjectionEnabled(p, on);
  }
  setPlastic(p: number | string, on: boolean): void {
    this.single().setPlastic(p, on);
  }
  normalizeSubtractive(p: number | string): void {
    this.single().normalizeSubtractive(p);
  }

  private projIndex(b: number, p: number | string): number {
    const projs = this.nets[b].projections;
    const i = typeof p === 'number' ? p : projs.findIndex((x) => x.name === p);
    if (!Number.isInteger(i) || i < 0 || i >= projs.length)
      throw new RangeError(`network ${b} has no projection ${JSON.stringify(p)}`);
    return i;
  }

  private setRateOf(
    b: number,
    source: string,
    rateHz: number | ArrayLike<number>,
    from: number,
    to?: number,
  ): void {
    const net = this.nets[b];
    const s = net.sources.find((x) => x.name === source && x.kind === 'poisson');
    if (!s) throw new Error(`no Poisson source "${source}"`);
    const end = to ?? s.n;
    if (!(
      Number.isInteger(from) &&
      Number.isInteger(end) &&
      from >= 0 &&
      end <= s.n &&
      from <= end
    ))
      throw new RangeError(`trains [${from}, ${end}) are outside source ${source} (${s.n} trains)`);
    const probs = new Float32Array(end - from);
    for (let j = from; j < end; j++) {
      const r = typeof rateHz === 'number' ? rateHz : rateHz[j - from];
      probs[j - from] = f((r * net.dt) / 1000); // CpuSpikingSim.setRate
    }
    const off = this.pk.S.PROB + this.pk.nets[b].poisOff + s.poissonStart + from;
    this.enqueue(() => write(this.device.queue, this.st, off * 4, probs));
  }

  private setNeuronWords(
    b: number,
    which: 'IEXT' | 'SIL',
    values: ArrayLike<number | boolean>,
    from: number,
  ): void {
    const net = this.nets[b];
    const nN = net.nNeurons;
    if (!(Number.isInteger(from) && from >= 0 && from + values.length <= nN))
      throw new RangeError(`neurons [${from}, ${from + values.length}) are outside 0…${nN - 1}`);
    const e0 = this.pk.nets[b].entOff + from;
    const S = this.pk.S;
    if (which === 'IEXT') {
      const data = Float32Array.from(values as ArrayLike<number>);
      this.enqueue(() => write(this.device.queue, this.st, (S.IEXT + e0) * 4, data));
      return;
    }
    const on = Array.from(values, (x) => !!x);
    const data = Uint32Array.from(on, (x) => (x ? 1 : 0));
    // CpuSpikingSim.setSilenced: a silenced neuron's V is held at V_reset
    const resets: [number, Float32Array][] = [];
    on.forEach((x, i) => {
      if (!x) return;
      const n = from + i;
      resets.push([n, Float32Array.of(net.populations[net.popOf[n]].params.Vreset)]);
    });
    this.enqueue(() => {
      write(this.device.queue, this.st, (S.SIL + e0) * 4, data);
      for (const [n, v] of resets)
        write(this.device.queue, this.st, (S.V + this.pk.nets[b].entOff + n) * 4, v);
    });
  }

  private setFlag(b: number, p: number | string, which: 'enabled' | 'plastic', on: boolean): void {
    const i = this.projIndex(b, p);
    // CpuSpikingSim.setPlastic: a projection without a rule stays non-plastic
    if (which === 'plastic')
      this.plastic[b][i] = on && !!this.nets[b].projections[i].spec.plasticity;
    else this.enabled[b][i] = on;
    const word =
      (this.enabled[b][i] ? PFLAG.enabled : 0) | (this.plastic[b][i] ? PFLAG.plastic : 0);
    const g = this.pk.nets[b].projOff + i;
    this.enqueue(() =>
      write(this.device.queue, this.st, (this.pk.S.PFLAG + g) * 4, Uint32Array.of(word)),
    );
  }

  private normalizeOf(b: number, p: number | string): void {
    const i = this.projIndex(b, p);
    const cp = this.nets[b].projections[i];
    // CpuSpikingSim.normalizeSubtractive does nothing without a rule and a subtractive norm
    if (cp.spec.norm?.kind !== 'subtractive' || !cp.spec.plasticity) return;
    const pp = this.pk.projs[this.pk.nets[b].projOff + i];
    this.enqueue(() => {
      const enc = this.device.createCommandEncoder({ label: 'spk norm' });
      const pass = enc.beginComputePass({ label: 'spk norm' });
      const [x, y] = this.grid(Math.ceil(cp.nPost / 64));
      this.dispatch(pass, 'spk_norm', 64, this.slot({ arg0: pp.global }), x, y);
      pass.end();
      this.submit(enc);
    });
  }

  // ── run ──

  /**
   * Run n steps of every live network, recording into `recs` (one Recording per network, as
   * CpuSpikingSim.run; a single spec / recording when B = 1). Rejects with BlowUpError when a
   * network's V became NaN (the others have run their n steps).
   */
  run(
    n: number,
    mons?: MonitorSpec | readonly (MonitorSpec | undefined)[],
    recs?: Recording | readonly (Recording | undefined)[],
  ): Promise<void> {
    if (!Number.isInteger(n) || n < 0)
      throw new RangeError(`steps must be a non-negative integer (got ${n})`);
    const monList = this.perNet(mons, 'monitor specs');
    const recList = this.perNet(recs, 'recordings');
    return this.exclusive(() => {
      this.takeDeferred();
      return this.runNow(n, monList, recList);
    });
  }

  private perNet<T extends object>(
    x: T | readonly (T | undefined)[] | undefined,
    what: string,
  ): (T | undefined)[] {
    if (x === undefined) return this.nets.map(() => undefined);
    if (Array.isArray(x)) {
      if (x.length !== this.B) throw new RangeError(`${x.length} ${what} for ${this.B} networks`);
      return [...x];
    }
    if (this.B !== 1) throw new RangeError(`give one of the ${what} per network (${this.B})`);
    return [x as T];
  }

  private async runNow(
    n: number,
    mons: (MonitorSpec | undefined)[],
    recs: (Recording | undefined)[],
  ): Promise<void> {
    this.assertUsable();
    const live = () => this.nets.map((_, b) => !this.dead[b]);
    const end = this.steps.map((s) => s + n);
    if (Math.max(...end) >= 2 ** 30)
      throw new RangeError('the spiking kernels count steps below 2^30 (29.8 h at dt = 0.1 ms)');
    // monitors: only those whose recording is given, as CpuSpikingSim.run
    const active = mons.map((m, b) => (m && recs[b] ? m : undefined));
    for (let b = 0; b < this.B; b++)
      if (active[b]) this.validateMonitor(b, active[b] as MonitorSpec);
    const key = JSON.stringify(active);
    if (key !== this.mon.key) {
      this.pool.release(this.mon.buf);
      this.mon = this.monLayout(active);
      this.groups = null;
    }
    const chunkMax = this.strategy === 'phased' ? this.stepsPerSubmit : this.stepsPerDispatch;
    let chunks = 0;
    for (;;) {
      const isLive = live();
      const starts = this.steps.slice();
      const pending = this.nets.map((_, b) => isLive[b] && starts[b] < end[b]);
      if (!pending.some((x) => x)) break;
      // every live network is at the same step unless a previous run blew up part of the batch
      const k0 = Math.min(...starts.filter((_, b) => pending[b]));
      let kEnd = Math.min(...end.filter((_, b) => pending[b]), k0 + chunkMax);
      for (let b = 0; b < this.B; b++) {
        const m = active[b];
        if (!pending[b] || !m) continue;
        if (m.rateBin) kEnd = Math.min(kEnd, k0 + (RATE_BINS - 2) * m.rateBin);
        // stop right after a weight sample step so that the weights can be read there
        if (m.weights) {
          const ev = m.weights.every;
          kEnd = Math.min(kEnd, (Math.floor(k0 / ev) + 1) * ev);
        }
      }
      const status = await this.chunk(k0, kEnd);
      chunks++;
      // progress per network
      const reached = this.nets.map((_, b) => {
        if (!pending[b]) return starts[b];
        if (status.bstep[b] !== NONE) return status.bstep[b];
        return this.strategy === 'phased' ? Math.min(status.halt, kEnd) : status.done[b];
      });
      await this.drain(active, recs, starts, reached, status, pending);
      for (let b = 0; b < this.B; b++) {
        this.steps[b] = reached[b];
        if (pending[b] && status.bstep[b] !== NONE) {
          const net = this.B > 1 ? ` (network ${b})` : '';
          this.dead[b] = new BlowUpError(
            `V of neuron ${status.bneur[b]} is not finite at step ${status.bstep[b]}${net}`,
          );
        }
      }
      // weight snapshots at their sample steps
      const due = this.nets.map((_, b) => {
        const m = active[b];
        return (
          !!m?.weights &&
          !this.dead[b] &&
          reached[b] > starts[b] &&
          reached[b] % m.weights.every === 0
        );
      });
      if (due.some((x) => x)) await this.snapshotWeights(active, recs, due, reached);
    }
    this.lastRunChunks = chunks;
    const blown = this.dead.find((d) => d);
    if (blown) throw blown;
  }

  /** Encode and run steps [k0, kEnd) and read the status words back. */
  private async chunk(
    k0: number,
    kEnd: number,
  ): Promise<{
    done: number[];
    bstep: number[];
    bneur: number[];
    halt: number;
    rcnt: number[];
    mon: Uint32Array | null;
  }> {
    const pk = this.pk;
    const A = pk.A;
    const B = this.B;
    const groups = this.bindGroups();
    const enc = this.device.createCommandEncoder({ label: 'spk chunk' });
    // monitors of this chunk start empty: raster counters and population counts
    enc.clearBuffer(this.atm, A.RCNT * 4, B * 4);
    if (A.DIRTY > A.RATE) enc.clearBuffer(this.atm, A.RATE * 4, (A.DIRTY - A.RATE) * 4);
    if (this.strategy === 'phased')
      // the halt word of the previous chunk
      this.device.queue.writeBuffer(this.atm, A.HALT * 4, Uint32Array.of(NONE));
    const pass = enc.beginComputePass({ label: 'spk steps' });
    if (this.strategy !== 'phased') {
      const slot = this.slot({ k_end: kEnd });
      const [x, y] = this.grid(B);
      const kernel = this.strategy === 'resident' ? 'spk_resident' : 'spk_fused';
      this.dispatchWith(pass, kernel, this.fusedWorkgroupSize, groups.find, slot, x, y);
    } else {
      this.encodePhased(pass, groups, k0, kEnd);
    }
    pass.end();
    // status: done | bstep | bneur | halt | rcnt are contiguous in atm
    const statusWords = A.RATE - A.DONE;
    const READ = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
    const stage = this.pool.acquire(statusWords * 4, READ, 'spk status');
    enc.copyBufferToBuffer(this.atm, A.DONE * 4, stage, 0, statusWords * 4);
    // rate counts, traces and (small) raster regions come back with the status
    const mon = this.mon;
    const monParts: [GPUBuffer, number, number][] = [];
    if (A.DIRTY > A.RATE && this.monHasRates()) monParts.push([this.atm, A.RATE, A.DIRTY - A.RATE]);
    if (mon.traceWords > 0) monParts.push([mon.buf, mon.traceStart, mon.traceWords]);
    if (mon.rasterWords > 0 && mon.rasterWords * 4 <= RASTER_COPY_WHOLE)
      monParts.push([mon.buf, mon.rasterStart, mon.rasterWords]);
    const monWords = monParts.reduce((s, p) => s + p[2], 0);
    const monStage = monWords > 0 ? this.pool.acquire(monWords * 4, READ, 'spk monitors') : null;
    let o = 0;
    for (const [buf, off, words] of monParts) {
      enc.copyBufferToBuffer(buf, off * 4, monStage as GPUBuffer, o * 4, words * 4);
      o += words;
    }
    this.submit(enc);
    try {
      await Promise.all([this.mapRead(stage), monStage ? this.mapRead(monStage) : null]);
      const s = new Uint32Array(stage.getMappedRange(0, statusWords * 4).slice(0));
      const at = (base: number) => Array.from(s.subarray(base - A.DONE, base - A.DONE + B));
      let monData: Uint32Array | null = null;
      if (monStage) monData = new Uint32Array(monStage.getMappedRange(0, monWords * 4).slice(0));
      return {
        done: at(A.DONE),
        bstep: at(A.BSTEP),
        bneur: at(A.BNEUR),
        halt: s[A.HALT - A.DONE],
        rcnt: at(A.RCNT),
        mon: monData,
      };
    } finally {
      for (const b of [stage, monStage]) {
        if (!b) continue;
        if (b.mapState === 'mapped') b.unmap();
        this.pool.release(b);
      }
    }
  }

  private monHasRates(): boolean {
    return this.mon.rateBin.some((x) => x > 0);
  }

  private encodePhased(
    pass: GPUComputePassEncoder,
    groups: { main: GPUBindGroup; find: GPUBindGroup },
    k0: number,
    kEnd: number,
  ): void {
    const pk = this.pk;
    const mx = this.limits.maxComputeWorkgroupsPerDimension;
    const uw = this.updateWorkgroupSize;
    const [ux, uy] = this.grid(Math.ceil(pk.NE / uw));
    const [sx, sy] = this.grid(Math.ceil((pk.NPB + pk.NFIX) / 64));
    const [cx, cy] = this.grid(Math.ceil(pk.NCP / 64));
    const mon = this.mon;
    const [tx, ty] = this.grid(Math.ceil(mon.nItems / 64));
    const recordAt = (k: number) => mon.trace.some((t) => t.every > 0 && (k + 1) % t.every === 0);
    for (let k = k0; k < kEnd; k++) {
      const slot = this.slot({ k, k0, arg0: mon.nItems, arg1: mon.itemsOff, maxWg: mx });
      this.dispatchWith(pass, 'spk_update', uw, groups.find, slot, ux, uy);
      if (sx > 0) this.dispatchWith(pass, 'spk_sources', 64, groups.find, slot, sx, sy);
      if (cx > 0) this.dispatchWith(pass, 'spk_sumw', 64, groups.main, slot, cx, cy);
      this.indirect(pass, 'spk_pre', groups.main, slot, (k & 1) * 16);
      if (pk.anyPlastic) this.indirect(pass, 'spk_post', groups.main, slot, (k & 1) * 16);
      if (mon.nItems > 0 && recordAt(k))
        this.dispatchWith(pass, 'spk_record', 64, groups.main, slot, tx, ty);
    }
  }

  /** Drain this chunk's monitors into the recordings. */
  private async drain(
    active: (MonitorSpec | undefined)[],
    recs: (Recording | undefined)[],
    starts: number[],
    reached: number[],
    status: { rcnt: number[]; mon: Uint32Array | null },
    pending: boolean[],
  ): Promise<void> {
    const mon = this.mon;
    const pk = this.pk;
    const A = pk.A;
    let o = 0;
    let rates: Uint32Array | null = null;
    let traces: Float32Array | null = null;
    let raster: Uint32Array | null = null;
    const data = status.mon;
    if (data) {
      if (A.DIRTY > A.RATE && this.monHasRates()) {
        rates = data.subarray(0, A.DIRTY - A.RATE);
        o += A.DIRTY - A.RATE;
      }
      if (mon.traceWords > 0) {
        traces = new Float32Array(data.buffer, data.byteOffset + o * 4, mon.traceWords);
        o += mon.traceWords;
      }
      if (mon.rasterWords > 0 && mon.rasterWords * 4 <= RASTER_COPY_WHOLE)
        raster = data.subarray(o, o + mon.rasterWords);
    }
    // big raster regions: only the entries written
    const rasterOf: (Uint32Array | null)[] = this.nets.map(() => null);
    if (mon.rasterWords > 0 && !raster) {
      const parts: [GPUBuffer, number, number][] = [];
      const who: number[] = [];
      for (let b = 0; b < this.B; b++) {
        const cnt = Math.min(status.rcnt[b], mon.raster[b].cap);
        if (pending[b] && cnt > 0) {
          parts.push([mon.buf, mon.raster[b].base, 2 * cnt]);
          who.push(b);
        }
      }
      if (parts.length) {
        const got = await this.readBack(parts);
        who.forEach((b, i) => (rasterOf[b] = new Uint32Array(got[i])));
      }
    } else if (raster) {
      for (let b = 0; b < this.B; b++) {
        const cnt = Math.min(status.rcnt[b], mon.raster[b].cap);
        const base = mon.raster[b].base - mon.rasterStart;
        rasterOf[b] = raster.subarray(base, base + 2 * cnt);
      }
    }
    for (let b = 0; b < this.B; b++) {
      const m = active[b];
      const rec = recs[b];
      if (!m || !rec || !pending[b]) continue;
      const k0 = starts[b];
      const k1 = reached[b];
      const net = this.nets[b];
      if (m.spikes) {
        const r = rasterOf[b];
        if (r && r.length) {
          const nE = r.length / 2;
          const idx = Array.from({ length: nE }, (_, i) => i).filter((i) => r[2 * i] < k1);
          idx.sort((x, y) => r[2 * x] - r[2 * y] || r[2 * x + 1] - r[2 * y + 1]);
          for (const i of idx) {
            rec.spikeSteps.push(r[2 * i]);
            rec.spikeIds.push(r[2 * i + 1]);
          }
        }
      }
      if (m.rateBin && k1 > k0 && rates) {
        const bin = m.rateBin;
        const first = Math.floor(k0 / bin);
        const last = Math.floor((k1 - 1) / bin);
        const base = pk.nets[b].rateOff;
        rec.rateCounts.forEach((list, pi) => {
          while (list.length <= last) list.push(0);
          for (let x = first; x <= last; x++)
            list.data[x] += rates[base + pi * RATE_BINS + (x - first)];
        });
      }
      if (m.traces && traces) {
        const t = mon.trace[b];
        const ev = t.every;
        const firstSlot = Math.floor(k0 / ev);
        for (let k = (firstSlot + 1) * ev - 1; k < k1; k += ev) {
          const slot = (k + 1) / ev - 1 - firstSlot;
          rec.traceSteps.push(k);
          t.neurons.forEach((i, nIdx) => {
            const q = net.populations[net.popOf[i]].params;
            const o3 = t.base - mon.traceStart + 3 * (slot * t.n + nIdx);
            const V = traces[o3];
            const ge = traces[o3 + 1];
            const gi = traces[o3 + 2];
            rec.v.push(V);
            rec.gE.push(ge);
            rec.gI.push(gi);
            rec.iE.push(f(ge * f(q.VE - V)));
            rec.iI.push(f(gi * f(q.VI - V)));
          });
        }
      }
    }
  }

  private async snapshotWeights(
    active: (MonitorSpec | undefined)[],
    recs: (Recording | undefined)[],
    due: boolean[],
    reached: number[],
  ): Promise<void> {
    const parts: [GPUBuffer, number, number][] = [];
    const who: [number, number][] = [];
    for (let b = 0; b < this.B; b++) {
      const m = active[b];
      if (!due[b] || !m?.weights) continue;
      m.weights.projections.forEach((p, mi) => {
        const pp = this.pk.projs[this.pk.nets[b].projOff + p];
        parts.push([this.sw, pp.syn, pp.proj.nSyn]);
        who.push([b, mi]);
      });
    }
    const got = parts.length ? await this.readBack(parts) : [];
    const pushed = new Set<number>();
    who.forEach(([b, mi], i) => {
      const rec = recs[b] as Recording;
      if (!pushed.has(b)) {
        rec.weightSteps.push(reached[b] - 1);
        pushed.add(b);
      }
      rec.weights[mi].push(new Float32Array(got[i]));
    });
    for (let b = 0; b < this.B; b++)
      if (due[b] && !pushed.has(b)) (recs[b] as Recording).weightSteps.push(reached[b] - 1);
  }

  private validateMonitor(b: number, m: MonitorSpec): void {
    const net = this.nets[b];
    const pos = (x: number, what: string) => {
      if (!Number.isInteger(x) || x < 1)
        throw new RangeError(`${what} must be a positive integer (got ${x})`);
    };
    if (m.rateBin !== undefined && m.rateBin !== 0) pos(m.rateBin, 'rateBin');
    if (m.traces) {
      pos(m.traces.every, 'traces.every');
      for (const i of m.traces.neurons)
        if (!Number.isInteger(i) || i < 0 || i >= net.nNeurons)
          throw new RangeError(`traced neuron ${i} is outside 0…${net.nNeurons - 1}`);
    }
    if (m.weights) {
      pos(m.weights.every, 'weights.every');
      for (const p of m.weights.projections) this.projIndex(b, p);
    }
  }

  /** The monitor buffer for these specs (per network: config, trace list, raster, traces). */
  private monLayout(specs: (MonitorSpec | undefined)[]): MonLayout {
    const B = this.B;
    const chunk = this.strategy === 'phased' ? this.stepsPerSubmit : this.stepsPerDispatch;
    let words = B * MC_W;
    const cfg: number[] = new Array(B * MC_W).fill(0);
    const lists: number[] = [];
    const items: number[] = [];
    const trace: MonLayout['trace'] = [];
    const rasterCaps: number[] = [];
    specs.forEach((m, b) => {
      const pl = this.pk.nets[b];
      const c = b * MC_W;
      const net = this.nets[b];
      if (m?.spikes) {
        const from = Math.max(0, Math.min(net.nEntities, m.spikes.from));
        const to = Math.max(from, Math.min(net.nEntities, m.spikes.to));
        const worst = to - from;
        // expected: a chunk at 100 Hz; at least 4 steps of the worst case; at most 2^20
        const dt = net.dt;
        const expect = Math.ceil(worst * chunk * dt * 0.1) + 64;
        let cap = this.rasterCapacity ?? Math.min(2 ** 20, Math.max(expect, 4 * worst));
        cap = Math.max(cap, 2 * worst + 1);
        cfg[c + MC.rFrom] = pl.entOff + from;
        cfg[c + MC.rTo] = pl.entOff + to;
        cfg[c + MC.rWorst] = worst;
        rasterCaps.push(worst > 0 ? cap : 0);
      } else rasterCaps.push(0);
      cfg[c + MC.rateBin] = m?.rateBin ?? 0;
      const tr = m?.traces;
      trace.push({
        base: 0,
        every: tr ? tr.every : 0,
        n: tr ? tr.neurons.length : 0,
        cap: tr ? Math.ceil(chunk / tr.every) + 1 : 0,
        neurons: tr ? tr.neurons : [],
      });
      if (tr && tr.neurons.length) {
        cfg[c + MC.tEvery] = tr.every;
        cfg[c + MC.tN] = tr.neurons.length;
        cfg[c + MC.tList] = words + lists.length;
        for (const [nIdx, i] of tr.neurons.entries()) {
          lists.push(pl.entOff + i);
          items.push(b, nIdx);
        }
      }
    });
    words += lists.length;
    const itemsOff = words;
    words += items.length;
    const rasterStart = words;
    const raster = rasterCaps.map((cap, b) => {
      const base = words;
      cfg[b * MC_W + MC.rBase] = base;
      cfg[b * MC_W + MC.rCap] = cap;
      words += 2 * cap;
      return { base, cap };
    });
    const rasterWords = words - rasterStart;
    const traceStart = words;
    trace.forEach((t, b) => {
      if (t.n === 0) return;
      t.base = words;
      cfg[b * MC_W + MC.tBase] = words;
      cfg[b * MC_W + MC.tCap] = t.cap;
      words += 3 * t.n * t.cap;
    });
    const traceWords = words - traceStart;
    this.checkBytes(`the monitor buffers (rasters, traces: ${words} words)`, words * 4);
    const init = new Uint32Array(Math.max(4, words));
    init.set(cfg, 0);
    init.set(lists, B * MC_W);
    init.set(items, itemsOff);
    const buf = this.pool.acquire(init.byteLength, STORAGE(), 'spk mon');
    write(this.device.queue, buf, 0, init);
    return {
      key: JSON.stringify(specs),
      buf,
      words,
      raster,
      trace,
      rateBin: specs.map((m) => m?.rateBin ?? 0),
      itemsOff,
      nItems: items.length / 2,
      rasterStart,
      rasterWords,
      traceStart,
      traceWords,
    };
  }

  // ── state ──

  /** Every network's state (CpuSpikingSim's arrays). */
  readState(): Promise<SpikingState[]> {
    return this.exclusive(async () => {
      this.assertUsable();
      this.takeDeferred();
      const pk = this.pk;
      const [stB, swB, accB] = await this.readBack([
        [this.st, 0, pk.st.length],
        [this.sw, 0, pk.sw.length],
        [this.atm, 0, 2 * pk.NE],
      ]);
      const stU = new Uint32Array(stB);
      const stF = new Float32Array(stB);
      const stI = new Int32Array(stB);
      const swF = new Float32Array(swB);
      const acc = new Int32Array(accB);
      const S = pk.S;
      return this.nets.map((net, b): SpikingState => {
        const e0 = pk.nets[b].entOff;
        const n = net.nNeurons;
        const sl = <T extends Float32Array | Int32Array>(a: T, off: number, len: number) =>
          a.slice(off, off + len) as T;
        const gEStored = sl(stF, S.GE + e0, n);
        const gIStored = sl(stF, S.GI + e0, n);
        const accE = sl(acc, e0, n);
        const accI = sl(acc, pk.NE + e0, n);
        const [uE, uI] = [2 ** -net.shift[0], 2 ** -net.shift[1]];
        const gE = gEStored.map((g, i) => (accE[i] === 0 ? g : f(g + f(f(accE[i]) * uE))));
        const gI = gIStored.map((g, i) => (accI[i] === 0 ? g : f(g + f(f(accI[i]) * uI))));
        const proj = net.projections.map((p, i): SpikingProjectionState => {
          const pp = pk.projs[pk.nets[b].projOff + i];
          const flags = stU[S.PFLAG + pp.global];
          return {
            w: sl(swF, pp.syn, p.nSyn),
            enabled: (flags & PFLAG.enabled) !== 0,
            plastic: (flags & PFLAG.plastic) !== 0,
            u: pp.hasStp ? sl(swF, pp.u, p.nSyn) : null,
            R: pp.hasStp ? sl(swF, pp.R, p.nSyn) : null,
            mu: pp.hasStp ? sl(swF, pp.mu, p.nSyn) : null,
            stpLast: pp.hasStp ? sl(stI, pp.stpLast, p.nPre) : null,
            preTrace: pp.hasTraces ? sl(stF, pp.preTr, 2 * p.nPre) : null,
            preLast: pp.hasTraces ? sl(stI, pp.preLast, p.nPre) : null,
            postTrace: pp.hasTraces ? sl(stF, pp.postTr, 2 * p.nPost) : null,
            postLast: pp.hasTraces ? sl(stI, pp.postLast, p.nPost) : null,
          };
        });
        return {
          step: this.steps[b],
          v: sl(stF, S.V + e0, n),
          gE,
          gI,
          gEStored,
          gIStored,
          accE,
          accI,
          lastSpike: sl(stI, S.LAST + e0, n),
          proj,
        };
      });
    });
  }

  /** The weights of one projection of network b (on demand, without the rest of the state). */
  readWeights(p: number | string, b = 0): Promise<Float32Array> {
    const i = this.projIndex(b, p);
    return this.exclusive(async () => {
      this.assertUsable();
      this.takeDeferred();
      const pp = this.pk.projs[this.pk.nets[b].projOff + i];
      const [buf] = await this.readBack([[this.sw, pp.syn, pp.proj.nSyn]]);
      return new Float32Array(buf);
    });
  }

  /** An empty Recording for network b's monitors (CpuSpikingSim.newRecording). */
  newRecording(mon: MonitorSpec, b = 0): Recording {
    return emptyRecording(this.nets[b].populations.length, mon.weights?.projections.length ?? 0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.groups = null;
    this.pool.dispose();
  }

  // ── encoding ──

  private bindGroups(): { main: GPUBindGroup; find: GPUBindGroup } {
    if (this.groups) return this.groups;
    const common = [this.cst, this.syn, this.sw, this.st, this.atm, this.mon.buf];
    const mkGroup = (layoutKey: 'spk' | 'spk_find', extra: GPUBuffer[]) =>
      this.device.createBindGroup({
        label: layoutKey,
        layout: this.layout(layoutKey).group,
        entries: [
          { binding: 0, resource: { buffer: this.paramBuf, offset: 0, size: PARAM_BYTES } },
          ...[...common, ...extra].map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
        ],
      });
    this.groups = { main: mkGroup('spk', []), find: mkGroup('spk_find', [this.ind]) };
    return this.groups;
  }

  /** 'spk_find': the kernels that find spikes also write the indirect sizes (binding 7). */
  private layout(key: 'spk' | 'spk_find') {
    const kinds = ['r', 'r', 'w', 'w', 'w', 'w', ...(key === 'spk_find' ? ['w'] : [])];
    return this.pipelines.layout(key, [
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
  }

  private pipeline(kernel: KernelName, wg: number): GPUComputePipeline {
    const find =
      kernel === 'spk_fused' ||
      kernel === 'spk_resident' ||
      kernel === 'spk_update' ||
      kernel === 'spk_sources';
    const key = find ? 'spk_find' : 'spk';
    const constants: Record<string, number> = { WG: wg };
    if (kernel === 'spk_resident' && this.resident) {
      constants.NPT = this.resident.npt;
      constants.ACC_N = this.resident.acc;
    }
    return this.pipelines.get(kernel, this.layout(key).pipeline, key, constants);
  }

  /** A uniform slot with these values; returns its byte offset. */
  private slot(
    v: Partial<Record<'k' | 'k_end' | 'k0' | 'arg0' | 'arg1' | 'maxWg', number>>,
  ): number {
    if (this.nSlots >= this.slotCapacity) throw new Error('internal: uniform slots exhausted');
    const off = this.nSlots++ * this.slotStride;
    const u = new Uint32Array(this.slots, off, PARAM_WORDS);
    u.fill(0);
    u[0] = v.k ?? 0;
    u[1] = v.k_end ?? 0;
    u[2] = v.k0 ?? 0;
    u[3] = 0; // zero (nf)
    u[4] = v.arg0 ?? 0;
    u[5] = v.arg1 ?? 0;
    u[6] = v.maxWg ?? 0;
    return off;
  }

  private dispatch(
    pass: GPUComputePassEncoder,
    kernel: KernelName,
    wg: number,
    slot: number,
    x: number,
    y: number,
  ): void {
    this.dispatchWith(pass, kernel, wg, this.bindGroups().main, slot, x, y);
  }

  private dispatchWith(
    pass: GPUComputePassEncoder,
    kernel: KernelName,
    wg: number,
    group: GPUBindGroup,
    slot: number,
    x: number,
    y: number,
  ): void {
    if (x === 0 || y === 0) return;
    pass.setPipeline(this.pipeline(kernel, wg));
    pass.setBindGroup(0, group, [slot]);
    pass.dispatchWorkgroups(x, y);
  }

  private indirect(
    pass: GPUComputePassEncoder,
    kernel: KernelName,
    group: GPUBindGroup,
    slot: number,
    offset: number,
  ): void {
    pass.setPipeline(this.pipeline(kernel, 64));
    pass.setBindGroup(0, group, [slot]);
    pass.dispatchWorkgroupsIndirect(this.ind, offset);
  }

  private grid(groups: number): [number, number] {
    const m = this.limits.maxComputeWorkgroupsPerDimension;
    if (groups <= 0) return [0, 0];
    if (groups <= m) return [groups, 1];
    return [m, Math.ceil(groups / m)];
  }

  /** Submit an encoder with the uniform slots written so far. */
  private submit(enc: GPUCommandEncoder): void {
    if (this.nSlots > 0)
      this.device.queue.writeBuffer(this.paramBuf, 0, this.slots, 0, this.nSlots * this.slotStride);
    this.device.queue.submit([enc.finish()]);
    this.nSlots = 0;
  }

  private checkBytes(what: string, bytes: number): void {
    for (const name of ['maxStorageBufferBindingSize', 'maxBufferSize'] as const)
      if (bytes > this.limits[name])
        throw new BackendLimitError(
          `${what} need ${bytes} bytes (${MiB(bytes)}), above this GPU's ${name} of ${this.limits[name]} bytes (${MiB(this.limits[name])})`,
        );
  }

  private async mapRead(buf: GPUBuffer): Promise<void> {
    try {
      await buf.mapAsync(GPUMapMode.READ);
    } catch (e) {
      this.assertUsable();
      throw e;
    }
  }

  /** Copy word ranges to staging buffers, submit, wait and return copies of the data. */
  private async readBack(parts: [GPUBuffer, number, number][]): Promise<ArrayBuffer[]> {
    const READ = GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
    const staging = parts.map(([, , words]) => this.pool.acquire(words * 4, READ, 'spk readback'));
    try {
      const enc = this.device.createCommandEncoder({ label: 'spk readback' });
      parts.forEach(([src, off, words], i) =>
        enc.copyBufferToBuffer(src, off * 4, staging[i], 0, words * 4),
      );
      this.submit(enc);
      await Promise.all(staging.map((s) => this.mapRead(s)));
      return parts.map(([, , words], i) => staging[i].getMappedRange(0, words * 4).slice(0));
    } finally {
      for (const s of staging) {
        if (s.mapState === 'mapped') s.unmap();
        this.pool.release(s);
      }
    }
  }

  /** A setter's GPU write, in call order; a failure surfaces at the next run / read. */
  private enqueue(f: () => void): void {
    this.assertUsable();
    this.exclusive(async () => f()).catch((e: unknown) => {
      this.deferred ??= e instanceof Error ? e : new Error(String(e));
    });
  }

  private takeDeferred(): void {
    const e = this.deferred;
    this.deferred = null;
    if (e) throw e;
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error('this WebGPU spiking simulation has been disposed');
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(() => fn());
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/** The spiking kernels (their compile errors are checked at creation). */
export const SPK_KERNELS: readonly KernelName[] = [
  'spk_fused',
  'spk_resident',
  'spk_update',
  'spk_sources',
  'spk_sumw',
  'spk_pre',
  'spk_post',
  'spk_record',
  'spk_norm',
];

/** EILAB_SPIKING_STRATEGY=fused|resident|phased under Node: the strategy when the caller
 *  names none (to time or check one from the CLI, e.g. on a lent GPU). */
function strategyFromEnv(): SpikingStrategy | undefined {
  const env = typeof process !== 'undefined' ? process.env : undefined;
  const v = env?.EILAB_SPIKING_STRATEGY;
  if (v === undefined || v === '' || v === 'auto') return undefined;
  if (v === 'fused' || v === 'resident' || v === 'phased') return v;
  throw new RangeError(`EILAB_SPIKING_STRATEGY must be auto, fused, resident or phased (got ${v})`);
}

function write(q: GPUQueue, buf: GPUBuffer, offset: number, a: Float32Array | Uint32Array): void {
  q.writeBuffer(buf, offset, a as Float32Array<ArrayBuffer>);
}

/**
 * A batch of compiled networks on `device` (Dawn in Node, or navigator.gpu's device). Throws
 * BackendLimitError when the batch does not fit the device's limits, and an Error when a
 * kernel does not compile on this device.
 */
export async function createWebGpuSpikingSim(
  device: GPUDevice,
  nets: readonly CompiledNet[],
  opts: WebGpuSpikingOptions = {},
): Promise<WebGpuSpikingSim> {
  const sources = await loadKernelSources();
  const sim = new WebGpuSpikingSim(device, nets, sources, opts);
  const errors = await sim.compileErrors();
  if (errors.length) {
    sim.dispose();
    throw new Error(`WebGPU shader compilation failed: ${errors.slice(0, 3).join('; ')}`);
  }
  return sim;
}
