/**
 * The CPU reference of the spiking engine: one network, the step schedule of
 * docs/spiking-engine.md (update → threshold → synapses → reset), float32 state with every
 * arithmetic operation rounded to float32 the way the WGSL kernels compute it.
 *
 * It is the source of truth the WebGPU kernels are tested against, and fast enough for the
 * 1000-neuron co-tuning network and the COBA benchmark (typed arrays, no allocation per step).
 */
import { toFixed, type CompiledNet, type CompiledProjection } from '../../../model/spiking/build';
import { philox4x32, seedKey, STREAM, u32ToUniform } from '../../rng/philox';
import { emptyRecording, type MonitorSpec, type Recording } from '../monitor';
import { lifWasm, type LifWasm } from './lifWasm';

const f = Math.fround;
const NEVER = -0x3fffffff;

/** Mutable state of one projection. */
export interface ProjectionState {
  w: Float32Array;
  /** deliver spikes (false: the pathway is knocked out) */
  enabled: boolean;
  /** apply plasticity (false: frozen) */
  plastic: boolean;
  /** STP per synapse: U, and u, R just after the last spike of the synapse's pre entity */
  U: Float32Array | null;
  u: Float32Array | null;
  R: Float32Array | null;
  /** STP efficacy u·R of each synapse's last release */
  mu: Float32Array | null;
  /** last spike step of each pre entity (STP relaxation) */
  stpLast: Int32Array | null;
  /** plasticity traces: 2 per pre / post entity, value at step preLast / postLast */
  preTrace: Float32Array | null;
  preLast: Int32Array | null;
  postTrace: Float32Array | null;
  postLast: Int32Array | null;
  /** Σw per post at the start of the step (competitive normalisation) */
  sumW: Float32Array | null;
  /** static synapses (no plasticity, no STP): the fixed-point jump of each synapse */
  inc: Int32Array | null;
  /** the static projection's index in the WebAssembly kernel's memory, or −1 */
  wasmStatic: number;
}

/** A projection without plasticity and STP onto neurons: its jumps are precomputed. */
const isStatic = (p: CompiledProjection) => !p.spec.plasticity && !p.spec.stp && p.postIsNeuron;

export class BlowUpError extends Error {
  override readonly name = 'BlowUpError';
}

/** Trace time constants (ms) of a plasticity rule: [pre τ_a, pre τ_b, post τ_a, post τ_b]. */
function traceTaus(p: CompiledProjection): [number, number, number, number] | null {
  const r = p.spec.plasticity;
  if (!r) return null;
  switch (r.rule) {
    case 'triplet':
      return [r.tau1, r.tau2, r.tau1, r.tau2];
    case 'pair':
      return [r.tauPlus, r.tauPlus, r.tauMinus, r.tauMinus];
    case 'vogels':
      return [r.tau, r.tau, r.tau, r.tau];
  }
}

export class CpuSpikingSim {
  readonly net: CompiledNet;
  /** steps run so far (the next step's index) */
  step = 0;
  readonly v: Float32Array;
  readonly gE: Float32Array;
  readonly gI: Float32Array;
  readonly lastSpike: Int32Array;
  /** this step's conductance jumps in fixed point (net.shift), added at the next update */
  readonly accE: Int32Array;
  readonly accI: Int32Array;
  private readonly scale: [number, number];
  readonly unscaleE_I: [number, number];
  /** external current per neuron (pA): drive, perturbations */
  readonly Iext: Float32Array;
  /** silenced neurons: V frozen, no spikes */
  readonly silenced: Uint8Array;
  /** spike probability per step of every Poisson train (the protocol may change it) */
  readonly prob: Float32Array;
  readonly proj: ProjectionState[];
  /** entities that spiked in the last step, ascending */
  readonly spikeList: Int32Array;
  nSpikes = 0;
  readonly spiked: Uint8Array;
  private readonly fixedCursor: Int32Array;
  private readonly key: [number, number];
  private readonly words = new Uint32Array(4);
  // per-population constants in float32
  readonly popConsts: Float32Array;
  /** the WebAssembly neuron update (Node), whose memory holds the neuron arrays; or null */
  private readonly lif: LifWasm | null;

  /**
   * @param opts.wasm use the WebAssembly neuron update where available (Node; default true).
   *   It computes the same bits as the JavaScript loop (test/unit/lifWasm.test.ts), ~5× faster.
   */
  constructor(net: CompiledNet, opts: { wasm?: boolean } = {}) {
    this.net = net;
    const statics = net.projections.filter(isStatic);
    this.lif =
      opts.wasm === false ? null : lifWasm(net.nNeurons, net.nEntities, net.nPoisson, statics);
    const a = this.lif?.arrays;
    this.v = a ? a.v : new Float32Array(net.nNeurons);
    this.v.set(net.v0);
    this.gE = a ? a.gE : new Float32Array(net.nNeurons);
    this.gE.set(net.gE0);
    this.gI = a ? a.gI : new Float32Array(net.nNeurons);
    this.gI.set(net.gI0);
    this.lastSpike = (a ? a.lastSpike : new Int32Array(net.nNeurons)).fill(NEVER);
    this.accE = a ? a.accE : new Int32Array(net.nNeurons);
    this.accI = a ? a.accI : new Int32Array(net.nNeurons);
    this.scale = [2 ** net.shift[0], 2 ** net.shift[1]];
    this.unscaleE_I = [2 ** -net.shift[0], 2 ** -net.shift[1]];
    this.Iext = a ? a.Iext : new Float32Array(net.nNeurons);
    this.silenced = a ? a.silenced : new Uint8Array(net.nNeurons);
    this.prob = a ? a.prob : new Float32Array(net.nPoisson);
    for (const s of net.sources) if (s.kind === 'poisson') this.prob.set(s.prob, s.poissonStart);
    this.spiked = a ? a.spiked : new Uint8Array(net.nEntities);
    this.spikeList = a ? a.spikeList : new Int32Array(net.nEntities);
    this.fixedCursor = new Int32Array(net.sources.length);
    this.key = seedKey(net.seed, STREAM.spikePoisson);
    this.popConsts = new Float32Array(net.populations.length * 12);
    net.populations.forEach((p, i) => {
      const q = p.params;
      this.popConsts.set(
        [
          q.gL,
          q.EL,
          q.VE,
          q.VI,
          q.Vth,
          q.Vreset,
          net.dt / q.C,
          p.decayE,
          p.decayI,
          q.Ibg,
          p.nRef,
          0,
        ],
        i * 12,
      );
    });
    this.proj = net.projections.map((p) => {
      const taus = traceTaus(p);
      const stp = p.spec.stp;
      const sq = this.lif && isStatic(p) ? statics.indexOf(p) : -1;
      let inc: Int32Array | null = null;
      if (isStatic(p)) {
        inc = sq >= 0 ? this.lif!.statics[sq].inc : new Int32Array(p.nSyn);
        for (let q = 0; q < p.nSyn; q++)
          inc[q] = toFixed(f(f(p.gbar * p.w[q]) * 1), this.scale[p.target]);
        if (sq >= 0) {
          this.lif!.statics[sq].rowPtr.set(p.rowPtr);
          this.lif!.statics[sq].col.set(p.col);
        }
      }
      return {
        w: p.w.slice(),
        enabled: true,
        plastic: !!p.spec.plasticity,
        U: stp ? new Float32Array(p.nSyn).fill(stp.U) : null,
        u: stp ? new Float32Array(p.nSyn).fill(stp.U) : null,
        R: stp ? new Float32Array(p.nSyn).fill(1) : null,
        mu: stp ? new Float32Array(p.nSyn) : null,
        stpLast: stp ? new Int32Array(p.nPre).fill(NEVER) : null,
        preTrace: taus ? new Float32Array(p.nPre * 2) : null,
        preLast: taus ? new Int32Array(p.nPre) : null,
        postTrace: taus ? new Float32Array(p.nPost * 2) : null,
        postLast: taus ? new Int32Array(p.nPost) : null,
        sumW: p.spec.norm?.kind === 'competitive' ? new Float32Array(p.nPost) : null,
        inc,
        wasmStatic: sq,
      };
    });
  }

  /** Set the rate (Hz) of Poisson trains [from, to) of a source. */
  setRate(source: string, rateHz: number | ArrayLike<number>, from = 0, to?: number): void {
    const s = this.net.sources.find((x) => x.name === source && x.kind === 'poisson');
    if (!s) throw new Error(`no Poisson source "${source}"`);
    const end = to ?? s.n;
    for (let j = from; j < end; j++) {
      const r = typeof rateHz === 'number' ? rateHz : rateHz[j - from];
      this.prob[s.poissonStart + j] = f((r * this.net.dt) / 1000);
    }
  }

  setIext(neuron: number, pA: number): void {
    this.Iext[neuron] = pA;
  }

  /** Silence a neuron (V frozen, no spikes) or release it (from V_reset). */
  setSilenced(neuron: number, on: boolean): void {
    this.silenced[neuron] = on ? 1 : 0;
    if (on) this.v[neuron] = this.net.populations[this.net.popOf[neuron]].params.Vreset;
  }

  setProjectionEnabled(p: number, on: boolean): void {
    this.proj[p].enabled = on;
  }

  setPlastic(p: number, on: boolean): void {
    this.proj[p].plastic = on && !!this.net.projections[p].spec.plasticity;
  }

  readWeights(p: number): Float32Array {
    return this.proj[p].w.slice();
  }

  /** Run n steps, recording into `rec` if given. Throws BlowUpError on a non-finite state. */
  run(n: number, mon?: MonitorSpec, rec?: Recording): void {
    const end = this.step + n;
    for (; this.step < end; this.step++) {
      this.stepOnce(this.step);
      if (mon && rec) this.record(this.step, mon, rec);
    }
  }

  newRecording(mon: MonitorSpec): Recording {
    return emptyRecording(this.net.populations.length, mon.weights?.projections.length ?? 0);
  }

  private stepOnce(k: number): void {
    const net = this.net;
    const { v, lastSpike, spiked, spikeList } = this;
    const pc = this.popConsts;
    const popOf = net.popOf;
    let ns = 0;
    // 1–2. update and threshold (neurons), one population at a time
    const lif = this.lif;
    for (const pop of net.populations) {
      const o = popOf[pop.start] * 12;
      if (lif) {
        const [pV, pGE, pGI, pAE, pAI, pLast, pIext, pSil, pSpiked, pList, pS1, pS2] = lif.offsets;
        ns = lif.update(
          pop.start,
          pop.start + pop.n,
          k,
          ns,
          pV,
          pGE,
          pGI,
          pAE,
          pAI,
          pLast,
          pIext,
          pSil,
          pSpiked,
          pList,
          pc[o],
          f(pc[o] * pc[o + 1]),
          pc[o + 2],
          pc[o + 3],
          pc[o + 4],
          pc[o + 6],
          pc[o + 7],
          pc[o + 8],
          pc[o + 9],
          pc[o + 10],
          this.unscaleE_I[0],
          this.unscaleE_I[1],
          pS1,
          pS2,
        );
        const bad = lif.bad();
        if (bad >= 0) throw new BlowUpError(`V of neuron ${bad} is not finite at step ${k}`);
      } else ns = updatePopulation(this, pop.start, pop.start + pop.n, o, k, ns);
    }
    // 2. threshold (sources)
    for (let si = 0; si < net.sources.length; si++) {
      const s = net.sources[si];
      if (s.kind === 'poisson' && lif) {
        ns = lif.poisson(
          s.n,
          s.poissonStart,
          s.start,
          k >>> 0,
          Math.floor(k / 4294967296) >>> 0,
          this.key[0],
          this.key[1],
          lif.offsets[12],
          lif.offsets[8],
          lif.offsets[9],
          ns,
        );
      } else if (s.kind === 'poisson') {
        const w = this.words;
        for (let j = 0; j < s.n; j++) {
          const jj = s.poissonStart + j;
          if ((jj & 3) === 0 || j === 0)
            philox4x32(
              k >>> 0,
              Math.floor(k / 4294967296) >>> 0,
              jj >>> 2,
              0,
              this.key[0],
              this.key[1],
              w,
            );
          const hit = u32ToUniform(w[jj & 3]) < this.prob[jj] ? 1 : 0;
          spiked[s.start + j] = hit;
          if (hit) spikeList[ns++] = s.start + j;
        }
      } else {
        for (let j = 0; j < s.n; j++) spiked[s.start + j] = 0;
        let c = this.fixedCursor[si];
        const st = s.fixedSteps;
        while (c < st.length && st[c] < k) c++;
        while (c < st.length && st[c] === k) {
          const e = s.start + s.fixedTrains[c];
          if (!spiked[e]) {
            spiked[e] = 1;
            spikeList[ns++] = e;
          }
          c++;
        }
        this.fixedCursor[si] = c;
      }
    }
    // Neurons, then sources in order, fixed trains sorted by (step, train): the list is ascending.
    this.nSpikes = ns;
    // 3. synapses
    for (let p = 0; p < net.projections.length; p++) this.synapses(k, p);
    // 4. reset
    for (let q = 0; q < ns; q++) {
      const i = spikeList[q];
      if (i >= net.nNeurons) break;
      v[i] = pc[popOf[i] * 12 + 5];
      lastSpike[i] = k;
    }
  }

  private synapses(k: number, p: number): void {
    const cp = this.net.projections[p];
    const st = this.proj[p];
    const dt = this.net.dt;
    const { spikeList, nSpikes } = this;
    const preEnd = cp.preStart + cp.nPre;
    const rule = st.plastic ? cp.spec.plasticity : undefined;
    const taus = traceTaus(cp);
    const acc = cp.target === 0 ? this.accE : this.accI;
    const scale = this.scale[cp.target];
    const norm = cp.spec.norm;
    const comp = rule && norm?.kind === 'competitive' ? norm : null;
    if (comp && st.sumW) {
      // Σw at the start of the step (Brian2's summed variable, updated before 'groups').
      const { w } = st;
      for (let i = 0; i < cp.nPost; i++) {
        let s = 0;
        for (let q = cp.inPtr[i]; q < cp.inPtr[i + 1]; q++) s = f(s + w[cp.inSyn[q]]);
        st.sumW[i] = s;
      }
    }
    // (a) pre events
    if (st.inc) {
      // static synapses: the same integer sums as below, from precomputed jumps
      if (!st.enabled) return;
      if (st.wasmStatic >= 0) {
        const lif = this.lif!;
        const at = lif.statics[st.wasmStatic].at;
        lif.deliver(
          nSpikes,
          lif.offsets[9],
          cp.preStart,
          preEnd,
          at[0],
          at[1],
          at[2],
          lif.offsets[cp.target === 0 ? 3 : 4],
          cp.postStart,
        );
        return;
      }
      const { inc } = st;
      const col = cp.col;
      const base = cp.postStart;
      for (let q = 0; q < nSpikes; q++) {
        const e = spikeList[q];
        if (e < cp.preStart) continue;
        if (e >= preEnd) break;
        const j = e - cp.preStart;
        for (let s = cp.rowPtr[j], s1 = cp.rowPtr[j + 1]; s < s1; s++) acc[base + col[s]] += inc[s];
      }
      return;
    }
    for (let q = 0; q < nSpikes; q++) {
      const e = spikeList[q];
      if (e < cp.preStart) continue;
      if (e >= preEnd) break;
      const j = e - cp.preStart;
      const s0 = cp.rowPtr[j];
      const s1 = cp.rowPtr[j + 1];
      if (s0 === s1) continue;
      let y1 = 0;
      let y2 = 0;
      if (rule && taus && st.preTrace && st.preLast) {
        const el = k - st.preLast[j];
        y1 = f(f(st.preTrace[2 * j] * decay(el, dt, taus[0])) + 1);
        y2 = f(f(st.preTrace[2 * j + 1] * decay(el, dt, taus[1])) + 1);
        st.preTrace[2 * j] = y1;
        st.preTrace[2 * j + 1] = y2;
        st.preLast[j] = k;
      }
      let du = 0;
      let dR = 0;
      const stp = cp.spec.stp;
      if (stp && st.stpLast) {
        const el = k - st.stpLast[j];
        du = el > 0x3fffffff ? 0 : decay(el, dt, stp.tauU);
        dR = el > 0x3fffffff ? 0 : decay(el, dt, stp.tauR);
        st.stpLast[j] = k;
      }
      for (let s = s0; s < s1; s++) {
        const i = cp.col[s];
        let mu = 1;
        if (stp && st.u && st.R && st.U && st.mu) {
          const U = st.U[s];
          let u = f(U + f(f(st.u[s] - U) * du));
          const R0 = f(1 + f(f(st.R[s] - 1) * dR));
          u = f(u + f(f(1 - u) * f(stp.F)));
          mu = f(u * R0);
          st.mu[s] = mu;
          st.u[s] = u;
          st.R[s] = f(R0 - mu);
        }
        if (st.enabled && cp.postIsNeuron) {
          const post = cp.postStart + i;
          acc[post] += toFixed(f(f(cp.gbar * st.w[s]) * mu), scale);
        }
        if (rule && taus && st.postTrace && st.postLast) {
          const el = k - st.postLast[i];
          const x1 = f(st.postTrace[2 * i] * decay(el, dt, taus[2]));
          let dw: number;
          switch (rule.rule) {
            case 'triplet':
              dw = -f(f(f(rule.eta * rule.aLTD) * y2) * x1);
              break;
            case 'pair':
              dw = -f(f(rule.eta * rule.aLTD) * x1);
              break;
            case 'vogels':
              dw = f(f(rule.eta) * f(x1 - f(2 * rule.rho0 * rule.tau * 1e-3)));
              break;
          }
          this.updateWeight(st, s, i, dw, rule.wMin, rule.wMax, comp);
        }
      }
    }
    // (b) post events
    if (!rule || !taus || !st.postTrace || !st.postLast || !st.preTrace || !st.preLast) return;
    const postEnd = cp.postStart + cp.nPost;
    for (let q = 0; q < nSpikes; q++) {
      const e = spikeList[q];
      if (e < cp.postStart) continue;
      if (e >= postEnd) break;
      const i = e - cp.postStart;
      const el = k - st.postLast[i];
      st.postTrace[2 * i] = f(f(st.postTrace[2 * i] * decay(el, dt, taus[2])) + 1);
      const x2 = f(f(st.postTrace[2 * i + 1] * decay(el, dt, taus[3])) + 1);
      st.postTrace[2 * i + 1] = x2;
      st.postLast[i] = k;
      for (let qq = cp.inPtr[i]; qq < cp.inPtr[i + 1]; qq++) {
        const s = cp.inSyn[qq];
        const j = cp.row[s];
        const y1 = f(st.preTrace[2 * j] * decay(k - st.preLast[j], dt, taus[0]));
        let dw: number;
        switch (rule.rule) {
          case 'triplet':
            dw = f(f(f(rule.eta * rule.aLTP) * y1) * x2);
            break;
          case 'pair':
            dw = f(f(rule.eta * rule.aLTP) * y1);
            break;
          case 'vogels':
            dw = f(f(rule.eta) * y1);
            break;
        }
        this.updateWeight(st, s, i, dw, rule.wMin, rule.wMax, comp);
      }
    }
  }

  private updateWeight(
    st: ProjectionState,
    s: number,
    i: number,
    dw: number,
    wMin: number,
    wMax: number,
    comp: { etaN: number; target: number } | null,
  ): void {
    let w = f(st.w[s] + dw);
    w = w < wMin ? f(wMin) : w > wMax ? f(wMax) : w;
    if (comp && st.sumW) {
      // Giannakakis eq 12, applied to the updated synapse as in the authors' Brian2 code.
      const sw = st.sumW[i];
      const fac = f(f(1 - comp.etaN) + f(f(comp.etaN * comp.target) / sw));
      w = f(w * fac);
    }
    st.w[s] = w;
  }

  /** Subtractive normalisation (Giannakakis Appendix A) of projection p: w ← w − (Σw − T)/n. */
  normalizeSubtractive(p: number): void {
    const cp = this.net.projections[p];
    const norm = cp.spec.norm;
    const rule = cp.spec.plasticity;
    if (norm?.kind !== 'subtractive' || !rule) return;
    const w = this.proj[p].w;
    for (let i = 0; i < cp.nPost; i++) {
      const a = cp.inPtr[i];
      const b = cp.inPtr[i + 1];
      if (a === b) continue;
      let s = 0;
      for (let q = a; q < b; q++) s = f(s + w[cp.inSyn[q]]);
      const d = f(f(s - f(norm.target)) / (b - a));
      for (let q = a; q < b; q++) {
        const x = f(w[cp.inSyn[q]] - d);
        w[cp.inSyn[q]] = x < rule.wMin ? f(rule.wMin) : x > rule.wMax ? f(rule.wMax) : x;
      }
    }
  }

  /** g_E, g_I of neuron i as the next step will see them (with this step's jumps). */
  conductances(i: number): [number, number] {
    const ge =
      this.accE[i] === 0 ? this.gE[i] : f(this.gE[i] + f(f(this.accE[i]) * this.unscaleE_I[0]));
    const gi =
      this.accI[i] === 0 ? this.gI[i] : f(this.gI[i] + f(f(this.accI[i]) * this.unscaleE_I[1]));
    return [ge, gi];
  }

  private record(k: number, mon: MonitorSpec, rec: Recording): void {
    const net = this.net;
    if (mon.spikes) {
      const { from, to } = mon.spikes;
      for (let q = 0; q < this.nSpikes; q++) {
        const e = this.spikeList[q];
        if (e >= from && e < to) {
          rec.spikeSteps.push(k);
          rec.spikeIds.push(e);
        }
      }
    }
    if (mon.rateBin) {
      const bin = Math.floor(k / mon.rateBin);
      for (const list of rec.rateCounts) while (list.length <= bin) list.push(0);
      for (let q = 0; q < this.nSpikes; q++) {
        const e = this.spikeList[q];
        if (e >= net.nNeurons) break;
        rec.rateCounts[net.popOf[e]].data[bin]++;
      }
    }
    if (mon.traces && (k + 1) % mon.traces.every === 0) {
      rec.traceSteps.push(k);
      for (const i of mon.traces.neurons) {
        const q = net.populations[net.popOf[i]].params;
        const V = this.v[i];
        const [ge, gi] = this.conductances(i);
        rec.v.push(V);
        rec.gE.push(ge);
        rec.gI.push(gi);
        rec.iE.push(f(ge * f(q.VE - V)));
        rec.iI.push(f(gi * f(q.VI - V)));
      }
    }
    if (mon.weights && (k + 1) % mon.weights.every === 0) {
      rec.weightSteps.push(k);
      mon.weights.projections.forEach((p, m) => rec.weights[m].push(this.proj[p].w.slice()));
    }
  }
}

/**
 * Steps 1–2 for neurons [start, end) of one population: last step's jumps enter the
 * conductances, V integrates (exponential Euler) unless refractory or silenced, the
 * conductances decay, and spikes are appended to the list. A small function of its own so
 * that V8 optimises the hot loop in isolation. Returns the new spike count.
 */
function updatePopulation(
  sim: CpuSpikingSim,
  start: number,
  end: number,
  o: number,
  k: number,
  ns: number,
): number {
  const { v, gE, gI, accE, accI, lastSpike, Iext, silenced, spiked, spikeList } = sim;
  const pc = sim.popConsts;
  const [uE, uI] = sim.unscaleE_I;
  const gL = pc[o];
  const gLEL = f(gL * pc[o + 1]);
  const VE = pc[o + 2];
  const VI = pc[o + 3];
  const Vth = pc[o + 4];
  const dtC = pc[o + 6];
  const dE = pc[o + 7];
  const dI = pc[o + 8];
  const Ibg = pc[o + 9];
  const nRef = pc[o + 10];
  let bad = -1;
  for (let i = start; i < end; i++) {
    const ae = accE[i];
    const ai = accI[i];
    const ge = ae === 0 ? gE[i] : f(gE[i] + f(f(ae) * uE));
    const gi = ai === 0 ? gI[i] : f(gI[i] + f(f(ai) * uI));
    accE[i] = 0;
    accI[i] = 0;
    let spike = 0;
    if (k - lastSpike[i] >= nRef && silenced[i] === 0) {
      const I = f(Ibg + Iext[i]);
      const gtot = f(f(gL + ge) + gi);
      const num = f(f(gLEL + f(ge * VE)) + f(f(gi * VI) + I));
      const vinf = f(num / gtot);
      const ef = f(Math.exp(-f(dtC * gtot)));
      const vn = f(vinf + f(f(v[i] - vinf) * ef));
      v[i] = vn;
      // a non-finite V (NaN or ±∞) is not a spike: the run stops after this population
      if (Math.abs(vn) < Infinity) spike = vn > Vth ? 1 : 0;
      else if (bad < 0) bad = i;
    }
    gE[i] = f(ge * dE);
    gI[i] = f(gi * dI);
    spiked[i] = spike;
    if (spike) spikeList[ns++] = i;
  }
  if (bad >= 0) throw new BlowUpError(`V of neuron ${bad} is not finite at step ${k}`);
  return ns;
}

/** exp(−n·dt/τ) rounded to float32 (n steps elapsed). */
export function decay(n: number, dt: number, tau: number): number {
  return f(Math.exp((-n * dt) / tau));
}
