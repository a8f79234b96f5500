/**
 * Host side of the data layout of the spiking kernels (shaders/lib/spk_common.wgsl): a batch
 * of B compiled networks (src/model/spiking/build.ts) packed into six storage buffers.
 *
 *   cst  (read-only u32; floats as bits) header · networks · populations · projections ·
 *        decay-table descriptors · per-entity (network, population) · Poisson blocks and
 *        trains · fixed sources and their (step, train) lists · competitive-post work items ·
 *        2^(j/256) for the exponential of V · the decay tables themselves
 *   syn  (read-only u32) per projection: rowPtr, col (CSR by pre) and, for plastic
 *        projections only, inPtr, inSyn (incoming index by post) and row (pre of a synapse)
 *   sw   (f32) w of every projection, then u, R, μ of the STP projections
 *   st   (u32; floats as bits) per entity V, g_E, g_I, lastSpike, I_ext, silenced; Poisson
 *        probabilities; projection flags; the spike lists; per projection the plasticity
 *        traces, their last-touched steps, STP last spikes and the per-step scratch
 *   atm  (atomic u32) fixed-point accumulators acc_E | acc_I per entity, spike counters,
 *        per-network progress / blow-up words, raster counters, the halt word, the
 *        competitive-normalisation dirty flags, population spike counts per bin
 *   mon  (u32) monitor configuration, raster ring, trace samples (rebuilt per monitor spec)
 *
 * Entities are numbered globally: network b's entity e is entOff[b] + e. Neuron state is
 * indexed by global entity (the few source slots are unused), so one index serves the spike
 * lists, the accumulators and the state.
 *
 * Everything in the per-step arithmetic is either a float32 constant computed here exactly
 * as CpuSpikingSim computes it (products of parameters in float64, rounded once), or a
 * float32 operation done in the same order on the GPU. exp(−n·dt/τ) for the plasticity
 * traces and STP comes from float32 tables computed here with CpuSpikingSim's `decay`, so
 * the GPU's traces are the CPU's bits.
 */
import type { CompiledNet, CompiledProjection } from '../../../model/spiking/build';
import { seedKey, STREAM } from '../../rng/philox';
import { decay } from '../cpu/cpuSim';

const f = Math.fround;

/** lastSpike of a neuron that never spiked (CpuSpikingSim's NEVER). */
export const NEVER = -0x3fffffff;
/** "none" in the blow-up and halt words. */
export const NONE = 0xffffffff;
/** Entries of a decay table at most (2^20: 105 s at dt = 0.1 ms). Beyond a table that does
 *  not reach float32 zero (τ > ~1 s at dt = 0.1 ms) the GPU computes exp(−n·dt/τ) itself
 *  (not bit-identical with Math.exp, used only after 2^20 steps without a spike). */
export const TABLE_CAP = 2 ** 20;
/** Population spike-count bins per chunk (rate monitor); chunks are cut to fit. */
export const RATE_BINS = 256;

/** Header words of cst (mirrored as H_* in spk_common.wgsl). */
export const H = {
  B: 0,
  NE: 1,
  NPOIS: 2,
  NPB: 3,
  NFIX: 4,
  NPROJ: 5,
  NCP: 6,
  NET: 8,
  POP: 9,
  PROJ: 10,
  TAB: 11,
  ENT: 12,
  PBLK: 13,
  PENT: 14,
  FIXL: 15,
  FIX: 16,
  CP: 17,
  EXP: 18,
  S_V: 20,
  S_GE: 21,
  S_GI: 22,
  S_LAST: 23,
  S_IEXT: 24,
  S_SIL: 25,
  S_PROB: 26,
  S_PFLAG: 27,
  S_LIST: 28,
  A_CNT: 30,
  A_DONE: 31,
  A_BSTEP: 32,
  A_BNEUR: 33,
  A_HALT: 34,
  A_RCNT: 35,
  A_RATE: 36,
  A_DIRTY: 37,
  WORDS: 40,
} as const;

/** Network record (NET_W words). */
export const NET_W = 24;
export const NETF = {
  entOff: 0,
  nEnt: 1,
  nNeur: 2,
  projOff: 3,
  nProj: 4,
  poisOff: 5,
  nPois: 6,
  keyLo: 7,
  keyHi: 8,
  scaleE: 9,
  scaleI: 10,
  unscaleE: 11,
  unscaleI: 12,
  popOff: 13,
  nPop: 14,
  pblkOff: 15,
  nPblk: 16,
  fixlOff: 17,
  nFix: 18,
  rateOff: 19,
  cpOff: 20,
  nCp: 21,
  plastic: 22,
} as const;

/** Population record (POP_W words; the CPU's per-population constants, same order). */
export const POP_W = 12;

/** Projection record (PROJ_W words). */
export const PROJ_W = 48;
export const PF = {
  net: 0,
  preStart: 1,
  nPre: 2,
  postStart: 3,
  nPost: 4,
  flags: 5,
  gbar: 6,
  rowPtr: 7,
  col: 8,
  inPtr: 9,
  inSyn: 10,
  row: 11,
  syn: 12,
  nSyn: 13,
  u: 14,
  R: 15,
  preTr: 16,
  preLast: 17,
  postTr: 18,
  postLast: 19,
  stpLast: 20,
  stpScr: 21,
  postScr: 22,
  fac: 23,
  dirty: 24,
  cPre: 25,
  cPost: 26,
  alpha: 27,
  wMin: 28,
  wMax: 29,
  tab0: 30,
  tab1: 31,
  tab2: 32,
  tab3: 33,
  stpU: 34,
  stpF: 35,
  tabU: 36,
  tabR: 37,
  compC1: 38,
  compC2: 39,
  subT: 40,
  mu: 41,
} as const;

/** Static projection flags (PF.flags). */
export const FLAG = {
  postNeuron: 1,
  targetI: 2,
  /** rule in bits 2–3: 1 triplet, 2 pair, 3 vogels */
  ruleShift: 2,
  stp: 16,
  competitive: 32,
  subtractive: 64,
} as const;

/** Mutable projection flags (st[S_PFLAG + p]). */
export const PFLAG = { enabled: 1, plastic: 2 } as const;

export const TAB_W = 4;
/** Monitor record per network in mon (MC_W words; mirrored in spk_common.wgsl). */
export const MC_W = 16;
export const MC = {
  rFrom: 0,
  rTo: 1,
  rBase: 2,
  rCap: 3,
  rWorst: 4,
  rateBin: 5,
  tEvery: 6,
  tN: 7,
  tList: 8,
  tBase: 9,
  tCap: 10,
} as const;

const RULE_ID = { triplet: 1, pair: 2, vogels: 3 } as const;

/** Trace time constants (ms) of a rule: [pre a, pre b, post a, post b] (as CpuSpikingSim). */
export function traceTaus(p: CompiledProjection): [number, number, number, number] | null {
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

/** Where one projection's arrays live (word offsets in their buffers). */
export interface ProjPlace {
  net: number;
  local: number;
  global: number;
  proj: CompiledProjection;
  syn: number;
  u: number;
  R: number;
  mu: number;
  preTr: number;
  preLast: number;
  postTr: number;
  postLast: number;
  stpLast: number;
  stpScr: number;
  postScr: number;
  fac: number;
  dirty: number;
  hasTraces: boolean;
  hasStp: boolean;
  competitive: boolean;
}

/** Where one network lives. */
export interface NetPlace {
  entOff: number;
  nEnt: number;
  nNeur: number;
  projOff: number;
  popOff: number;
  poisOff: number;
  rateOff: number;
  nPops: number;
}

export interface PackedBatch {
  B: number;
  NE: number;
  cst: Uint32Array;
  syn: Uint32Array;
  sw: Float32Array;
  st: Uint32Array;
  /** initial contents of atm (accumulators zero, dirty flags set, "none" words) */
  atm: Uint32Array;
  nets: NetPlace[];
  projs: ProjPlace[];
  /** st offsets (header S_*) */
  S: {
    V: number;
    GE: number;
    GI: number;
    LAST: number;
    IEXT: number;
    SIL: number;
    PROB: number;
    PFLAG: number;
    LIST: number;
  };
  /** atm offsets (header A_*) */
  A: {
    ACC: number;
    CNT: number;
    DONE: number;
    BSTEP: number;
    BNEUR: number;
    HALT: number;
    RCNT: number;
    RATE: number;
    DIRTY: number;
  };
  /** counts of the work items of the phased kernels */
  NPB: number;
  NFIX: number;
  NCP: number;
  anyCompetitive: boolean;
  anyPlastic: boolean;
  /** largest number of entities of one network (strategy choice) */
  maxEntities: number;
  /** bytes of each array group (limit messages) */
  parts: Record<'cst' | 'syn' | 'sw' | 'st' | 'atm', { bytes: number; what: string }>;
  /** decay tables: number and total entries */
  tables: { count: number; entries: number; capped: number };
}

/** A growable u32 word array. */
class Words {
  a = new Uint32Array(1024);
  n = 0;
  private grow(m: number): void {
    if (this.n + m <= this.a.length) return;
    let c = this.a.length * 2;
    while (c < this.n + m) c *= 2;
    const b = new Uint32Array(c);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  alloc(m: number): number {
    this.grow(m);
    const o = this.n;
    this.n += m;
    return o;
  }
  push(x: number): number {
    const o = this.alloc(1);
    this.a[o] = x >>> 0;
    return o;
  }
  set(o: number, x: ArrayLike<number>): void {
    this.a.set(x, o);
  }
  done(): Uint32Array {
    return this.a.slice(0, Math.max(4, this.n));
  }
}

const fbits = new Float32Array(1);
const ubits = new Uint32Array(fbits.buffer);
/** float32 bits of x (x rounded to float32). */
export function bitsOf(x: number): number {
  fbits[0] = x;
  return ubits[0];
}
export function floatOf(bits: number): number {
  ubits[0] = bits >>> 0;
  return fbits[0];
}

/** 2^(j/256), j < 256, as float-float words (hi, lo) for exp_rn (shaders/lib/spk_exact.wgsl);
 *  Math.pow is within an ulp of float64, 2^-53. */
export function expTable(): Uint32Array<ArrayBuffer> {
  const t = new Uint32Array(512);
  for (let j = 0; j < 256; j++) {
    const d = Math.pow(2, j / 256);
    const hi = Math.fround(d);
    t[2 * j] = bitsOf(hi);
    t[2 * j + 1] = bitsOf(d - hi);
  }
  return t;
}

/** Pack a batch of compiled networks into the kernels' buffers. */
export function packBatch(nets: readonly CompiledNet[]): PackedBatch {
  const B = nets.length;
  if (B < 1) throw new RangeError('a spiking batch needs at least one network');
  // ── sizes and per-network offsets ──
  const place: NetPlace[] = [];
  let NE = 0;
  let nProj = 0;
  let nPop = 0;
  let nPois = 0;
  let NPB = 0;
  let NFIX = 0;
  let rate = 0;
  let maxEntities = 0;
  for (const net of nets) {
    place.push({
      entOff: NE,
      nEnt: net.nEntities,
      nNeur: net.nNeurons,
      projOff: nProj,
      popOff: nPop,
      poisOff: nPois,
      rateOff: rate,
      nPops: net.populations.length,
    });
    NE += net.nEntities;
    nProj += net.projections.length;
    nPop += net.populations.length;
    nPois += net.nPoisson;
    NPB += Math.ceil(net.nPoisson / 4);
    NFIX += net.sources.filter((s) => s.kind === 'fixed').length;
    rate += net.populations.length * RATE_BINS;
    maxEntities = Math.max(maxEntities, net.nEntities);
  }

  // ── st (mutable per-entity state, then per-projection regions) ──
  let so = 0;
  const S = {
    V: (so += 0),
    GE: (so += NE),
    GI: (so += NE),
    LAST: (so += NE),
    IEXT: (so += NE),
    SIL: (so += NE),
    PROB: (so += NE),
    PFLAG: (so += nPois),
    LIST: (so += nProj),
  };
  so += NE;
  // ── atm ──
  let ao = 0;
  const A = {
    ACC: (ao += 0),
    CNT: (ao += 2 * NE),
    DONE: (ao += 2 * (B + 1)),
    BSTEP: (ao += B),
    BNEUR: (ao += B),
    HALT: (ao += B),
    RCNT: (ao += 4),
    RATE: (ao += B),
    DIRTY: (ao += rate),
  };
  // ── per projection places ──
  const projs: ProjPlace[] = [];
  let synW = 0; // sw words
  let syn = 0; // syn words
  let nCP = 0;
  let dirty = A.DIRTY;
  let anyCompetitive = false;
  let anyPlastic = false;
  const synOff: { rowPtr: number; col: number; inPtr: number; inSyn: number; row: number }[] = [];
  nets.forEach((net, b) => {
    net.projections.forEach((p, local) => {
      const taus = traceTaus(p);
      const hasStp = !!p.spec.stp;
      const competitive = !!taus && p.spec.norm?.kind === 'competitive';
      const needIncoming = !!taus || p.spec.norm?.kind === 'subtractive';
      anyCompetitive ||= competitive;
      anyPlastic ||= !!taus;
      const pp: ProjPlace = {
        net: b,
        local,
        global: projs.length,
        proj: p,
        syn: synW,
        u: 0,
        R: 0,
        mu: 0,
        preTr: 0,
        preLast: 0,
        postTr: 0,
        postLast: 0,
        stpLast: 0,
        stpScr: 0,
        postScr: 0,
        fac: 0,
        dirty: 0,
        hasTraces: !!taus,
        hasStp,
        competitive,
      };
      synW += p.nSyn;
      const o = { rowPtr: syn, col: 0, inPtr: 0, inSyn: 0, row: 0 };
      syn += p.nPre + 1;
      o.col = syn;
      syn += p.nSyn;
      if (needIncoming) {
        o.inPtr = syn;
        syn += p.nPost + 1;
        o.inSyn = syn;
        syn += p.nSyn;
        o.row = syn;
        syn += p.nSyn;
      }
      synOff.push(o);
      if (taus) {
        pp.preTr = so;
        so += 2 * p.nPre;
        pp.preLast = so;
        so += p.nPre;
        pp.postTr = so;
        so += 2 * p.nPost;
        pp.postLast = so;
        so += p.nPost;
        pp.postScr = so;
        so += 2 * p.nPost;
      }
      if (hasStp) {
        pp.stpLast = so;
        so += p.nPre;
        pp.stpScr = so;
        so += 2 * p.nPre;
      }
      if (competitive) {
        pp.fac = so;
        so += p.nPost;
        pp.dirty = dirty;
        dirty += p.nPost;
        nCP += p.nPost;
      }
      projs.push(pp);
    });
  });
  for (const pp of projs)
    if (pp.hasStp) {
      pp.u = synW;
      synW += pp.proj.nSyn;
      pp.R = synW;
      synW += pp.proj.nSyn;
      pp.mu = synW;
      synW += pp.proj.nSyn;
    }
  const atmWords = dirty;

  // ── decay tables (one per distinct (dt, τ)) ──
  const tabIds = new Map<string, number>();
  const tabList: { dt: number; tau: number }[] = [];
  const tab = (dt: number, tau: number): number => {
    const key = `${dt}|${tau}`;
    let id = tabIds.get(key);
    if (id === undefined) {
      id = tabList.length;
      tabIds.set(key, id);
      tabList.push({ dt, tau });
    }
    return id;
  };
  const projTabs = projs.map((pp) => {
    const dt = nets[pp.net].dt;
    const taus = traceTaus(pp.proj);
    const stp = pp.proj.spec.stp;
    return {
      t: taus ? taus.map((x) => tab(dt, x)) : [0, 0, 0, 0],
      u: stp ? tab(dt, stp.tauU) : 0,
      r: stp ? tab(dt, stp.tauR) : 0,
    };
  });

  // ── cst ──
  const c = new Words();
  c.alloc(H.WORDS);
  const hdr = (k: keyof typeof H, v: number) => (c.a[H[k]] = v >>> 0);
  hdr('B', B);
  hdr('NE', NE);
  hdr('NPOIS', nPois);
  hdr('NPB', NPB);
  hdr('NFIX', NFIX);
  hdr('NPROJ', nProj);
  hdr('NCP', nCP);
  const netOff = c.alloc(B * NET_W);
  const popOff = c.alloc(nPop * POP_W);
  const projOff = c.alloc(nProj * PROJ_W);
  const tabOff = c.alloc(tabList.length * TAB_W);
  const entOff = c.alloc(2 * NE);
  const pblkOff = c.alloc(2 * NPB);
  const pentOff = c.alloc(nPois);
  const fixlOff = c.alloc(4 * NFIX);
  hdr('NET', netOff);
  hdr('POP', popOff);
  hdr('PROJ', projOff);
  hdr('TAB', tabOff);
  hdr('ENT', entOff);
  hdr('PBLK', pblkOff);
  hdr('PENT', pentOff);
  hdr('FIXL', fixlOff);
  for (const [k, v] of Object.entries(S)) hdr(`S_${k}` as keyof typeof H, v);
  for (const [k, v] of Object.entries(A)) if (k !== 'ACC') hdr(`A_${k}` as keyof typeof H, v);

  let pblk = 0;
  let fixl = 0;
  const fixPairs: number[] = [];
  nets.forEach((net, b) => {
    const pl = place[b];
    const n = netOff + b * NET_W;
    const key = seedKey(net.seed, STREAM.spikePoisson);
    const fixedSources = net.sources.filter((s) => s.kind === 'fixed');
    const w = c.a;
    w[n + NETF.entOff] = pl.entOff;
    w[n + NETF.nEnt] = net.nEntities;
    w[n + NETF.nNeur] = net.nNeurons;
    w[n + NETF.projOff] = pl.projOff;
    w[n + NETF.nProj] = net.projections.length;
    w[n + NETF.poisOff] = pl.poisOff;
    w[n + NETF.nPois] = net.nPoisson;
    w[n + NETF.keyLo] = key[0];
    w[n + NETF.keyHi] = key[1];
    w[n + NETF.scaleE] = bitsOf(2 ** net.shift[0]);
    w[n + NETF.scaleI] = bitsOf(2 ** net.shift[1]);
    w[n + NETF.unscaleE] = bitsOf(2 ** -net.shift[0]);
    w[n + NETF.unscaleI] = bitsOf(2 ** -net.shift[1]);
    w[n + NETF.popOff] = pl.popOff;
    w[n + NETF.nPop] = net.populations.length;
    w[n + NETF.pblkOff] = pblk;
    w[n + NETF.nPblk] = Math.ceil(net.nPoisson / 4);
    w[n + NETF.fixlOff] = fixl;
    w[n + NETF.nFix] = fixedSources.length;
    w[n + NETF.rateOff] = A.RATE + pl.rateOff;
    let cpBefore = 0;
    let cpHere = 0;
    let plastic = 0;
    for (const pp of projs) {
      if (pp.net < b && pp.competitive) cpBefore += pp.proj.nPost;
      if (pp.net === b && pp.competitive) cpHere += pp.proj.nPost;
      if (pp.net === b && pp.hasTraces) plastic = 1;
    }
    w[n + NETF.cpOff] = cpBefore;
    w[n + NETF.nCp] = cpHere;
    w[n + NETF.plastic] = plastic;
    // populations: the CPU's pc[] constants in its order
    net.populations.forEach((p, pi) => {
      const q = p.params;
      const o = popOff + (pl.popOff + pi) * POP_W;
      const vals = [
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
      ];
      vals.forEach((x, k) => (w[o + k] = bitsOf(x)));
      w[o + 10] = p.nRef;
      w[o + 11] = b;
      for (let i = 0; i < p.n; i++) {
        const e = pl.entOff + p.start + i;
        w[entOff + 2 * e] = b;
        w[entOff + 2 * e + 1] = pl.popOff + pi;
      }
    });
    for (const s of net.sources) {
      for (let j = 0; j < s.n; j++) {
        const e = pl.entOff + s.start + j;
        w[entOff + 2 * e] = b;
        w[entOff + 2 * e + 1] = NONE;
      }
      if (s.kind === 'poisson') {
        for (let j = 0; j < s.n; j++)
          w[pentOff + pl.poisOff + s.poissonStart + j] = pl.entOff + s.start + j;
      } else {
        const o = fixlOff + 4 * fixl++;
        w[o] = b;
        w[o + 1] = pl.entOff + s.start;
        w[o + 2] = fixPairs.length / 2;
        w[o + 3] = s.fixedSteps.length;
        for (let m = 0; m < s.fixedSteps.length; m++)
          fixPairs.push(s.fixedSteps[m], s.fixedTrains[m]);
      }
    }
    for (let q = 0; q < Math.ceil(net.nPoisson / 4); q++) {
      w[pblkOff + 2 * (pblk + q)] = b;
      w[pblkOff + 2 * (pblk + q) + 1] = q;
    }
    pblk += Math.ceil(net.nPoisson / 4);
  });
  const fixOff = c.alloc(fixPairs.length);
  c.set(fixOff, fixPairs);
  hdr('FIX', fixOff);
  const cpOff = c.alloc(2 * nCP);
  hdr('CP', cpOff);
  {
    let m = 0;
    for (const pp of projs)
      if (pp.competitive)
        for (let i = 0; i < pp.proj.nPost; i++) {
          c.a[cpOff + 2 * m] = pp.global;
          c.a[cpOff + 2 * m + 1] = i;
          m++;
        }
  }
  // 2^(j/256), j < 256, as float-float (hi, lo) for the correctly rounded exp of V
  // (shaders/lib/spk_exact.wgsl); Math.pow is within an ulp of float64, 2^-53
  const expOff = c.alloc(512);
  hdr('EXP', expOff);
  c.a.set(expTable(), expOff);
  // decay tables: exp(−n·dt/τ) in float32 exactly as CpuSpikingSim's decay(), up to the first
  // zero (included) or TABLE_CAP entries
  let tabEntries = 0;
  let capped = 0;
  tabList.forEach(({ dt, tau }, id) => {
    const vals: number[] = [];
    let isCapped = 1;
    for (let n = 0; n < TABLE_CAP; n++) {
      const x = decay(n, dt, tau);
      vals.push(x);
      if (x === 0) {
        isCapped = 0;
        break;
      }
    }
    const o = c.alloc(vals.length);
    const fv = new Float32Array(vals);
    c.set(o, new Uint32Array(fv.buffer));
    const d = tabOff + id * TAB_W;
    c.a[d] = o;
    c.a[d + 1] = vals.length;
    c.a[d + 2] = isCapped;
    c.a[d + 3] = bitsOf(dt / tau);
    tabEntries += vals.length;
    capped += isCapped;
  });

  // projections
  projs.forEach((pp, g) => {
    const p = pp.proj;
    const pl = place[pp.net];
    const o = projOff + g * PROJ_W;
    const w = c.a;
    const r = p.spec.plasticity;
    const norm = p.spec.norm;
    const stp = p.spec.stp;
    const so2 = synOff[g];
    let flags = 0;
    if (p.postIsNeuron) flags |= FLAG.postNeuron;
    if (p.target === 1) flags |= FLAG.targetI;
    if (r) flags |= RULE_ID[r.rule] << FLAG.ruleShift;
    if (stp) flags |= FLAG.stp;
    if (pp.competitive) flags |= FLAG.competitive;
    if (norm?.kind === 'subtractive') flags |= FLAG.subtractive;
    w[o + PF.net] = pp.net;
    w[o + PF.preStart] = pl.entOff + p.preStart;
    w[o + PF.nPre] = p.nPre;
    w[o + PF.postStart] = pl.entOff + p.postStart;
    w[o + PF.nPost] = p.nPost;
    w[o + PF.flags] = flags;
    w[o + PF.gbar] = bitsOf(p.gbar);
    w[o + PF.rowPtr] = so2.rowPtr;
    w[o + PF.col] = so2.col;
    w[o + PF.inPtr] = so2.inPtr;
    w[o + PF.inSyn] = so2.inSyn;
    w[o + PF.row] = so2.row;
    w[o + PF.syn] = pp.syn;
    w[o + PF.nSyn] = p.nSyn;
    w[o + PF.u] = pp.u;
    w[o + PF.R] = pp.R;
    w[o + PF.mu] = pp.mu;
    w[o + PF.preTr] = pp.preTr;
    w[o + PF.preLast] = pp.preLast;
    w[o + PF.postTr] = pp.postTr;
    w[o + PF.postLast] = pp.postLast;
    w[o + PF.stpLast] = pp.stpLast;
    w[o + PF.stpScr] = pp.stpScr;
    w[o + PF.postScr] = pp.postScr;
    w[o + PF.fac] = pp.fac;
    w[o + PF.dirty] = pp.dirty;
    if (r) {
      // the CPU's constant sub-expressions, each a float64 product rounded once
      switch (r.rule) {
        case 'triplet':
        case 'pair':
          w[o + PF.cPre] = bitsOf(r.eta * r.aLTD);
          w[o + PF.cPost] = bitsOf(r.eta * r.aLTP);
          break;
        case 'vogels':
          w[o + PF.cPre] = bitsOf(r.eta);
          w[o + PF.cPost] = bitsOf(r.eta);
          w[o + PF.alpha] = bitsOf(2 * r.rho0 * r.tau * 1e-3);
          break;
      }
      w[o + PF.wMin] = bitsOf(r.wMin);
      w[o + PF.wMax] = bitsOf(r.wMax);
    }
    const t = projTabs[g];
    w[o + PF.tab0] = t.t[0];
    w[o + PF.tab1] = t.t[1];
    w[o + PF.tab2] = t.t[2];
    w[o + PF.tab3] = t.t[3];
    if (stp) {
      w[o + PF.stpU] = bitsOf(stp.U);
      w[o + PF.stpF] = bitsOf(stp.F);
      w[o + PF.tabU] = t.u;
      w[o + PF.tabR] = t.r;
    }
    if (norm?.kind === 'competitive') {
      w[o + PF.compC1] = bitsOf(1 - norm.etaN);
      w[o + PF.compC2] = bitsOf(norm.etaN * norm.target);
    } else if (norm?.kind === 'subtractive') w[o + PF.subT] = bitsOf(norm.target);
  });
  const cst = c.done();

  // ── syn ──
  const synArr = new Uint32Array(Math.max(4, syn));
  projs.forEach((pp, g) => {
    const p = pp.proj;
    const o = synOff[g];
    synArr.set(p.rowPtr, o.rowPtr);
    synArr.set(p.col, o.col);
    if (o.inPtr || o.inSyn || o.row) {
      synArr.set(p.inPtr, o.inPtr);
      synArr.set(p.inSyn, o.inSyn);
      synArr.set(p.row, o.row);
    }
  });

  // ── sw ──
  const sw = new Float32Array(Math.max(4, synW));
  for (const pp of projs) {
    sw.set(pp.proj.w, pp.syn);
    const stp = pp.proj.spec.stp;
    if (stp) {
      sw.fill(f(stp.U), pp.u, pp.u + pp.proj.nSyn);
      sw.fill(1, pp.R, pp.R + pp.proj.nSyn);
    }
  }

  // ── st ──
  const st = new Uint32Array(Math.max(4, so));
  const stf = new Float32Array(st.buffer);
  nets.forEach((net, b) => {
    const pl = place[b];
    for (let i = 0; i < net.nNeurons; i++) {
      const e = pl.entOff + i;
      stf[S.V + e] = net.v0[i];
      stf[S.GE + e] = net.gE0[i];
      stf[S.GI + e] = net.gI0[i];
      st[S.LAST + e] = NEVER >>> 0;
    }
    for (const s of net.sources)
      if (s.kind === 'poisson') stf.set(s.prob, S.PROB + pl.poisOff + s.poissonStart);
  });
  for (const pp of projs) {
    st[S.PFLAG + pp.global] = PFLAG.enabled | (pp.hasTraces ? PFLAG.plastic : 0);
    if (pp.hasStp) st.fill(NEVER >>> 0, pp.stpLast, pp.stpLast + pp.proj.nPre);
  }

  // ── atm ──
  const atm = new Uint32Array(Math.max(4, atmWords));
  atm.fill(NONE, A.BSTEP, A.BSTEP + B);
  atm.fill(NONE, A.BNEUR, A.BNEUR + B);
  atm[A.HALT] = NONE;
  atm.fill(1, A.DIRTY, atmWords);

  const desc = (xs: [string, number][]) =>
    xs
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
  return {
    B,
    NE,
    cst,
    syn: synArr,
    sw,
    st,
    atm,
    nets: place,
    projs,
    S,
    A,
    NPB,
    NFIX,
    NCP: nCP,
    anyCompetitive,
    anyPlastic,
    maxEntities,
    parts: {
      cst: {
        bytes: cst.byteLength,
        what: `the constants (${desc([
          ['decay-table entries', tabEntries],
          ['fixed spikes', fixPairs.length / 2],
          ['entities', NE],
          ['projections', nProj],
        ])})`,
      },
      syn: {
        bytes: synArr.byteLength,
        what: `the connectivity (CSR and incoming index, ${syn} words for ${synW - countStp(projs)} synapses)`,
      },
      sw: { bytes: sw.byteLength, what: `the synaptic state (w; STP u, R, μ: ${synW} floats)` },
      st: { bytes: st.byteLength, what: `the neuron, source and trace state (${so} words)` },
      atm: { bytes: atm.byteLength, what: `the accumulators and counters (${atmWords} words)` },
    },
    tables: { count: tabList.length, entries: tabEntries, capped },
  };
}

function countStp(projs: ProjPlace[]): number {
  let n = 0;
  for (const p of projs) if (p.hasStp) n += 3 * p.proj.nSyn;
  return n;
}
