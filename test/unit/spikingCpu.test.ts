/**
 * The CPU spiking reference (src/engine/spiking/cpu/cpuSim.ts) against closed forms and
 * independent float64 computations: the LIF firing period under constant drive, exact
 * conductance decay, refractoriness, Poisson rates, the STDP rules on fixed spike trains,
 * Tsodyks–Markram paired pulses, normalisation, determinism from the seed.
 */
import { describe, expect, it } from 'vitest';
import { compileNetwork, deliveryShift, NetworkSpecError } from '../../src/model/spiking/build';
import { BlowUpError, CpuSpikingSim } from '../../src/engine/spiking/cpu/cpuSim';
import {
  GIANNAKAKIS_LIF,
  type NetworkSpec,
  type PlasticitySpec,
  type ProjectionSpec,
} from '../../src/model/spiking/types';

const dt = 0.1;

function single(Ibg: number, extra: Partial<NetworkSpec> = {}): NetworkSpec {
  return {
    dt,
    populations: [{ name: 'N', n: 1, neuron: { ...GIANNAKAKIS_LIF, Ibg } }],
    sources: [],
    projections: [],
    ...extra,
  };
}

describe('conductance LIF', () => {
  it('fires with the closed-form period under constant drive (exponential Euler is exact here)', () => {
    const I = 150; // pA: V_inf = −60 + 150/10 = −45 mV > V_th
    const sim = new CpuSpikingSim(compileNetwork(single(I), 1));
    const mon = { spikes: { from: 0, to: 1 } };
    const rec = sim.newRecording(mon);
    sim.run(20000, mon, rec);
    const steps = Array.from(rec.spikeSteps.view());
    expect(steps.length).toBeGreaterThan(10);
    const vinf = -60 + I / 10;
    const tau = 200 / 10;
    // From reset, V(t) = V_inf + (V_reset − V_inf)e^{−t/τ} crosses V_th at t* (not on the grid).
    // After a spike in step k_s, steps k_s+1 … k_s+49 are refractory, integration resumes in
    // step k_s+50 and the m-th integrating step ends at m·dt: the spike is in step
    // k_s + 49 + ⌈t*/dt⌉ (Brian2 labels a spike with its step's start time).
    const tStar = tau * Math.log((vinf - -60) / (vinf - -50));
    const period = 49 + Math.ceil(tStar / dt);
    for (let m = 2; m < steps.length; m++) expect(steps[m] - steps[m - 1]).toBe(period);
  });

  it('holds V at reset for exactly round(t_ref/dt) steps after a spike', () => {
    const sim = new CpuSpikingSim(compileNetwork(single(300), 1));
    const vs: number[] = [];
    let first = -1;
    for (let k = 0; k < 600; k++) {
      sim.run(1);
      vs.push(sim.v[0]);
      if (first < 0 && sim.lastSpike[0] === k) first = k;
    }
    expect(first).toBeGreaterThan(0);
    // steps first … first+49: V = V_reset (the reset, then 49 frozen updates); step first+50 integrates
    for (let k = first; k < first + 50; k++) expect(vs[k]).toBe(-60);
    expect(vs[first + 50]).toBeGreaterThan(-60);
  });

  it('decays conductances exactly after a jump, and the jump enters at the next step', () => {
    const spec = single(0, {
      sources: [{ name: 'in', kind: 'fixed', n: 1, spikes: [[0, 10]] }],
      projections: [
        {
          name: 'p',
          pre: 'in',
          post: 'N',
          target: 'E',
          gbar: 2.5,
          conn: { kind: 'all' },
          weight: { kind: 'const', w: 1 },
        },
      ],
    });
    const sim = new CpuSpikingSim(compileNetwork(spec, 1));
    sim.run(11);
    expect(sim.gE[0]).toBe(0); // delivered into the accumulator
    expect(sim.conductances(0)[0]).toBeCloseTo(2.5, 5);
    for (let n = 1; n <= 300; n++) {
      sim.run(1);
      const exact = 2.5 * Math.exp((-n * dt) / 5);
      expect(Math.abs(sim.gE[0] - exact)).toBeLessThanOrEqual(1e-6 * 2.5 * (1 + n / 100));
    }
  });

  it('stops with the neuron and step when V is not finite', () => {
    const spec = single(0);
    const net = compileNetwork(spec, 1);
    const sim = new CpuSpikingSim(net);
    sim.Iext[0] = NaN;
    expect(() => sim.run(3)).toThrow(BlowUpError);
    expect(() => sim.run(1)).toThrow(/neuron 0 .* step/);
  });
});

describe('sources', () => {
  it('Poisson trains fire at their rate, reproducibly from the seed', () => {
    const spec: NetworkSpec = {
      dt,
      populations: [{ name: 'N', n: 1, neuron: GIANNAKAKIS_LIF }],
      sources: [{ name: 'P', kind: 'poisson', n: 503, rate: 40 }],
      projections: [],
    };
    const count = (seed: number) => {
      const sim = new CpuSpikingSim(compileNetwork(spec, seed));
      const mon = { spikes: { from: 1, to: 504 } };
      const rec = sim.newRecording(mon);
      sim.run(20000, mon, rec);
      return Array.from(rec.spikeIds.view());
    };
    const a = count(3);
    const expected = 503 * 40 * 2; // 2 s
    expect(Math.abs(a.length - expected)).toBeLessThan(4 * Math.sqrt(expected));
    expect(count(3)).toEqual(a);
    expect(count(4)).not.toEqual(a);
  });

  it('setRate changes a train mid-run', () => {
    const spec: NetworkSpec = {
      dt,
      populations: [{ name: 'N', n: 1, neuron: GIANNAKAKIS_LIF }],
      sources: [{ name: 'P', kind: 'poisson', n: 100, rate: 0 }],
      projections: [],
    };
    const sim = new CpuSpikingSim(compileNetwork(spec, 1));
    const mon = { spikes: { from: 1, to: 101 } };
    const rec = sim.newRecording(mon);
    sim.run(5000, mon, rec);
    expect(rec.spikeIds.length).toBe(0);
    sim.setRate('P', 100);
    sim.run(5000, mon, rec);
    expect(Math.abs(rec.spikeIds.length - 5000)).toBeLessThan(300);
  });
});

/** Fixed pre trains onto a fixed post train, through one plastic projection. */
function plasticNet(
  rule: PlasticitySpec,
  pre: [number, number][],
  post: number[],
  w0: number[],
  norm?: ProjectionSpec['norm'],
): NetworkSpec {
  const nPre = w0.length;
  return {
    dt,
    populations: [{ name: 'dummy', n: 1, neuron: GIANNAKAKIS_LIF }],
    sources: [
      { name: 'pre', kind: 'fixed', n: nPre, spikes: pre },
      { name: 'post', kind: 'fixed', n: 1, spikes: post.map((s) => [0, s] as [number, number]) },
    ],
    projections: [
      {
        name: 'syn',
        pre: 'pre',
        post: 'post',
        target: 'E',
        gbar: 1,
        conn: { kind: 'pairs', pairs: w0.map((_, j) => [j, 0] as [number, number]) },
        weight: { kind: 'list', w: w0 },
        plasticity: rule,
        norm,
      },
    ],
  };
}

/** Independent float64 event-driven implementation of the docs' rules (no float32, no CSR). */
function reference(
  rule: PlasticitySpec,
  pre: [number, number][],
  post: number[],
  w0: number[],
  steps: number,
  norm?: { etaN: number; target: number },
): number[] {
  const w = [...w0];
  const n = w.length;
  const taus =
    rule.rule === 'triplet'
      ? [rule.tau1, rule.tau2, rule.tau1, rule.tau2]
      : rule.rule === 'pair'
        ? [rule.tauPlus, rule.tauPlus, rule.tauMinus, rule.tauMinus]
        : [rule.tau, rule.tau, rule.tau, rule.tau];
  const preT = Array.from({ length: n }, () => [0, 0]);
  const postT = [0, 0];
  const postSet = new Set(post);
  const clip = (x: number) => Math.min(rule.wMax, Math.max(rule.wMin, x));
  for (let k = 0; k < steps; k++) {
    const sum = w.reduce((a, b) => a + b, 0);
    const apply = (j: number, dw: number) => {
      let x = clip(w[j] + dw);
      if (norm) x *= 1 - norm.etaN + (norm.etaN * norm.target) / sum;
      w[j] = x;
    };
    // decay all traces by one step (float64: equals the exact decay over any interval)
    for (const t of preT) {
      t[0] *= Math.exp(-dt / taus[0]);
      t[1] *= Math.exp(-dt / taus[1]);
    }
    postT[0] *= Math.exp(-dt / taus[2]);
    postT[1] *= Math.exp(-dt / taus[3]);
    const spiking = new Set(pre.filter(([, s]) => s === k).map(([j]) => j));
    for (const j of [...spiking].sort((a, b) => a - b)) {
      preT[j][0] += 1;
      preT[j][1] += 1;
      if (rule.rule === 'triplet') apply(j, -rule.eta * rule.aLTD * preT[j][1] * postT[0]);
      else if (rule.rule === 'pair') apply(j, -rule.eta * rule.aLTD * postT[0]);
      else apply(j, rule.eta * (postT[0] - 2 * rule.rho0 * rule.tau * 1e-3));
    }
    if (postSet.has(k)) {
      postT[0] += 1;
      postT[1] += 1;
      for (let j = 0; j < n; j++) {
        if (rule.rule === 'triplet') apply(j, rule.eta * rule.aLTP * preT[j][0] * postT[1]);
        else if (rule.rule === 'pair') apply(j, rule.eta * rule.aLTP * preT[j][0]);
        else apply(j, rule.eta * preT[j][0]);
      }
    }
  }
  return w;
}

function randomTrains(seed: number, nPre: number, steps: number) {
  let s = seed;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const pre: [number, number][] = [];
  for (let j = 0; j < nPre; j++)
    for (let k = 0; k < steps; k++) if (rnd() < 0.004) pre.push([j, k]);
  const post: number[] = [];
  for (let k = 0; k < steps; k++) if (rnd() < 0.003) post.push(k);
  // forced coincidences: pre and post in the same step, pre one step before post
  post.push(500, 1200);
  pre.push([0, 500], [1, 1199], [2, 1201]);
  const w0 = Array.from({ length: nPre }, () => 0.5 + rnd());
  return { pre, post: [...new Set(post)].sort((a, b) => a - b), w0 };
}

describe('plasticity rules on fixed spike trains (vs an independent float64 reference)', () => {
  const steps = 8000;
  const rules: PlasticitySpec[] = [
    {
      rule: 'triplet',
      eta: 2.5e-3,
      aLTP: 1,
      aLTD: 0.1,
      tau1: 10,
      tau2: 50,
      wMin: 0.001,
      wMax: 100,
    },
    {
      rule: 'pair',
      eta: 1e-2,
      aLTP: 1,
      aLTD: 1.05,
      tauPlus: 16.8,
      tauMinus: 33.7,
      wMin: 0.001,
      wMax: 100,
    },
    { rule: 'vogels', eta: 1e-2, tau: 10, rho0: 3, wMin: 0.001, wMax: 100 },
  ];
  for (const rule of rules)
    for (const withNorm of [false, true]) {
      it(`${rule.rule}${withNorm ? ' + competitive normalisation' : ''}`, () => {
        const { pre, post, w0 } = randomTrains(rule.rule.length + (withNorm ? 7 : 0), 17, steps);
        const norm = withNorm ? { etaN: 3e-3, target: 17 * 1.2 } : undefined;
        const sim = new CpuSpikingSim(
          compileNetwork(
            plasticNet(rule, pre, post, w0, norm ? { kind: 'competitive', ...norm } : undefined),
            1,
          ),
        );
        sim.run(steps);
        const ref = reference(rule, pre, post, w0, steps, norm);
        const got = Array.from(sim.proj[0].w);
        let moved = 0;
        for (let j = 0; j < w0.length; j++) {
          expect(Math.abs(got[j] - ref[j])).toBeLessThanOrEqual(
            2e-5 * Math.max(1, Math.abs(ref[j])),
          );
          moved = Math.max(moved, Math.abs(ref[j] - w0[j]));
        }
        expect(moved).toBeGreaterThan(1e-3); // the trains do change the weights
      });
    }

  it('a frozen projection does not learn, and clipping holds the bounds', () => {
    const rule: PlasticitySpec = {
      rule: 'pair',
      eta: 1,
      aLTP: 1,
      aLTD: 1,
      tauPlus: 20,
      tauMinus: 20,
      wMin: 0.2,
      wMax: 1.3,
    };
    const { pre, post, w0 } = randomTrains(5, 9, 4000);
    const sim = new CpuSpikingSim(compileNetwork(plasticNet(rule, pre, post, w0), 1));
    sim.proj[0].plastic = false;
    sim.run(2000);
    expect(Array.from(sim.proj[0].w)).toEqual(Array.from(Float32Array.from(w0)));
    sim.proj[0].plastic = true;
    sim.run(2000);
    for (const x of sim.proj[0].w) {
      expect(x).toBeGreaterThanOrEqual(Math.fround(0.2));
      expect(x).toBeLessThanOrEqual(Math.fround(1.3));
    }
  });
});

describe('Tsodyks–Markram synapse', () => {
  function ppr(U: number, F: number, tauU: number, tauR: number, isi: number): number {
    const isiSteps = Math.round(isi / dt);
    const spec: NetworkSpec = {
      dt,
      populations: [{ name: 'N', n: 1, neuron: GIANNAKAKIS_LIF }],
      sources: [
        {
          name: 'in',
          kind: 'fixed',
          n: 1,
          spikes: [
            [0, 5],
            [0, 5 + isiSteps],
          ],
        },
      ],
      projections: [
        {
          name: 'p',
          pre: 'in',
          post: 'N',
          target: 'E',
          gbar: 1,
          conn: { kind: 'all' },
          weight: { kind: 'const', w: 1 },
          stp: { U, F, tauU, tauR },
        },
      ],
    };
    const sim = new CpuSpikingSim(compileNetwork(spec, 1));
    sim.run(6);
    const a = sim.accE[0];
    sim.run(isiSteps);
    return sim.accE[0] / a;
  }
  it('paired-pulse ratio equals the closed form (facilitation then release then depression)', () => {
    for (const [U, F, tau, isi] of [
      [0, 0.2, 100, 10],
      [1, 0.2, 100, 10],
      [0.3, 0.5, 50, 20],
      [0.05, 0.2, 100, 5],
    ]) {
      const u1 = U + (1 - U) * F;
      const mu1 = u1;
      const R1 = 1 - mu1;
      const e = Math.exp(-isi / tau);
      let u2 = U + (u1 - U) * e;
      const R2 = 1 + (R1 - 1) * e;
      u2 = u2 + (1 - u2) * F;
      expect(ppr(U, F, tau, tau, isi)).toBeCloseTo((u2 * R2) / mu1, 4);
    }
    // the spec's landmarks (compartments-keijser2022.md): U = 0 → ≈1.4, U = 1 → ≈0.1
    expect(ppr(0, 0.2, 100, 100, 10)).toBeGreaterThan(1.35);
    expect(ppr(1, 0.2, 100, 100, 10)).toBeLessThan(0.12);
  });
});

describe('network building', () => {
  it('random connectivity has p·N² synapses without autapses, reproducibly', () => {
    const spec: NetworkSpec = {
      dt,
      populations: [{ name: 'E', n: 400, neuron: GIANNAKAKIS_LIF }],
      sources: [],
      projections: [
        {
          name: 'EE',
          pre: 'E',
          post: 'E',
          target: 'E',
          gbar: 1,
          conn: { kind: 'random', p: 0.1 },
          weight: { kind: 'const', w: 1, jitter: 0.1 },
        },
      ],
    };
    const a = compileNetwork(spec, 5).projections[0];
    const mean = 400 * 399 * 0.1;
    expect(Math.abs(a.nSyn - mean)).toBeLessThan(4 * Math.sqrt(mean));
    for (let s = 0; s < a.nSyn; s++) expect(a.col[s]).not.toBe(a.row[s]);
    const ws = Array.from(a.w);
    const m = ws.reduce((x, y) => x + y, 0) / ws.length;
    const sd = Math.sqrt(ws.reduce((x, y) => x + (y - m) ** 2, 0) / ws.length);
    expect(m).toBeCloseTo(1, 2);
    expect(sd).toBeGreaterThan(0.09);
    expect(sd).toBeLessThan(0.11);
    expect(Array.from(compileNetwork(spec, 5).projections[0].col)).toEqual(Array.from(a.col));
    expect(compileNetwork(spec, 6).projections[0].nSyn).not.toBe(a.nSyn);
  });

  it('the fixed-point shift leaves room for every synapse firing at once', () => {
    const spec: NetworkSpec = {
      dt,
      populations: [{ name: 'E', n: 3, neuron: GIANNAKAKIS_LIF }],
      sources: [{ name: 'S', kind: 'poisson', n: 800, rate: 1 }],
      projections: [
        {
          name: 'in',
          pre: 'S',
          post: 'E',
          target: 'E',
          gbar: 0.14,
          conn: { kind: 'all' },
          weight: { kind: 'const', w: 0.1 },
          plasticity: { rule: 'vogels', eta: 1e-2, tau: 10, rho0: 3, wMin: 0.001, wMax: 100 },
        },
      ],
    };
    const net = compileNetwork(spec, 1);
    const [sE] = deliveryShift(net.nNeurons, net.projections);
    expect(800 * 0.14 * 100 * 2 ** sE).toBeLessThan(2 ** 31);
    expect(800 * 0.14 * 100 * 2 ** (sE + 1)).toBeGreaterThan(2 ** 31 * 0.99);
  });

  it('rejects bad specifications with a message', () => {
    expect(() => compileNetwork(single(0, { dt: 0 }), 1)).toThrow(NetworkSpecError);
    expect(() =>
      compileNetwork(
        single(0, { sources: [{ name: 'P', kind: 'poisson', n: 1, rate: 20000 }] }),
        1,
      ),
    ).toThrow(/exceeds one spike per step/);
    expect(() =>
      compileNetwork(
        single(0, {
          projections: [
            {
              name: 'x',
              pre: 'nope',
              post: 'N',
              target: 'E',
              gbar: 1,
              conn: { kind: 'all' },
              weight: { kind: 'const', w: 1 },
            },
          ],
        }),
        1,
      ),
    ).toThrow(/unknown pre "nope"/);
  });
});
