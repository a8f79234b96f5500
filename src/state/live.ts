/**
 * Per-frame data of the run being shown (the live plots' source). It lives in the store but
 * is mutated in place and announced by bumping `rev`: plots read it through `subscribe` into
 * Plotly, never through React renders, and nothing copies the growing history per trial.
 */
import type { RateReadout } from '../engine/backend';
import type { TwoPopWeights } from '../labs/isn/experiment';
import type { TrialRecord } from '../labs/isn/runner';
import type { ParamValues } from '../model/params';
import { N_MONITOR, type WeightClass } from '../model/rateNetwork';

export interface WithinTrial {
  /** 0-based trial the samples belong to */
  trial: number;
  /** true while the trial is still running (a chunk readback) */
  partial: boolean;
  /** time of each sample within the trial (s) */
  t: Float32Array;
  E: Float32Array;
  I: Float32Array;
  /** mean excitatory and inhibitory input onto E units (inhibitory as a magnitude) */
  exc: Float32Array;
  inh: Float32Array;
  /** the same onto I units */
  excI: Float32Array;
  inhI: Float32Array;
}

export interface LiveShape {
  /** networks in the batch */
  nets: number;
  multi: boolean;
  nE: number;
  nI: number;
  /** presynaptic partners per class: class mean × this = the population (effective) weight */
  partners: Record<WeightClass, number>;
  dtMs: number;
  recordEvery: number;
  /** networks the monitor records ([sample][network][channel] layout) */
  monitored: number;
  /** the parameter values of the run (for windows, set points, analytics) */
  values: ParamValues;
  /** effective initial weights of each network */
  starts: TwoPopWeights[];
}

export interface LiveData {
  rev: number;
  /** the rev at which this run's data started (changes on a new run or a reset) */
  epoch: number;
  shape: LiveShape | null;
  /** 1-based trial number of each history point */
  trial: number[];
  /** running trial averages per network: [net][point] (Hz) */
  avgE: number[][];
  avgI: number[][];
  /** effective class weights per network: [class][net][point] */
  W: Record<WeightClass, number[][]>;
  within: WithinTrial | null;
  /** network 0's per-unit running averages after the last trial (multi-unit model) */
  units: { trial: number; E: Float32Array; I: Float32Array } | null;
}

export const CLASSES: readonly WeightClass[] = ['EE', 'EI', 'IE', 'II'];

export function emptyLive(rev = 0): LiveData {
  return {
    rev,
    epoch: rev,
    shape: null,
    trial: [],
    avgE: [],
    avgI: [],
    W: { EE: [], EI: [], IE: [], II: [] },
    within: null,
    units: null,
  };
}

/** Presynaptic partner counts (no autapses in the multi-unit model). */
export function partnersOf(
  nE: number,
  nI: number,
  selfConnections: boolean,
): Record<WeightClass, number> {
  const s = selfConnections ? 0 : 1;
  return {
    EE: Math.max(1, nE - s),
    EI: Math.max(1, nI),
    IE: Math.max(1, nE),
    II: Math.max(1, nI - s),
  };
}

export function effective(w: TwoPopWeights, partners: Record<WeightClass, number>): TwoPopWeights {
  return {
    EE: w.EE * partners.EE,
    EI: w.EI * partners.EI,
    IE: w.IE * partners.IE,
    II: w.II * partners.II,
  };
}

/** Start showing a run: clears the history and sets its shape. */
export function liveStart(shape: LiveShape, rev: number): LiveData {
  const live = emptyLive(rev);
  live.shape = shape;
  live.avgE = Array.from({ length: shape.nets }, () => []);
  live.avgI = Array.from({ length: shape.nets }, () => []);
  for (const c of CLASSES) live.W[c] = Array.from({ length: shape.nets }, () => []);
  return live;
}

/**
 * What the live data needs of a readback: the monitor samples (within-trial traces) and the
 * running averages (per-unit histograms). A trial's readout may come without its monitor
 * (`samples` 0) when a later one replaces it anyway (the worker thins its messages).
 */
export type LiveReadout = Pick<RateReadout, 'samples' | 'monitor' | 'avg'>;

/** A change of the live data, as the runner reports it (structured-clone friendly). */
export type LiveEvent =
  | { type: 'start'; shape: LiveShape }
  | { type: 'within'; trial: number; readout: LiveReadout }
  | { type: 'trial'; record: TrialRecord; readout: LiveReadout };

/** Append one completed trial (mutates `live`). */
export function liveAppendTrial(live: LiveData, rec: TrialRecord, readout: LiveReadout): void {
  const sh = live.shape;
  if (!sh) return;
  live.trial.push(rec.trial + 1);
  for (let b = 0; b < sh.nets; b++) {
    live.avgE[b].push(rec.avgE[b]);
    live.avgI[b].push(rec.avgI[b]);
    const w = effective(rec.W[b], sh.partners);
    for (const c of CLASSES) live.W[c][b].push(w[c]);
  }
  if (readout.samples > 0) liveSetWithin(live, readout, rec.trial, false);
  if (sh.multi && readout.avg.length >= sh.nE + sh.nI) {
    const N = sh.nE + sh.nI;
    live.units = {
      trial: rec.trial + 1,
      E: readout.avg.slice(0, sh.nE),
      I: readout.avg.slice(sh.nE, N),
    };
  }
}

/** Replace the within-trial traces with network 0's monitor samples (mutates `live`). */
export function liveSetWithin(
  live: LiveData,
  readout: LiveReadout,
  trial: number,
  partial: boolean,
): void {
  const sh = live.shape;
  if (!sh) return;
  const n = readout.samples;
  const mon = Math.max(1, sh.monitored);
  const t = new Float32Array(n);
  const E = new Float32Array(n);
  const I = new Float32Array(n);
  const exc = new Float32Array(n);
  const inh = new Float32Array(n);
  const excI = new Float32Array(n);
  const inhI = new Float32Array(n);
  const dtS = (sh.recordEvery * sh.dtMs) / 1000;
  for (let k = 0; k < n; k++) {
    const o = k * mon * N_MONITOR;
    t[k] = k * dtS;
    E[k] = readout.monitor[o];
    I[k] = readout.monitor[o + 1];
    exc[k] = readout.monitor[o + 2];
    inh[k] = readout.monitor[o + 3];
    excI[k] = readout.monitor[o + 4];
    inhI[k] = readout.monitor[o + 5];
  }
  live.within = { trial, partial, t, E, I, exc, inh, excI, inhI };
}
