/**
 * The Backend interface: every backend (CPU reference, WebGPU) runs the same named step
 * schedule on the same data layout (src/model/rateNetwork.ts):
 *
 *   beginTrial → runSteps (inputs → noise → Euler update → clip → window sum → monitors
 *   [→ online plasticity]) … → endTrial (trial mean → running average → trial plasticity)
 *
 * Commands are queued; `read` flushes and returns a snapshot. On the CPU they execute at once.
 */
import type { PlasticityConfig, RateNetworkConfig, TrialProtocol } from '../model/rateNetwork';

export type BackendKind = 'cpu' | 'webgpu';

export interface RateReadout {
  /** rates [B·N] at the end of the last step run */
  rates: Float32Array;
  /** AR(1) noise state [B·N] (needed to resume a run exactly) */
  eta: Float32Array;
  /** running trial averages (sensors in online mode) [B·N] */
  avg: Float32Array;
  /** mean over the last completed trial's activity window [B·N] */
  trialMean: Float32Array;
  /** weights [B·N·N] */
  weights: Float32Array;
  /** monitor samples of the current trial: [sample][network < monitorCount][channel], channels
   *  MONITOR_CHANNELS (E, I, excOntoE, inhOntoE, excOntoI, inhOntoI) */
  monitor: Float32Array;
  /** number of valid samples in `monitor` */
  samples: number;
}

export interface RateSimulation {
  readonly config: RateNetworkConfig;
  readonly protocol: TrialProtocol;
  /** Start trial `trial` (0-based): zero the window sums, reset rates if the protocol says so. */
  beginTrial(trial: number): void;
  /** Run trial-relative steps [from, to) of the current trial. */
  runSteps(from: number, to: number): void;
  /** End the trial: window mean → running average → one plasticity update (trial mode). */
  endTrial(): void;
  /** Flush queued work and read the state back. */
  read(): Promise<RateReadout>;
  /** Replace all weights (e.g. clamp or scale a class between trials). */
  setWeights(w: Float32Array): void;
  setPlasticity(p: PlasticityConfig): void;
  /**
   * Overwrite parts of the state (between trials): used to resume a run on a fresh backend
   * after a lost GPU device, from the last readback.
   */
  restore(
    s: Partial<{
      rates: Float32Array;
      eta: Float32Array;
      avg: Float32Array;
      weights: Float32Array;
    }>,
  ): void;
  setProtocol(p: TrialProtocol): void;
  dispose(): void;
}

export interface Backend {
  readonly kind: BackendKind;
  /** Human-readable description, e.g. the GPU adapter, or "CPU (reason WebGPU is unavailable)" */
  readonly label: string;
  createRateSimulation(config: RateNetworkConfig, protocol: TrialProtocol): RateSimulation;
  dispose(): void;
}

/** Raised for a configuration a backend cannot run (e.g. above the GPU's limits): clear text. */
export class BackendLimitError extends Error {
  override readonly name = 'BackendLimitError';
}
