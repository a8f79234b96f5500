/**
 * The co-tuning network of Giannakakis et al. 2023 (Methods IV A–B; details from the authors'
 * Brian2 code, MGiannakakis/Network_Assemblies_and_STDP), as a NetworkSpec:
 *
 *   - N presynaptic conductance LIF neurons (80% E, 20% I) in M input groups: group g holds E
 *     neurons [g·nE/M, (g+1)·nE/M) and I neurons nE + [g·nI/M, (g+1)·nI/M);
 *   - input (eq 7): each neuron gets its group's shared Poisson "signal" at (1 − c)·ν and a
 *     private Poisson "noise" at c·ν (ν = 50 Hz), each spike a 4.9 nS jump (35 × 0.14);
 *   - recurrent connections (optional) with probability p for all four pathways, weights from
 *     the assembly parameterisation (eq 4) × (1 + 0.1·N(0,1)); E spikes add 0.14·w nS to g_E,
 *     I spikes 0.7·w nS to g_I (the code's gBarIn·i_s = 0.35·2);
 *   - one read-out neuron (200 pA background) receiving all E inputs through triplet STDP
 *     (eqs 8–9, jump 0.14·w) and all I inputs through Vogels iSTDP (eqs 10–11, jump 0.35·w),
 *     both with competitive normalisation (eq 12), initial weights 0.1.
 */
import {
  GIANNAKAKIS_LIF,
  type NetworkSpec,
  type PopulationSpec,
  type ProjectionSpec,
} from '../../model/spiking/types';

export type Pathway = 'EE' | 'EI' | 'IE' | 'II';

export interface CotuningConfig {
  N: number;
  /** number of input groups */
  M: number;
  /** noise fraction c: private share of each neuron's input spikes */
  noise: number;
  /** total input rate per neuron (Hz) */
  inputRate: number;
  /** recurrent connections between presynaptic neurons */
  recurrent: boolean;
  /** mean recurrent weight W (coupling) */
  W: number;
  /** connection probability of every recurrent pathway */
  p: number;
  /** in/out-group weight ratios R = w_in/w_out per pathway (pre→post: EI is E→I) */
  R: Record<Pathway, number>;
  /** the plastic read-out neuron */
  readout: boolean;
  plasticityE: 'triplet' | 'pair';
  etaE: number;
  etaI: number;
  etaN: number;
  rho0: number;
  /** target mean read-out weights (eq 12); the summed targets are nE·wTargetE and 2.5·nI·wTargetI */
  wTargetE: number;
  wTargetI: number;
  /** initial V of the presynaptic neurons: 'code' = 0 mV as in the authors' code (V is never
   *  set there, so every neuron fires in the first step and each group starts in lock-step);
   *  'uniform' = uniform in [V_reset, V_th] */
  vInit: 'code' | 'uniform';
  dt: number;
}

export const DEFAULT_COTUNING: CotuningConfig = {
  N: 1000,
  M: 8,
  noise: 0.01,
  inputRate: 50,
  recurrent: false,
  W: 1,
  p: 0.95,
  R: { EE: 1, EI: 1, IE: 1, II: 1 },
  readout: true,
  plasticityE: 'triplet',
  etaE: 2.5e-3,
  etaI: 1e-2,
  etaN: 3e-3,
  rho0: 3,
  wTargetE: 5,
  wTargetI: 5,
  vInit: 'code',
  dt: 0.1,
};

/** Input-group sizes and labels. */
export function groupLayout(cfg: Pick<CotuningConfig, 'N' | 'M'>) {
  const nE = Math.round(cfg.N * 0.8);
  const nI = cfg.N - nE;
  if (nE % cfg.M !== 0 || nI % cfg.M !== 0)
    throw new Error(
      `N = ${cfg.N} gives ${nE} E and ${nI} I neurons, which do not split into ${cfg.M} equal groups`,
    );
  const groupE = Array.from({ length: nE }, (_, i) => Math.floor(i / (nE / cfg.M)));
  const groupI = Array.from({ length: nI }, (_, i) => Math.floor(i / (nI / cfg.M)));
  return { nE, nI, groupE, groupI };
}

/**
 * Eq 4 (the code's get_con_params): for a ratio R = w_in/w_out at mean weight W over the M
 * groups, r = R/(M − 1), d = (M − 1)(r + 1), w_in = r(M − 1)M·W/d, w_out = M·W/d.
 * Then w_in + (M − 1)·w_out = M·W, and R = 1 gives w_in = w_out = W.
 */
export function assemblyWeights(R: number, W: number, M: number): { wIn: number; wOut: number } {
  const r = R / (M - 1);
  const d = (M - 1) * (r + 1);
  return { wIn: (r * (M - 1) * M * W) / d, wOut: (M * W) / d };
}

/** The paper's assembly strength r_ab = w_in/(w_in + (M − 1)w_out) = R/(R + M − 1). */
export function assemblyStrength(R: number, M: number): number {
  return R / (R + M - 1);
}

export const SIGNAL_JUMP = 4.9;
export const GBAR_E = 0.14;
export const GBAR_I_REC = 0.7;
export const GBAR_I_READOUT = 0.35;

export function cotuningSpec(cfg: CotuningConfig): NetworkSpec {
  const { nE, nI, groupE, groupI } = groupLayout(cfg);
  const init =
    cfg.vInit === 'code'
      ? { v: { kind: 'const' as const, value: 0 } }
      : { v: { kind: 'uniform' as const, lo: GIANNAKAKIS_LIF.Vreset, hi: GIANNAKAKIS_LIF.Vth } };
  const populations: PopulationSpec[] = [
    { name: 'E', n: nE, neuron: GIANNAKAKIS_LIF, init },
    { name: 'I', n: nI, neuron: GIANNAKAKIS_LIF, init },
  ];
  if (cfg.readout)
    populations.push({ name: 'readout', n: 1, neuron: { ...GIANNAKAKIS_LIF, Ibg: 200 } });
  const sources: NetworkSpec['sources'] = [
    { name: 'signal', kind: 'poisson', n: cfg.M, rate: (1 - cfg.noise) * cfg.inputRate },
    { name: 'noiseE', kind: 'poisson', n: nE, rate: cfg.noise * cfg.inputRate },
    { name: 'noiseI', kind: 'poisson', n: nI, rate: cfg.noise * cfg.inputRate },
  ];
  const input = (name: string, post: 'E' | 'I', preOf: number[]): ProjectionSpec => ({
    name,
    pre: 'signal',
    post,
    target: 'E',
    gbar: SIGNAL_JUMP,
    conn: { kind: 'map', preOf },
    weight: { kind: 'const', w: 1 },
  });
  const projections: ProjectionSpec[] = [
    input('signal→E', 'E', groupE),
    input('signal→I', 'I', groupI),
    {
      name: 'noise→E',
      pre: 'noiseE',
      post: 'E',
      target: 'E',
      gbar: SIGNAL_JUMP,
      conn: { kind: 'one-to-one' },
      weight: { kind: 'const', w: 1 },
    },
    {
      name: 'noise→I',
      pre: 'noiseI',
      post: 'I',
      target: 'E',
      gbar: SIGNAL_JUMP,
      conn: { kind: 'one-to-one' },
      weight: { kind: 'const', w: 1 },
    },
  ];
  if (cfg.recurrent && cfg.W > 0 && cfg.p > 0) {
    const groups = { E: groupE, I: groupI };
    for (const path of ['EE', 'EI', 'IE', 'II'] as const) {
      const pre = path[0] as 'E' | 'I';
      const post = path[1] as 'E' | 'I';
      const { wIn, wOut } = assemblyWeights(cfg.R[path], cfg.W, cfg.M);
      projections.push({
        name: `${pre}→${post}`,
        pre,
        post,
        target: pre,
        gbar: pre === 'E' ? GBAR_E : GBAR_I_REC,
        conn: { kind: 'random', p: cfg.p },
        weight: {
          kind: 'groups',
          preGroup: groups[pre],
          postGroup: groups[post],
          wIn,
          wOut,
          jitter: 0.1,
        },
      });
    }
  }
  if (cfg.readout) {
    const plasticE =
      cfg.plasticityE === 'triplet'
        ? ({
            rule: 'triplet',
            eta: cfg.etaE,
            aLTP: 1,
            aLTD: 0.1,
            tau1: 10,
            tau2: 50,
            wMin: 0.001,
            wMax: 100,
          } as const)
        : ({
            rule: 'pair',
            eta: cfg.etaE,
            aLTP: 1,
            aLTD: 1.05,
            tauPlus: 16.8,
            tauMinus: 33.7,
            wMin: 0.001,
            wMax: 100,
          } as const);
    projections.push(
      {
        name: 'E→readout',
        pre: 'E',
        post: 'readout',
        target: 'E',
        gbar: GBAR_E,
        conn: { kind: 'all' },
        weight: { kind: 'const', w: 0.1 },
        plasticity: plasticE,
        norm: { kind: 'competitive', etaN: cfg.etaN, target: nE * cfg.wTargetE },
      },
      {
        name: 'I→readout',
        pre: 'I',
        post: 'readout',
        target: 'I',
        gbar: GBAR_I_READOUT,
        conn: { kind: 'all' },
        weight: { kind: 'const', w: 0.1 },
        plasticity: {
          rule: 'vogels',
          eta: cfg.etaI,
          tau: 10,
          rho0: cfg.rho0,
          wMin: 0.001,
          wMax: 100,
        },
        // the code's c_i·NI·w_target with c_i = gBarIn/gBarEx = 2.5
        norm: { kind: 'competitive', etaN: cfg.etaN, target: 2.5 * nI * cfg.wTargetI },
      },
    );
  }
  return { dt: cfg.dt, populations, sources, projections };
}
