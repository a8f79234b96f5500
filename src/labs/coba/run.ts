/**
 * The COBA run (Brette et al. 2007, benchmark 1) as the CLI (src/cli/runCoba.ts) and the app
 * (src/app/cobaSession.ts) both do it: the network built from the values and the seed, the
 * simulation loop in stretches — one for the CLI; about a tenth of a second of wall time each in
 * the app, for the live plots — with the population spike counts in bins, the spikes of a subset
 * of neurons and, when asked, V traces; then the summary (the CLI's summary keys).
 *
 * The stretches change nothing: the engines carry their state from one run call to the next,
 * and the rates are sums of integer spike counts, so `rate_E` and `rate_I` are the same to the
 * last bit however the loop is cut.
 */
import type { MonitorSpec, Recording } from '../../engine/spiking/monitor';
import type { SpikingSimLike } from '../../engine/spiking/sim';
import { compileNetwork } from '../../model/spiking/build';
import type { ParamValues } from '../../model/params';
import type { SimFactory } from '../cotuning/runner';
import { cobaSpec } from './network';
import { cobaP } from './params';

/** Neurons whose spikes the app records (E and I in proportion), at most. */
export const RASTER_MAX = 1000;
/** Width of the app's population-rate bins (ms). */
export const RATE_BIN_MS = 10;

/** What the values describe: sizes, steps, bins and the recorded neurons. */
export interface CobaLayout {
  N: number;
  nE: number;
  nI: number;
  /** the connection probability used (auto resolved) */
  p: number;
  /** ms */
  dt: number;
  /** simulated seconds */
  duration: number;
  steps: number;
  /** steps per rate bin (RATE_BIN_MS, at least one step) */
  binSteps: number;
  /** spikes recorded for neurons [from, to): the last E neurons and the first I neurons */
  raster: { from: number; to: number };
  /** neurons whose V is traced: two E and one I of the raster */
  traced: number[];
  /** a trace sample every this many steps (0.1 ms, at least one step) */
  traceEvery: number;
}

export function cobaLayout(values: ParamValues): CobaLayout {
  const N = Number(values.N);
  const dt = Number(values.dt);
  const duration = Number(values.duration);
  const nE = Math.round(N * 0.8);
  const nI = N - nE;
  const shown = Math.min(N, RASTER_MAX);
  const sE = Math.min(nE, Math.round(shown * 0.8));
  const sI = Math.min(nI, shown - sE);
  const from = nE - sE;
  return {
    N,
    nE,
    nI,
    p: cobaP(values),
    dt,
    duration,
    steps: Math.round((duration * 1000) / dt),
    binSteps: Math.max(1, Math.round(RATE_BIN_MS / dt)),
    raster: { from, to: nE + sI },
    traced: [from, from + 1, nE],
    traceEvery: Math.max(1, Math.round(0.1 / dt)),
  };
}

/** One stretch of the loop: steps [k0, k1) and what it recorded (a recording of its own). */
export interface CobaStretch {
  k0: number;
  k1: number;
  rec: Recording;
  /** wall seconds of the loop so far (this stretch included) */
  simWall: number;
}

export interface CobaHooks {
  /** steps of the next stretch, from step k of `total` (default: all that are left); rounded
   *  up to whole rate bins */
  stretch?: (k: number, total: number) => number;
  onSetup?: (info: { synapses: number; setupWall: number; label: string }) => void;
  onStretch?: (s: CobaStretch) => void | Promise<void>;
  /** awaited before each stretch: a pause holds the run there */
  waitIfPaused?: () => Promise<void>;
  shouldStop?: () => boolean;
}

export interface CobaRun {
  layout: CobaLayout;
  /** steps run (fewer than layout.steps when stopped) */
  steps: number;
  synapses: number;
  /** spikes of all E and all I neurons over the steps run */
  countE: number;
  countI: number;
  rate_E: number;
  rate_I: number;
  /** the simulation loop only (s) */
  sim_wall_s: number;
  /** building the network and the backend's simulation (from `setupFrom`) (s) */
  setup_wall_s: number;
  /** simulated seconds the rates are over: the duration, or the time reached when stopped */
  seconds: number;
  stopped: boolean;
}

/**
 * Run the network. `spikes` and `traces` say what each stretch records beyond the rate bins
 * (the CLI: the first 1000 neurons' spikes; the app: the layout's raster and traced neurons).
 * `setupFrom` is when the set-up started (performance.now(); default now), so that the
 * caller's acquisition of a backend can count as set-up. Throws what the engine throws
 * (BlowUpError on a non-finite state).
 */
export async function runCoba(
  values: ParamValues,
  seed: number,
  makeSim: SimFactory,
  opts: {
    spikes?: MonitorSpec['spikes'];
    traces?: boolean;
    setupFrom?: number;
    hooks?: CobaHooks;
  } = {},
): Promise<CobaRun> {
  const t0 = opts.setupFrom ?? performance.now();
  const hooks = opts.hooks ?? {};
  const L = cobaLayout(values);
  const net = compileNetwork(cobaSpec({ N: L.N, p: L.p, dt: L.dt }), seed);
  const sim: SpikingSimLike = await makeSim(net);
  try {
    const synapses = net.projections.reduce((a, x) => a + x.nSyn, 0);
    const setupWall = (performance.now() - t0) / 1000;
    hooks.onSetup?.({ synapses, setupWall, label: sim.label ?? 'cpu' });
    const mon: MonitorSpec = { rateBin: L.binSteps };
    if (opts.spikes) mon.spikes = opts.spikes;
    if (opts.traces) mon.traces = { neurons: L.traced, every: L.traceEvery };
    let k = 0;
    let wall = 0;
    let countE = 0;
    let countI = 0;
    let stopped = false;
    while (k < L.steps) {
      await hooks.waitIfPaused?.();
      if (hooks.shouldStop?.()) {
        stopped = true;
        break;
      }
      const want = hooks.stretch ? hooks.stretch(k, L.steps) : L.steps - k;
      const n = Math.min(L.steps - k, Math.max(1, Math.ceil(want / L.binSteps)) * L.binSteps);
      const rec = sim.newRecording(mon);
      const a = performance.now();
      await sim.run(n, mon, rec);
      wall += (performance.now() - a) / 1000;
      for (const x of rec.rateCounts[0].view()) countE += x;
      for (const x of rec.rateCounts[1].view()) countI += x;
      await hooks.onStretch?.({ k0: k, k1: k + n, rec, simWall: wall });
      k += n;
    }
    // the duration asked for (as the CLI always divided by), or the time reached when stopped
    const seconds = stopped ? (k * L.dt) / 1000 : L.duration;
    return {
      layout: L,
      steps: k,
      synapses,
      countE,
      countI,
      rate_E: countE / L.nE / seconds,
      rate_I: countI / L.nI / seconds,
      sim_wall_s: wall,
      setup_wall_s: setupWall,
      seconds,
      stopped,
    };
  } finally {
    sim.dispose?.();
  }
}

/** The CLI's summary of a COBA run (`eilab run coba --json`; the app's summary export). */
export interface CobaSummary {
  lab: 'coba';
  N: number;
  p: number;
  duration_s: number;
  rate_E: number;
  rate_I: number;
  synapses: number;
  sim_wall_s: number;
  setup_wall_s: number;
  /** wall seconds per simulated second */
  wall_per_sim_s: number;
  seed: number;
  backend: string;
  preset: string | null;
  link: string;
}

/** The summary's numbers (what the app shows; the page adds the preset and the link). */
export type CobaNumbers = Omit<CobaSummary, 'preset' | 'link'>;

export function cobaNumbers(r: CobaRun, meta: { seed: number; backend: string }): CobaNumbers {
  return {
    lab: 'coba',
    N: r.layout.N,
    p: r.layout.p,
    duration_s: r.seconds,
    rate_E: r.rate_E,
    rate_I: r.rate_I,
    synapses: r.synapses,
    sim_wall_s: r.sim_wall_s,
    setup_wall_s: r.setup_wall_s,
    wall_per_sim_s: r.sim_wall_s / r.seconds,
    seed: meta.seed,
    backend: meta.backend,
  };
}

export function cobaSummary(
  r: CobaRun,
  meta: { seed: number; backend: string; preset: string | null; link: string },
): CobaSummary {
  return { ...cobaNumbers(r, meta), preset: meta.preset, link: meta.link };
}
