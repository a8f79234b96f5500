/**
 * `eilab run coba …`: the COBA benchmark network (Brette et al. 2007) on the CPU reference or
 * WebGPU;
 * reports the rates and the wall time of the simulation loop and of the set-up separately.
 */
import { BlowUpError } from '../engine/spiking/cpu/cpuSim';
import { spikingSimFactory } from './spiking';
import { cobaSummary, runCoba, type CobaSummary } from '../labs/coba/run';
import { encodeShareState } from '../state/url';
import { CliError, EXIT, writeOutFiles, type CliIo } from './io';
import type { LabRunner } from './labRunners';
import type { ResolvedRun } from './run';
import { cobaP } from '../labs/coba/params';

async function execute(r: ResolvedRun, io: CliIo, outDir?: string) {
  const v = r.values;
  const N = Number(v.N);
  const dt = Number(v.dt);
  const t0 = performance.now();
  const { factory, label } = await spikingSimFactory(r.backend, io);
  // one stretch: the whole loop in one run call, with the spikes of the first 1000 neurons
  let steps_: Int32Array = new Int32Array(0);
  let ids: Int32Array = new Int32Array(0);
  let run;
  try {
    run = await runCoba(v, r.seed, factory, {
      spikes: { from: 0, to: Math.min(N, 1000) },
      setupFrom: t0,
      hooks: {
        onSetup: ({ synapses }) =>
          io.err(
            `eilab: coba: ${N} neurons, p ${cobaP(v)}, ${synapses} synapses, ${v.duration} s, seed ${r.seed}, ${label}\n`,
          ),
        onStretch: ({ rec }) => {
          steps_ = rec.spikeSteps.view();
          ids = rec.spikeIds.view();
        },
      },
    });
  } catch (e) {
    if (e instanceof BlowUpError) throw new CliError(e.message, EXIT.blowUp);
    throw e;
  }
  const summary: CobaSummary = cobaSummary(run, {
    seed: r.seed,
    backend: label,
    preset: r.preset,
    link: `#${encodeShareState({ lab: r.lab.id, preset: r.preset, seed: r.seed, values: v, view: null, backend: 'auto' })}`,
  });
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
