/**
 * Batched threshold-linear (Wilson–Cowan) rate networks: the data model shared by every
 * backend. Pure TypeScript; imports nothing from the UI or the GPU.
 *
 * Layout (identical on CPU and GPU):
 *  - B independent networks ("batch"), each with N = nE + nI units; unit u < nE is excitatory.
 *  - rates, eta (noise), avg (running trial average), sum (trial-window accumulator): [B·N].
 *  - W: [B·N·N], W[b][post][pre], magnitudes ≥ 0. The sign comes from the presynaptic type:
 *    input_i = Σ_{j∈E} W_ij r_j − Σ_{j∈I} W_ij r_j  (Soldado-Magraner et al. 2022, eqs 1–2;
 *    W_XY is the weight from Y onto X, so W_EI is I→E).
 *  - With `selfConnections` false (multi-unit model) the diagonal stays 0 (no autapses).
 *    The two-population model (nE = nI = 1) needs it true: W_EE is E onto itself.
 */

export type RuleFamily = 'homeostatic' | 'cross' | 'two-term' | 'none';
export type WeightClass = 'EE' | 'EI' | 'IE' | 'II';
export const WEIGHT_CLASSES: readonly WeightClass[] = ['EE', 'EI', 'IE', 'II'];

export interface UnitParams {
  /** time constant (ms) */
  tau: number;
  /** threshold θ of f(x) = g·max(0, x − θ) (eq 3) */
  theta: number;
  /** gain g (eq 3) */
  gain: number;
  /** upper clip of the rate after each Euler step */
  maxRate: number;
  /** homeostatic set point (E_set or I_set) */
  setpoint: number;
  /** learning rate α of weights onto this population (α_E onto E, α_I onto I) */
  alpha: number;
}

export interface PlasticityConfig {
  rule: RuleFamily;
  /** 'trial': one update per trial from trial-averaged rates; 'online': every step (Fig S4) */
  mode: 'trial' | 'online';
  /** which classes learn (a knocked-out or clamped class is false) */
  plastic: Record<WeightClass, boolean>;
  /** total floor per class; each synapse is floored at floor / (number of presynaptic partners) */
  floorTotal: number;
  /** running average Avg ← Avg + avgRate·(trialMean − Avg) (spec: 1/2) */
  avgRate: number;
  /** rectification floor of the averaged rates the rules use: max(rectify, Avg) (spec: 1) */
  rectify: number;
  /** online mode: time constant (ms) of the activity sensors */
  sensorTauMs: number;
}

/** A rectangular input pulse applied within every trial (trial-relative steps, [start, end)). */
export interface Pulse {
  target: 'E' | 'I';
  startStep: number;
  endStep: number;
  amplitude: number;
  /** 'add': add amplitude to the input; 'silence': force the population's rate to 0 */
  mode: 'add' | 'silence';
}

export const MAX_PULSES = 4;

export interface TrialProtocol {
  stepsPerTrial: number;
  /** first trial-relative step of the activity window (the window runs to the trial's end) */
  windowStart: number;
  /** constant external input to every E and every I unit */
  driveE: number;
  driveI: number;
  pulses: Pulse[];
  /** reset rates to 0 at the start of every trial (trial mode) */
  resetRates: boolean;
  /** online mode: Poisson kicks (Fig S4): rate (Hz), amplitude, duration in steps; 0 rate = none */
  poissonKickHz: number;
  poissonKickAmp: number;
  poissonKickSteps: number;
  /** record monitors every this many steps (≥ 1) */
  recordEvery: number;
  /** record monitors for networks [0, monitorCount) */
  monitorCount: number;
}

export interface RateNetworkConfig {
  batch: number;
  nE: number;
  nI: number;
  selfConnections: boolean;
  dtMs: number;
  E: UnitParams;
  I: UnitParams;
  /** AR(1) noise η ← η + noiseDecay·(0 − η) + noiseStd·ξ, ξ ~ N(0,1) (OU with θ = 1/ms, σ). */
  noiseDecay: number;
  noiseStd: number;
  seed: number;
  plasticity: PlasticityConfig;
  /** initial weights [B·N·N] (magnitudes) */
  weights: Float32Array;
}

/** Monitor channels recorded per sample and per monitored network. */
/** mean rates, and mean excitatory / inhibitory recurrent input onto E and onto I units */
export const MONITOR_CHANNELS = ['E', 'I', 'excOntoE', 'inhOntoE', 'excOntoI', 'inhOntoI'] as const;
export const N_MONITOR = MONITOR_CHANNELS.length;

export function unitsPerNetwork(c: Pick<RateNetworkConfig, 'nE' | 'nI'>): number {
  return c.nE + c.nI;
}

export function samplesPerTrial(p: TrialProtocol): number {
  return Math.ceil(p.stepsPerTrial / p.recordEvery);
}

/** Per-synapse floor of class (post, pre): floorTotal / number of presynaptic partners. */
export function synapseFloor(c: RateNetworkConfig, postIsE: boolean, preIsE: boolean): number {
  const nPre = preIsE ? c.nE : c.nI;
  const self = !c.selfConnections && postIsE === preIsE ? 1 : 0;
  return c.plasticity.floorTotal / Math.max(1, nPre - self);
}

export function classOf(postIsE: boolean, preIsE: boolean): WeightClass {
  return postIsE ? (preIsE ? 'EE' : 'EI') : preIsE ? 'IE' : 'II';
}

/** Mean weight of each class in network b (over existing synapses). */
export function classMeans(
  c: Pick<RateNetworkConfig, 'nE' | 'nI' | 'selfConnections'>,
  w: Float32Array,
  b: number,
): Record<WeightClass, number> {
  const N = c.nE + c.nI;
  const sum = { EE: 0, EI: 0, IE: 0, II: 0 };
  const cnt = { EE: 0, EI: 0, IE: 0, II: 0 };
  const base = b * N * N;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      if (i === j && !c.selfConnections) continue;
      const k = classOf(i < c.nE, j < c.nE);
      sum[k] += w[base + i * N + j];
      cnt[k]++;
    }
  }
  return {
    EE: sum.EE / Math.max(1, cnt.EE),
    EI: sum.EI / Math.max(1, cnt.EI),
    IE: sum.IE / Math.max(1, cnt.IE),
    II: sum.II / Math.max(1, cnt.II),
  };
}

/**
 * Pulse windows follow the authors' MATLAB code, where sample t (1-based) is the state after
 * step t, i.e. at time t·dt, and `evoked(On:On+Dur) = Amp` is inclusive: onset t0 and
 * duration d give the 0-based steps round(t0/dt) − 1 … round((t0+d)/dt) − 1
 * (250 ms + 10 ms at dt 0.1 ms → steps 2499…2599, 101 steps). Returns [start, end).
 */
export function pulseSteps(onsetMs: number, durationMs: number, dtMs: number): [number, number] {
  const start = Math.max(0, Math.round(onsetMs / dtMs) - 1);
  return [start, Math.max(start, Math.round((onsetMs + durationMs) / dtMs))];
}

/**
 * First step of the activity window: the authors average `fCa(end-0.5/dt:end)`, i.e. the
 * last round(window/dt) + 1 samples (5001 for 0.5 s at dt 0.1 ms).
 */
export function windowStartStep(stepsPerTrial: number, windowMs: number, dtMs: number): number {
  return Math.max(0, stepsPerTrial - Math.round(windowMs / dtMs) - 1);
}
