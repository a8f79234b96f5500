/**
 * Philox4x32-10 in WebAssembly, for the CPU backend under Node (CLI, benchmarks, tests).
 *
 * Why: the JavaScript Philox (philox.ts) emulates each 32×32→64-bit product with four 16-bit
 * limb products and costs ~55 ns per block; the noise of a two-population run (two normals
 * per step) then takes most of its time. WebAssembly has native 64-bit multiplies. The module
 * is emitted by the small assembler below (no toolchain, no binary blob in the repository)
 * and produces the same words as philox4x32 (a test checks them bit for bit).
 *
 * Where WebAssembly is not used (src/engine/wasm.ts: EILAB_NO_WASM=1, or a page whose
 * Content-Security-Policy lacks 'wasm-unsafe-eval') `philoxWasm()` returns null and the
 * JavaScript Philox is used.
 *
 * fill(n, c0, c1, c2, c3, k0, k1) writes blocks i = 0 … n−1 at byte 16·i of the exported
 * memory: philox(ctr = [c0 + i, c1 + carry, c2, c3], key = [k0, k1]).
 */

import { wasmEnabled } from '../wasm';

const M0 = 0xd2511f53n;
const M1 = 0xcd9e8d57n;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** Signed LEB128 of an integer (bigint, for i64 constants too). */
function sleb(v: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const str = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// opcodes
// prettier-ignore
const [GET, SET, TEE, I32C, I64C] = [0x20, 0x21, 0x22, 0x41, 0x42];
// prettier-ignore
const [ADD, XOR, SHL, LT_U, GE_U] = [0x6a, 0x73, 0x74, 0x49, 0x4f];
// prettier-ignore
const [I64MUL, I64SHR_U, EXT_U, WRAP, STORE] = [0x7e, 0x88, 0xad, 0xa7, 0x36];
// prettier-ignore
const [BLOCK, LOOP, BR, BR_IF, END, VOID] = [0x02, 0x03, 0x0c, 0x0d, 0x0b, 0x40];

// locals: params n, c0, c1, c2, c3, k0, k1 (0–6); i32 i, x0, x1, x2, x3, ka, kb, r, t0, t2
// (7–16); i64 p0, p1 (17–18)
const [n, c0, c1, c2, c3, k0, k1] = [0, 1, 2, 3, 4, 5, 6];
const [i, x0, x1, x2, x3, ka, kb, r, t0, t2, p0, p1] = [
  7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
];

const i32c = (v: number) => [I32C, ...sleb(BigInt(v | 0))];
const i64c = (v: bigint) => [I64C, ...sleb(v)];
const hi = (p: number) => [GET, p, ...i64c(32n), I64SHR_U, WRAP];
const store = (x: number, offset: number) => [GET, i, ...i32c(4), SHL, GET, x, STORE, 2, offset];

function body(): number[] {
  // prettier-ignore
  const code = [
    BLOCK, VOID,
    LOOP, VOID,
    GET, i, GET, n, GE_U, BR_IF, 1,
    // ctr = [c0 + i, c1 + carry, c2, c3]
    GET, c0, GET, i, ADD, TEE, x0, GET, c0, LT_U, GET, c1, ADD, SET, x1,
    GET, c2, SET, x2, GET, c3, SET, x3, GET, k0, SET, ka, GET, k1, SET, kb,
    ...i32c(0), SET, r,
    LOOP, VOID,
    // p0 = M0·x0, p1 = M1·x2 (64-bit products)
    GET, x0, EXT_U, ...i64c(M0), I64MUL, SET, p0,
    GET, x2, EXT_U, ...i64c(M1), I64MUL, SET, p1,
    // x = [hi(p1) ^ x1 ^ ka, lo(p1), hi(p0) ^ x3 ^ kb, lo(p0)]
    ...hi(p1), GET, x1, XOR, GET, ka, XOR, SET, t0,
    ...hi(p0), GET, x3, XOR, GET, kb, XOR, SET, t2,
    GET, p1, WRAP, SET, x1,
    GET, p0, WRAP, SET, x3,
    GET, t0, SET, x0,
    GET, t2, SET, x2,
    // key schedule (Weyl sequence)
    GET, ka, ...i32c(W0), ADD, SET, ka,
    GET, kb, ...i32c(W1), ADD, SET, kb,
    GET, r, ...i32c(1), ADD, TEE, r, ...i32c(10), LT_U, BR_IF, 0,
    END,
    ...store(x0, 0), ...store(x1, 4), ...store(x2, 8), ...store(x3, 12),
    GET, i, ...i32c(1), ADD, SET, i,
    BR, 0,
    END,
    END,
    END, // function
  ];
  const locals = [2, 10, 0x7f, 2, 0x7e]; // 10 × i32, 2 × i64
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

/** The module's bytes. */
export function philoxWasmBytes(): Uint8Array<ArrayBuffer> {
  // prettier-ignore
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 7, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]), // type: (7×i32) → ()
    ...section(3, [1, 0]), // one function of type 0
    ...section(5, [1, 0x00, 1]), // one memory, min 1 page
    ...section(7, [2, ...str('fill'), 0x00, 0, ...str('mem'), 0x02, 0]),
    ...section(10, [1, ...body()]),
  ];
  return Uint8Array.from(bytes);
}

export interface PhiloxWasm {
  /** Philox blocks for counters [c0 + i (with carry into c1), c1, c2, c3], i < n; 4·n words */
  fill(
    n: number,
    c0: number,
    c1: number,
    c2: number,
    c3: number,
    k0: number,
    k1: number,
  ): Uint32Array;
}

let cached: PhiloxWasm | null | undefined;

/** The WebAssembly Philox, or null where WebAssembly is not used (see above). */
export function philoxWasm(): PhiloxWasm | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (!wasmEnabled()) return cached;
  try {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(philoxWasmBytes()));
    const fill = inst.exports.fill as (...a: number[]) => void;
    const mem = inst.exports.mem as WebAssembly.Memory;
    let view = new Uint32Array(mem.buffer);
    cached = {
      fill(count, a0, a1, a2, a3, key0, key1) {
        const need = count * 16;
        if (need > mem.buffer.byteLength)
          mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
        if (view.buffer !== mem.buffer) view = new Uint32Array(mem.buffer);
        fill(count, a0 | 0, a1 | 0, a2 | 0, a3 | 0, key0 | 0, key1 | 0);
        return view.subarray(0, count * 4);
      },
    };
  } catch {
    cached = null;
  }
  return cached;
}
