/**
 * The COBA lab's page-side state (Brette et al. 2007, benchmark 1): a vanilla zustand store of
 * its own, like the co-tuning lab's. The run (app/cobaSession.ts, in a worker) reports
 * `CobaEvent`s, structured-clone friendly, one `chunk` per stretch of the loop (about ten a
 * second); `applyCobaEvent` applies them. Fields are replaced, never mutated, so a plot can
 * watch the field it draws. The population rates grow with the run (one value per 10 ms bin;
 * appended to a buffer that the older states share below their own length); the raster and the
 * V traces keep the most recent stretches only (KEEP_SPIKES, KEEP_TRACE_S).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CobaLayout, CobaNumbers } from '../labs/coba/run';
import type { BackendInfo, RunStatus } from './store';
import { BACKEND_AT_START, withStatus } from './progress';

export const COBA_LAB_ID = 'coba';

/** The plot views (tabs) of the COBA lab; ids are part of share links. */
export const COBA_VIEWS = [{ id: 'overview', label: 'Activity' }] as const;
export type CobaViewId = (typeof COBA_VIEWS)[number]['id'];

/** Spikes of the raster kept for the plot and its export, at most (the oldest go first). */
export const KEEP_SPIKES = 2_000_000;
/** Rate bins a step (the Step button) runs: 10 × 10 ms, 100 ms of simulated time. */
export const STEP_BINS = 10;
/** Simulated seconds of V traces kept. */
export const KEEP_TRACE_S = 2;

/** What one stretch of the loop recorded. */
export interface CobaChunk {
  /** steps [k0, k1) */
  k0: number;
  k1: number;
  /** spikes of the raster's neurons (layout.raster): step and neuron of each */
  spikeSteps: Int32Array;
  spikeIds: Int32Array;
  /** spike counts of all E and all I neurons in the bins from k0 / binSteps on */
  countsE: Int32Array;
  countsI: Int32Array;
  /** V of the traced neurons (layout.traced), [sample][neuron], and the step of each sample */
  traceSteps: Int32Array;
  v: Float32Array;
}

/** A growing series: `data[0, length)`; appending never changes what an older copy sees. */
export interface Series {
  data: Float64Array;
  length: number;
}

export const EMPTY_SERIES: Series = { data: new Float64Array(0), length: 0 };

export function appendSeries(s: Series, xs: ArrayLike<number>): Series {
  const n = s.length + xs.length;
  let data = s.data;
  if (n > data.length) {
    data = new Float64Array(Math.max(n, 2 * data.length, 256));
    data.set(s.data.subarray(0, s.length));
  }
  data.set(xs, s.length);
  return { data, length: n };
}

export interface CobaProgress {
  status: RunStatus;
  /** steps done of total */
  done: number;
  total: number;
  /** wall seconds of the simulation loop so far */
  simWall: number;
  /** simulated seconds per wall second of the loop */
  speed: number | null;
  runError: string | null;
}

/** The run's summary as the CLI prints it, but for the preset and the link (page-side). */
export type CobaFinal = CobaNumbers;

export interface CobaState {
  shape: CobaLayout | null;
  progress: CobaProgress;
  backend: BackendInfo;
  /** known once the network is built */
  synapses: number | null;
  setupWall: number | null;
  /** population rates (Hz) per bin of shape.binSteps, from t = 0 */
  rateE: Series;
  rateI: Series;
  /** the raster's most recent stretches (at most KEEP_SPIKES spikes) */
  spikes: Pick<CobaChunk, 'k0' | 'k1' | 'spikeSteps' | 'spikeIds'>[];
  /** spikes in `spikes` */
  spikesKept: number;
  /** the V traces' most recent stretches (KEEP_TRACE_S) */
  traces: Pick<CobaChunk, 'k0' | 'k1' | 'traceSteps' | 'v'>[];
  final: CobaFinal | null;
  /** a message for the user (a lost device, a fallback to the CPU) */
  notice: string | null;
}

export type CobaEvent =
  | { kind: 'reset'; shape: CobaLayout }
  | { kind: 'backend'; backend: BackendInfo }
  | { kind: 'status'; status: RunStatus; runError?: string | null }
  | { kind: 'setup'; synapses: number; setupWall: number }
  | { kind: 'chunk'; chunk: CobaChunk; simWall: number }
  | { kind: 'final'; final: CobaFinal }
  | { kind: 'notice'; text: string | null };

const IDLE: CobaProgress = {
  status: 'idle',
  done: 0,
  total: 0,
  simWall: 0,
  speed: null,
  runError: null,
};

/** What a run has reported: nothing yet. */
const NOTHING_YET = {
  synapses: null,
  setupWall: null,
  rateE: EMPTY_SERIES,
  rateI: EMPTY_SERIES,
  spikes: [],
  spikesKept: 0,
  traces: [],
  final: null,
} satisfies Partial<CobaState>;

export const INITIAL_COBA_STATE: CobaState = {
  ...NOTHING_YET,
  shape: null,
  progress: IDLE,
  // chosen when a run starts, as in the co-tuning lab
  backend: BACKEND_AT_START,
  notice: null,
};

export const cobaStore: StoreApi<CobaState> = createStore<CobaState>(() => INITIAL_COBA_STATE);

/** Rates (Hz) of the bins a chunk's counts cover (the last bin of the run may be short). */
function binRates(counts: Int32Array, n: number, L: CobaLayout, firstBin: number): Float64Array {
  return Float64Array.from(counts, (c, j) => {
    const from = (firstBin + j) * L.binSteps;
    const len = Math.min(L.binSteps, L.steps - from);
    return c / n / ((len * L.dt) / 1000);
  });
}

export function applyCobaEvent(store: StoreApi<CobaState>, ev: CobaEvent): void {
  const s = store.getState();
  switch (ev.kind) {
    case 'reset':
      store.setState({
        ...NOTHING_YET,
        shape: ev.shape,
        progress: { ...IDLE, total: ev.shape.steps },
      });
      break;
    case 'backend':
      store.setState({ backend: ev.backend });
      break;
    case 'status':
      store.setState({ progress: withStatus(s.progress, ev) });
      break;
    case 'setup':
      store.setState({ synapses: ev.synapses, setupWall: ev.setupWall });
      break;
    case 'chunk': {
      const L = s.shape;
      if (!L) break;
      const c = ev.chunk;
      const first = Math.floor(c.k0 / L.binSteps);
      // the older stretches the raster keeps: at most KEEP_SPIKES spikes with this one
      const spikes = [
        ...s.spikes,
        { k0: c.k0, k1: c.k1, spikeSteps: c.spikeSteps, spikeIds: c.spikeIds },
      ];
      let kept = s.spikesKept + c.spikeIds.length;
      while (spikes.length > 1 && kept > KEEP_SPIKES) kept -= spikes.shift()!.spikeIds.length;
      const keepFrom = c.k1 - Math.round((KEEP_TRACE_S * 1000) / L.dt);
      store.setState({
        rateE: appendSeries(s.rateE, binRates(c.countsE, L.nE, L, first)),
        rateI: appendSeries(s.rateI, binRates(c.countsI, L.nI, L, first)),
        spikes,
        spikesKept: kept,
        traces: [
          ...s.traces.filter((x) => x.k1 > keepFrom),
          { k0: c.k0, k1: c.k1, traceSteps: c.traceSteps, v: c.v },
        ],
        progress: {
          ...s.progress,
          done: c.k1,
          simWall: ev.simWall,
          speed: ev.simWall > 0 ? (c.k1 * L.dt) / 1000 / ev.simWall : null,
        },
      });
      break;
    }
    case 'final':
      store.setState({ final: ev.final });
      break;
    case 'notice':
      store.setState({ notice: ev.text });
      break;
  }
}
