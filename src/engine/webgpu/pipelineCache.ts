/**
 * Compute pipelines cached by shader key + override constants (the tfjs `shaderKey`
 * pattern): compile-time sizes are WGSL `override` constants set at pipeline creation, never
 * spliced into the source, so one shader module serves every network shape.
 */
import type { KernelName } from './shaders';

export class PipelineCache {
  private readonly modules = new Map<KernelName, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
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

  /** WGSL compilation errors of every kernel module (empty when all compile). */
  /** compile errors of the given kernels (default: all); each lab checks only its own */
  async compileErrors(kernels?: readonly KernelName[]): Promise<string[]> {
    const out: string[] = [];
    for (const kernel of kernels ?? (Object.keys(this.sources) as KernelName[])) {
      const info = await this.module(kernel).getCompilationInfo();
      for (const m of info.messages)
        if (m.type === 'error') out.push(`${kernel}.wgsl:${m.lineNum}:${m.linePos}: ${m.message}`);
    }
    return out;
  }
}
