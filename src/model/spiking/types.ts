/**
 * Spiking network description: populations of conductance-based LIF neurons, spike sources
 * (Poisson trains, fixed spike times) and projections with their own connectivity, weights,
 * short-term plasticity and long-term plasticity. Pure data: `build.ts` turns it into the flat
 * arrays every backend runs (docs/spiking-engine.md is the contract of the dynamics).
 *
 * Units: ms, mV, nS, pF, pA, Hz. Weights are dimensionless; a spike adds ḡ·w (nS).
 */

/** Conductance-based LIF (Giannakakis et al. 2023 eqs 5–6; Brette et al. 2007). */
export interface LifParams {
  /** membrane capacitance (pF) */
  C: number;
  /** leak conductance (nS) */
  gL: number;
  /** leak reversal (mV) */
  EL: number;
  /** reset potential (mV) */
  Vreset: number;
  /** threshold (mV); a spike when V > Vth */
  Vth: number;
  /** absolute refractory period (ms), V held at Vreset */
  tRef: number;
  /** excitatory reversal (mV) */
  VE: number;
  /** inhibitory reversal (mV) */
  VI: number;
  /** excitatory conductance decay (ms) */
  tauE: number;
  /** inhibitory conductance decay (ms) */
  tauI: number;
  /** constant background current (pA) */
  Ibg: number;
}

/** Giannakakis et al. 2023, Methods IV A and Appendix D (also the authors' Brian2 code). */
export const GIANNAKAKIS_LIF: LifParams = {
  C: 200,
  gL: 10,
  EL: -60,
  Vreset: -60,
  Vth: -50,
  tRef: 5,
  VE: 0,
  VI: -80,
  tauE: 5,
  tauI: 10,
  Ibg: 0,
};

export type Dist =
  | { kind: 'const'; value: number }
  | { kind: 'uniform'; lo: number; hi: number }
  | { kind: 'normal'; mean: number; sd: number };

export interface PopulationSpec {
  name: string;
  n: number;
  neuron: LifParams;
  /** initial state (default V = EL, g = 0); drawn from the network seed */
  init?: { v?: Dist; gE?: Dist; gI?: Dist };
}

export type SourceSpec =
  | {
      name: string;
      kind: 'poisson';
      n: number;
      /** rate (Hz): one for all trains or one per train; the protocol can change it mid-run */
      rate: number | readonly number[];
    }
  | {
      name: string;
      kind: 'fixed';
      n: number;
      /** spikes as [train, step] pairs (any order) */
      spikes: ReadonlyArray<readonly [number, number]>;
    };

/** Which pre entities connect to which post entities (indices local to the two groups). */
export type ConnSpec =
  | { kind: 'all' }
  | { kind: 'one-to-one' }
  /** each post entity receives from the pre entity preOf[post] (−1: none); e.g. a group's shared train */
  | { kind: 'map'; preOf: readonly number[] }
  /** every ordered pair with probability p; autapses excluded unless `autapses` (same group only) */
  | { kind: 'random'; p: number; autapses?: boolean }
  | { kind: 'pairs'; pairs: ReadonlyArray<readonly [number, number]> };

export type WeightSpec =
  | { kind: 'const'; w: number; jitter?: number }
  | { kind: 'uniform'; lo: number; hi: number }
  /** in/out-group structure (assemblies, eq 4): w_in when group(pre) = group(post), else w_out;
   *  every weight × (1 + jitter·N(0,1)) */
  | {
      kind: 'groups';
      preGroup: readonly number[];
      postGroup: readonly number[];
      wIn: number;
      wOut: number;
      jitter?: number;
    }
  /** one weight per synapse, in the order of `pairs` (only with conn.kind = 'pairs') */
  | { kind: 'list'; w: readonly number[] };

export type PlasticitySpec =
  | {
      rule: 'triplet';
      eta: number;
      aLTP: number;
      aLTD: number;
      /** fast trace (ms) */
      tau1: number;
      /** slow trace (ms) */
      tau2: number;
      wMin: number;
      wMax: number;
    }
  | {
      rule: 'pair';
      eta: number;
      aLTP: number;
      aLTD: number;
      /** pre trace (ms) */
      tauPlus: number;
      /** post trace (ms) */
      tauMinus: number;
      wMin: number;
      wMax: number;
    }
  | {
      rule: 'vogels';
      eta: number;
      /** trace time constant (ms) */
      tau: number;
      /** target rate (Hz); α = 2ρ₀τ */
      rho0: number;
      wMin: number;
      wMax: number;
    };

export type NormSpec =
  /** Giannakakis eq 12 after each update: w ← w(1 − η_N + η_N·T/Σw) */
  | { kind: 'competitive'; etaN: number; target: number }
  /** Giannakakis Appendix A: every `everySteps`, w ← w − (Σw − T)/n, then the clip */
  | { kind: 'subtractive'; target: number; everySteps: number };

/** Tsodyks–Markram short-term plasticity (Keijser & Sprekeler 2022 eqs 11–12). */
export interface StpSpec {
  U: number;
  F: number;
  tauU: number;
  tauR: number;
}

export interface ProjectionSpec {
  name: string;
  /** a population or source name */
  pre: string;
  /** a population name (or a source name, for plasticity tests: then nothing is delivered) */
  post: string;
  /** which conductance the spike increments */
  target: 'E' | 'I';
  /** conductance jump per unit weight (nS) */
  gbar: number;
  conn: ConnSpec;
  weight: WeightSpec;
  stp?: StpSpec;
  plasticity?: PlasticitySpec;
  norm?: NormSpec;
}

export interface NetworkSpec {
  /** time step (ms) */
  dt: number;
  populations: readonly PopulationSpec[];
  sources: readonly SourceSpec[];
  projections: readonly ProjectionSpec[];
}
