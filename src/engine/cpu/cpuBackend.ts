/**
 * The CPU reference backend: runs the rate kernels of rateKernels.ts synchronously.
 * It is the source of truth that the WebGPU backend is tested against.
 */
import type { Backend, RateReadout, RateSimulation } from '../backend';
import type { PlasticityConfig, RateNetworkConfig, TrialProtocol } from '../../model/rateNetwork';
import {
  createRateState,
  pairPathApplies,
  rateConsts,
  rateSteps,
  rateStepsPair,
  trialBegin,
  trialEnd,
  type RateState,
} from './rateKernels';

class CpuRateSimulation implements RateSimulation {
  private state: RateState;
  private consts;
  private trial = 0;
  private samples = 0;
  config: RateNetworkConfig;
  protocol: TrialProtocol;

  constructor(config: RateNetworkConfig, protocol: TrialProtocol) {
    this.config = { ...config };
    this.protocol = { ...protocol };
    this.state = createRateState(config, protocol);
    this.consts = rateConsts(config, protocol);
  }

  beginTrial(trial: number): void {
    this.trial = trial;
    this.samples = 0;
    trialBegin(this.protocol, this.state);
  }

  runSteps(from: number, to: number): void {
    const kernel = pairPathApplies(this.config, this.protocol) ? rateStepsPair : rateSteps;
    kernel(this.config, this.protocol, this.consts, this.state, this.trial, from, to);
    this.samples = Math.max(this.samples, Math.ceil(to / this.protocol.recordEvery));
  }

  endTrial(): void {
    trialEnd(this.config, this.protocol, this.consts, this.state);
  }

  async read(): Promise<RateReadout> {
    const s = this.state;
    return {
      rates: s.rates.slice(),
      eta: s.eta.slice(),
      avg: s.avg.slice(),
      trialMean: s.trialMean.slice(),
      weights: s.weights.slice(),
      monitor: s.monitor.slice(),
      samples: this.samples,
    };
  }

  setWeights(w: Float32Array): void {
    this.state.weights.set(w);
  }

  restore(
    r: Partial<{
      rates: Float32Array;
      eta: Float32Array;
      avg: Float32Array;
      weights: Float32Array;
    }>,
  ): void {
    if (r.rates) this.state.rates.set(r.rates);
    if (r.eta) this.state.eta.set(r.eta);
    if (r.avg) this.state.avg.set(r.avg);
    if (r.weights) this.state.weights.set(r.weights);
  }

  setPlasticity(p: PlasticityConfig): void {
    this.config = { ...this.config, plasticity: p };
    this.consts = rateConsts(this.config, this.protocol);
  }

  setProtocol(p: TrialProtocol): void {
    const resize =
      p.stepsPerTrial !== this.protocol.stepsPerTrial ||
      p.recordEvery !== this.protocol.recordEvery ||
      p.monitorCount !== this.protocol.monitorCount;
    this.protocol = { ...p };
    this.consts = rateConsts(this.config, this.protocol);
    if (resize) {
      const fresh = createRateState(this.config, this.protocol);
      this.state.monitor = fresh.monitor;
    }
  }

  dispose(): void {}
}

export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  constructor(readonly label = 'CPU (reference)') {}
  createRateSimulation(config: RateNetworkConfig, protocol: TrialProtocol): RateSimulation {
    return new CpuRateSimulation(config, protocol);
  }
  dispose(): void {}
}
