/**
 * Whether the CPU backend compiles its WebAssembly kernels (lif.wat, the Philox module):
 * wherever WebAssembly exists, unless EILAB_NO_WASM=1 under Node (to time or test the
 * JavaScript twins). In the browser the app's Content-Security-Policy grants
 * 'wasm-unsafe-eval' (WebAssembly compilation only; JavaScript eval stays forbidden); where a
 * page's policy does not, compiling throws and the caller falls back to JavaScript.
 */
export function wasmEnabled(): boolean {
  if (typeof WebAssembly === 'undefined') return false;
  const env = typeof process !== 'undefined' ? process.env : undefined;
  return env?.EILAB_NO_WASM !== '1';
}

/** Bytes from base64, in Node and in browsers. */
export function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
