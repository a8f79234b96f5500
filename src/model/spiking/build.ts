/**
 * NetworkSpec → CompiledNet: the flat arrays every spiking backend runs. Connectivity, weight
 * jitter and initial states are drawn here on the CPU from the network seed (Philox streams
 * spikeConn / spikeWeights / spikeInit, one sub-stream per projection or population), so the
 * CPU and WebGPU backends start from identical arrays.
 *
 * Entities: neurons first (populations in order), then source trains (sources in order).
 * Synapses of a projection are stored by pre entity (CSR, ascending post index), with an
 * incoming index by post entity for the post-spike plasticity updates.
 */
import { normalFromU32, philox4x32, seedKey, STREAM, u32ToUniform } from '../../engine/rng/philox';
import type { Dist, LifParams, NetworkSpec, ProjectionSpec, SourceSpec } from './types';

const f = Math.fround;

export interface CompiledPopulation {
  name: string;
  /** first neuron index */
  start: number;
  n: number;
  params: LifParams;
  /** refractory steps, round(tRef/dt) */
  nRef: number;
  /** exp(−dt/τ_E), exp(−dt/τ_I) rounded to float32 */
  decayE: number;
  decayI: number;
}

export interface CompiledSource {
  name: string;
  kind: SourceSpec['kind'];
  /** first entity index */
  start: number;
  n: number;
  /** Poisson: index of the first train among the network's Poisson trains (the RNG's j) */
  poissonStart: number;
  /** Poisson: spike probability per step, ν·dt (float32) */
  prob: Float32Array;
  /** fixed: spikes sorted by step then train */
  fixedSteps: Int32Array;
  fixedTrains: Int32Array;
}

export interface CompiledProjection {
  name: string;
  spec: ProjectionSpec;
  index: number;
  preStart: number;
  nPre: number;
  postStart: number;
  nPost: number;
  /** post is a neuron population (else conductances are not delivered) */
  postIsNeuron: boolean;
  target: 0 | 1;
  gbar: number;
  /** CSR by pre: synapses rowPtr[j] … rowPtr[j+1] − 1 of pre j */
  rowPtr: Uint32Array;
  /** local post index of each synapse */
  col: Uint32Array;
  /** local pre index of each synapse */
  row: Uint32Array;
  /** initial weights */
  w: Float32Array;
  /** incoming index: synapse ids of post i are inSyn[inPtr[i] … inPtr[i+1] − 1], ascending pre */
  inPtr: Uint32Array;
  inSyn: Uint32Array;
  nSyn: number;
}

export interface CompiledNet {
  spec: NetworkSpec;
  seed: number;
  dt: number;
  nNeurons: number;
  nEntities: number;
  nPoisson: number;
  populations: CompiledPopulation[];
  sources: CompiledSource[];
  projections: CompiledProjection[];
  /** population index of each neuron */
  popOf: Uint16Array;
  /** fixed-point scale of the per-step conductance accumulators: a jump x (nS) is added as the
   *  integer round(x·2^shift); [E, I] (see deliveryShift) */
  shift: [number, number];
  /** initial state */
  v0: Float32Array;
  gE0: Float32Array;
  gI0: Float32Array;
}

/** Sequential uint32 words of one Philox sub-stream: counter [i, i_hi, sub, 0]. */
export class WordStream {
  private readonly key: [number, number];
  private readonly buf = new Uint32Array(4);
  private i = 0;
  private k = 4;
  constructor(
    seed: number,
    stream: number,
    private readonly sub: number,
  ) {
    this.key = seedKey(seed, stream);
  }
  next(): number {
    if (this.k === 4) {
      philox4x32(
        this.i >>> 0,
        Math.floor(this.i / 4294967296) >>> 0,
        this.sub >>> 0,
        0,
        this.key[0],
        this.key[1],
        this.buf,
      );
      this.i++;
      this.k = 0;
    }
    return this.buf[this.k++];
  }
  uniform(): number {
    return u32ToUniform(this.next());
  }
  normal(): number {
    return normalFromU32(this.next());
  }
}

export class NetworkSpecError extends Error {
  override readonly name = 'NetworkSpecError';
}

function draw(d: Dist, s: WordStream): number {
  switch (d.kind) {
    case 'const':
      return d.value;
    case 'uniform':
      return d.lo + (d.hi - d.lo) * s.uniform();
    case 'normal':
      return d.mean + d.sd * s.normal();
  }
}

/** The largest network the engine accepts (the index types and GPU buffers assume it). */
export const MAX_SYNAPSES = 2 ** 28;

export function compileNetwork(spec: NetworkSpec, seed: number): CompiledNet {
  const dt = spec.dt;
  if (!(dt > 0 && dt <= 1)) throw new NetworkSpecError(`dt must be in (0, 1] ms, got ${dt}`);
  const names = new Set<string>();
  const groups = new Map<string, { start: number; n: number; neuron: boolean }>();
  const populations: CompiledPopulation[] = [];
  let nNeurons = 0;
  for (const p of spec.populations) {
    if (names.has(p.name)) throw new NetworkSpecError(`duplicate name "${p.name}"`);
    names.add(p.name);
    if (!Number.isInteger(p.n) || p.n < 1)
      throw new NetworkSpecError(`population ${p.name}: n must be a positive integer`);
    const q = p.neuron;
    if (!(q.C > 0 && q.gL > 0 && q.tauE > 0 && q.tauI > 0 && q.tRef >= 0))
      throw new NetworkSpecError(`population ${p.name}: C, gL, tauE, tauI must be > 0, tRef ≥ 0`);
    populations.push({
      name: p.name,
      start: nNeurons,
      n: p.n,
      params: q,
      nRef: Math.round(q.tRef / dt),
      decayE: f(Math.exp(-dt / q.tauE)),
      decayI: f(Math.exp(-dt / q.tauI)),
    });
    groups.set(p.name, { start: nNeurons, n: p.n, neuron: true });
    nNeurons += p.n;
  }
  const sources: CompiledSource[] = [];
  let nEntities = nNeurons;
  let nPoisson = 0;
  for (const s of spec.sources) {
    if (names.has(s.name)) throw new NetworkSpecError(`duplicate name "${s.name}"`);
    names.add(s.name);
    if (!Number.isInteger(s.n) || s.n < 1)
      throw new NetworkSpecError(`source ${s.name}: n must be a positive integer`);
    const prob = new Float32Array(s.kind === 'poisson' ? s.n : 0);
    let fixedSteps = new Int32Array(0);
    let fixedTrains = new Int32Array(0);
    if (s.kind === 'poisson') {
      const rates = typeof s.rate === 'number' ? null : s.rate;
      if (rates && rates.length !== s.n)
        throw new NetworkSpecError(`source ${s.name}: ${rates.length} rates for ${s.n} trains`);
      for (let j = 0; j < s.n; j++)
        prob[j] = poissonProb(rates ? rates[j] : (s.rate as number), dt);
    } else {
      const sorted = [...s.spikes].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      fixedSteps = Int32Array.from(sorted, (x) => x[1]);
      fixedTrains = Int32Array.from(sorted, (x) => x[0]);
      for (const [tr, st] of sorted)
        if (!(Number.isInteger(tr) && tr >= 0 && tr < s.n && Number.isInteger(st) && st >= 0))
          throw new NetworkSpecError(`source ${s.name}: bad spike [${tr}, ${st}]`);
    }
    sources.push({
      name: s.name,
      kind: s.kind,
      start: nEntities,
      n: s.n,
      poissonStart: nPoisson,
      prob,
      fixedSteps,
      fixedTrains,
    });
    groups.set(s.name, { start: nEntities, n: s.n, neuron: false });
    if (s.kind === 'poisson') nPoisson += s.n;
    nEntities += s.n;
  }
  const popOf = new Uint16Array(nNeurons);
  populations.forEach((p, i) => popOf.fill(i, p.start, p.start + p.n));

  const projections = spec.projections.map((ps, index) => {
    if (names.has(ps.name)) throw new NetworkSpecError(`duplicate name "${ps.name}"`);
    names.add(ps.name);
    const pre = groups.get(ps.pre);
    const post = groups.get(ps.post);
    if (!pre) throw new NetworkSpecError(`projection ${ps.name}: unknown pre "${ps.pre}"`);
    if (!post) throw new NetworkSpecError(`projection ${ps.name}: unknown post "${ps.post}"`);
    return buildProjection(ps, index, pre, post, seed);
  });

  const v0 = new Float32Array(nNeurons);
  const gE0 = new Float32Array(nNeurons);
  const gI0 = new Float32Array(nNeurons);
  spec.populations.forEach((p, pi) => {
    const c = populations[pi];
    const s = new WordStream(seed, STREAM.spikeInit, pi);
    const vd: Dist = p.init?.v ?? { kind: 'const', value: p.neuron.EL };
    const ge: Dist = p.init?.gE ?? { kind: 'const', value: 0 };
    const gi: Dist = p.init?.gI ?? { kind: 'const', value: 0 };
    for (let i = 0; i < c.n; i++) {
      v0[c.start + i] = draw(vd, s);
      gE0[c.start + i] = Math.max(0, draw(ge, s));
      gI0[c.start + i] = Math.max(0, draw(gi, s));
    }
  });
  const shift = deliveryShift(nNeurons, projections);
  return {
    spec,
    seed,
    dt,
    shift,
    nNeurons,
    nEntities,
    nPoisson,
    populations,
    sources,
    projections,
    popOf,
    v0,
    gE0,
    gI0,
  };
}

/** Spike probability per step for a Poisson rate ν (Hz) at dt (ms), float32 (Brian2: rand() < ν·dt). */
export function poissonProb(rateHz: number, dt: number): number {
  if (!(rateHz >= 0) || !Number.isFinite(rateHz))
    throw new NetworkSpecError(`Poisson rate must be finite and ≥ 0 Hz, got ${rateHz}`);
  const p = (rateHz * dt) / 1000;
  if (p > 1)
    throw new NetworkSpecError(`Poisson rate ${rateHz} Hz exceeds one spike per step at dt ${dt}`);
  return f(p);
}

function buildProjection(
  ps: ProjectionSpec,
  index: number,
  pre: { start: number; n: number; neuron: boolean },
  post: { start: number; n: number; neuron: boolean },
  seed: number,
): CompiledProjection {
  const rows: number[][] = Array.from({ length: pre.n }, () => []);
  const c = ps.conn;
  const samePop = pre.start === post.start;
  const rng = new WordStream(seed, STREAM.spikeConn, index);
  let listWeights: readonly number[] | null = null;
  switch (c.kind) {
    case 'all':
      for (let j = 0; j < pre.n; j++) for (let i = 0; i < post.n; i++) rows[j].push(i);
      break;
    case 'one-to-one':
      if (pre.n !== post.n)
        throw new NetworkSpecError(`projection ${ps.name}: one-to-one needs equal sizes`);
      for (let j = 0; j < pre.n; j++) rows[j].push(j);
      break;
    case 'map':
      if (c.preOf.length !== post.n)
        throw new NetworkSpecError(`projection ${ps.name}: map needs one entry per post`);
      c.preOf.forEach((j, i) => {
        if (j < 0) return;
        if (!Number.isInteger(j) || j >= pre.n)
          throw new NetworkSpecError(`projection ${ps.name}: map entry ${j} out of range`);
        rows[j].push(i);
      });
      break;
    case 'random': {
      if (!(c.p >= 0 && c.p <= 1))
        throw new NetworkSpecError(`projection ${ps.name}: p must be in [0, 1]`);
      if (c.p === 0) break;
      // Geometric skipping: the gap to the next connected post is ⌊ln u / ln(1 − p)⌋, so the
      // cost is the number of synapses, not N² (needed for 10⁵-neuron networks).
      const lq = Math.log1p(-c.p);
      for (let j = 0; j < pre.n; j++) {
        let i = -1;
        for (;;) {
          const u = rng.uniform();
          i += c.p === 1 ? 1 : Math.floor(Math.log(u) / lq) + 1;
          if (i >= post.n) break;
          if (samePop && i === j && !c.autapses) continue;
          rows[j].push(i);
        }
      }
      break;
    }
    case 'pairs': {
      const seen = new Set<number>();
      for (const [j, i] of c.pairs) {
        if (!(
          Number.isInteger(j) &&
          j >= 0 &&
          j < pre.n &&
          Number.isInteger(i) &&
          i >= 0 &&
          i < post.n
        ))
          throw new NetworkSpecError(`projection ${ps.name}: pair [${j}, ${i}] out of range`);
        const key = j * post.n + i;
        if (seen.has(key))
          throw new NetworkSpecError(`projection ${ps.name}: duplicate synapse [${j}, ${i}]`);
        seen.add(key);
      }
      if (ps.weight.kind === 'list') {
        if (ps.weight.w.length !== c.pairs.length)
          throw new NetworkSpecError(
            `projection ${ps.name}: ${ps.weight.w.length} weights for ${c.pairs.length} pairs`,
          );
        listWeights = ps.weight.w;
      }
      break;
    }
  }
  // Pairs keep their listed weights through the sort into CSR order.
  let order: number[] | null = null;
  if (c.kind === 'pairs') {
    order = c.pairs
      .map((_, k) => k)
      .sort((a, b) => c.pairs[a][0] - c.pairs[b][0] || c.pairs[a][1] - c.pairs[b][1]);
    for (const k of order) rows[c.pairs[k][0]].push(c.pairs[k][1]);
  }
  let nSyn = 0;
  for (const r of rows) nSyn += r.length;
  if (nSyn > MAX_SYNAPSES)
    throw new NetworkSpecError(
      `projection ${ps.name}: ${nSyn} synapses exceed the limit of ${MAX_SYNAPSES}`,
    );
  const rowPtr = new Uint32Array(pre.n + 1);
  const col = new Uint32Array(nSyn);
  const row = new Uint32Array(nSyn);
  let s = 0;
  for (let j = 0; j < pre.n; j++) {
    rowPtr[j] = s;
    for (const i of rows[j]) {
      row[s] = j;
      col[s++] = i;
    }
  }
  rowPtr[pre.n] = s;

  const w = new Float32Array(nSyn);
  const ws = new WordStream(seed, STREAM.spikeWeights, index);
  const wsp = ps.weight;
  if (wsp.kind === 'list' && !listWeights)
    throw new NetworkSpecError(`projection ${ps.name}: a weight list needs conn.kind = 'pairs'`);
  if (wsp.kind === 'groups' && (wsp.preGroup.length !== pre.n || wsp.postGroup.length !== post.n))
    throw new NetworkSpecError(`projection ${ps.name}: group labels must cover pre and post`);
  for (let k = 0; k < nSyn; k++) {
    let x: number;
    switch (wsp.kind) {
      case 'const':
        x = wsp.w * (wsp.jitter ? 1 + wsp.jitter * ws.normal() : 1);
        break;
      case 'uniform':
        x = wsp.lo + (wsp.hi - wsp.lo) * ws.uniform();
        break;
      case 'groups': {
        const base = wsp.preGroup[row[k]] === wsp.postGroup[col[k]] ? wsp.wIn : wsp.wOut;
        x = base * (wsp.jitter ? 1 + wsp.jitter * ws.normal() : 1);
        break;
      }
      case 'list':
        x = (listWeights as readonly number[])[(order as number[])[k]];
        break;
    }
    if (!Number.isFinite(x)) throw new NetworkSpecError(`projection ${ps.name}: non-finite weight`);
    // Jittered weights are kept non-negative: the sign of a synapse is its target channel.
    w[k] = Math.max(0, x);
  }

  // Incoming index (counting sort by post; ascending pre within each post).
  const inPtr = new Uint32Array(post.n + 1);
  for (let k = 0; k < nSyn; k++) inPtr[col[k] + 1]++;
  for (let i = 0; i < post.n; i++) inPtr[i + 1] += inPtr[i];
  const fill = inPtr.slice(0, post.n);
  const inSyn = new Uint32Array(nSyn);
  for (let k = 0; k < nSyn; k++) inSyn[fill[col[k]]++] = k;

  if (ps.plasticity && !(ps.plasticity.wMin <= ps.plasticity.wMax))
    throw new NetworkSpecError(`projection ${ps.name}: wMin > wMax`);
  if (ps.stp && !(ps.stp.U >= 0 && ps.stp.U <= 1 && ps.stp.F >= 0 && ps.stp.F <= 1))
    throw new NetworkSpecError(`projection ${ps.name}: STP U and F must be in [0, 1]`);
  return {
    name: ps.name,
    spec: ps,
    index,
    preStart: pre.start,
    nPre: pre.n,
    postStart: post.start,
    nPost: post.n,
    postIsNeuron: post.neuron,
    target: ps.target === 'E' ? 0 : 1,
    gbar: f(ps.gbar),
    rowPtr,
    col,
    row,
    w,
    inPtr,
    inSyn,
    nSyn,
  };
}

/**
 * Conductance jumps are summed per step in 32-bit integers (fixed point), so that the sum does
 * not depend on the order in which spikes arrive: the GPU delivers spikes from many threads
 * with integer atomics, the CPU in list order, and both get the same bits. The scale 2^shift
 * is the largest that cannot overflow: the worst case is every synapse onto a neuron firing in
 * the same step at its largest weight (w_max for plastic synapses).
 */
export function deliveryShift(
  nNeurons: number,
  projections: readonly CompiledProjection[],
): [number, number] {
  const worst = [new Float64Array(nNeurons), new Float64Array(nNeurons)];
  for (const p of projections) {
    if (!p.postIsNeuron) continue;
    const wMax = p.spec.plasticity?.wMax;
    const acc = worst[p.target];
    for (let s = 0; s < p.nSyn; s++) acc[p.postStart + p.col[s]] += p.gbar * (wMax ?? p.w[s]);
  }
  return worst.map((a) => {
    let m = 0;
    for (const x of a) m = Math.max(m, x);
    if (m === 0) return 24;
    return Math.max(0, Math.min(24, Math.floor(Math.log2((2 ** 31 - 1) / (m * 1.001)))));
  }) as [number, number];
}

/** x (nS, float32) → the integer added to the accumulator: floor(x·2^shift + ½) in float32. */
export function toFixed(x: number, scale: number): number {
  return Math.floor(Math.fround(Math.fround(x * scale) + 0.5));
}
