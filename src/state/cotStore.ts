/**
 * The co-tuning lab's page-side state (Giannakakis et al. 2023): a vanilla zustand store of its
 * own, like the assemblies lab's (the app store keeps the lab, parameters, seed and view; this
 * one holds what the co-tuning run reports). The run (app/cotSession.ts, in a worker) reports
 * `CotEvent`s, structured-clone friendly; `applyCotEvent` applies them. Fields are replaced,
 * never mutated, so a plot can watch the field it draws.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConvergenceCheck, GroupCorrelations } from '../labs/cotuning/measures';
import type { SweepPoint } from '../labs/cotuning/study';
import type { CotuningEvent } from '../labs/cotuning/runner';
import type { BackendInfo, RunStatus } from './store';
import { BACKEND_AT_START, withStatus } from './progress';

export const COT_LAB_ID = 'cotuning';

/** The plot views (tabs) of the co-tuning lab; ids are part of share links. */
export const COT_VIEWS = [
  { id: 'overview', label: 'Co-tuning' },
  { id: 'activity', label: 'Activity' },
  { id: 'tuning', label: 'Tuning & correlations' },
  { id: 'study', label: 'Sweep & ABC' },
] as const;

/** One ABC step as the page shows it (analysis/abc.ts AbcStep). */
export interface CotAbcStep {
  step: number;
  epsilon: number;
  /** accepted particles (R_EE, R_EI, R_IE, R_II) and their weights */
  particles: number[][];
  weights: number[];
  proposals: number;
  acceptRate: number;
  mean: number[];
}
export type CotViewId = (typeof COT_VIEWS)[number]['id'];

/** One sample of the learning run (every `sampleEvery` s): D, B, the read-out's rate and the
 *  group-mean read-out weights then. */
export interface CotSample {
  t: number;
  D: number;
  D_code: number;
  B: number;
  readoutRate: number;
  meanE: number[];
  meanI: number[];
}

/** What the finished run adds: the measurement window's activity and the final analyses. */
export interface CotFinal {
  D: number;
  D_code: number;
  B: number;
  rate_E: number;
  rate_I: number;
  rate_readout: number;
  cv_isi_E: number;
  correlations: GroupCorrelations;
  abc_distance: number;
  convergence: ConvergenceCheck | null;
  wE: Float32Array;
  wI: Float32Array;
  groupE: number[];
  groupI: number[];
  raster: { steps: Int32Array; ids: Int32Array; from: number; to: number };
  currents: { t: Float32Array; iE: Float32Array; iI: Float32Array; v: Float32Array };
  tuning: number[][];
  /** simulated seconds actually run (a stopped run ends early) */
  seconds: number;
  wallSeconds: number;
}

/** Network shape the values describe (for axes before the first report). */
export interface CotShape {
  nE: number;
  nI: number;
  M: number;
  dt: number;
  /** simulated seconds of the run (learning, or the window when longer) */
  seconds: number;
  readout: boolean;
  /** whether the run's own network is recurrent (a sweep of W, p or R_* turns it on) */
  recurrent?: boolean;
  /** the iSTDP target rate ρ0 of the read-out (Hz, eqs 10–11) */
  rho0?: number;
}

export interface CotProgress {
  status: RunStatus;
  stage: 'idle' | 'abc' | 'sweep' | 'learn' | 'tuning' | 'done';
  /** fraction of the stage done (0…1) */
  frac: number;
  /** simulated seconds per wall second (smoothed), while learning */
  speed: number | null;
  runError: string | null;
}

export interface CotState {
  shape: CotShape | null;
  progress: CotProgress;
  backend: BackendInfo;
  samples: CotSample[];
  /** knock-outs and perturbations applied during the run, with the time they took effect */
  applied: { t: number; label: string }[];
  final: CotFinal | null;
  /** ABC steps so far (abc_steps > 0) */
  abc: CotAbcStep[];
  /** the sweep's points (sweep = noise | W), and the swept parameter */
  sweep: SweepPoint[];
  sweepParam: string | null;
  /** a message for the user (e.g. a fallback to the CPU) */
  notice: string | null;
}

export type CotEvent =
  | { kind: 'reset'; shape: CotShape }
  | { kind: 'backend'; backend: BackendInfo }
  | { kind: 'status'; status: RunStatus; runError?: string | null }
  | { kind: 'progress'; stage: CotProgress['stage']; frac: number; speed: number | null }
  | { kind: 'sample'; sample: CotSample }
  /** an event took effect at t (s); `live`: thrown in by the user during the run (the
   *  client adds it to the `events` parameter, so the link reproduces the run) */
  | { kind: 'applied'; t: number; label: string; event?: CotuningEvent; live?: boolean }
  | { kind: 'final'; final: CotFinal }
  | { kind: 'abc'; step: CotAbcStep }
  | { kind: 'sweep'; param: string; points: SweepPoint[] }
  | { kind: 'notice'; text: string | null };

export const INITIAL_COT_STATE: CotState = {
  shape: null,
  progress: { status: 'idle', stage: 'idle', frac: 0, speed: null, runError: null },
  // the backend is chosen when a run starts (WebGPU if the preference allows and a device
  // can be had, else the CPU); until then the run controls are ready
  backend: BACKEND_AT_START,
  samples: [],
  applied: [],
  final: null,
  abc: [],
  sweep: [],
  sweepParam: null,
  notice: null,
};

export const cotStore: StoreApi<CotState> = createStore<CotState>(() => INITIAL_COT_STATE);

export function applyCotEvent(store: StoreApi<CotState>, ev: CotEvent): void {
  const s = store.getState();
  switch (ev.kind) {
    case 'reset':
      store.setState({
        shape: ev.shape,
        progress: { status: 'idle', stage: 'idle', frac: 0, speed: null, runError: null },
        samples: [],
        applied: [],
        final: null,
        abc: [],
        sweep: [],
        sweepParam: null,
      });
      break;
    case 'backend':
      store.setState({ backend: ev.backend });
      break;
    case 'status':
      store.setState({
        progress: {
          ...withStatus(s.progress, ev),
          stage: ev.status === 'done' ? 'done' : s.progress.stage,
        },
      });
      break;
    case 'progress':
      store.setState({
        progress: { ...s.progress, stage: ev.stage, frac: ev.frac, speed: ev.speed },
      });
      break;
    case 'sample':
      store.setState({ samples: [...s.samples, ev.sample] });
      break;
    case 'applied':
      store.setState({ applied: [...s.applied, { t: ev.t, label: ev.label }] });
      break;
    case 'final':
      store.setState({ final: ev.final });
      break;
    case 'abc':
      store.setState({ abc: [...s.abc, ev.step] });
      break;
    case 'sweep':
      store.setState({ sweep: ev.points, sweepParam: ev.param });
      break;
    case 'notice':
      store.setState({ notice: ev.text });
      break;
  }
}
