/**
 * WGSL sources of the kernels. Each kernel is one `.wgsl` file in shaders/ with a single
 * compute entry point; the shared snippets of shaders/lib/ it needs are prepended here.
 *
 * Loading: under Vite (browser build, dev server) and Vitest the files come in through
 * `import.meta.glob(…, { query: '?raw' })`, bundled as text; under plain Node (tsx: the CLI,
 * benchmarks) `import.meta.glob` does not exist and the files are read from disk next to
 * this module. Nothing is generated.
 */

export type KernelName =
  | 'rate_steps_pair'
  | 'rate_steps_thread'
  | 'rate_steps_workgroup'
  | 'trial_begin'
  | 'trial_end'
  | 'rng_probe'
  | 'asm_euler_step'
  | 'asm_adjoint_step'
  | 'asm_running'
  | 'asm_batch_prep'
  | 'asm_grad_prep'
  | 'asm_gemm'
  | 'asm_stats'
  | 'asm_dots'
  | 'asm_apply'
  | 'asm_normalize_rows'
  | 'asm_write_wct'
  | 'spk_fused'
  | 'spk_resident'
  | 'spk_update'
  | 'spk_sources'
  | 'spk_sumw'
  | 'spk_pre'
  | 'spk_post'
  | 'spk_record'
  | 'spk_norm'
  | 'spk_exact_probe';

/** Library snippets each kernel needs, in prepend order. */
export const KERNEL_LIBS: Record<KernelName, readonly string[]> = {
  rate_steps_pair: ['common', 'philox'],
  rate_steps_thread: ['common', 'philox', 'rules'],
  rate_steps_workgroup: ['common', 'philox', 'rules'],
  trial_begin: ['common'],
  trial_end: ['common', 'rules'],
  rng_probe: ['common', 'philox'],
  // assemblies lab (src/engine/webgpu/asm/asmEngine.ts)
  asm_euler_step: ['asm_common', 'asm_tile', 'asm_rows'],
  asm_adjoint_step: ['asm_common', 'asm_tile', 'asm_rows'],
  asm_running: ['asm_common', 'asm_rows'],
  asm_batch_prep: ['asm_common'],
  asm_grad_prep: ['asm_common'],
  asm_gemm: ['asm_common', 'asm_tile'],
  asm_stats: ['asm_common'],
  asm_dots: ['asm_common'],
  asm_apply: ['asm_common'],
  asm_normalize_rows: ['asm_common'],
  asm_write_wct: ['asm_common'],
  // spiking engine (src/engine/spiking/webgpu/engine.ts)
  spk_fused: ['philox', 'spk_exact', 'spk_common'],
  spk_resident: ['philox', 'spk_exact', 'spk_common'],
  spk_update: ['philox', 'spk_exact', 'spk_common'],
  spk_sources: ['philox', 'spk_exact', 'spk_common'],
  spk_sumw: ['philox', 'spk_exact', 'spk_common'],
  spk_pre: ['philox', 'spk_exact', 'spk_common'],
  spk_post: ['philox', 'spk_exact', 'spk_common'],
  spk_record: ['philox', 'spk_exact', 'spk_common'],
  spk_norm: ['philox', 'spk_exact', 'spk_common'],
  // test support: spk_exact.wgsl alone (test/parity/spkExact.test.ts)
  spk_exact_probe: ['spk_exact'],
};

export const KERNELS = Object.keys(KERNEL_LIBS) as KernelName[];

/** Relative paths (e.g. "lib/philox.wgsl") → source, from Vite's glob; null outside Vite. */
function viteFiles(): Record<string, string> | null {
  let files: Record<string, string>;
  try {
    files = import.meta.glob('../../../shaders/**/*.wgsl', {
      query: '?raw',
      import: 'default',
      eager: true,
    });
  } catch {
    return null; // not transformed by Vite: import.meta.glob is undefined
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) out[k.replace(/^.*?\/shaders\//, '')] = v;
  return out;
}

async function nodeFile(rel: string): Promise<string> {
  // a non-literal specifier and URL keep Vite from bundling fs or the files as assets
  const fsModule = 'node:fs/promises';
  const { readFile } = (await import(
    /* @vite-ignore */ fsModule
  )) as typeof import('node:fs/promises');
  const dir = '../../../shaders/';
  return readFile(new URL(dir + rel, import.meta.url), 'utf8');
}

let cached: Promise<Record<KernelName, string>> | null = null;

/** Full source of every kernel (libraries prepended), loaded once. */
export function loadKernelSources(): Promise<Record<KernelName, string>> {
  cached ??= (async () => {
    const vite = viteFiles();
    const read = async (rel: string): Promise<string> => {
      if (vite) {
        const s = vite[rel];
        if (s === undefined) throw new Error(`shader ${rel} is missing from the bundle`);
        return s;
      }
      if (typeof process !== 'undefined' && process.versions?.node) return nodeFile(rel);
      throw new Error(`cannot load shader ${rel}: neither a Vite build nor Node`);
    };
    const out = {} as Record<KernelName, string>;
    for (const k of KERNELS) {
      const parts: string[] = [];
      for (const lib of KERNEL_LIBS[k])
        parts.push(`// ---- lib/${lib}.wgsl ----\n${await read(`lib/${lib}.wgsl`)}`);
      parts.push(`// ---- ${k}.wgsl ----\n${await read(`${k}.wgsl`)}`);
      out[k] = parts.join('\n');
    }
    return out;
  })();
  cached.catch(() => {
    cached = null;
  });
  return cached;
}
