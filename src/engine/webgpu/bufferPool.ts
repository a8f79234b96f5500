/**
 * A pool of GPU buffers keyed by size and usage (the tfjs-backend-webgpu pattern): buffers
 * released by one simulation or readback are reused by the next instead of being created
 * and destroyed every time. Nothing is freed implicitly; `dispose` destroys everything.
 */
export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private readonly owned = new Set<GPUBuffer>();
  private disposed = false;

  constructor(private readonly device: GPUDevice) {}

  private static key(size: number, usage: number): string {
    return `${size}:${usage}`;
  }

  /** A buffer of at least `size` bytes (rounded up to 16) with exactly `usage`. Contents are undefined. */
  acquire(size: number, usage: GPUBufferUsageFlags, label?: string): GPUBuffer {
    if (this.disposed) throw new Error('buffer pool used after dispose');
    const bytes = Math.max(16, Math.ceil(size / 16) * 16);
    const list = this.free.get(BufferPool.key(bytes, usage));
    const reused = list?.pop();
    if (reused) {
      if (label) reused.label = label;
      return reused;
    }
    const buf = this.device.createBuffer({ size: bytes, usage, label });
    this.owned.add(buf);
    return buf;
  }

  /** Return a buffer for reuse. Work already submitted that uses it stays valid (queue order). */
  release(buf: GPUBuffer): void {
    if (this.disposed || !this.owned.has(buf)) return;
    const k = BufferPool.key(buf.size, buf.usage);
    const list = this.free.get(k);
    if (list) list.push(buf);
    else this.free.set(k, [buf]);
  }

  /** Destroy every buffer this pool created (in use or not). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of this.owned) b.destroy();
    this.owned.clear();
    this.free.clear();
  }

  /** Number of buffers created so far (tests of reuse). */
  get created(): number {
    return this.owned.size;
  }
}
