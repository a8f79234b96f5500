/**
 * ISN lab: parameters → batched rate-network configuration and trial protocol.
 * Model: Soldado-Magraner et al. 2022 (eqs 1–3, 6–8); spec: isn-soldado-magraner2022.md.
 */
import type { ParamValues } from '../../model/params';
import {
  classMeans,
  pulseSteps,
  windowStartStep,
  type Pulse,
  type RateNetworkConfig,
  type TrialProtocol,
  type WeightClass,
} from '../../model/rateNetwork';
import { CounterStream, STREAM } from '../../engine/rng/philox';
import { resolvedAlphas } from './params';

/** The authors' basin-of-attraction grid (spec: "100 random initial conditions"). */
export const START_GRID = {
  W_EE: [0.5, 5, 9.5],
  W_EI: [0.5, 2, 3.5],
  W_IE: [1, 10, 19],
  W_II: [1, 2, 3],
} as const;

export interface TwoPopWeights {
  EE: number;
  EI: number;
  IE: number;
  II: number;
}

/** Initial weights of every network in the batch (two-population model). */
export function startWeights(v: ParamValues, seed: number): TwoPopWeights[] {
  const single = { EE: Number(v.W_EE), EI: Number(v.W_EI), IE: Number(v.W_IE), II: Number(v.W_II) };
  if (v.starts === 'grid') {
    const out: TwoPopWeights[] = [];
    for (const EE of START_GRID.W_EE)
      for (const EI of START_GRID.W_EI)
        for (const IE of START_GRID.W_IE)
          for (const II of START_GRID.W_II) out.push({ EE, EI, IE, II });
    return out;
  }
  if (v.starts === 'random') {
    const rng = new CounterStream(seed, STREAM.multiStart);
    const u = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
    return Array.from({ length: Number(v.n_starts) }, () => ({
      EE: u(0.5, 9.5),
      EI: u(0.5, 3.5),
      IE: u(1, 19),
      II: u(1, 3),
    }));
  }
  return [single];
}

export interface IsnSetup {
  config: RateNetworkConfig;
  /** the trial protocol without the trial-ranged perturbation */
  baseProtocol: TrialProtocol;
  /** the protocol of trial t (same object for equal protocols, so changes are cheap to detect) */
  protocolFor: (t: number) => TrialProtocol;
  scale: { cls: WeightClass; factor: number; atTrial: number } | null;
  trials: number;
  /** initial weights of each network (two-pop) for display */
  starts: TwoPopWeights[];
}

export function buildIsn(
  v: ParamValues,
  seed: number,
  opts: { recordEvery?: number; monitorCount?: number } = {},
): IsnSetup {
  const multi = v.model === 'multi-unit';
  const nE = multi ? Number(v.N_E) : 1;
  const nI = multi ? Number(v.N_I) : 1;
  const N = nE + nI;
  const dt = Number(v.dt_ms);
  const { alphaE, alphaI } = resolvedAlphas(v);
  const starts = multi
    ? Array.from({ length: v.starts === 'random' ? Number(v.n_starts) : 1 }, () => ({
        EE: 0,
        EI: 0,
        IE: 0,
        II: 0,
      }))
    : startWeights(v, seed);
  const B = starts.length;
  const weights = new Float32Array(B * N * N);
  const floorTotal = Number(v.weight_floor);
  if (multi) {
    const mean = Number(v.w_init_mean);
    const sd = Number(v.w_init_sd);
    for (let b = 0; b < B; b++) {
      const rng = new CounterStream(seed, STREAM.initWeights, b);
      for (let i = 0; i < N; i++)
        for (let j = 0; j < N; j++) {
          const w = mean + sd * rng.normal();
          if (i === j) continue; // no autapses
          const nPre = Math.max(1, (j < nE ? nE : nI) - (i < nE === j < nE ? 1 : 0));
          weights[b * N * N + i * N + j] = Math.max(floorTotal / nPre, w);
        }
      starts[b] = classMeans({ nE, nI, selfConnections: false }, weights, b);
    }
  } else {
    starts.forEach((s, b) => weights.set([s.EE, s.EI, s.IE, s.II], b * 4));
  }
  const sigma = Number(v.noise_sigma);
  const config: RateNetworkConfig = {
    batch: B,
    nE,
    nI,
    selfConnections: !multi,
    dtMs: dt,
    E: {
      tau: Number(v.tau_E),
      theta: Number(v.theta_E),
      gain: Number(v.g_E),
      maxRate: Number(v.E_max),
      setpoint: Number(v.E_set),
      alpha: alphaE,
    },
    I: {
      tau: Number(v.tau_I),
      theta: Number(v.theta_I),
      gain: Number(v.g_I),
      maxRate: Number(v.I_max),
      setpoint: Number(v.I_set),
      alpha: alphaI,
    },
    // OU with θ = 1/ms (Methods): decay θ·dt; innovation σ·√(dt in s) (σ = 10 → 0.1 at dt = 0.1 ms)
    noiseDecay: Math.min(1, dt * 1.0),
    noiseStd: sigma * Math.sqrt(dt * 1e-3),
    seed,
    plasticity: {
      rule: v.rule as RateNetworkConfig['plasticity']['rule'],
      mode: v.plasticity_mode === 'online' ? 'online' : 'trial',
      plastic: { EE: !!v.plastic_EE, EI: !!v.plastic_EI, IE: !!v.plastic_IE, II: !!v.plastic_II },
      floorTotal,
      avgRate: 0.5,
      rectify: 1,
      sensorTauMs: 1000,
    },
    weights,
  };
  const stepsPerTrial = Math.round(Number(v.trial_ms) / dt);
  const windowStart = windowStartStep(stepsPerTrial, Number(v.window_ms), dt);
  const pulses: Pulse[] = [];
  const online = config.plasticity.mode === 'online';
  // The kick starts the Up state (spec: amplitude 7 at 250 ms for 10 ms = 101 steps). In the
  // online variant (Fig S4) the simulation runs on without resets: one kick at 0.2 s of the
  // first block, later ones are Poisson at 0.1 Hz.
  const kick: Pulse | null =
    Number(v.kick_amp) !== 0
      ? (() => {
          const [a, b] = pulseSteps(online ? 200 : Number(v.kick_onset_ms), Number(v.kick_ms), dt);
          return {
            target: 'E',
            startStep: a,
            endStep: b,
            amplitude: Number(v.kick_amp),
            mode: 'add',
          } as Pulse;
        })()
      : null;
  if (kick && !online) pulses.push(kick);
  if (Number(v.I_opto) !== 0) {
    const [a, b] = pulseSteps(Number(v.opto_onset_ms), Number(v.opto_duration_ms), dt);
    pulses.push({
      target: 'I',
      startStep: a,
      endStep: b,
      amplitude: Number(v.I_opto),
      mode: 'add',
    });
  }
  const recordEvery = opts.recordEvery ?? Math.max(1, Math.round(stepsPerTrial / 2000));
  const baseProtocol: TrialProtocol = {
    stepsPerTrial,
    windowStart,
    driveE: Number(v.E_drive),
    driveI: 0,
    pulses,
    resetRates: !online,
    poissonKickHz: online ? 0.1 : 0,
    poissonKickAmp: Number(v.kick_amp),
    poissonKickSteps: Math.round(Number(v.kick_ms) / dt) + 1,
    recordEvery,
    monitorCount: Math.min(B, opts.monitorCount ?? 1),
  };
  const pert: Pulse | null =
    v.pert_target !== 'none'
      ? (() => {
          const [a, b] = pulseSteps(Number(v.pert_onset_ms), Number(v.pert_duration_ms), dt);
          return {
            target: v.pert_target as 'E' | 'I',
            startStep: a,
            endStep: b,
            amplitude: Number(v.pert_amp),
            mode: v.pert_mode === 'silence' ? 'silence' : 'add',
          } as Pulse;
        })()
      : null;
  const pertFrom = Number(v.pert_from_trial);
  const pertTo = Number(v.pert_to_trial);
  const cache = new Map<string, TrialProtocol>();
  /** The protocol of trial t: base pulses, the online first kick, the trial-ranged perturbation. */
  const protocolFor = (t: number): TrialProtocol => {
    const first = online && t === 0 && kick !== null;
    const withPert = pert !== null && t >= pertFrom && t < pertTo;
    const key = `${first}|${withPert}`;
    let p = cache.get(key);
    if (!p) {
      const extra = [...(first ? [kick!] : []), ...(withPert ? [pert!] : [])];
      p = extra.length ? { ...baseProtocol, pulses: [...pulses, ...extra] } : baseProtocol;
      cache.set(key, p);
    }
    return p;
  };
  return {
    config,
    baseProtocol,
    protocolFor,
    scale:
      v.scale_class === 'none'
        ? null
        : {
            cls: v.scale_class as WeightClass,
            factor: Number(v.scale_factor),
            atTrial: Number(v.scale_at_trial),
          },
    trials: Number(v.trials),
    starts,
  };
}
