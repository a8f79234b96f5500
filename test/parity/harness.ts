/**
 * Shared set-up of the GPU-vs-CPU parity tests: a WebGPU backend from Dawn (SwiftShader in
 * CI; failing to get one fails the tests, it never skips them), small seeded configurations,
 * a runner that drives both backends through the same command sequence, and error measures.
 */
import { expect } from 'vitest';
import { CpuBackend } from '../../src/engine/cpu/cpuBackend';
import type { RateReadout, RateSimulation } from '../../src/engine/backend';
import { CounterStream } from '../../src/engine/rng/philox';
import type {
  Pulse,
  RateNetworkConfig,
  TrialProtocol,
  PlasticityConfig,
} from '../../src/model/rateNetwork';
import { nodeGpu } from '../../src/engine/webgpu/node';
import { createWebGpuBackend, type WebGpuBackend } from '../../src/engine/webgpu/webgpuBackend';
import type { RateProgramOptions } from '../../src/engine/webgpu/rateProgram';

export interface GpuHandle {
  backend: WebGpuBackend;
  /** uncaptured GPU errors seen so far (must stay empty) */
  errors: string[];
}

export async function acquireGpu(): Promise<GpuHandle> {
  const errors: string[] = [];
  const backend = await createWebGpuBackend(await nodeGpu(), { onGpuError: (m) => errors.push(m) });
  return { backend, errors };
}

export const cpu = new CpuBackend();

const plasticAll = { EE: true, EI: true, IE: true, II: true };

export function plasticity(
  rule: PlasticityConfig['rule'],
  extra: Partial<PlasticityConfig> = {},
): PlasticityConfig {
  return {
    rule,
    mode: 'trial',
    plastic: { ...plasticAll },
    floorTotal: 0.1,
    avgRate: 0.5,
    rectify: 1,
    sensorTauMs: 1000,
    ...extra,
  };
}

/** The paper's two-population network (Soldado-Magraner et al. 2022, Methods), B copies with
 *  weights spread around the reference point (seeded). */
export function twoPopConfig(
  B: number,
  seed: number,
  over: Partial<RateNetworkConfig> = {},
): RateNetworkConfig {
  const rng = new CounterStream(seed, 99);
  const weights = new Float32Array(B * 4);
  for (let b = 0; b < B; b++) {
    const u = () => 0.75 + 0.5 * rng.uniform();
    weights.set([2.1 * u(), 3 * u(), 4 * u(), 1.5 * u()], b * 4);
  }
  return {
    batch: B,
    nE: 1,
    nI: 1,
    selfConnections: true,
    dtMs: 0.1,
    E: { tau: 10, theta: 4.8, gain: 1, maxRate: 100, setpoint: 5, alpha: 5e-4 },
    I: { tau: 2, theta: 25, gain: 4, maxRate: 250, setpoint: 14, alpha: 5e-4 },
    noiseDecay: 0.1,
    noiseStd: 0.1,
    seed,
    plasticity: plasticity('cross'),
    weights,
    ...over,
  };
}

/** A multi-unit network without autapses (multi-unit model of the paper's SI). */
export function multiConfig(
  B: number,
  nE: number,
  nI: number,
  seed: number,
  over: Partial<RateNetworkConfig> = {},
): RateNetworkConfig {
  const N = nE + nI;
  const rng = new CounterStream(seed, 98);
  const weights = new Float32Array(B * N * N);
  // class totals as in the two-population network, spread ±50% over the synapses
  for (let b = 0; b < B; b++)
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) {
        if (i === j) continue;
        const partners = Math.max(1, (j < nE ? nE : nI) - (i < nE === j < nE ? 1 : 0));
        const mean = (i < nE ? (j < nE ? 2.1 : 3) : j < nE ? 4 : 1.5) / partners;
        weights[b * N * N + i * N + j] = mean * (0.5 + rng.uniform());
      }
  return {
    ...twoPopConfig(1, seed),
    batch: B,
    nE,
    nI,
    selfConnections: false,
    weights,
    plasticity: plasticity('two-term'),
    ...over,
  };
}

export function protocol(over: Partial<TrialProtocol> = {}): TrialProtocol {
  const pulses: Pulse[] = [
    { target: 'E', startStep: 249, endStep: 350, amplitude: 7, mode: 'add' },
  ];
  return {
    stepsPerTrial: 2000,
    windowStart: 1499,
    driveE: 0,
    driveI: 0,
    pulses,
    resetRates: true,
    poissonKickHz: 0,
    poissonKickAmp: 7,
    poissonKickSteps: 101,
    recordEvery: 7,
    monitorCount: 3,
    ...over,
  };
}

/** One trial of a schedule: the chunk boundaries of runSteps (must end at stepsPerTrial). */
export interface TrialPlan {
  cuts: number[];
  /** protocol for this trial (setProtocol before beginTrial when it changes) */
  protocol?: TrialProtocol;
}

export function chunks(steps: number, cuts: number[]): [number, number][] {
  const pts = [0, ...cuts.filter((c) => c > 0 && c < steps), steps];
  return pts.slice(1).map((t, i) => [pts[i], t]);
}

/** Drive a simulation through trials `first … first+plans.length−1`. */
export function drive(sim: RateSimulation, plans: TrialPlan[], first = 0, endTrial = true): void {
  plans.forEach((plan, k) => {
    if (plan.protocol && plan.protocol !== sim.protocol) sim.setProtocol(plan.protocol);
    sim.beginTrial(first + k);
    for (const [a, b] of chunks(sim.protocol.stepsPerTrial, plan.cuts)) sim.runSteps(a, b);
    if (endTrial) sim.endTrial();
  });
}

export interface Pair {
  cpu: RateReadout;
  gpu: RateReadout;
}

export async function runBoth(
  gpu: GpuHandle,
  config: RateNetworkConfig,
  proto: TrialProtocol,
  plans: TrialPlan[],
  opts: RateProgramOptions = {},
  endTrial = true,
): Promise<Pair> {
  const c = cpu.createRateSimulation(config, proto);
  const g = gpu.backend.createRateSimulationWith(config, proto, opts);
  try {
    drive(c, plans, 0, endTrial);
    drive(g, plans, 0, endTrial);
    const out = { cpu: await c.read(), gpu: await g.read() };
    expect(gpu.errors).toEqual([]);
    return out;
  } finally {
    c.dispose();
    g.dispose();
  }
}

/**
 * Tolerance of a comparison: every element within |gpu − cpu| ≤ atol + rtol·|cpu| (loose),
 * and all but a fraction `maxOutside` of the elements within the tight bound
 * tightAtol + tightRtol·|cpu|. The two tiers reflect what float32 parity looks like in these
 * dynamics: nearly everything agrees to a few ulps, while the few samples taken during an
 * unstable transient (E ramping up before inhibition engages) amplify ulp-level differences.
 */
export interface Tolerance {
  atol: number;
  rtol: number;
  tightAtol: number;
  tightRtol: number;
  maxOutside: number;
}

/** Every element within 2e-4 + 1e-3·|cpu|; at least 99% within 1e-5 + 1e-4·|cpu|. */
export const TOL: Tolerance = {
  atol: 2e-4,
  rtol: 1e-3,
  tightAtol: 1e-5,
  tightRtol: 1e-4,
  maxOutside: 1e-2,
};

export interface Diff {
  maxAbs: number;
  /** max |a−b|/|b| over the elements with |b| ≥ 1e-3 (rates are in Hz: smaller is "off") */
  maxRel: number;
  /** max of |a−b| / (atol + rtol·|b|): ≤ 1 passes */
  worst: number;
  at: number;
  /** fraction of elements outside the tight bound */
  outside: number;
}

/** Element-wise comparison of a (GPU) against b (CPU). */
export function diff(a: Float32Array, b: Float32Array, tol: Tolerance): Diff {
  expect(a.length).toBe(b.length);
  let maxAbs = 0;
  let maxRel = 0;
  let worst = 0;
  let at = -1;
  let outside = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= Number.MAX_VALUE))
      return { maxAbs: Infinity, maxRel: Infinity, worst: Infinity, at: i, outside: 1 }; // NaN/Inf
    maxAbs = Math.max(maxAbs, d);
    if (Math.abs(b[i]) >= 1e-3) maxRel = Math.max(maxRel, d / Math.abs(b[i]));
    const w = d / (tol.atol + tol.rtol * Math.abs(b[i]));
    if (w > worst) {
      worst = w;
      at = i;
    }
    if (d > tol.tightAtol + tol.tightRtol * Math.abs(b[i])) outside++;
  }
  return { maxAbs, maxRel, worst, at, outside: a.length ? outside / a.length : 0 };
}

/** Assert closeness and return the measured difference (logged by the tests). */
export function expectClose(
  name: string,
  a: Float32Array,
  b: Float32Array,
  tol: Tolerance = TOL,
): Diff {
  const d = diff(a, b, tol);
  if (d.worst > 1)
    throw new Error(
      `${name}: GPU ${a[d.at]} vs CPU ${b[d.at]} at index ${d.at} (max abs ${d.maxAbs.toExponential(2)}, max rel ${d.maxRel.toExponential(2)}; tolerance ${tol.atol} + ${tol.rtol}·|cpu|)`,
    );
  if (d.outside > tol.maxOutside)
    throw new Error(
      `${name}: ${(d.outside * 100).toFixed(3)}% of the elements differ by more than ${tol.tightAtol} + ${tol.tightRtol}·|cpu| (allowed ${tol.maxOutside * 100}%)`,
    );
  return d;
}

/** All fields of a readout within tolerance (weights and monitor included). */
export function expectReadoutsClose(
  label: string,
  p: Pair,
  tol: Tolerance = TOL,
): Record<string, Diff> {
  const out: Record<string, Diff> = {};
  for (const k of ['rates', 'eta', 'avg', 'trialMean', 'weights', 'monitor'] as const)
    out[k] = expectClose(`${label} ${k}`, p.gpu[k], p.cpu[k], tol);
  expect(p.gpu.samples).toBe(p.cpu.samples);
  return out;
}

export function fmt(d: Record<string, Diff>): string {
  return Object.entries(d)
    .map(
      ([k, v]) =>
        `${k} abs ${v.maxAbs.toExponential(1)} rel ${v.maxRel.toExponential(1)} out ${(v.outside * 100).toFixed(2)}%`,
    )
    .join('; ');
}
