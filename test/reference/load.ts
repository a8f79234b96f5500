/**
 * Typed loader for the Brian2 reference data in test/reference/*.json, written by the scripts
 * in scripts/reference/ (see scripts/reference/README.md for how each file was made).
 *
 * Conventions of every file: step k covers (t_k, t_k + dt], t_k = k·dt; units are ms, mV, nS,
 * pF, pA, Hz as the field names say; "after step k" means after update → threshold →
 * synapses → reset of step k (Brian2's `end` slot), i.e. at time (k + 1)·dt.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is test/reference/load.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const REFERENCE_DIR = join(REPO_ROOT, 'test', 'reference');

/** Fields every reference file has. */
export interface ReferenceHeader {
  /** script and Brian2 version, e.g. "scripts/reference/lif_trace.py (Brian2 2.5.1, /usr/bin/python3)" */
  generated_by: string;
  description: string;
  versions: { brian2: string; numpy: string; python: string };
}

// ---------------------------------------------------------------------------------------------
// lif_trace.json: one conductance LIF neuron driven by fixed input trains

export interface LifNeuronParams {
  C_pF: number;
  gL_nS: number;
  EL_mV: number;
  Vreset_mV: number;
  Vth_mV: number;
  tref_ms: number;
  VE_mV: number;
  VI_mV: number;
  tauE_ms: number;
  tauI_ms: number;
  dt_ms: number;
  /** 5000 (500 ms) */
  n_steps: number;
  /** round(tref/dt) = 50 */
  n_ref_steps: number;
  nE_trains: number;
  nI_trains: number;
  V0_mV: number;
  gE0_nS: number;
  gI0_nS: number;
}

/** Fixed input trains of one channel: event q is train spike_train[q] spiking in step spike_step[q]. */
export interface LifInput {
  /** per train (= per synapse) weight w; a spike adds gbar·w nS */
  weights: number[];
  /** parallel arrays sorted by (step, train) */
  spike_train: number[];
  spike_step: number[];
}

export interface LifCase {
  seed: number;
  Ibg_pA: number;
  gbarE_nS: number;
  gbarI_nS: number;
  rateE_Hz: number;
  rateI_Hz: number;
  inputE: LifInput;
  inputI: LifInput;
  /** sample i = V after step i (i = 0 … n_steps − 1); V_reset in a spiking step; rounded to 1e-6 */
  V_mV: number[];
  /** sample i = g_E after step i, including the jumps delivered in step i; rounded to 1e-6 */
  gE_nS: number[];
  gI_nS: number[];
  /** steps in which the neuron spiked */
  spike_steps: number[];
  /** V after the update of each spike step (before the reset) */
  V_before_reset_mV: number[];
  rate_Hz: number;
  V_max_mV: number;
  /** min |V − V_th| after the update over non-refractory steps: how robust the spike steps are */
  min_threshold_margin_mV: number;
  step_of_min_threshold_margin: number;
  /** Brian2 vs an independent float64 numpy implementation of the contract */
  numpy_contract_max_abs_diff: { V_mV: number; gE_nS: number; gI_nS: number };
}

export interface LifTraceRef extends ReferenceHeader {
  params: LifNeuronParams;
  units: Record<string, string>;
  recording: string;
  input_rule: string;
  rounding: string;
  cases: { subthreshold: LifCase; spiking: LifCase };
}

// ---------------------------------------------------------------------------------------------
// plasticity.json: STDP on fixed pre and post trains

export interface TripletParams {
  eta: number;
  A_LTP: number;
  A_LTD: number;
  tau1_ms: number;
  tau2_ms: number;
}
export interface PairParams {
  eta: number;
  A_LTP: number;
  A_LTD: number;
  tauPlus_ms: number;
  tauMinus_ms: number;
}
export interface VogelsParams {
  eta: number;
  tau_ms: number;
  rho0_Hz: number;
  /** 2·rho0·tau (rho0 in Hz, tau in s) */
  alpha: number;
}
export interface CompetitiveNorm {
  kind: 'competitive';
  etaN: number;
  /** target Σw per post neuron = n_pre · target_per_synapse */
  target: number;
  target_per_synapse: number;
}

interface PlasticityCaseBase {
  norm: CompetitiveNorm | null;
  /** weights[c][s]: synapse s after c·checkpoint_every_steps steps (weights[0] = w0) */
  weights: number[][];
  /** number of updates whose unclipped value was below w_min / above w_max */
  clip_low_events: number;
  clip_high_events: number;
  /** Brian2 vs an independent float64 numpy implementation of the contract */
  numpy_contract_max_rel_diff: number;
}
export type PlasticityCase =
  | (PlasticityCaseBase & { rule: 'triplet'; params: TripletParams })
  | (PlasticityCaseBase & { rule: 'pair'; params: PairParams })
  | (PlasticityCaseBase & { rule: 'vogels'; params: VogelsParams });

/** Fixed spike trains: event q is train[q] spiking in step step[q], sorted by (step, train). */
export interface SpikeList {
  rates_Hz: number[];
  train: number[];
  step: number[];
}

export interface PlasticityRef extends ReferenceHeader {
  params: {
    dt_ms: number;
    /** 20000 (2 s) */
    n_steps: number;
    /** 1000 (100 ms) */
    checkpoint_every_steps: number;
    n_pre: number;
    n_post: number;
    w_min: number;
    w_max: number;
    seed: number;
    pair_rule_note: string;
  };
  units: Record<string, string>;
  /** synapse s connects pre train pre[s] to post train post[s] (s = pre·n_post + post) */
  synapses: { layout: string; pre: number[]; post: number[]; w0: number[] };
  pre_spikes: SpikeList;
  post_spikes: SpikeList;
  recording: string;
  update_order: string;
  cases: {
    triplet: PlasticityCase;
    pair: PlasticityCase;
    vogels: PlasticityCase;
    triplet_norm: PlasticityCase;
    vogels_norm: PlasticityCase;
  };
}

// ---------------------------------------------------------------------------------------------
// stp_ppr.json: Tsodyks–Markram paired pulses and trains

export interface StpSet {
  name: string;
  F: number;
  tauU_ms: number;
  tauR_ms: number;
  /** [a][b]: U = U_values[a], isi = isi_ms[b]; ppr = mu2/mu1 */
  paired: { mu1: number[][]; mu2: number[][]; ppr: number[][] };
  /** [a][b][n]: U = train_U[a], frequency train_Hz[b], spike n */
  trains: number[][][];
}

export interface StpPprRef extends ReferenceHeader {
  params: {
    dt_ms: number;
    /** first spike of every synapse (after rest: u = U, R = 1) */
    first_spike_step: number;
    U_values: number[];
    isi_ms: number[];
    train_U: number[];
    train_Hz: number[];
    train_n_spikes: number;
    initial_state: string;
  };
  units: Record<string, string>;
  layout: string;
  numpy_closed_form_max_rel_diff: number;
  sets: StpSet[];
}

// ---------------------------------------------------------------------------------------------
// network_stats.json: Giannakakis presynaptic network statistics

export interface NetworkStats {
  rate_E_Hz: number;
  rate_I_Hz: number;
  /** mean CV of ISI over neurons (E and I) with ≥ 3 spikes in the window */
  cv_isi: number;
  cv_isi_E: number;
  cv_isi_I: number;
  /** mean_g corr(E_g, I_g) of 1 ms group spike counts */
  C_in_EI: number;
  /** mean_{g<h} corr(E_g, E_h) */
  C_out_EE: number;
  /** mean_{g≠h} corr(E_g, I_h) */
  C_out_EI: number;
  /** mean_{g<h} corr(I_g, I_h) */
  C_out_II: number;
  /** mean_{g<h} corr(E_g, I_h) (the authors' analysis code) */
  C_out_EI_authors: number;
  /** sd over E neurons of their rates */
  rate_sd_E_Hz: number;
  frac_silent_E: number;
}

export interface NetworkSeedResult extends NetworkStats {
  seed: number;
  n_synapses: number;
  n_cv_neurons: number;
}

export interface NetworkConfig {
  R_EE: number;
  R_EI: number;
  R_IE: number;
  R_II: number;
  w_in_EE: number;
  w_out_EE: number;
  w_in_EI: number;
  w_out_EI: number;
  w_in_IE: number;
  w_out_IE: number;
  w_in_II: number;
  w_out_II: number;
}

export type NetworkConfigName = 'uniform' | 'assemblies';
export type MeanSd = { mean: number; sd: number };

export interface NetworkStatsRef extends ReferenceHeader {
  params: {
    neuron: {
      C_pF: number;
      gL_nS: number;
      EL_mV: number;
      Vreset_mV: number;
      Vth_mV: number;
      tref_ms: number;
      VE_mV: number;
      VI_mV: number;
      tauE_ms: number;
      tauI_ms: number;
      Ibg_pA: number;
    };
    dt_ms: number;
    N_E: number;
    N_I: number;
    M: number;
    groups: string;
    input_rate_Hz: number;
    c: number;
    shared_rate_Hz: number;
    private_rate_Hz: number;
    input_jump_nS: number;
    p: number;
    W: number;
    gbar_E_nS: number;
    gbar_I_nS: number;
    weight_jitter_sd: number;
    duration_s: number;
    discard_s: number;
    n_steps: number;
    /** [first, end) steps of the analysis window */
    analysis_steps: [number, number];
    seeds: number[];
    initial_state: string;
    autapses: boolean;
  };
  units: Record<string, string>;
  configs: Record<NetworkConfigName, NetworkConfig>;
  rng: string;
  measures: string;
  per_seed: Record<NetworkConfigName, NetworkSeedResult[]>;
  /** mean and sample sd (ddof 1) over seeds */
  summary: Record<NetworkConfigName, Record<keyof NetworkStats, MeanSd>>;
}

// ---------------------------------------------------------------------------------------------
// coba_bench.json: one COBA benchmark run (N 4000, 1 s)

export interface CobaBenchRef extends ReferenceHeader {
  N: number;
  p: number;
  duration_s: number;
  rate_E: number;
  rate_I: number;
  /** simulation loop only (clock_gettime around Network::run in the generated C++) */
  sim_wall_s: number;
  /** everything else: import, code generation, compilation, binary start-up */
  setup_wall_s: number;
  brian2: string;
  sim_cpu_s: number;
  compile_wall_s: number;
  binary_wall_s: number;
  n_synapses: number;
  weight_scale: number;
  seed: number;
  params: Record<string, number | string | boolean>;
  note: string;
}

// ---------------------------------------------------------------------------------------------
// cotuning_tuning.json: the tuning test (Fig 1f) after learning, per network

export interface TuningNetworkResult {
  /** index of the network (all draw from one Brian2 RNG stream: not a seed) */
  network: number;
  /** tuning_Hz[rep][group]: read-out rate while only that group is driven */
  tuning_Hz: number[][];
  tuning_mean_Hz: number[];
  /** the same with only the group's E cells driven and no read-out background current */
  tuning_E_nobg_Hz: number[][];
  tuning_E_nobg_mean_Hz: number[];
  r_tuning_E_nobg_wE: number;
  w_group_E: number[];
  w_group_I: number[];
  /** eq 1 on the E weights (population standard deviations) */
  D: number;
  /** eq 2: Pearson r of the group-mean E and I weights */
  B: number;
  /** Pearson r of the tuning rate (mean over repetitions) and the group-mean E weight */
  r_tuning_wE: number;
  rate_readout_learning_Hz: number;
  /** the read-out's mean conductances over the last conductance_window_s of learning */
  gE_mean_nS: number;
  gI_mean_nS: number;
  gI_over_gE: number;
  /** (g_E V_E + g_I V_I)/(g_E + g_I) of those means */
  input_reversal_mV: number;
}

export interface CotuningTuningRef extends ReferenceHeader {
  params: {
    c: number;
    learn_s: number;
    tuning_s: number;
    reps: number;
    tuning_private_fraction: number;
    readout_keeps_background: boolean;
    conductance_window_s: number;
    networks: number;
    seed: number;
    [k: string]: unknown;
  };
  rng: string;
  networks: TuningNetworkResult[];
}

// ---------------------------------------------------------------------------------------------

export interface ReferenceFiles {
  lif_trace: LifTraceRef;
  plasticity: PlasticityRef;
  stp_ppr: StpPprRef;
  network_stats: NetworkStatsRef;
  coba_bench: CobaBenchRef;
  cotuning_tuning: CotuningTuningRef;
}
export type ReferenceName = keyof ReferenceFiles;

/** Path of a reference file (in `dir`, default test/reference). */
export function referencePath(name: string, dir: string = REFERENCE_DIR): string {
  return join(dir, `${name}.json`);
}

/** Read and parse a reference file (from `dir`, default test/reference). */
export function loadReference<K extends ReferenceName>(
  name: K,
  dir: string = REFERENCE_DIR,
): ReferenceFiles[K] {
  const data = JSON.parse(readFileSync(referencePath(name, dir), 'utf8')) as ReferenceFiles[K];
  if (typeof data.generated_by !== 'string' || !data.generated_by.includes(`${name}.py`)) {
    throw new Error(`${referencePath(name, dir)}: not written by scripts/reference/${name}.py`);
  }
  return data;
}

export const loadLifTrace = (dir?: string): LifTraceRef => loadReference('lif_trace', dir);
export const loadPlasticity = (dir?: string): PlasticityRef => loadReference('plasticity', dir);
export const loadStpPpr = (dir?: string): StpPprRef => loadReference('stp_ppr', dir);
export const loadNetworkStats = (dir?: string): NetworkStatsRef =>
  loadReference('network_stats', dir);
export const loadCobaBench = (dir?: string): CobaBenchRef => loadReference('coba_bench', dir);
export const loadCotuningTuning = (dir?: string): CotuningTuningRef =>
  loadReference('cotuning_tuning', dir);
