/**
 * The WebAssembly kernels of the CPU reference (lif.wat: neuron update, Poisson trains, static
 * delivery): one instance per simulation, whose memory holds the simulation's arrays so that
 * the kernels and the JavaScript code share them without copies. Where WebAssembly is not
 * used (src/engine/wasm.ts) `lifWasm` returns null and cpuSim.ts runs its JavaScript twins,
 * which compute the same bits.
 */
import { fromBase64, wasmEnabled } from '../../wasm';
import { WASM_BASE64 } from './lifWasmBytes';

/** The kernel's `update` export (argument order as in lif.wat). */
export type LifUpdate = (
  start: number,
  end: number,
  k: number,
  ns: number,
  pV: number,
  pGE: number,
  pGI: number,
  pAE: number,
  pAI: number,
  pLast: number,
  pIext: number,
  pSil: number,
  pSpiked: number,
  pList: number,
  gL: number,
  gLEL: number,
  VE: number,
  VI: number,
  Vth: number,
  dtC: number,
  dE: number,
  dI: number,
  Ibg: number,
  nRef: number,
  uE: number,
  uI: number,
  pS1: number,
  pS2: number,
) => number;

/** The kernel's `poisson` export (argument order as in lif.wat). */
export type LifPoisson = (
  n: number,
  q0: number,
  e0: number,
  kLo: number,
  kHi: number,
  key0: number,
  key1: number,
  pProb: number,
  pSpiked: number,
  pList: number,
  ns: number,
) => number;

/** The kernel's `deliver` export (argument order as in lif.wat). */
export type LifDeliver = (
  nSpikes: number,
  pList: number,
  preStart: number,
  preEnd: number,
  pRowPtr: number,
  pCol: number,
  pInc: number,
  pAcc: number,
  base: number,
) => void;

/** A static projection's CSR (rowPtr, col) and fixed-point jumps (inc) in the kernel's memory. */
export interface LifStatic {
  rowPtr: Uint32Array;
  col: Uint32Array;
  inc: Int32Array;
  /** byte offsets of rowPtr, col, inc */
  at: [number, number, number];
}

export interface LifArrays {
  v: Float32Array;
  gE: Float32Array;
  gI: Float32Array;
  accE: Int32Array;
  accI: Int32Array;
  lastSpike: Int32Array;
  Iext: Float32Array;
  silenced: Uint8Array;
  spiked: Uint8Array;
  spikeList: Int32Array;
  prob: Float32Array;
}

export interface LifWasm {
  arrays: LifArrays;
  /** byte offsets of the arrays, in LifUpdate's order pV … pList, then pS1, pS2 (scratch), pProb */
  offsets: readonly number[];
  /** the static projections' arrays, in the order of `lifWasm`'s staticSizes */
  statics: LifStatic[];
  update: LifUpdate;
  poisson: LifPoisson;
  deliver: LifDeliver;
  /** the first neuron whose V became non-finite in the last update, or −1 */
  bad(): number;
}

let compiled: WebAssembly.Module | null | undefined;

function module(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  if (!wasmEnabled()) return compiled;
  try {
    compiled = new WebAssembly.Module(fromBase64(WASM_BASE64));
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether the WebAssembly update is used for new simulations in this process. */
export function lifWasmAvailable(): boolean {
  return module() !== null;
}

const TABLE_BYTES = 1024; // 2^(j/32), j < 32, float64; a Philox block at 256; the SIMD constants at 512 (lif.wat, init)

/**
 * A kernel instance with the arrays of a network of nNeurons neurons, nEntities entities
 * (neurons and source trains) and nPoisson Poisson trains in its memory, and room for the
 * static projections (nPre, nSyn each); null where WebAssembly is not used. `jsExp` is what
 * the kernel calls where its own exp's rounding is not certain (Math.exp; tests count calls).
 */
export function lifWasm(
  nNeurons: number,
  nEntities: number,
  nPoisson: number,
  staticSizes: readonly { nPre: number; nSyn: number }[] = [],
  jsExp: (x: number) => number = Math.exp,
): LifWasm | null {
  const mod = module();
  if (!mod) return null;
  const N4 = 4 * nNeurons;
  const pad = (n: number) => (n + 7) & ~7;
  const sizes = [
    N4,
    N4,
    N4,
    N4,
    N4,
    N4,
    N4,
    nNeurons,
    nEntities,
    4 * nEntities,
    N4,
    N4,
    4 * nPoisson,
  ];
  const offsets: number[] = [];
  let at = TABLE_BYTES;
  for (const s of sizes) {
    offsets.push(at);
    at += pad(s);
  }
  const statAt = staticSizes.map(({ nPre, nSyn }) => {
    const o: [number, number, number] = [at, 0, 0];
    at += pad(4 * (nPre + 1));
    o[1] = at;
    at += pad(4 * nSyn);
    o[2] = at;
    at += pad(4 * nSyn);
    return o;
  });
  if (at > 2 ** 31) return null; // past the kernel's signed 32-bit offsets: the JavaScript loop
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(at / 65536)) });
  const buf = memory.buffer;
  const tab = new Float64Array(buf, 0, 32);
  for (let j = 0; j < 32; j++) tab[j] = 2 ** (j / 32);
  const inst = new WebAssembly.Instance(mod, { m: { mem: memory, exp: jsExp } });
  (inst.exports.init as () => void)();
  const bad = inst.exports.bad as WebAssembly.Global;
  const [pV, pGE, pGI, pAE, pAI, pLast, pIext, pSil, pSpiked, pList, , , pProb] = offsets;
  return {
    arrays: {
      v: new Float32Array(buf, pV, nNeurons),
      gE: new Float32Array(buf, pGE, nNeurons),
      gI: new Float32Array(buf, pGI, nNeurons),
      accE: new Int32Array(buf, pAE, nNeurons),
      accI: new Int32Array(buf, pAI, nNeurons),
      lastSpike: new Int32Array(buf, pLast, nNeurons),
      Iext: new Float32Array(buf, pIext, nNeurons),
      silenced: new Uint8Array(buf, pSil, nNeurons),
      spiked: new Uint8Array(buf, pSpiked, nEntities),
      spikeList: new Int32Array(buf, pList, nEntities),
      prob: new Float32Array(buf, pProb, nPoisson),
    },
    offsets,
    statics: staticSizes.map(({ nPre, nSyn }, q) => ({
      rowPtr: new Uint32Array(buf, statAt[q][0], nPre + 1),
      col: new Uint32Array(buf, statAt[q][1], nSyn),
      inc: new Int32Array(buf, statAt[q][2], nSyn),
      at: statAt[q],
    })),
    update: inst.exports.update as LifUpdate,
    deliver: inst.exports.deliver as LifDeliver,
    poisson: inst.exports.poisson as LifPoisson,
    bad: () => bad.value as number,
  };
}
