/**
 * The co-tuning lab's run, on the worker side (or on the page where workers are unavailable):
 * the CLI's study (labs/cotuning/study.ts: ABC, a sweep — one batched run on WebGPU — then the
 * protocol of runner.ts) on the spiking engine — WebGPU when the
 * preference allows and a device can be had, else the CPU reference — reporting `CotEvent`s
 * (state/cotStore.ts) as it goes: D, B, the read-out's rate and the group-mean weights at every
 * sample, progress, and at the end the measurement window's raster, currents, correlations and
 * the tuning test. Pause, step (to the next sample), stop, and knock-outs / perturbations
 * applied mid-run (the lab's buttons).
 */
import type { BackendPreference } from '../engine/acquire';
import { CpuSpikingSim } from '../engine/spiking/cpu/cpuSim';
import type { SpikingSimLike } from '../engine/spiking/sim';
import type { ParamValues } from '../model/params';
import { groupLayout } from '../labs/cotuning/network';
import { groupMeans } from '../labs/cotuning/measures';
import { cotuningConfig, cotuningProtocol } from '../labs/cotuning/params';
import type { CotuningEvent, ManySimFactory, SimFactory } from '../labs/cotuning/runner';
import { runCotuningStudy } from '../labs/cotuning/study';
import type { CotEvent, CotFinal, CotShape } from '../state/cotStore';
import type { BackendInfo } from '../state/store';

export type CotCommand =
  | { kind: 'start'; values: ParamValues; seed: number; pref: BackendPreference }
  | { kind: 'shape'; values: ParamValues }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'step' }
  | { kind: 'stop' }
  | { kind: 'event'; event: CotuningEvent; label: string };

/** The network and run length the values describe. */
export function cotShape(values: ParamValues): CotShape {
  const cfg = cotuningConfig(values);
  const p = cotuningProtocol(values);
  const { nE, nI } = groupLayout(cfg);
  return {
    nE,
    nI,
    M: cfg.M,
    dt: cfg.dt,
    seconds: Math.max(p.learnTime, p.duration),
    readout: cfg.readout,
  };
}

/** A macrotask turn, so that commands (pause, stop, knock-outs) get through between stretches. */
function turn(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}

interface Backend {
  factory: SimFactory;
  /** sweeps and ABC populations as one batched run (WebGPU) */
  many?: ManySimFactory;
  info: BackendInfo;
  /** give the GPU device back (its loss is then not reported) */
  dispose(): void;
}

async function acquire(
  pref: BackendPreference,
  gpu: GPU | null | undefined,
  onLost: (why: string) => void,
): Promise<Backend> {
  const cpu = (reason: string | null): Backend => ({
    factory: (net) => new CpuSpikingSim(net),
    info: { state: 'ready', kind: 'cpu', label: 'CPU reference', fallbackReason: reason },
    dispose() {},
  });
  if (pref === 'cpu') return cpu('CPU chosen');
  if (!gpu) {
    if (pref === 'webgpu') throw new Error('WebGPU is not available in this browser');
    return cpu('WebGPU is not available in this browser');
  }
  try {
    const [{ acquireDevice }, { createWebGpuSpikingSim }, { batchViews }, { isCpuDevice }] =
      await Promise.all([
        import('../engine/webgpu/device'),
        import('../engine/spiking/webgpu/engine'),
        import('../engine/spiking/webgpu/batchViews'),
        import('../engine/spiking/webgpu/strategy'),
      ]);
    const dev = await acquireDevice(gpu);
    if (pref === 'auto' && isCpuDevice(dev.device)) {
      // a CPU implementation of WebGPU (SwiftShader) runs the spiking kernels 15–40× slower
      // than the CPU reference (BENCHMARKS.md): 'auto' takes the CPU; 'webgpu' insists
      dev.device.destroy();
      return cpu(
        `the WebGPU adapter is a CPU implementation (${dev.label}); the CPU engine is faster`,
      );
    }
    let given = false;
    void dev.device.lost.then((info) => {
      if (!given) onLost(`${info.reason}${info.message ? `: ${info.message}` : ''}`);
    });
    return {
      factory: (net) => createWebGpuSpikingSim(dev.device, [net]),
      many: async (nets) => {
        const sim = await createWebGpuSpikingSim(dev.device, nets);
        return { sims: batchViews(sim), dispose: () => sim.dispose() };
      },
      info: { state: 'ready', kind: 'webgpu', label: dev.label, fallbackReason: null },
      dispose() {
        given = true;
        dev.device.destroy();
      },
    };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (pref === 'webgpu') throw new Error(`WebGPU backend unavailable: ${why}`);
    return cpu(why);
  }
}

export class CotSession {
  private paused = false;
  private stepping = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  private queued: { event: CotuningEvent; label: string }[] = [];
  private running: Promise<void> | null = null;
  private lost: string | null = null;

  constructor(
    private readonly post: (ev: CotEvent, transfer?: Transferable[]) => void,
    private readonly gpu: () => GPU | null | undefined,
  ) {}

  handle(c: CotCommand): void {
    switch (c.kind) {
      case 'shape':
        if (!this.running) this.post({ kind: 'reset', shape: cotShape(c.values) });
        break;
      case 'start':
        void this.start(c.values, c.seed, c.pref);
        break;
      case 'pause':
        if (this.running && !this.paused) {
          this.paused = true;
          this.post({ kind: 'status', status: 'paused' });
        }
        break;
      case 'resume':
      case 'step':
        if (this.running) {
          this.stepping = c.kind === 'step';
          if (this.paused) {
            this.paused = false;
            this.post({ kind: 'status', status: 'running' });
            this.wake?.();
          }
        }
        break;
      case 'stop':
        this.stopped = true;
        this.paused = false;
        this.wake?.();
        break;
      case 'event':
        if (this.running) this.queued.push({ event: c.event, label: c.label });
        break;
    }
  }

  /** Wait for the current run to end (tests). */
  async idle(): Promise<void> {
    await this.running;
  }

  private async start(values: ParamValues, seed: number, pref: BackendPreference): Promise<void> {
    if (this.running) {
      // a new start replaces the run: stop it first
      this.handle({ kind: 'stop' });
      await this.running;
    }
    this.stopped = false;
    this.paused = false;
    this.stepping = false;
    this.queued = [];
    this.lost = null;
    const shape = cotShape(values);
    this.post({ kind: 'reset', shape });
    this.running = this.run(values, seed, pref).finally(() => {
      this.running = null;
    });
    await this.running;
  }

  /**
   * The run. A lost GPU device does not lose it: the run is deterministic (seeded Poisson
   * trains and connectivity, bit-identical engines), so it is replayed from its seed on a new
   * device (or on the CPU when none can be had) with the knock-outs at the steps they took
   * effect, silently up to the last sample shown, and goes on from there.
   */
  private async run(values: ParamValues, seed: number, pref: BackendPreference): Promise<void> {
    const cfg = cotuningConfig(values);
    const { groupE, groupI } = groupLayout(cfg);
    const t0 = performance.now();
    /** knock-outs by the step they took effect, for a replay */
    const log: { k: number; event: CotuningEvent }[] = [];
    let shownT = -Infinity; // the last sample reported
    let replayTo = 0; // a replay: steps already run before the loss
    let shownAbc = 0; // ABC steps reported
    let sweepShown = false;
    let lastPost = 0;
    for (let attempt = 0; ; attempt++) {
      let backend: Backend;
      try {
        backend = await acquire(pref, this.gpu(), (why) => {
          this.lost = why;
        });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        this.post({
          kind: 'backend',
          backend: { state: 'failed', kind: null, label: '', fallbackReason: msg },
        });
        this.post({ kind: 'status', status: 'error', runError: msg });
        return;
      }
      this.post({ kind: 'backend', backend: backend.info });
      if (attempt === 0) this.post({ kind: 'status', status: 'running' });
      let reached = 0;
      let sim: SpikingSimLike | null = null;
      try {
        const study = await runCotuningStudy(
          values,
          seed,
          async (net) => (sim = await backend.factory(net)),
          backend.many,
          {
            onAbcStep: (a) => {
              if (a.step < shownAbc) return; // replayed
              shownAbc = a.step + 1;
              this.post({
                kind: 'abc',
                step: {
                  step: a.step,
                  epsilon: a.epsilon,
                  particles: a.particles,
                  weights: a.weights,
                  proposals: a.proposals,
                  acceptRate: a.acceptRate,
                  mean: a.mean,
                },
              });
            },
            onSweep: (points) => {
              if (sweepShown) return;
              sweepShown = true;
              this.post({ kind: 'sweep', param: String(values.sweep), points });
            },
            onPhase: (phase) => {
              if (phase !== 'run')
                this.post({ kind: 'progress', stage: phase, frac: 0, speed: null });
            },
            shouldStop: () => this.stopped || this.lost !== null,
            run: {
              onProgress: (stage, done, total) => {
                if (stage === 'learn') reached = Math.max(reached, done);
                const now = performance.now();
                if (now - lastPost < 100 && done < total) return;
                lastPost = now;
                const wall = (now - t0) / 1000;
                const simT = (reached * cfg.dt) / 1000;
                this.post({
                  kind: 'progress',
                  stage,
                  frac: total > 0 ? done / total : 1,
                  speed: stage === 'learn' && wall > 0 && done > replayTo ? simT / wall : null,
                });
              },
              onSample: (smp, w) => {
                if (smp.t <= shownT) return; // replayed: shown before the loss
                shownT = smp.t;
                this.post({
                  kind: 'sample',
                  sample: {
                    ...smp,
                    meanE: groupMeans(w.wE, groupE, cfg.M),
                    meanI: groupMeans(w.wI, groupI, cfg.M),
                  },
                });
                if (this.stepping) {
                  this.stepping = false;
                  this.paused = true;
                  this.post({ kind: 'status', status: 'paused' });
                }
              },
              shouldStop: () => this.stopped || this.lost !== null,
              waitIfPaused: async () => {
                await turn();
                while (this.paused && !this.stopped) {
                  await new Promise<void>((res) => (this.wake = res));
                  this.wake = null;
                }
              },
              takeEvents: (k) => {
                const again = log.filter((x) => x.k === k).map((x) => x.event);
                if (k < replayTo) return again; // new ones wait until the replay has caught up
                const fresh = this.queued;
                this.queued = [];
                for (const e of fresh) {
                  log.push({ k, event: e.event });
                  this.post({ kind: 'applied', t: (k * cfg.dt) / 1000, label: e.label });
                }
                return [...again, ...fresh.map((e) => e.event)];
              },
            },
          },
        );
        const r = study.result;
        if (this.lost !== null) throw new Error(`the GPU device was lost (${this.lost})`);
        if (this.stopped) {
          this.post({ kind: 'status', status: 'idle' });
          return;
        }
        const final: CotFinal = {
          D: r.D,
          D_code: r.D_code,
          B: r.B,
          rate_E: r.rate_E,
          rate_I: r.rate_I,
          rate_readout: r.rate_readout,
          cv_isi_E: r.cv_isi_E,
          correlations: r.correlations,
          abc_distance: r.abc_distance,
          convergence: r.convergence,
          wE: r.wE,
          wI: r.wI,
          groupE: r.groupE,
          groupI: r.groupI,
          raster: r.raster,
          currents: r.currents,
          tuning: r.tuning,
          seconds: (r.steps * cfg.dt) / 1000,
          wallSeconds: (performance.now() - t0) / 1000,
        };
        this.post({ kind: 'progress', stage: 'done', frac: 1, speed: null });
        this.post({ kind: 'final', final });
        this.post({ kind: 'status', status: 'done' });
        return;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (this.lost !== null && !this.stopped && attempt < 3) {
          replayTo = Math.max(replayTo, reached);
          this.post({
            kind: 'notice',
            text: `The GPU device was lost (${this.lost}) at ${((reached * cfg.dt) / 1000).toFixed(1)} s; the run is replayed from its seed on a new device (the same result, bit for bit) and goes on.`,
          });
          this.lost = null;
          continue;
        }
        this.post({
          kind: 'status',
          status: 'error',
          runError: /not finite/.test(msg)
            ? `The run blew up: ${msg}. Lower the learning rates or the coupling, and run again.`
            : msg,
        });
        return;
      } finally {
        (sim as SpikingSimLike | null)?.dispose?.();
        backend.dispose();
      }
    }
  }
}
