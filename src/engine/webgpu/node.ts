/**
 * WebGPU in Node (CLI, tests, benchmarks) through Dawn, the npm package `webgpu`. Only this
 * module imports it, so it never reaches the browser bundle.
 *
 * Without a GPU driver Dawn runs on SwiftShader's Vulkan (CPU) driver, which the Vulkan
 * loader finds only through VK_ICD_FILENAMES. When that variable is unset it is set here to
 * an installed NVIDIA driver's ICD if there is one, else to Chromium's SwiftShader ICD, before Dawn creates its instance (Vitest
 * sets it in vitest.config.ts). Pass `{ swiftshader: false }` to leave the environment alone
 * (e.g. to let the loader pick a real GPU's driver).
 */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const NATIVE_ICDS = [
  '/usr/share/vulkan/icd.d/nvidia_icd.json',
  '/etc/vulkan/icd.d/nvidia_icd.json',
  '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json',
];

export interface NodeGpuOptions {
  /** point VK_ICD_FILENAMES at SwiftShader when it is unset (default true) */
  swiftshader?: boolean;
  /** Dawn toggles/flags passed to `create` (e.g. 'enable-dawn-features=…') */
  flags?: string[];
}

/** One Dawn instance per process (the options of the first call apply), held for the life of
 *  the process: Dawn's Node binding processes device events through the instance, so a
 *  garbage-collected GPU object crashes the process later (a segfault in
 *  CallbackTaskManager::Flush). */
let instance: Promise<GPU> | null = null;

export function nodeGpu(opts: NodeGpuOptions = {}): Promise<GPU> {
  instance ??= createNodeGpu(opts);
  instance.catch(() => {
    instance = null;
  });
  return instance;
}

async function createNodeGpu(opts: NodeGpuOptions): Promise<GPU> {
  if (typeof process === 'undefined' || !process.versions?.node)
    throw new Error('nodeGpu() runs in Node only');
  if (opts.swiftshader !== false && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES) {
    const { existsSync } = await import('node:fs');
    // A real GPU's driver wins (e.g. on a GPU machine); otherwise SwiftShader, never Mesa's
    // lavapipe, which the loader may find by itself but Dawn cannot use.
    const gpuIcd = NATIVE_ICDS.find((f) => existsSync(f));
    if (gpuIcd) process.env.VK_ICD_FILENAMES = gpuIcd;
    else if (existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  let mod: typeof import('webgpu');
  try {
    mod = await import('webgpu');
  } catch (e) {
    throw new Error(
      `the npm package 'webgpu' (Dawn for Node) could not be loaded: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  Object.assign(globalThis, mod.globals);
  return mod.create(opts.flags ?? []);
}
