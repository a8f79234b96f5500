/**
 * The co-tuning protocol on any spiking backend (SpikingSimLike):
 *   learning (learn_time s, read-out plastic; knock-outs and perturbations at their times)
 *   → measurements (correlations, rates, raster over the last `duration` s of the run, E/I
 *     currents onto the read-out, D and B along the way)
 *   → the tuning test (Fig 1f; the authors' Neuron_response.py): plasticity frozen, recurrence
 *     off, the read-out with or without its background current (tuningBackground); one group
 *     at a time (its E and I cells, or its E cells only: tuningInput) gets 50 Hz of (almost
 *     entirely private) input for 1 s, the others none; the read-out's rate per group.
 */
import { compileNetwork, type CompiledNet } from '../../model/spiking/build';
import type { MonitorSpec } from '../../engine/spiking/monitor';
import type { SpikingSimLike } from '../../engine/spiking/sim';
import { BackendLimitError } from '../../engine/backend';
import { cotuningSpec, groupLayout, type CotuningConfig, type Pathway } from './network';
import {
  abcDistance,
  balance,
  convergenceCheck,
  type ConvergenceCheck,
  diversity,
  diversityCode,
  groupCorrelations,
  meanCvIsi,
  spikeCounts,
  type GroupCorrelations,
} from './measures';

export type CotuningEvent =
  | { t: number; kind: 'block'; pathway: Pathway; on: boolean }
  | { t: number; kind: 'freeze'; which: 'E' | 'I'; on: boolean }
  | { t: number; kind: 'silence'; group: number; on: boolean }
  | { t: number; kind: 'drive'; group: number; pA: number };

export interface CotuningProtocol {
  /** plastic phase (s); 0 skips learning */
  learnTime: number;
  /** measurement window at the end of the run (s), included in learnTime when that is longer */
  duration: number;
  /** repetitions of the tuning test per group (0 skips it) */
  tuningReps: number;
  /** tuning test stimulus length (s) */
  tuningTime: number;
  /** keep the read-out's background current in the tuning test (the authors' code drops it,
   *  and then the read-out stays silent for every group: see README) */
  tuningBackground: boolean;
  /** which cells of the driven group get the tuning input: 'group' its E and I cells (the
   *  spec: "stimulate one group"), 'E' its E cells only (then the read-out's rate follows its
   *  E weight, as Fig 1f shows; README, "Model choices") */
  tuningInput: 'group' | 'E';
  /** D and B are sampled every this many seconds while learning */
  sampleEvery: number;
  /** read-out currents recorded (1 ms resolution) over the last this many seconds */
  currentsWindow: number;
  events: readonly CotuningEvent[];
}

export const DEFAULT_PROTOCOL: CotuningProtocol = {
  learnTime: 100,
  duration: 2,
  tuningReps: 5,
  tuningTime: 1,
  tuningBackground: true,
  tuningInput: 'group',
  sampleEvery: 1,
  currentsWindow: 0.5,
  events: [],
};

export interface CotuningResult {
  cfg: CotuningConfig;
  protocol: CotuningProtocol;
  seed: number;
  nE: number;
  nI: number;
  /** D (eq 1), D as the authors' code computes it, and B over time (s) */
  history: { t: number; D: number; D_code: number; B: number; readoutRate: number }[];
  /** eq 1 on the E weights */
  D: number;
  /** the authors' analysis code: variances, mean of E and I (what the paper's figures show) */
  D_code: number;
  B: number;
  wE: Float32Array;
  wI: Float32Array;
  groupE: number[];
  groupI: number[];
  rate_E: number;
  rate_I: number;
  /** read-out rate over the measurement window (Hz) */
  rate_readout: number;
  cv_isi_E: number;
  correlations: GroupCorrelations;
  abc_distance: number;
  /** Appendix B: are the read-out weights an eigenvector of the modified covariance? */
  convergence: ConvergenceCheck | null;
  /** raster of the measurement window (steps relative to its start) */
  raster: { steps: Int32Array; ids: Int32Array; from: number; to: number };
  /** read-out E and I currents (pA) and V, one sample per ms, over `currentsWindow` */
  currents: { t: Float32Array; iE: Float32Array; iI: Float32Array; v: Float32Array };
  /** tuning[rep][group]: read-out rate (Hz) when only that group is driven */
  tuning: number[][];
  steps: number;
}

export interface CotuningHooks {
  onProgress?: (stage: 'learn' | 'tuning', done: number, total: number) => void;
  /** called after each sample of D and B (live plots), with the read-out's weights then */
  onSample?: (
    s: CotuningResult['history'][number],
    w: { wE: Float32Array; wI: Float32Array },
  ) => void;
  shouldStop?: () => boolean;
  /** awaited between two stretches of the run (≤ one sample interval): a pause holds it */
  waitIfPaused?: () => Promise<void>;
  /** knock-outs and perturbations asked for while running (the app's buttons), applied at
   *  once, i.e. at the next stop of the run (≤ one sample interval, step k); their `t` is
   *  ignored */
  takeEvents?: (k: number) => readonly CotuningEvent[];
  /** a scheduled event of the protocol (`event`, `events`) took effect at step k */
  onEvent?: (e: CotuningEvent, k: number) => void;
}

export type SimFactory = (net: CompiledNet) => Promise<SpikingSimLike> | SpikingSimLike;

/** One simulation per network of a list, run together (WebGPU: one batch, views that meet
 *  at every run, src/engine/spiking/webgpu/batchViews.ts). `release` says a view's protocol
 *  is over. */
export type ManySimFactory = (nets: CompiledNet[]) => Promise<{
  sims: (SpikingSimLike & { release?(): void })[];
  dispose(): void;
}>;

/**
 * Run the protocol on several networks (a sweep's points, an ABC population): with
 * `makeMany`, all of them in one batched simulation, split in halves when the batch exceeds
 * the device's limits (BackendLimitError); without it, one after another on `makeSim`.
 * The results are in the order of `items`, each the same as runCotuning's for that item.
 */
export async function runCotuningMany(
  items: readonly { cfg: CotuningConfig; seed: number }[],
  protocol: CotuningProtocol,
  makeSim: SimFactory,
  makeMany?: ManySimFactory,
  onResult?: (i: number, r: CotuningResult) => void,
): Promise<CotuningResult[]> {
  if (!makeMany || items.length <= 1) {
    const out: CotuningResult[] = [];
    for (let i = 0; i < items.length; i++) {
      out.push(await runCotuning(items[i].cfg, protocol, items[i].seed, makeSim));
      onResult?.(i, out[i]);
    }
    return out;
  }
  const nets = items.map((it) => compileNetwork(cotuningSpec(it.cfg), it.seed));
  let batch;
  try {
    batch = await makeMany(nets);
  } catch (e) {
    if (!(e instanceof BackendLimitError)) throw e;
    const h = Math.ceil(items.length / 2);
    const a = await runCotuningMany(items.slice(0, h), protocol, makeSim, makeMany, onResult);
    const b = await runCotuningMany(items.slice(h), protocol, makeSim, makeMany, (i, r) =>
      onResult?.(h + i, r),
    );
    return [...a, ...b];
  }
  const { sims, dispose } = batch;
  try {
    const settled = await Promise.allSettled(
      items.map(async (it, b) => {
        try {
          const r = await runOn(sims[b], nets[b], it.cfg, protocol, it.seed, {});
          onResult?.(b, r);
          return r;
        } finally {
          sims[b].release?.();
        }
      }),
    );
    const failed = settled.find((x) => x.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((x) => (x as PromiseFulfilledResult<CotuningResult>).value);
  } finally {
    dispose();
  }
}

function projIndex(net: CompiledNet, name: string): number {
  return net.projections.findIndex((p) => p.name === name);
}

/** Run the protocol; `makeSim` gives the backend (CPU reference or WebGPU). */
export async function runCotuning(
  cfg: CotuningConfig,
  protocol: CotuningProtocol,
  seed: number,
  makeSim: SimFactory,
  hooks: CotuningHooks = {},
): Promise<CotuningResult> {
  const net = compileNetwork(cotuningSpec(cfg), seed);
  const sim = await makeSim(net);
  try {
    return await runOn(sim, net, cfg, protocol, seed, hooks);
  } finally {
    sim.dispose?.();
  }
}

async function runOn(
  sim: SpikingSimLike,
  net: CompiledNet,
  cfg: CotuningConfig,
  protocol: CotuningProtocol,
  seed: number,
  hooks: CotuningHooks,
): Promise<CotuningResult> {
  const { nE, nI, groupE, groupI } = groupLayout(cfg);
  const M = cfg.M;
  const stepsPerS = Math.round(1000 / cfg.dt);
  const total = Math.round(Math.max(protocol.learnTime, protocol.duration) * stepsPerS);
  const windowSteps = Math.min(total, Math.round(protocol.duration * stepsPerS));
  const winFrom = total - windowSteps;
  const curSteps = Math.min(total, Math.round(protocol.currentsWindow * stepsPerS));
  const curFrom = total - curSteps;
  const readout = cfg.readout ? nE + nI : -1;
  const pE = projIndex(net, 'E→readout');
  const pI = projIndex(net, 'I→readout');
  const recurrent = (['EE', 'EI', 'IE', 'II'] as const).map((p) =>
    projIndex(net, `${p[0]}→${p[1]}`),
  );
  const every = Math.max(1, Math.round(protocol.sampleEvery * stepsPerS));
  const binSteps = Math.max(1, Math.round(1 / cfg.dt)); // 1 ms

  // Boundaries where the loop must stop: events, samples, the windows.
  const events = [...protocol.events].sort((a, b) => a.t - b.t);
  const marks = new Set<number>([winFrom, curFrom, total]);
  for (let k = every; k < total; k += every) marks.add(k);
  for (const e of events) marks.add(Math.min(total, Math.max(0, Math.round(e.t * stepsPerS))));
  const boundaries = [...marks].filter((k) => k > 0 && k <= total).sort((a, b) => a - b);

  const history: CotuningResult['history'] = [];
  // One recording: spikes only inside the measurement window, read-out traces only inside the
  // currents window, population counts per sample interval always (the read-out's rate).
  const rec = sim.newRecording({});
  const popReadout = net.populations.findIndex((p) => p.name === 'readout');
  let k = 0;
  let ei = 0;
  const applyEvents = () => {
    while (ei < events.length && Math.round(events[ei].t * stepsPerS) <= k) {
      applyEvent(sim, events[ei], { nE, groupE, groupI, recurrent, pE, pI });
      hooks.onEvent?.(events[ei], k);
      ei++;
    }
  };
  for (const b of boundaries) {
    await hooks.waitIfPaused?.();
    if (hooks.shouldStop?.()) break;
    applyEvents();
    for (const e of hooks.takeEvents?.(k) ?? [])
      applyEvent(sim, e, { nE, groupE, groupI, recurrent, pE, pI });
    const mon: MonitorSpec = { rateBin: every };
    if (k >= winFrom) mon.spikes = { from: 0, to: nE + nI + (readout >= 0 ? 1 : 0) };
    if (k >= curFrom && readout >= 0) mon.traces = { neurons: [readout], every: binSteps };
    await sim.run(b - k, mon, rec);
    k = b;
    if (readout >= 0 && (k % every === 0 || k === total)) {
      const [wE, wI] = await Promise.all([sim.readWeights(pE), sim.readWeights(pI)]);
      const bin = Math.ceil(k / every) - 1;
      const binLen = k - bin * every;
      const s = {
        t: k / stepsPerS,
        D: diversity(wE, groupE, M),
        D_code: diversityCode(wE, groupE, wI, groupI, M),
        B: balance(wE, groupE, wI, groupI, M),
        readoutRate: (rec.rateCounts[popReadout].data[bin] / (binLen * cfg.dt)) * 1000,
      };
      history.push(s);
      hooks.onSample?.(s, { wE, wI });
    }
    hooks.onProgress?.('learn', k, total);
    if (hooks.shouldStop?.()) break;
  }

  const steps = rec.spikeSteps.view();
  const ids = rec.spikeIds.view();
  const counts = spikeCounts(steps, ids, nE + nI + 1, winFrom, total);
  const winS = (windowSteps * cfg.dt) / 1000;
  let sE = 0;
  let sI = 0;
  for (let i = 0; i < nE; i++) sE += counts[i];
  for (let i = nE; i < nE + nI; i++) sI += counts[i];
  const correlations = groupCorrelations(
    steps,
    ids,
    { nE, nI, groupE, groupI },
    M,
    winFrom,
    total,
    binSteps,
  );
  let wE: Float32Array = new Float32Array(0);
  let wI: Float32Array = new Float32Array(0);
  if (readout >= 0) [wE, wI] = await Promise.all([sim.readWeights(pE), sim.readWeights(pI)]);

  // raster of the presynaptic network only
  const keep: number[] = [];
  for (let q = 0; q < ids.length; q++) if (ids[q] < nE + nI) keep.push(q);
  const raster = {
    steps: Int32Array.from(keep, (q) => steps[q] - winFrom),
    ids: Int32Array.from(keep, (q) => ids[q]),
    from: winFrom,
    to: total,
  };
  const currents = {
    t: Float32Array.from(rec.traceSteps.view(), (s) => ((s + 1) * cfg.dt) / 1000),
    iE: rec.iE.view().slice(),
    iI: rec.iI.view().slice(),
    v: rec.v.view().slice(),
  };

  const tuning =
    readout >= 0 && protocol.tuningReps > 0 && !hooks.shouldStop?.()
      ? await tuningTest(
          sim,
          cfg,
          protocol,
          { nE, nI, groupE, groupI, recurrent, pE, pI, readout },
          hooks,
        )
      : [];

  return {
    cfg,
    protocol,
    seed,
    nE,
    nI,
    history,
    D: readout >= 0 ? diversity(wE, groupE, M) : NaN,
    D_code: readout >= 0 ? diversityCode(wE, groupE, wI, groupI, M) : NaN,
    B: readout >= 0 ? balance(wE, groupE, wI, groupI, M) : NaN,
    wE,
    wI,
    groupE,
    groupI,
    rate_E: sE / nE / winS,
    rate_I: sI / nI / winS,
    rate_readout: readout >= 0 ? counts[readout] / winS : NaN,
    cv_isi_E: meanCvIsi(steps, ids, 0, nE),
    correlations,
    abc_distance: abcDistance(correlations),
    convergence:
      readout >= 0 ? convergenceCheck(steps, ids, nE, nI, wE, wI, winFrom, total, binSteps) : null,
    raster,
    currents,
    tuning,
    steps: k,
  };
}

function cfg_readoutIbg(sim: SpikingSimLike): number {
  const p = sim.net.populations.find((x) => x.name === 'readout');
  return p ? p.params.Ibg : 0;
}

interface Ctx {
  nE: number;
  groupE: readonly number[];
  groupI: readonly number[];
  recurrent: number[];
  pE: number;
  pI: number;
}

function groupNeurons(ctx: Ctx, g: number): number[] {
  const out: number[] = [];
  ctx.groupE.forEach((x, i) => x === g && out.push(i));
  ctx.groupI.forEach((x, i) => x === g && out.push(ctx.nE + i));
  return out;
}

function applyEvent(sim: SpikingSimLike, e: CotuningEvent, ctx: Ctx): void {
  switch (e.kind) {
    case 'block': {
      const p = ctx.recurrent[['EE', 'EI', 'IE', 'II'].indexOf(e.pathway)];
      if (p >= 0) sim.setProjectionEnabled(p, !e.on);
      break;
    }
    case 'freeze':
      sim.setPlastic(e.which === 'E' ? ctx.pE : ctx.pI, !e.on);
      break;
    case 'silence':
      for (const i of groupNeurons(ctx, e.group)) sim.setSilenced(i, e.on);
      break;
    case 'drive':
      for (const i of groupNeurons(ctx, e.group)) sim.setIext(i, e.pA);
      break;
  }
}

async function tuningTest(
  sim: SpikingSimLike,
  cfg: CotuningConfig,
  protocol: CotuningProtocol,
  ctx: Ctx & { nI: number; readout: number },
  hooks: CotuningHooks,
): Promise<number[][]> {
  const M = cfg.M;
  const stepsPerS = Math.round(1000 / cfg.dt);
  const n = Math.round(protocol.tuningTime * stepsPerS);
  sim.setPlastic(ctx.pE, false);
  sim.setPlastic(ctx.pI, false);
  for (const p of ctx.recurrent) if (p >= 0) sim.setProjectionEnabled(p, false);
  // the tuning code's read-out has no background current (optional here: see tuningBackground)
  sim.setIext(ctx.readout, protocol.tuningBackground ? 0 : -cfg_readoutIbg(sim));
  for (let i = 0; i < ctx.nE + ctx.nI; i++) {
    sim.setIext(i, 0);
    sim.setSilenced(i, false);
  }
  const noiseRatio = 0.999;
  const rate = cfg.inputRate;
  const out: number[][] = [];
  const mon: MonitorSpec = { spikes: { from: ctx.readout, to: ctx.readout + 1 } };
  for (let r = 0; r < protocol.tuningReps; r++) {
    const row: number[] = [];
    for (let g = 0; g < M; g++) {
      const sig = new Array<number>(M).fill(0);
      sig[g] = (1 - noiseRatio) * rate;
      sim.setRate('signal', sig);
      sim.setRate(
        'noiseE',
        ctx.groupE.map((x) => (x === g ? noiseRatio * rate : 0)),
      );
      // 'E': the group's I cells get no private input (its shared train, 0.05 Hz here, still
      // reaches them)
      const driveI = protocol.tuningInput === 'group';
      sim.setRate(
        'noiseI',
        ctx.groupI.map((x) => (x === g && driveI ? noiseRatio * rate : 0)),
      );
      const rec = sim.newRecording(mon);
      await sim.run(n, mon, rec);
      row.push(rec.spikeIds.length / protocol.tuningTime);
      hooks.onProgress?.('tuning', r * M + g + 1, protocol.tuningReps * M);
      if (hooks.shouldStop?.()) return out;
    }
    out.push(row);
  }
  return out;
}
