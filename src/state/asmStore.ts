/**
 * The assemblies lab's page-side state: a vanilla zustand store of its own (the app store keeps
 * the lab, parameters, seed and view; this one holds what the assemblies run reports). The run
 * (app/asmSession.ts, in a worker) reports `AsmEvent`s, structured-clone friendly; the page
 * applies them here with `applyAsmEvent`. Each field is replaced, never mutated, so a plot can
 * watch the field it draws.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PassStats } from '../labs/assemblies/trainer';
import type { AsmSummary } from '../labs/assemblies/summary';
import type { BackendInfo, NoticeKind, RunStatus } from './store';

export type AsmStage = 'idle' | 'before' | 'train' | 'after' | 'done';

/** Sizes of the network the values describe (known before the network is built). */
export interface AsmShape {
  nE: number;
  nI: number;
  nS: number;
  eAxis: number;
  sAxis: number;
  /** passes the run will make (0 when nothing is plastic) */
  passes: number;
  /** cells perturbed at random in the perturbation experiment, and their extra drive */
  perturbCells: number;
  perturbDelta: number;
}

export interface AsmProgress {
  status: RunStatus;
  stage: AsmStage;
  /** passes completed */
  pass: number;
  passes: number;
  /** fraction of the current stage done (0…1) */
  frac: number;
  /** passes per second (smoothed), while training */
  speed: number | null;
  runError: string | null;
}

/** PV (and Pyr) selectivity (eq 6) of the network after `pass` passes. */
export interface AsmSelectivitySnap {
  pass: number;
  I: Float32Array;
  E: Float32Array;
}

/**
 * The plastic weights after `pass` passes, sorted for display: Pyr cells by preferred stimulus,
 * PV cells by the stimulus they respond to most (argmax of their responses).
 */
export interface AsmWeightsSnap {
  pass: number;
  /** display position → cell index */
  pyrOrder: Int32Array;
  pvOrder: Int32Array;
  /** W_EI (PV→Pyr) sorted [nE × nI]; W_IE (Pyr→PV) sorted [nI × nE] */
  wEI: Float32Array;
  wIE: Float32Array;
  /** the pass of the responses the PV order comes from */
  orderPass: number;
}

export interface AsmCorrelation {
  r: number;
  p: number;
  n: number;
  slope: number;
  intercept: number;
}

export interface AsmPerturbSummary {
  centers: Float64Array;
  mean: Float64Array;
  sem: Float64Array;
  count: Float64Array;
  slope: number;
  expectedR2: number;
  /** the perturbed cells, their total Pyr→PV weight and mean influence (Fig 4e) */
  cells: Int32Array;
  outWeight: Float64Array;
  meanInfluence: Float64Array;
  outWeightVsInfluence: AsmCorrelation;
}

export interface AsmSamplingSummary {
  /** r of each sample, per correlation type */
  outputRs: Float32Array;
  inputRs: Float32Array;
  inputOutput: Float32Array;
  frac: { outputRs: number; inputRs: number; inputOutput: number };
}

export interface AsmPair {
  e: number;
  i: number;
  rs: number;
  /** the two cells' rates for every stimulus */
  rE: Float32Array;
  rI: Float32Array;
}

/** The analyses of the trained network (and of the initial one where the paper compares). */
export interface AsmAnalysis {
  pass: number;
  /** Fig 1e: RS vs output (PV→Pyr) weight and vs input (Pyr→PV) weight; input vs output */
  output: { w: Float64Array; rs: Float64Array; c: AsmCorrelation };
  input: { w: Float64Array; rs: Float64Array; c: AsmCorrelation };
  reciprocal: { win: Float64Array; wout: Float64Array; c: AsmCorrelation };
  /** the same correlations in the initial network */
  beforeCorr: { output: AsmCorrelation; input: AsmCorrelation; reciprocal: AsmCorrelation };
  thresholds: { EI: number; IE: number };
  /** Figs 1c, 2b */
  selectivity: {
    beforeI: Float32Array;
    afterI: Float32Array;
    beforeE: Float32Array;
    afterE: Float32Array;
    U: number;
    p: number;
  };
  /** Figs 2e–f */
  sampling: AsmSamplingSummary;
  samplingBefore: AsmSamplingSummary['frac'];
  samplingN: number;
  /** Fig 1d */
  pairs: AsmPair[];
  /** Fig 4 */
  perturbation: { before: AsmPerturbSummary | null; after: AsmPerturbSummary | null };
  expectedR2: { before: number; after: number };
  summary: AsmSummary;
}

/** Fig 1f: excitatory and inhibitory input currents onto one Pyr cell (spatial × temporal). */
export interface AsmTuning {
  cell: number;
  sAxis: number;
  before: { exc: Float64Array; inh: Float64Array };
  after: { exc: Float64Array; inh: Float64Array };
}

/** One Pyr cell perturbed (+ΔI): its influence on every other Pyr cell. */
export interface AsmProbe {
  cell: number;
  pass: number;
  delta: number;
  /** mean over stimuli of Δr_j / ΔI, NaN for the perturbed cell */
  influence: Float32Array;
  /** correlation of cell j's responses with the perturbed cell's */
  rfCorr: Float32Array;
  /** the perturbed cell's total Pyr→PV weight */
  outWeight: number;
  converged: number;
}

/** The perturbation experiment on the current network (`perturb_cells` cells at random). */
export interface AsmProbeRandom extends AsmPerturbSummary {
  pass: number;
}

/** The network's steady state for one stimulus. */
export interface AsmExplore {
  stim: number;
  /** grid indices of the stimulus on its three axes */
  idx: [number, number, number];
  pass: number;
  rE: Float32Array;
  rI: Float32Array;
  steps: number;
  converged: boolean;
}

export interface AsmCompareRow {
  id: string;
  label: string;
  state: 'waiting' | 'running' | 'done' | 'stopped' | 'error';
  error?: string;
  /** loss per pass */
  loss: number[];
  skewBefore: Float32Array | null;
  skewAfter: Float32Array | null;
  summary: AsmSummary | null;
}

export interface AsmCompare {
  running: boolean;
  /** the row being run and its stage's progress */
  current: number;
  frac: number;
  perturb: boolean;
  rows: AsmCompareRow[];
}

/** A request being served (perturbation experiment, comparison …) and its progress. */
export interface AsmBusy {
  what: string;
  done: number;
  total: number;
}

/** What the run reports (worker → page). */
export type AsmEvent =
  | { type: 'reset'; shape: AsmShape }
  | { type: 'progress'; progress: Partial<AsmProgress> }
  | { type: 'backend'; backend: BackendInfo }
  | { type: 'pass'; stats: PassStats }
  | { type: 'selectivity'; snap: AsmSelectivitySnap }
  | { type: 'weights'; snap: AsmWeightsSnap }
  | { type: 'analysis'; analysis: AsmAnalysis }
  | { type: 'tuning'; tuning: AsmTuning }
  | { type: 'probe'; probe: AsmProbe }
  | { type: 'probeRandom'; probe: AsmProbeRandom }
  | { type: 'explore'; explore: AsmExplore }
  | { type: 'compare'; compare: AsmCompare }
  | { type: 'busy'; busy: AsmBusy | null }
  | { type: 'notice'; kind: NoticeKind; text: string };

export interface AsmState {
  shape: AsmShape | null;
  progress: AsmProgress;
  backend: BackendInfo;
  history: PassStats[];
  selectivity: AsmSelectivitySnap[];
  weights: AsmWeightsSnap | null;
  analysis: AsmAnalysis | null;
  tuning: AsmTuning | null;
  probe: AsmProbe | null;
  probeRandom: AsmProbeRandom | null;
  explore: AsmExplore | null;
  compare: AsmCompare | null;
  busy: AsmBusy | null;
  /** bumps on every reset (a new run) */
  epoch: number;
}

export type AsmStore = StoreApi<AsmState>;

export const IDLE_PROGRESS: AsmProgress = {
  status: 'idle',
  stage: 'idle',
  pass: 0,
  passes: 0,
  frac: 0,
  speed: null,
  runError: null,
};

export function createAsmStore(): AsmStore {
  return createStore<AsmState>()(() => ({
    shape: null,
    progress: IDLE_PROGRESS,
    backend: { state: 'detecting', kind: null, label: 'Detecting backend…', fallbackReason: null },
    history: [],
    selectivity: [],
    weights: null,
    analysis: null,
    tuning: null,
    probe: null,
    probeRandom: null,
    explore: null,
    compare: null,
    busy: null,
    epoch: 0,
  }));
}

/**
 * Apply one report to the store. Notices go to `notice` (the app store's toasts). The
 * comparison and the stimulus explorer survive a reset (they do not depend on a run).
 */
export function applyAsmEvent(
  store: AsmStore,
  ev: AsmEvent,
  notice?: (kind: NoticeKind, text: string) => void,
): void {
  switch (ev.type) {
    case 'reset':
      store.setState((s) => ({
        shape: ev.shape,
        progress: { ...IDLE_PROGRESS, passes: ev.shape.passes },
        history: [],
        selectivity: [],
        weights: null,
        analysis: null,
        tuning: null,
        probe: null,
        probeRandom: null,
        explore: null,
        busy: null,
        epoch: s.epoch + 1,
      }));
      return;
    case 'progress':
      store.setState((s) => ({ progress: { ...s.progress, ...ev.progress } }));
      return;
    case 'backend':
      store.setState({ backend: ev.backend });
      return;
    case 'pass':
      // a pass replayed after a lost GPU device replaces its earlier record
      store.setState((s) => ({
        history: [...s.history.filter((p) => p.pass < ev.stats.pass), ev.stats],
      }));
      return;
    case 'selectivity':
      store.setState((s) => ({
        selectivity: [...s.selectivity.filter((x) => x.pass !== ev.snap.pass), ev.snap].sort(
          (a, b) => a.pass - b.pass,
        ),
      }));
      return;
    case 'weights':
      store.setState({ weights: ev.snap });
      return;
    case 'analysis':
      store.setState({ analysis: ev.analysis });
      return;
    case 'tuning':
      store.setState({ tuning: ev.tuning });
      return;
    case 'probe':
      store.setState({ probe: ev.probe });
      return;
    case 'probeRandom':
      store.setState({ probeRandom: ev.probe });
      return;
    case 'explore':
      store.setState({ explore: ev.explore });
      return;
    case 'compare':
      store.setState({ compare: ev.compare });
      return;
    case 'busy':
      store.setState({ busy: ev.busy });
      return;
    case 'notice':
      notice?.(ev.kind, ev.text);
      return;
  }
}

/** The page's assemblies store. */
export const asmStore: AsmStore = createAsmStore();
