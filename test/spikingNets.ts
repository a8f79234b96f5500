/**
 * Small seeded spiking networks that exercise every part of the engine (recurrent E/I with
 * Poisson input, the co-tuning read-out with triplet/Vogels STDP and competitive
 * normalisation, pair STDP with subtractive normalisation, Tsodyks–Markram synapses with
 * fixed trains): the GPU parity test (test/parity/spiking.test.ts) and the WebAssembly parity
 * test (test/unit/lifWasm.test.ts) run them. Sizes are not multiples of 4 or of workgroup
 * sizes on purpose.
 */
import { GIANNAKAKIS_LIF, type NetworkSpec } from '../src/model/spiking/types';

export const lif = GIANNAKAKIS_LIF;
export const vInit = { v: { kind: 'uniform' as const, lo: -60, hi: -50 } };

/** 37 E + 11 I, random p = 0.3, 13 Poisson trains (the brief's recurrent test network). */
export function eiSpec(rate = 40): NetworkSpec {
  return {
    dt: 0.1,
    populations: [
      { name: 'E', n: 37, neuron: lif, init: vInit },
      { name: 'I', n: 11, neuron: { ...lif, tRef: 2 }, init: vInit },
    ],
    sources: [{ name: 'X', kind: 'poisson', n: 13, rate }],
    projections: [
      {
        name: 'XE',
        pre: 'X',
        post: 'E',
        target: 'E',
        gbar: 3,
        conn: { kind: 'random', p: 0.5 },
        weight: { kind: 'uniform', lo: 0.5, hi: 1.5 },
      },
      {
        name: 'XI',
        pre: 'X',
        post: 'I',
        target: 'E',
        gbar: 3,
        conn: { kind: 'random', p: 0.5 },
        weight: { kind: 'const', w: 1 },
      },
      {
        name: 'EE',
        pre: 'E',
        post: 'E',
        target: 'E',
        gbar: 1,
        conn: { kind: 'random', p: 0.3 },
        weight: { kind: 'const', w: 1, jitter: 0.2 },
      },
      {
        name: 'EI',
        pre: 'E',
        post: 'I',
        target: 'E',
        gbar: 1,
        conn: { kind: 'random', p: 0.3 },
        weight: { kind: 'const', w: 1 },
      },
      {
        name: 'IE',
        pre: 'I',
        post: 'E',
        target: 'I',
        gbar: 3,
        conn: { kind: 'random', p: 0.3 },
        weight: { kind: 'const', w: 1 },
      },
      {
        name: 'II',
        pre: 'I',
        post: 'I',
        target: 'I',
        gbar: 2,
        conn: { kind: 'random', p: 0.3 },
        weight: { kind: 'const', w: 1 },
      },
    ],
  };
}

/** A read-out of 3 neurons, 41 excitatory inputs with triplet STDP and competitive
 *  normalisation, 12 inhibitory inputs with the Vogels rule (the co-tuning read-out, small). */
export function readoutSpec(): NetworkSpec {
  return {
    dt: 0.1,
    populations: [{ name: 'R', n: 3, neuron: { ...lif, Ibg: 60 }, init: vInit }],
    sources: [
      { name: 'XE', kind: 'poisson', n: 41, rate: 25 },
      { name: 'XI', kind: 'poisson', n: 12, rate: 30 },
    ],
    projections: [
      {
        name: 'ER',
        pre: 'XE',
        post: 'R',
        target: 'E',
        gbar: 1.5,
        conn: { kind: 'all' },
        weight: { kind: 'uniform', lo: 0.3, hi: 1.7 },
        plasticity: {
          rule: 'triplet',
          eta: 0.3,
          aLTP: 6.5e-2,
          aLTD: 7.1e-2,
          tau1: 10,
          tau2: 50,
          wMin: 0,
          wMax: 4,
        },
        norm: { kind: 'competitive', etaN: 0.003, target: 41 },
      },
      {
        name: 'IR',
        pre: 'XI',
        post: 'R',
        target: 'I',
        gbar: 2,
        conn: { kind: 'all' },
        weight: { kind: 'const', w: 1, jitter: 0.3 },
        plasticity: { rule: 'vogels', eta: 0.05, tau: 10, rho0: 5, wMin: 0, wMax: 10 },
      },
    ],
  };
}

/** Pair STDP on recurrent E→E and on Poisson inputs with subtractive normalisation. */
export function pairSpec(): NetworkSpec {
  const pair = {
    rule: 'pair' as const,
    eta: 0.1,
    aLTP: 0.1,
    aLTD: 0.12,
    tauPlus: 16.8,
    tauMinus: 33.7,
    wMin: 0,
    wMax: 3,
  };
  return {
    dt: 0.1,
    populations: [{ name: 'E', n: 21, neuron: { ...lif, Ibg: 40 }, init: vInit }],
    sources: [{ name: 'X', kind: 'poisson', n: 29, rate: 20 }],
    projections: [
      {
        name: 'XE',
        pre: 'X',
        post: 'E',
        target: 'E',
        gbar: 2,
        conn: { kind: 'random', p: 0.4 },
        weight: { kind: 'uniform', lo: 0.5, hi: 1.5 },
        plasticity: pair,
        norm: { kind: 'subtractive', target: 11.3, everySteps: 250 },
      },
      {
        name: 'EE',
        pre: 'E',
        post: 'E',
        target: 'E',
        gbar: 1,
        conn: { kind: 'random', p: 0.3 },
        weight: { kind: 'const', w: 1, jitter: 0.3 },
        plasticity: { ...pair, eta: 0.05 },
      },
    ],
  };
}

/** Tsodyks–Markram synapses, U = 0.1 (facilitating) and U = 0.6 (depressing), from Poisson
 *  and fixed sources and between neurons; a fixed source with duplicates and spikes at
 *  step 0; a plastic projection whose post entities are a source (plasticity on given
 *  trains, nothing delivered). */
export function stpSpec(): NetworkSpec {
  const fixed: [number, number][] = [];
  for (let k = 0; k < 3000; k += 37) fixed.push([k % 5, k], [(k + 2) % 5, k + 3]);
  fixed.push([0, 0], [0, 0], [4, 0], [3, 77], [3, 77], [1, 2999]);
  return {
    dt: 0.1,
    populations: [{ name: 'P', n: 9, neuron: { ...lif, Ibg: 50 }, init: vInit }],
    sources: [
      { name: 'X', kind: 'poisson', n: 17, rate: [...Array(17)].map((_, j) => 10 + 3 * j) },
      { name: 'F', kind: 'fixed', n: 5, spikes: fixed.reverse() },
      {
        name: 'T',
        kind: 'fixed',
        n: 2,
        spikes: [...Array(60)].map((_, m) => [m % 2, 13 + 47 * m] as [number, number]),
      },
    ],
    projections: [
      {
        name: 'fac',
        pre: 'X',
        post: 'P',
        target: 'E',
        gbar: 4,
        conn: { kind: 'random', p: 0.5 },
        weight: { kind: 'const', w: 1 },
        stp: { U: 0.1, F: 0.15, tauU: 200, tauR: 50 },
      },
      {
        name: 'dep',
        pre: 'F',
        post: 'P',
        target: 'E',
        gbar: 6,
        conn: { kind: 'all' },
        weight: { kind: 'uniform', lo: 0.5, hi: 1 },
        stp: { U: 0.6, F: 0.05, tauU: 50, tauR: 500 },
      },
      {
        name: 'rec',
        pre: 'P',
        post: 'P',
        target: 'I',
        gbar: 2,
        conn: { kind: 'random', p: 0.4 },
        weight: { kind: 'const', w: 1 },
        stp: { U: 0.6, F: 0, tauU: 20, tauR: 300 },
        // plastic as well: delivery uses μ and the weight before this step's update
        plasticity: {
          rule: 'pair',
          eta: 0.2,
          aLTP: 0.1,
          aLTD: 0.1,
          tauPlus: 15,
          tauMinus: 30,
          wMin: 0,
          wMax: 3,
        },
      },
      {
        name: 'toSource',
        pre: 'X',
        post: 'T',
        target: 'E',
        gbar: 1,
        conn: { kind: 'all' },
        weight: { kind: 'const', w: 1 },
        plasticity: {
          rule: 'triplet',
          eta: 0.5,
          aLTP: 0.05,
          aLTD: 0.04,
          tau1: 10,
          tau2: 50,
          wMin: 0,
          wMax: 2,
        },
      },
    ],
  };
}
