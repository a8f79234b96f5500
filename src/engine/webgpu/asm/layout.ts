/**
 * Host mirror of the data layout of the assemblies kernels (shaders/lib/asm_common.wgsl):
 * word offsets of the `AsmParams` uniform, the stats words, the sections of the packed
 * buffers, and the bind-group shapes of the kernels.
 */
import type { KernelName } from '../shaders';

/** Word offsets of the WGSL `AsmParams` struct; `f` fields are float32, the rest u32. */
export const PARAM = {
  batch: 0,
  nE: 1,
  nI: 2,
  n: 3,
  step: 4,
  limit: 5,
  leakH: 6,
  perturbCell: 7,
  kE: 8,
  kI: 9,
  thrE: 10,
  thrI: 11,
  rMax: 12,
  bgI: 13,
  perturbDelta: 14,
  rho0: 15,
  gm: 16,
  gn: 17,
  gk: 18,
  lda: 19,
  ldb: 20,
  ldc: 21,
  offA: 22,
  offB: 23,
  offC: 24,
  auxLd: 25,
  auxOff: 26,
  rule: 27,
  tol: 28,
  wantGrad: 29,
  count: 30,
  offG: 31,
  lr: 32,
  decay: 33,
  beta1: 34,
  beta2: 35,
  eps: 36,
  c1: 37,
  c2: 38,
  alpha: 39,
  wMax: 40,
  total: 41,
  alphaEI: 42,
  alphaIE: 43,
} as const;

export type ParamName = keyof typeof PARAM;

/** The float32 fields of AsmParams. */
export const FLOAT_PARAMS: ReadonlySet<ParamName> = new Set<ParamName>([
  'kE',
  'kI',
  'thrE',
  'thrI',
  'rMax',
  'bgI',
  'perturbDelta',
  'rho0',
  'tol',
  'lr',
  'decay',
  'beta1',
  'beta2',
  'eps',
  'c1',
  'c2',
  'alpha',
  'wMax',
  'total',
  'alphaEI',
  'alphaIE',
]);

export const PARAM_WORDS = 44;
export const PARAM_BYTES = PARAM_WORDS * 4;
export type ParamValues = Partial<Record<ParamName, number>>;

/** Write `values` into a params slot (u32 fields as unsigned integers, f32 fields rounded). */
export function packParams(u: Uint32Array, f: Float32Array, values: ParamValues): void {
  for (const k of Object.keys(values) as ParamName[]) {
    const v = values[k];
    if (v === undefined) continue;
    if (FLOAT_PARAMS.has(k)) f[PARAM[k]] = v;
    else u[PARAM[k]] = v >>> 0;
  }
}

/** Words of the stats buffer (STAT_* in asm_common.wgsl). */
export const STAT = {
  converged: 0,
  used: 1,
  stepsSum: 2,
  stepsMax: 3,
  adjointFailed: 4,
  loss: 5,
  dots: 6,
} as const;
export const STAT_WORDS = 16;

/** Sections of a packed plastic pathway buffer, in units of Q = nE·nI floats. */
export const PST = { w: 0, v: 1, m: 2, s: 3, mask: 4 } as const;
export const PST_SECTIONS = 5;

/** Words per row of a row-status buffer: mark, steps, converged, aux. */
export const STAT_ROW = 4;

/** Sentinel of "no perturbed cell". */
export const NO_CELL = 0xffffffff;

/** Tile edge of the tiled products (asm_tile.wgsl TILE): outputs per workgroup per axis. */
export const TILE = 64;

/**
 * Bindings 1… of each kernel after the dynamic uniform at 0: 'r' read-only storage, 'w'
 * read-write storage (must match the WGSL declarations).
 */
export const KERNEL_BINDINGS: Partial<Record<KernelName, readonly ('r' | 'w')[]>> = {
  asm_euler_step: ['r', 'r', 'w', 'w', 'w', 'r'],
  asm_adjoint_step: ['r', 'r', 'w', 'w', 'w', 'r', 'r'],
  asm_running: ['w', 'w', 'w'],
  asm_batch_prep: ['r', 'r', 'w', 'w', 'w', 'w'],
  asm_grad_prep: ['r', 'r', 'r', 'w', 'w'],
  asm_gemm: ['r', 'r', 'w', 'r'],
  asm_stats: ['r', 'r', 'r', 'w'],
  asm_dots: ['r', 'r', 'r', 'w'],
  asm_apply: ['r', 'w', 'r'],
  asm_normalize_rows: ['w', 'r'],
  asm_write_wct: ['r', 'r', 'w'],
};

/** Workgroup memory of the largest kernel (asm_euler_step / asm_adjoint_step): two padded
 *  16 × 65 staging tiles, the row flags and the row maxima. */
export const WORKGROUP_BYTES = 2 * 16 * 65 * 4 + 64 * 4 + 4 + 128 * 4;

/** The most storage buffers one asm kernel binds (asm_adjoint_step). */
export const MAX_STORAGE_BINDINGS = 7;

/** Smallest float32 ≥ x (x ≥ 0): `g < up(x)` ⇔ `g < x` for every float32 g. */
export function f32Up(x: number): number {
  const f = Math.fround(x);
  if (f >= x || !Number.isFinite(f)) return f;
  const b = new Float32Array([f]);
  const u = new Uint32Array(b.buffer);
  if (f >= 0) u[0] += 1;
  else u[0] -= 1;
  return b[0];
}
