/**
 * `eilab run cotuning …`: builds the co-tuning network from the seed, runs learning,
 * measurements and the tuning test on the chosen backend, prints the summary and, with --out,
 * writes summary.json, history.csv (D, B over time), weights.csv, raster.csv, currents.csv
 * and tuning.csv.
 */
import { cotuningConfig, cotuningProtocol } from '../labs/cotuning/params';
import { runCotuningStudy, sweepCsv, type SweepPoint } from '../labs/cotuning/study';
import {
  cotuningSummary,
  currentsCsv,
  historyCsv,
  rasterCsv,
  tuningCsv,
  weightsCsv,
  type CotuningSummary,
} from '../labs/cotuning/summary';
import { encodeShareState } from '../state/url';
import { CliError, EXIT, writeOutFiles, type CliIo } from './io';
import type { LabRunner } from './labRunners';
import { progressBar } from './progress';
import type { ResolvedRun } from './run';
import { spikingSimFactory } from './spiking';
import { BlowUpError } from '../engine/spiking/cpu/cpuSim';
import { abcCsv } from '../labs/cotuning/abcRun';

type Output = CotuningSummary & {
  /** per swept value (empty without a sweep) */
  sweep: SweepPoint[];
  preset: string | null;
  link: string;
  /** per ABC step: ε, acceptance and the posterior mean (empty without ABC) */
  abc: {
    step: number;
    epsilon: number;
    accepted: number;
    proposals: number;
    accept_rate: number;
    posterior_mean: Record<'R_EE' | 'R_EI' | 'R_IE' | 'R_II', number>;
  }[];
};

async function execute(r: ResolvedRun, io: CliIo, outDir?: string) {
  const v = r.values;
  const cfg0 = cotuningConfig(v);
  const protocol0 = cotuningProtocol(v);
  const { factory, label, many } = await spikingSimFactory(r.backend, io);
  io.err(
    `eilab: cotuning${r.preset ? ` (preset ${r.preset})` : ''}: ${cfg0.N} neurons in ${cfg0.M} groups, noise ${cfg0.noise}, ${cfg0.recurrent ? `recurrent W ${cfg0.W}, p ${cfg0.p}, R ${cfg0.R.EE}/${cfg0.R.EI}/${cfg0.R.IE}/${cfg0.R.II}` : 'feedforward'}; learning ${protocol0.learnTime} s, window ${protocol0.duration} s, seed ${r.seed}, ${label}\n`,
  );
  const abcSteps = Number(v.abc_steps ?? 0);
  const bars = { learn: progressBar(io, 'simulate'), tuning: progressBar(io, 'tuning test') };
  const tStudy = performance.now();
  let t0 = tStudy;
  let study;
  try {
    study = await runCotuningStudy(v, r.seed, factory, many, {
      onAbcStep: (s) =>
        io.err(
          `ABC step ${s.step + 1}/${abcSteps}: ε ${s.epsilon.toPrecision(3)}, ${s.particles.length} accepted of ${s.proposals} (rate ${s.acceptRate.toPrecision(2)}), posterior mean R ${s.mean.map((x) => x.toFixed(2)).join(' ')}, ${((performance.now() - tStudy) / 1000).toFixed(0)} s\n`,
        ),
      onSweep: (points, wallS) => {
        io.err(
          `sweep: ${points.length} values in ${wallS.toFixed(1)} s (${many ? 'one batched GPU run' : 'one after another'})\n`,
        );
        for (const p of points)
          io.err(
            `sweep ${String(v.sweep)} = ${p.value.toPrecision(3)}: D ${String(p.D?.toFixed(3))}, B ${String(p.B?.toFixed(3))}, C_in(EI) ${p.C_in_EI.toFixed(3)}, C_out(EE) ${p.C_out_EE.toFixed(3)}\n`,
          );
      },
      onPhase: (phase) => {
        if (phase === 'run') t0 = performance.now();
      },
      run: {
        onProgress: (stage, done, total) => {
          if (stage === 'tuning') bars.learn.finish();
          bars[stage].update(done, total);
        },
      },
    });
  } catch (e) {
    if (e instanceof BlowUpError) throw new CliError(e.message, EXIT.blowUp);
    throw e;
  } finally {
    bars.learn.finish();
    bars.tuning.finish();
  }
  const { result, abc, sweep } = study;
  const wall = (performance.now() - t0) / 1000;
  const link = encodeShareState({
    lab: r.lab.id,
    preset: r.preset,
    seed: r.seed,
    values: v,
    view: null,
    backend: r.backendExplicit ? r.backend : 'auto',
  });
  const summary: Output = {
    ...cotuningSummary(result, v, { backend: label, wall_s: wall }),
    sweep,
    abc: abc.map((s) => ({
      step: s.step,
      epsilon: s.epsilon,
      accepted: s.particles.length,
      proposals: s.proposals,
      accept_rate: s.acceptRate,
      posterior_mean: { R_EE: s.mean[0], R_EI: s.mean[1], R_IE: s.mean[2], R_II: s.mean[3] },
    })),
    preset: r.preset,
    link: `#${link}`,
  };
  const files =
    outDir === undefined
      ? []
      : await writeOutFiles(outDir, [
          ['summary.json', JSON.stringify(summary, null, 2) + '\n'],
          ['history.csv', historyCsv(result)],
          ['weights.csv', weightsCsv(result)],
          ['raster.csv', rasterCsv(result)],
          ['currents.csv', currentsCsv(result)],
          ['tuning.csv', tuningCsv(result)],
          ...(abc.length ? [['abc.csv', abcCsv(abc)] as const] : []),
          ...(sweep.length ? [['sweep.csv', sweepCsv(String(v.sweep), sweep)] as const] : []),
        ]);
  return { summary, files };
}

const fmt = (x: number | null | undefined, d = 3) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : String(Number(x.toPrecision(d)));

function text(s: Output): string {
  const L: string[] = [];
  L.push(
    `lab cotuning${s.preset ? `, preset ${s.preset}` : ''}: ${fmt(s.simulated_s)} s simulated in ${fmt(s.wall_s)} s (backend ${s.backend}), seed ${s.seed}`,
  );
  L.push(
    `diversity D ${fmt(s.D)} (eq 1; ${fmt(s.D_code)} as the authors' code computes it), balance B ${fmt(s.B)}; read-out rate ${fmt(s.rate_readout)} Hz`,
  );
  L.push(`rates: E ${fmt(s.rate_E)} Hz, I ${fmt(s.rate_I)} Hz; CV of ISI (E) ${fmt(s.cv_isi_E)}`);
  L.push(
    `correlations: C_in(EI) ${fmt(s.C_in_EI)}, C_out(EE) ${fmt(s.C_out_EE)}, C_out(EI) ${fmt(s.C_out_EI)}, C_out(II) ${fmt(s.C_out_II)}; ABC distance ${fmt(s.abc_distance)}`,
  );
  if (s.convergence_cosine !== null)
    L.push(
      `convergence (Appendix B): cos(C̄w, w) ${fmt(s.convergence_cosine)} (shuffled weights ${fmt(s.convergence_shuffled_cosine)}), cos(leading eigenvector of C̄, w) ${fmt(s.eigenvector_cosine)}`,
    );
  if (s.w_group_E.length)
    L.push(
      `group-mean weights E: ${s.w_group_E.map((x) => fmt(x)).join(' ')}; I: ${s.w_group_I.map((x) => fmt(x)).join(' ')}`,
    );
  if (s.tuning_mean.length)
    L.push(`tuning (read-out Hz per driven group): ${s.tuning_mean.map((x) => fmt(x)).join(' ')}`);
  if (s.abc.length) {
    const last = s.abc[s.abc.length - 1];
    L.push(
      `ABC: ${s.abc.length} steps, ε ${fmt(s.abc[0].epsilon)} → ${fmt(last.epsilon)}; posterior mean R_EE ${fmt(last.posterior_mean.R_EE)}, R_EI ${fmt(last.posterior_mean.R_EI)}, R_IE ${fmt(last.posterior_mean.R_IE)}, R_II ${fmt(last.posterior_mean.R_II)} (the correlations above are a network at this mean)`,
    );
  }
  L.push(`share link: ${s.link}`);
  return L.join('\n') + '\n';
}

export const cotuningRunner: LabRunner = {
  execute,
  text: (s) => text(s as Output),
};
