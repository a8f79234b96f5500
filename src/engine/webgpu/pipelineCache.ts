/**
 * Compute pipelines cached by shader key + override constants (the tfjs `shaderKey`
 * pattern): compile-time sizes are WGSL `override` constants set at pipeline creation, never
 * spliced into the source, so one shader module serves every network shape.
 */
import type { KernelName } from './shaders';

export class PipelineCache {
  private readonly modules = new Map<KernelName, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly errors = new Map<KernelName, Promise<string[]>>();
  private readonly layouts = new Map<
    string,
    { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }
  >();

  constructor(
    private readonly device: GPUDevice,
    private readonly sources: Record<KernelName, string>,
  ) {}

  module(kernel: KernelName): GPUShaderModule {
    let m = this.modules.get(kernel);
    if (!m) {
      m = this.device.createShaderModule({ code: this.sources[kernel], label: kernel });
      this.modules.set(kernel, m);
    }
    return m;
  }

  /** A single-group bind group layout and its pipeline layout, created once per key. */
  layout(
    key: string,
    entries: GPUBindGroupLayoutEntry[],
  ): { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout } {
    let l = this.layouts.get(key);
    if (!l) {
      const group = this.device.createBindGroupLayout({ label: key, entries });
      l = {
        group,
        pipeline: this.device.createPipelineLayout({ label: key, bindGroupLayouts: [group] }),
      };
      this.layouts.set(key, l);
    }
    return l;
  }

  /**
   * The pipeline of `kernel` with these override constants and layout. `layoutKey` names the
   * layout (pipelines of different layouts never share an entry).
   */
  get(
    kernel: KernelName,
    layout: GPUPipelineLayout,
    layoutKey: string,
    constants: Record<string, number>,
  ): GPUComputePipeline {
    const names = Object.keys(constants).sort();
    const key = `${kernel}|${layoutKey}|${names.map((n) => `${n}=${constants[n]}`).join(',')}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.device.createComputePipeline({
        label: key,
        layout,
        compute: { module: this.module(kernel), entryPoint: 'main', constants },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }

  get size(): number {
    return this.pipelines.size;
  }

  /** Compile errors of the given kernels (default: all; each lab checks only its own), asked
   *  once per module: a module's compilation does not change, and Chrome's
   *  getCompilationInfo() on a module already asked can stay pending for good (seen in a
   *  worker once a second simulation was made on the same device). */
  async compileErrors(kernels?: readonly KernelName[]): Promise<string[]> {
    const out: string[] = [];
    for (const kernel of kernels ?? (Object.keys(this.sources) as KernelName[])) {
      let errs = this.errors.get(kernel);
      if (!errs) {
        errs = this.module(kernel)
          .getCompilationInfo()
          .then((info) =>
            info.messages
              .filter((m) => m.type === 'error')
              .map((m) => `${kernel}.wgsl:${m.lineNum}:${m.linePos}: ${m.message}`),
          );
        this.errors.set(kernel, errs);
      }
      out.push(...(await errs));
    }
    return out;
  }
}
