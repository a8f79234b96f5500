/**
 * `eilab run assemblies …`: builds the network from the seed, acquires a CPU or WebGPU
 * engine, runs the experiment (measure → train → measure) and writes the summary and CSVs.
 */
import { BackendLimitError } from '../engine/backend';
import { asmConfig } from '../labs/assemblies/params';
import { buildNetwork, type AsmNetwork } from '../labs/assemblies/network';
import { CpuAsmEngine } from '../labs/assemblies/cpuEngine';
import type { AsmEngine } from '../labs/assemblies/engine';
import { runAssemblies } from '../labs/assemblies/runner';
import { estimateCpuSeconds, formatDuration } from '../labs/assemblies/estimate';
import {
  asmSummary,
  historyCsv,
  perturbationCsv,
  selectivityCsv,
  synapsesCsv,
  type AsmSummary,
} from '../labs/assemblies/summary';
import { encodeShareState } from '../state/url';
import { CliError, EXIT, writeOutFiles, type CliIo } from './io';
import { progressBar } from './progress';
import type { CliBackend, ResolvedRun } from './run';

/** CPU or WebGPU engine for the network ('auto' falls back to the CPU with a warning). */
export async function asmEngine(kind: CliBackend, net: AsmNetwork, io: CliIo): Promise<AsmEngine> {
  if (kind === 'cpu') return new CpuAsmEngine(net);
  let reason = '';
  try {
    const { nodeGpu } = await import('../engine/webgpu/node');
    const { acquireDevice } = await import('../engine/webgpu/device');
    const { createWebGpuAsmEngine } = await import('../engine/webgpu/asm/asmEngine');
    const { device } = await acquireDevice(await nodeGpu());
    return await createWebGpuAsmEngine(device, net);
  } catch (e) {
    if (e instanceof BackendLimitError && kind === 'webgpu')
      throw new CliError(`backend webgpu: ${e.message}`, EXIT.backend);
    reason = e instanceof Error ? e.message : String(e);
  }
  if (kind === 'webgpu')
    throw new CliError(`WebGPU backend unavailable: ${reason} (use --backend cpu)`, EXIT.backend);
  io.err(`warning: WebGPU unavailable (${reason}); running on the CPU\n`);
  return new CpuAsmEngine(net);
}

export interface AsmRunOutput {
  summary: AsmSummary & { preset: string | null; link: string };
  files: string[];
}

export async function executeAsmRun(
  r: ResolvedRun,
  io: CliIo,
  outDir?: string,
): Promise<AsmRunOutput> {
  const v = r.values;
  const net = buildNetwork(asmConfig(v), r.seed);
  const engine = await asmEngine(r.backend, net, io);
  io.err(
    `eilab: assemblies${r.preset ? ` (preset ${r.preset})` : ''}: ${net.nE} Pyr, ${net.nI} PV, ${net.nS} stimuli; plastic ${String(v.plastic)}, rule ${String(v.rule)}, schedule ${String(v.schedule)}, ${Number(v.epochs)} passes, seed ${r.seed}, ${engine.label}\n`,
  );
  if (engine.label === 'cpu') {
    const est = estimateCpuSeconds(v);
    if (est.total > 600)
      io.err(
        `warning: on the CPU this run takes roughly ${formatDuration(est.total)} (measurements ${formatDuration(est.before)} before and after, training ${formatDuration(est.train)}); the classroom size (--preset classroom) runs in seconds, a GPU (--backend webgpu) is the place for the paper size${Number(v.perturb_cells) > 0 ? ', and --set perturb_cells=0 skips the perturbation experiment' : ''}\n`,
      );
  }
  const bars = {
    before: progressBar(io, 'measure (before)'),
    train: progressBar(io, 'passes'),
    after: progressBar(io, 'measure (after)'),
  };
  let result;
  let firstPass = true;
  // the passes alone are timed (the measurements before and after are not)
  let tTrain: number | null = null;
  let trainWall = 0;
  try {
    result = await runAssemblies(engine, v, r.seed, {
      onProgress: (stage, done, total) => {
        if (stage === 'train' && tTrain === null) tTrain = performance.now(); // 0 passes done
        if (stage === 'train') bars.before.finish();
        if (stage === 'after') bars.train.finish();
        bars[stage].update(done, total);
      },
      onPass: (ps, tr) => {
        trainWall = (performance.now() - (tTrain ?? performance.now())) / 1000;
        if (firstPass && tr.cfg.epochs > 1) {
          firstPass = false;
          const s = trainWall;
          io.err(
            `\nfirst pass: ${s.toFixed(1)} s (${ps.stepsMean.toFixed(0)} Euler steps per stimulus on average); all ${tr.cfg.epochs} passes ≈ ${((s * tr.cfg.epochs) / 60).toFixed(1)} min\n`,
          );
        }
        if (ps.convergedFraction < 1)
          io.err(
            `\nwarning: pass ${ps.pass + 1}: ${Math.round((1 - ps.convergedFraction) * net.nS)} stimuli did not converge within ${net.cfg.maxSteps} steps (left out of the update)\n`,
          );
      },
    });
  } catch (e) {
    if (e instanceof BackendLimitError)
      throw new CliError(`backend ${engine.label}: ${e.message}`, EXIT.backend);
    if (e instanceof Error && /blew up/.test(e.message)) throw new CliError(e.message, EXIT.blowUp);
    throw e;
  } finally {
    bars.before.finish();
    bars.train.finish();
    bars.after.finish();
    engine.dispose();
  }
  const link = encodeShareState({
    lab: r.lab.id,
    preset: r.preset,
    seed: r.seed,
    values: v,
    view: null,
    backend: r.backendExplicit ? r.backend : 'auto',
  });
  const summary = {
    ...asmSummary(net, result, v, { backend: engine.label, seed: r.seed }),
    preset: r.preset,
    link: `#${link}`,
  };
  const files =
    outDir === undefined
      ? []
      : await writeOutFiles(outDir, [
          ['summary.json', JSON.stringify(summary, null, 2) + '\n'],
          ['history.csv', historyCsv(result)],
          ['synapses.csv', synapsesCsv(result)],
          ['selectivity.csv', selectivityCsv(result)],
          ...(result.after.perturbation
            ? [['perturbation.csv', perturbationCsv(result)] as const]
            : []),
        ]);
  return { summary, files };
}

const fmt = (x: number | null | undefined, d = 3) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : String(Number(x.toPrecision(d)));

export function asmSummaryText(s: AsmRunOutput['summary']): string {
  const L: string[] = [];
  L.push(
    `lab assemblies${s.preset ? `, preset ${s.preset}` : ''}: ${s.n_E} Pyr, ${s.n_I} PV, ${s.n_stimuli} stimuli; plastic ${s.plastic}, rule ${s.rule}, schedule ${s.schedule}, ${s.epochs_run} passes, seed ${s.seed}, backend ${s.backend}`,
  );
  L.push(
    `loss ${fmt(s.loss_initial)} → ${fmt(s.loss_final)}; ${s.converged_fraction === null ? 'n/a' : fmt(100 * s.converged_fraction)}% of the stimuli converged`,
  );
  L.push(
    `Pearson r: output–RS ${fmt(s.corr_output_rs)} (${s.n_output_synapses} synapses), input–RS ${fmt(s.corr_input_rs)} (${s.n_input_synapses}), input–output ${fmt(s.corr_input_output)} (${s.n_reciprocal_pairs} pairs)`,
  );
  L.push(
    `sampling (p < 0.01, r > 0): output–RS ${fmt(s.frac_sig_output_rs)}, input–RS ${fmt(s.frac_sig_input_rs)}, input–output ${fmt(s.frac_sig_input_output)}`,
  );
  L.push(
    `PV selectivity (median skewness) ${fmt(s.pv_skew_median_before)} → ${fmt(s.pv_skew_median_after)} (Mann–Whitney p ${fmt(s.pv_skew_mannwhitney_p)})`,
  );
  if (s.perturb_slope_before !== null || s.perturb_slope_after !== null)
    L.push(
      `perturbation slope (influence vs RF correlation) ${fmt(s.perturb_slope_before)} → ${fmt(s.perturb_slope_after)}; E[R²] ${fmt(s.expected_R2_before)} → ${fmt(s.expected_R2_after)}`,
    );
  L.push(
    `wall time: measurements ${fmt(s.wall_s.before)} s before, training ${fmt(s.wall_s.train)} s (${fmt(s.epochs_run > 0 ? s.wall_s.train / s.epochs_run : NaN)} s per pass), ${fmt(s.wall_s.after)} s after`,
  );
  L.push(`share link: ${s.link}`);
  return L.join('\n') + '\n';
}
