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
import type { SpikingSimLike } from '../engine/spiking/sim';
import type { ParamValues } from '../model/params';
import { groupLayout } from '../labs/cotuning/network';
import { groupMeans } from '../labs/cotuning/measures';
import { cotuningConfig, cotuningProtocol } from '../labs/cotuning/params';
import type { CotuningEvent } from '../labs/cotuning/runner';
import { runCotuningStudy } from '../labs/cotuning/study';
import { eventLabel } from '../labs/cotuning/events';
import type { CotEvent, CotFinal, CotShape } from '../state/cotStore';
import { acquireReported, acquireSpikingBackend } from './spikingBackend';
import { SteppedSession, type ControlCommand } from './steppedSession';

export type CotCommand =
  | { kind: 'start'; values: ParamValues; seed: number; pref: BackendPreference }
  | { kind: 'shape'; values: ParamValues }
  | ControlCommand
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
    recurrent:
      cfg.recurrent ||
      (values.sweep !== undefined && !['none', 'noise'].includes(String(values.sweep))),
    rho0: cfg.rho0,
  };
}

export class CotSession extends SteppedSession {
  private queued: { event: CotuningEvent; label: string }[] = [];
  private lost: string | null = null;

  constructor(
    private readonly post: (ev: CotEvent, transfer?: Transferable[]) => void,
    private readonly gpu: () => GPU | null | undefined,
  ) {
    super((status) => post({ kind: 'status', status }));
  }

  handle(c: CotCommand): void {
    switch (c.kind) {
      case 'shape':
        if (!this.active) this.post({ kind: 'reset', shape: cotShape(c.values) });
        break;
      case 'start':
        void this.start(c.values, c.seed, c.pref);
        break;
      case 'event':
        if (this.active) this.queued.push({ event: c.event, label: c.label });
        break;
      default:
        this.control(c);
    }
  }

  private async start(values: ParamValues, seed: number, pref: BackendPreference): Promise<void> {
    await this.launch(() => {
      this.queued = [];
      this.lost = null;
      this.post({ kind: 'reset', shape: cotShape(values) });
      return this.run(values, seed, pref);
    });
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
    const marked = new Set<string>(); // scheduled events marked on the plots
    let lastPost = 0;
    for (let attempt = 0; ; attempt++) {
      const backend = await acquireReported(
        () =>
          acquireSpikingBackend(pref, this.gpu(), (why) => {
            this.lost = why;
          }),
        this.post,
      );
      if (!backend) return;
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
                this.stepStop();
              },
              shouldStop: () => this.stopped || this.lost !== null,
              waitIfPaused: () => this.waitIfPaused(),
              onEvent: (e, k) => {
                // the scheduled ones (`event`, `events`); a replay after a lost device
                // applies them again but marks them once
                const key = `${k}:${eventLabel(e)}`;
                if (marked.has(key)) return;
                marked.add(key);
                this.post({ kind: 'applied', t: (k * cfg.dt) / 1000, label: eventLabel(e) });
              },
              takeEvents: (k) => {
                const again = log.filter((x) => x.k === k).map((x) => x.event);
                if (k < replayTo) return again; // new ones wait until the replay has caught up
                const fresh = this.queued;
                this.queued = [];
                for (const e of fresh) {
                  log.push({ k, event: e.event });
                  const t = (k * cfg.dt) / 1000;
                  this.post({
                    kind: 'applied',
                    t,
                    label: e.label,
                    event: { ...e.event, t },
                    live: true,
                  });
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
