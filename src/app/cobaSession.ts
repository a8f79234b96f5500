/**
 * The COBA lab's run (Brette et al. 2007, benchmark 1), on the worker side (or on the page where
 * workers are unavailable): the CLI's run (labs/coba/run.ts) on the spiking engine — WebGPU when
 * the preference allows and a device can be had, else the CPU reference (spikingBackend.ts, as
 * the co-tuning lab) — in stretches of about a tenth of a second of wall time, each reported as
 * a `chunk` (state/cobaStore.ts): the raster's spikes, the population counts per 10 ms bin, the
 * V traces; at the end the CLI's summary numbers. Pause, step (100 ms of simulated time), stop.
 *
 * Bad input is refused with the parameter table's and the cross-field checks' messages; a
 * non-finite state (BlowUpError) stops the run and says where (neuron, population, time). A
 * lost GPU device does not lose the run: it is deterministic, so it is replayed from its seed
 * on a new device (or the CPU) up to the last stretch shown and goes on from there.
 */
import type { BackendPreference } from '../engine/acquire';
import { BackendLimitError } from '../engine/backend';
import { BlowUpError } from '../engine/spiking/cpu/cpuSim';
import { validateValues, type ParamValues } from '../model/params';
import { COBA_PARAMS, crossCheck } from '../labs/coba/params';
import { cobaLayout, cobaNumbers, runCoba, type CobaLayout } from '../labs/coba/run';
import { STEP_BINS, type CobaEvent } from '../state/cobaStore';
import type { SessionCommand } from './sessionClient';
import { acquireReported, acquireSpikingBackend, cpuSpikingBackend } from './spikingBackend';
import { SteppedSession, turn } from './steppedSession';

export type CobaCommand = SessionCommand;

export interface CobaSessionOptions {
  /** the backend (tests: a simulation that fails); default acquireSpikingBackend */
  acquire?: typeof acquireSpikingBackend;
  /** wall milliseconds a stretch aims at (default 100) */
  stretchMs?: number;
}

/** Why the values cannot run, or null: the parameter table and the cross-field checks. */
export function cobaInputError(values: ParamValues): string | null {
  const { values: v, errors } = validateValues(COBA_PARAMS, values);
  const missing = COBA_PARAMS.filter((p) => !(p.name in values)).map((p) => p.name);
  if (missing.length) errors.push(`missing: ${missing.join(', ')}`);
  if (errors.length) return errors.join('; ');
  const cross = crossCheck(v);
  return cross.length ? cross.map((e) => `${e.fields.join(', ')}: ${e.message}`).join('; ') : null;
}

/** A BlowUpError's message with the population and the time it happened at. */
export function blowUpMessage(msg: string, L: CobaLayout): string {
  const m = /neuron (\d+) is not finite at step (\d+)/.exec(msg);
  if (!m) return `The run stopped: the state is not finite (${msg}).`;
  const i = Number(m[1]);
  const k = Number(m[2]);
  return `The run stopped: V of neuron ${i} (${i < L.nE ? 'E' : 'I'}) is not finite at t = ${((k * L.dt) / 1000).toFixed(4)} s (step ${k}). The plots show the run up to the stretch before; a smaller dt may help.`;
}

export class CobaSession extends SteppedSession {
  private lost: string | null = null;

  constructor(
    private readonly post: (ev: CobaEvent) => void,
    private readonly gpu: () => GPU | null | undefined,
    private readonly opts: CobaSessionOptions = {},
  ) {
    super((status) => post({ kind: 'status', status }));
  }

  handle(c: CobaCommand): void {
    if (c.kind === 'start') void this.start(c.values, c.seed, c.pref);
    else this.control(c);
  }

  private async start(values: ParamValues, seed: number, pref: BackendPreference): Promise<void> {
    await this.launch(async () => {
      this.lost = null;
      const bad = cobaInputError(values);
      if (bad !== null) {
        this.post({ kind: 'status', status: 'error', runError: `Not run: ${bad}` });
        return;
      }
      this.post({ kind: 'reset', shape: cobaLayout(values) });
      await this.run(values, seed, pref);
    });
  }

  private async run(values: ParamValues, seed: number, pref: BackendPreference): Promise<void> {
    const L = cobaLayout(values);
    const stepSteps = STEP_BINS * L.binSteps;
    const target = this.opts.stretchMs ?? 100;
    const acquire = this.opts.acquire ?? acquireSpikingBackend;
    let shownK = 0; // the end of the last stretch reported
    let setupShown = false;
    /** the CPU instead, and why (the network exceeds the GPU's limits under 'auto') */
    let cpuInstead: string | null = null;
    for (let attempt = 0; ; attempt++) {
      const t0 = performance.now();
      const why = cpuInstead;
      const backend = await acquireReported(
        async () =>
          why !== null
            ? cpuSpikingBackend(why)
            : acquire(pref, this.gpu(), (lost) => {
                this.lost = lost;
              }),
        this.post,
      );
      if (!backend) return;
      if (attempt === 0) this.post({ kind: 'status', status: 'running' });
      const replayTo = shownK;
      let perStep = 0; // wall ms per step of the last stretch
      let lastWall = 0;
      let at = 0; // steps run on this backend
      try {
        const run = await runCoba(values, seed, backend.factory, {
          spikes: L.raster,
          traces: true,
          setupFrom: t0,
          hooks: {
            onSetup: ({ synapses, setupWall }) => {
              if (setupShown) return;
              setupShown = true;
              this.post({ kind: 'setup', synapses, setupWall });
            },
            stretch: (k) => {
              if (k < replayTo) return replayTo - k; // a replay: silently up to the last shown
              let n = perStep > 0 ? Math.round(target / perStep) : L.binSteps;
              n = Math.max(L.binSteps, Math.min(n, 100 * stepSteps));
              // a step ends at the next multiple of STEP_BINS bins
              if (this.stepping) n = Math.min(n, (Math.floor(k / stepSteps) + 1) * stepSteps - k);
              return n;
            },
            onStretch: ({ k0, k1, rec, simWall }) => {
              perStep = ((simWall - lastWall) * 1000) / (k1 - k0);
              lastWall = simWall;
              at = k1;
              if (k1 <= shownK) return; // replayed: shown before the loss
              shownK = k1;
              const b0 = Math.floor(k0 / L.binSteps);
              const b1 = Math.ceil(k1 / L.binSteps);
              this.post({
                kind: 'chunk',
                simWall,
                chunk: {
                  k0,
                  k1,
                  spikeSteps: rec.spikeSteps.view().slice(),
                  spikeIds: rec.spikeIds.view().slice(),
                  countsE: rec.rateCounts[0].view().slice(b0, b1),
                  countsI: rec.rateCounts[1].view().slice(b0, b1),
                  traceSteps: rec.traceSteps.view().slice(),
                  v: rec.v.view().slice(),
                },
              });
              if (k1 % stepSteps === 0 && k1 < L.steps) this.stepStop();
            },
            waitIfPaused: () => (at < replayTo ? turn() : this.waitIfPaused()),
            shouldStop: () => this.stopped || this.lost !== null,
          },
        });
        if (this.lost !== null) throw new Error(`the GPU device was lost (${this.lost})`);
        if (this.stopped) {
          this.post({ kind: 'status', status: 'idle' });
          return;
        }
        const label = backend.info.kind === 'webgpu' ? `webgpu (${backend.info.label})` : 'cpu';
        this.post({ kind: 'final', final: cobaNumbers(run, { seed, backend: label }) });
        this.post({ kind: 'status', status: 'done' });
        return;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (this.lost !== null && !this.stopped && attempt < 3) {
          this.post({
            kind: 'notice',
            text: `The GPU device was lost (${this.lost}) at ${((shownK * L.dt) / 1000).toFixed(2)} s; the run is replayed from its seed on a new device (the same result, bit for bit) and goes on.`,
          });
          this.lost = null;
          continue;
        }
        if (e instanceof BackendLimitError && backend.info.kind === 'webgpu' && pref === 'auto') {
          cpuInstead = `the network exceeds this GPU's limits (${msg}); the CPU reference runs it`;
          continue;
        }
        this.post({
          kind: 'status',
          status: 'error',
          runError:
            e instanceof BlowUpError
              ? blowUpMessage(msg, L)
              : e instanceof BackendLimitError
                ? `WebGPU cannot run this network: ${msg}. Choose the CPU backend or a smaller network.`
                : e instanceof RangeError && /alloc|length|memory/i.test(msg)
                  ? `Not enough memory for this network (${L.N} neurons, about ${Math.round(L.N * L.N * L.p).toLocaleString('en-US')} synapses): ${msg}. Try a smaller N or p.`
                  : msg,
        });
        return;
      } finally {
        backend.dispose();
      }
    }
  }
}
