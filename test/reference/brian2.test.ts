/**
 * EI Lab's spiking engine (CPU reference) against Brian2 2.5.1, on the data written by
 * scripts/reference/*.py (committed in test/reference/*.json; see scripts/reference/README.md):
 *
 *  - one conductance LIF neuron under fixed E and I input trains: the same spike steps, and V
 *    and g within float32 + fixed-point tolerances (below);
 *  - triplet, pair and Vogels STDP, with and without competitive normalisation, on fixed pre
 *    and post trains: every weight at every 100 ms checkpoint;
 *  - Tsodyks–Markram paired-pulse ratios over a grid of U and intervals, and 10-spike trains;
 *  - firing statistics of the 1000-neuron co-tuning network (uniform and with assemblies):
 *    rates, CV of ISI and group correlations within bounds derived from Brian2's spread over
 *    five seeds (the two simulators draw different random numbers, so only statistics can agree).
 */
import { describe, expect, it } from 'vitest';
import { compileNetwork } from '../../src/model/spiking/build';
import { CpuSpikingSim } from '../../src/engine/spiking/cpu/cpuSim';
import { closedFormTrain, simulateTrain } from '../../src/labs/stp/model';
import type { LifParams, NetworkSpec, PlasticitySpec } from '../../src/model/spiking/types';
import { cotuningSpec, DEFAULT_COTUNING, groupLayout } from '../../src/labs/cotuning/network';
import { groupCorrelations, meanCvIsi, spikeCounts } from '../../src/labs/cotuning/measures';
import {
  loadLifTrace,
  loadNetworkStats,
  loadPlasticity,
  loadStpPpr,
  type LifCase,
  type PlasticityCase,
} from './load';

describe('single conductance LIF neuron vs Brian2 (exponential Euler)', () => {
  const ref = loadLifTrace();
  const P = ref.params;
  const neuron = (Ibg: number): LifParams => ({
    C: P.C_pF,
    gL: P.gL_nS,
    EL: P.EL_mV,
    Vreset: P.Vreset_mV,
    Vth: P.Vth_mV,
    tRef: P.tref_ms,
    VE: P.VE_mV,
    VI: P.VI_mV,
    tauE: P.tauE_ms,
    tauI: P.tauI_ms,
    Ibg,
  });
  const fixed = (name: string, inp: LifCase['inputE']) => ({
    name,
    kind: 'fixed' as const,
    n: inp.weights.length,
    spikes: inp.spike_train.map((tr, q) => [tr, inp.spike_step[q]] as [number, number]),
  });
  const proj = (name: string, pre: string, target: 'E' | 'I', gbar: number, w: number[]) => ({
    name,
    pre,
    post: 'N',
    target,
    gbar,
    conn: { kind: 'pairs' as const, pairs: w.map((_, j) => [j, 0] as [number, number]) },
    weight: { kind: 'list' as const, w },
  });
  for (const name of ['subthreshold', 'spiking'] as const) {
    it(`${name}: same spike steps; V within 2e-3 mV, g within 1e-4 nS + 1e-4 relative`, () => {
      const c = ref.cases[name];
      const spec: NetworkSpec = {
        dt: P.dt_ms,
        populations: [
          { name: 'N', n: 1, neuron: neuron(c.Ibg_pA), init: { v: { kind: 'const', value: P.V0_mV } } },
        ],
        sources: [fixed('inE', c.inputE), fixed('inI', c.inputI)],
        projections: [
          proj('E', 'inE', 'E', c.gbarE_nS, c.inputE.weights),
          proj('I', 'inI', 'I', c.gbarI_nS, c.inputI.weights),
        ],
      };
      const sim = new CpuSpikingSim(compileNetwork(spec, 1));
      const mon = { traces: { neurons: [0], every: 1 }, spikes: { from: 0, to: 1 } };
      const rec = sim.newRecording(mon);
      sim.run(P.n_steps, mon, rec);
      expect(Array.from(rec.spikeSteps.view())).toEqual(c.spike_steps);
      const v = rec.v.view();
      const gE = rec.gE.view();
      const gI = rec.gI.view();
      let dv = 0;
      let dg = 0;
      for (let i = 0; i < P.n_steps; i++) {
        dv = Math.max(dv, Math.abs(v[i] - c.V_mV[i]));
        dg = Math.max(
          dg,
          Math.abs(gE[i] - c.gE_nS[i]) / (1e-4 + 1e-4 * Math.abs(c.gE_nS[i])),
          Math.abs(gI[i] - c.gI_nS[i]) / (1e-4 + 1e-4 * Math.abs(c.gI_nS[i])),
        );
      }
      // float32 V (ulp ≈ 4e-6 mV) over 5000 steps and fixed-point jumps (≤ 2^-shift nS each)
      expect(dv).toBeLessThan(2e-3);
      expect(dg).toBeLessThan(1);
    });
  }
});

describe('STDP rules vs Brian2 on fixed spike trains', () => {
  const ref = loadPlasticity();
  const P = ref.params;
  const syn = ref.synapses;
  const rule = (c: PlasticityCase): PlasticitySpec => {
    switch (c.rule) {
      case 'triplet':
        return { rule: 'triplet', eta: c.params.eta, aLTP: c.params.A_LTP, aLTD: c.params.A_LTD, tau1: c.params.tau1_ms, tau2: c.params.tau2_ms, wMin: P.w_min, wMax: P.w_max };
      case 'pair':
        return { rule: 'pair', eta: c.params.eta, aLTP: c.params.A_LTP, aLTD: c.params.A_LTD, tauPlus: c.params.tauPlus_ms, tauMinus: c.params.tauMinus_ms, wMin: P.w_min, wMax: P.w_max };
      case 'vogels':
        return { rule: 'vogels', eta: c.params.eta, tau: c.params.tau_ms, rho0: c.params.rho0_Hz, wMin: P.w_min, wMax: P.w_max };
    }
  };
  for (const name of ['triplet', 'pair', 'vogels', 'triplet_norm', 'vogels_norm'] as const) {
    it(`${name}: every weight at every checkpoint within 1e-5 relative`, () => {
      const c = ref.cases[name];
      const spec: NetworkSpec = {
        dt: P.dt_ms,
        populations: [{ name: 'dummy', n: 1, neuron: { ...DEFAULT_LIF } }],
        sources: [
          { name: 'pre', kind: 'fixed', n: P.n_pre, spikes: ref.pre_spikes.train.map((t, q) => [t, ref.pre_spikes.step[q]] as [number, number]) },
          { name: 'post', kind: 'fixed', n: P.n_post, spikes: ref.post_spikes.train.map((t, q) => [t, ref.post_spikes.step[q]] as [number, number]) },
        ],
        projections: [
          {
            name: 'syn',
            pre: 'pre',
            post: 'post',
            target: 'E',
            gbar: 1,
            conn: { kind: 'pairs', pairs: syn.pre.map((j, s) => [j, syn.post[s]] as [number, number]) },
            weight: { kind: 'list', w: syn.w0 },
            plasticity: rule(c),
            norm: c.norm ? { kind: 'competitive', etaN: c.norm.etaN, target: c.norm.target } : undefined,
          },
        ],
      };
      const net = compileNetwork(spec, 1);
      const sim = new CpuSpikingSim(net);
      // CSR order (by pre, then post) → the reference's synapse order s = pre·n_post + post
      const p = net.projections[0];
      const idx = syn.pre.map((j, s) => {
        for (let k = p.rowPtr[j]; k < p.rowPtr[j + 1]; k++) if (p.col[k] === syn.post[s]) return k;
        throw new Error('synapse missing');
      });
      let worst = 0;
      let moved = 0;
      for (let cp = 1; cp < c.weights.length; cp++) {
        sim.run(P.checkpoint_every_steps);
        const w = sim.proj[0].w;
        c.weights[cp].forEach((x, s) => {
          worst = Math.max(worst, Math.abs(w[idx[s]] - x) / Math.max(1e-3, Math.abs(x)));
          moved = Math.max(moved, Math.abs(x - syn.w0[s]));
        });
      }
      expect(moved).toBeGreaterThan(1e-3);
      expect(worst).toBeLessThan(1e-5);
    });
  }
});

const DEFAULT_LIF: LifParams = {
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

describe('Tsodyks–Markram paired pulses vs Brian2', () => {
  const ref = loadStpPpr();
  it('PPR over U × isi for both parameter sets within 1e-5 relative; trains too', () => {
    let n = 0;
    for (const set of ref.sets) {
      ref.params.U_values.forEach((U, a) =>
        ref.params.isi_ms.forEach((isi, b) => {
          const cfg = { U, F: set.F, tauU: set.tauU_ms, tauR: set.tauR_ms, isi, nSpikes: 2, dt: ref.params.dt_ms };
          const mu = simulateTrain(cfg);
          expect(Math.abs(mu[0] - set.paired.mu1[a][b])).toBeLessThan(1e-6 + 1e-5 * set.paired.mu1[a][b]);
          expect(Math.abs(mu[1] / mu[0] - set.paired.ppr[a][b])).toBeLessThan(1e-5 * set.paired.ppr[a][b] + 1e-6);
          const cf = closedFormTrain(cfg);
          expect(cf[1] / cf[0]).toBeCloseTo(set.paired.ppr[a][b], 10);
          n++;
        }),
      );
      ref.params.train_U.forEach((U, a) =>
        ref.params.train_Hz.forEach((hz, b) => {
          const mu = simulateTrain({ U, F: set.F, tauU: set.tauU_ms, tauR: set.tauR_ms, isi: 1000 / hz, nSpikes: ref.params.train_n_spikes, dt: ref.params.dt_ms });
          mu.forEach((m, k) => expect(Math.abs(m - set.trains[a][b][k])).toBeLessThan(1e-6 + 1e-5 * set.trains[a][b][k]));
        }),
      );
    }
    expect(n).toBeGreaterThan(100);
  });
});

describe('the 1000-neuron co-tuning network: firing statistics vs Brian2', () => {
  const ref = loadNetworkStats();
  const P = ref.params;
  for (const config of ['uniform', 'assemblies'] as const) {
    it(`${config}: rates within 5% (or 3 sd), CV of ISI and group correlations within 3 sd + 0.03`, () => {
      const C = ref.configs[config];
      const cfg = {
        ...DEFAULT_COTUNING,
        N: P.N_E + P.N_I,
        M: P.M,
        noise: P.c,
        inputRate: P.input_rate_Hz,
        recurrent: true,
        W: P.W,
        p: P.p,
        R: { EE: C.R_EE, EI: C.R_EI, IE: C.R_IE, II: C.R_II },
        readout: false,
        vInit: 'uniform' as const, // the reference's initial state (params.initial_state)
        dt: P.dt_ms,
      };
      const layout = groupLayout(cfg);
      const stats: Record<'rate_E_Hz' | 'rate_I_Hz' | 'cv_isi' | 'C_in_EI' | 'C_out_EE' | 'C_out_EI' | 'C_out_II', number>[] = [];
      for (const seed of [11, 12]) {
        const sim = new CpuSpikingSim(compileNetwork(cotuningSpec(cfg), seed));
        const [from, to] = P.analysis_steps;
        sim.run(from);
        const mon = { spikes: { from: 0, to: P.N_E + P.N_I } };
        const rec = sim.newRecording(mon);
        sim.run(to - from, mon, rec);
        const steps = rec.spikeSteps.view();
        const ids = rec.spikeIds.view();
        const counts = spikeCounts(steps, ids, P.N_E + P.N_I, from, to);
        const T = ((to - from) * P.dt_ms) / 1000;
        let sE = 0;
        let sI = 0;
        counts.forEach((x, i) => (i < P.N_E ? (sE += x) : (sI += x)));
        const corr = groupCorrelations(steps, ids, layout, P.M, from, to, Math.round(1 / P.dt_ms));
        stats.push({
          rate_E_Hz: sE / P.N_E / T,
          rate_I_Hz: sI / P.N_I / T,
          cv_isi: meanCvIsi(steps, ids, 0, P.N_E + P.N_I),
          C_in_EI: corr.C_in_EI,
          C_out_EE: corr.C_out_EE,
          C_out_EI: corr.C_out_EI,
          C_out_II: corr.C_out_II,
        });
      }
      const S = ref.summary[config];
      const mean = (k: keyof (typeof stats)[number]): number => stats.reduce((a, s) => a + s[k], 0) / stats.length;
      if (process.env.EILAB_REPORT)
        console.log(config, Object.fromEntries(Object.keys(stats[0]).map((k) => [k, [mean(k as 'cv_isi'), S[k as 'cv_isi'].mean, S[k as 'cv_isi'].sd]])));
      for (const k of ['rate_E_Hz', 'rate_I_Hz'] as const)
        expect(Math.abs(mean(k) - S[k].mean)).toBeLessThan(Math.max(0.05 * S[k].mean, 3 * S[k].sd));
      for (const k of ['cv_isi', 'C_in_EI', 'C_out_EE', 'C_out_EI', 'C_out_II'] as const)
        expect(Math.abs(mean(k) - S[k].mean)).toBeLessThan(3 * S[k].sd + 0.03);
    }, 240_000);
  }
});
