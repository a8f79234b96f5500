/**
 * The `stp` lab: one Tsodyks–Markram synapse (Keijser & Sprekeler 2022 eqs 11–12; update order
 * in docs/spiking-engine.md) driven by a paired pulse, simulated by the spiking engine (a fixed
 * spike train onto a conductance LIF neuron), with the closed form beside it.
 */
import { compileNetwork } from '../../model/spiking/build';
import { CpuSpikingSim } from '../../engine/spiking/cpu/cpuSim';
import { GIANNAKAKIS_LIF, type NetworkSpec } from '../../model/spiking/types';

export interface StpConfig {
  U: number;
  F: number;
  tauU: number;
  tauR: number;
  /** inter-spike interval (ms) */
  isi: number;
  /** spikes in the train (2 = paired pulse) */
  nSpikes: number;
  dt: number;
}

/** Efficacies μ = u·R of each spike of a regular train, from the engine. */
export function simulateTrain(c: StpConfig): number[] {
  const isiSteps = Math.max(1, Math.round(c.isi / c.dt));
  const start = 10;
  const spikes = Array.from(
    { length: c.nSpikes },
    (_, m) => [0, start + m * isiSteps] as [number, number],
  );
  const spec: NetworkSpec = {
    dt: c.dt,
    populations: [{ name: 'post', n: 1, neuron: GIANNAKAKIS_LIF }],
    sources: [{ name: 'pre', kind: 'fixed', n: 1, spikes }],
    projections: [
      {
        name: 'syn',
        pre: 'pre',
        post: 'post',
        target: 'E',
        gbar: 1,
        conn: { kind: 'all' },
        weight: { kind: 'const', w: 1 },
        stp: { U: c.U, F: c.F, tauU: c.tauU, tauR: c.tauR },
      },
    ],
  };
  const sim = new CpuSpikingSim(compileNetwork(spec, 1));
  const mu = sim.proj[0].mu as Float32Array;
  const out: number[] = [];
  sim.run(start + 1);
  out.push(mu[0]);
  for (let m = 1; m < c.nSpikes; m++) {
    sim.run(isiSteps);
    out.push(mu[0]);
  }
  return out;
}

/** The closed form of the same update order, in float64 (the isi on the dt grid). */
export function closedFormTrain(c: StpConfig): number[] {
  const isi = Math.max(1, Math.round(c.isi / c.dt)) * c.dt;
  let u = c.U;
  let R = 1;
  const out: number[] = [];
  for (let m = 0; m < c.nSpikes; m++) {
    if (m > 0) {
      u = c.U + (u - c.U) * Math.exp(-isi / c.tauU);
      R = 1 + (R - 1) * Math.exp(-isi / c.tauR);
    }
    u = u + (1 - u) * c.F;
    const mu = u * R;
    R -= mu;
    out.push(mu);
  }
  return out;
}
