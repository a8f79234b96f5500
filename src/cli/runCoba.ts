/**
 * `eilab run coba …`: the COBA benchmark network (Brette et al. 2007) on the CPU reference or
 * WebGPU;
 * reports the rates and the wall time of the simulation loop and of the set-up separately.
 */
import { compileNetwork } from '../model/spiking/build';
import { BlowUpError } from '../engine/spiking/cpu/cpuSim';
import { spikingSimFactory } from './spiking';
import { cobaSpec } from '../labs/coba/network';
import { cobaP } from '../labs/coba/params';
import { encodeShareState } from '../state/url';
import { CliError, EXIT, writeOutFiles, type CliIo } from './io';
import type { LabRunner } from './labRunners';
import type { ResolvedRun } from './run';

export interface CobaSummary {
  lab: 'coba';
  N: number;
  p: number;
  duration_s: number;
  rate_E: number;
  rate_I: number;
  synapses: number;
  sim_wall_s: number;
  setup_wall_s: number;
  /** wall seconds per simulated second */
  wall_per_sim_s: number;
  seed: number;
  backend: string;
  preset: string | null;
  link: string;
}

async function execute(r: ResolvedRun, io: CliIo, outDir?: string) {
  const v = r.values;
  const N = Number(v.N);
  const p = cobaP(v);
  const dt = Number(v.dt);
  const t0 = performance.now();
  const { factory, label } = await spikingSimFactory(r.backend, io);
  const net = compileNetwork(cobaSpec({ N, p, dt }), r.seed);
  const sim = await factory(net);
  const t1 = performance.now();
  const steps = Math.round((Number(v.duration) * 1000) / dt);
  const mon = { rateBin: steps, spikes: { from: 0, to: Math.min(N, 1000) } };
  const rec = sim.newRecording(mon);
  io.err(
    `eilab: coba: ${N} neurons, p ${p}, ${net.projections.reduce((a, x) => a + x.nSyn, 0)} synapses, ${v.duration} s, seed ${r.seed}, ${label}\n`,
  );
  try {
    await sim.run(steps, mon, rec);
  } catch (e) {
    if (e instanceof BlowUpError) throw new CliError(e.message, EXIT.blowUp);
    throw e;
  } finally {
    sim.dispose?.();
  }
  const t2 = performance.now();
  const nE = net.populations[0].n;
  const nI = net.populations[1].n;
  const dur = Number(v.duration);
  const summary: CobaSummary = {
    lab: 'coba',
    N,
    p,
    duration_s: dur,
    rate_E: rec.rateCounts[0].data[0] / nE / dur,
    rate_I: rec.rateCounts[1].data[0] / nI / dur,
    synapses: net.projections.reduce((a, x) => a + x.nSyn, 0),
    sim_wall_s: (t2 - t1) / 1000,
    setup_wall_s: (t1 - t0) / 1000,
    wall_per_sim_s: (t2 - t1) / 1000 / dur,
    seed: r.seed,
    backend: label,
    preset: r.preset,
    link: `#${encodeShareState({ lab: r.lab.id, preset: r.preset, seed: r.seed, values: v, view: null, backend: 'auto' })}`,
  };
  const steps_ = rec.spikeSteps.view();
  const ids = rec.spikeIds.view();
  const files =
    outDir === undefined
      ? []
      : await writeOutFiles(outDir, [
          ['summary.json', JSON.stringify(summary, null, 2) + '\n'],
          [
            'raster.csv',
            't_ms,neuron\n' +
              Array.from(ids, (id, q) => `${(steps_[q] * dt).toFixed(1)},${id}`).join('\n') +
              '\n',
          ],
        ]);
  return { summary, files };
}

const fmt = (x: number) => String(Number(x.toPrecision(4)));

function text(s: CobaSummary): string {
  return (
    [
      `lab coba${s.preset ? `, preset ${s.preset}` : ''}: ${s.N} neurons, p ${fmt(s.p)}, ${s.synapses} synapses, ${s.duration_s} s simulated, seed ${s.seed}, backend ${s.backend}`,
      `rates: E ${fmt(s.rate_E)} Hz, I ${fmt(s.rate_I)} Hz`,
      `wall time: simulation ${fmt(s.sim_wall_s)} s (${fmt(s.wall_per_sim_s)} s per simulated second), set-up ${fmt(s.setup_wall_s)} s`,
      `share link: ${s.link}`,
    ].join('\n') + '\n'
  );
}

export const cobaRunner: LabRunner = { execute, text: (s) => text(s as CobaSummary) };
