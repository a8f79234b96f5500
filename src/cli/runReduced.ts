/**
 * `eilab run reduced …`: the reduced linear model of Giannakakis et al. 2023 (Appendix C).
 * Pure TypeScript on the CPU (the backend option is accepted and ignored): exact stationary
 * correlations, an optional Euler–Maruyama simulation, sweep and clustering search; writes
 * summary.json, correlations.csv and, when asked for, sweep.csv and clustering.csv.
 */
import { crossCheck } from '../labs/reduced/params';
import {
  correlationsCsv,
  reducedClusteringCsv,
  reducedSummary,
  sweepCsv,
  type ReducedSummary,
} from '../labs/reduced/summary';
import { encodeShareState } from '../state/url';
import { CliError, EXIT, writeOutFiles, type CliIo } from './io';
import type { LabRunner, LabRunOutput } from './labRunners';
import type { ResolvedRun } from './run';

export type ReducedRunSummary = ReducedSummary & { preset: string | null; link: string };

async function execute(r: ResolvedRun, io: CliIo, outDir?: string): Promise<LabRunOutput> {
  const v = r.values;
  // resolveRun already cross-checks; a hand-built run is checked here too
  const cross = crossCheck(v);
  if (cross.length > 0)
    throw new CliError(cross.map((e) => `${e.fields.join(', ')}: ${e.message}`).join('; '));
  if (r.backend === 'webgpu')
    io.err('warning: the reduced model runs on the CPU only; --backend webgpu is ignored\n');
  io.err(
    `eilab: reduced${r.preset ? ` (preset ${r.preset})` : ''}: M = ${Number(v.M)}, structure ${String(v.structure)}, mode ${String(v.mode)}${v.sweep !== 'none' ? `, sweep ${String(v.sweep)}` : ''}${v.cluster === true ? ', clustering search' : ''}, seed ${r.seed}\n`,
  );
  const s = reducedSummary(v, r.seed);
  if (s.error !== null)
    throw new CliError(
      s.error.startsWith('simulation:')
        ? `the simulation failed: ${s.error.slice(12)}`
        : `no correlations: ${s.error}`,
      s.error.startsWith('simulation:') ? EXIT.blowUp : EXIT.usage,
    );
  for (const w of s.warnings) io.err(`warning: ${w}\n`);
  const link = encodeShareState({
    lab: r.lab.id,
    preset: r.preset,
    seed: r.seed,
    values: v,
    view: null,
    backend: r.backendExplicit ? r.backend : 'auto',
  });
  const summary: ReducedRunSummary = { ...s, preset: r.preset, link: `#${link}` };
  const files =
    outDir === undefined
      ? []
      : await writeOutFiles(outDir, [
          ['summary.json', JSON.stringify(summary, null, 2) + '\n'],
          ['correlations.csv', correlationsCsv(s)],
          ...(s.sweep ? [['sweep.csv', sweepCsv(s)] as const] : []),
          ...(s.clustering && !('error' in s.clustering)
            ? [['clustering.csv', reducedClusteringCsv(s)] as const]
            : []),
        ]);
  return { summary, files };
}

const fmt = (x: number | null | undefined, d = 4) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : String(Number(x.toPrecision(d)));

const KEYS = ['C_EI_int', 'C_EE_ext', 'C_II_ext', 'C_EI_ext'] as const;

export function reducedSummaryText(s: ReducedRunSummary): string {
  const L: string[] = [];
  const c = s.coefficients;
  L.push(
    `lab reduced${s.preset ? `, preset ${s.preset}` : ''}: M = ${s.M}, structure ${s.structure}, mode ${s.mode}, seed ${s.seed}`,
  );
  L.push(
    `coefficients a ${fmt(c.a)}, b ${fmt(c.b)}, c ${fmt(c.c)}, d ${fmt(c.d)}; W_EE ${fmt(c.W_EE)}, W_EI ${fmt(c.W_EI)}, W_IE ${fmt(c.W_IE)}, W_II ${fmt(c.W_II)}; σ_int ${fmt(c.sigmaInt)}, σ_ext ${fmt(c.sigmaExt)}`,
  );
  L.push(
    `stable (max Re λ = ${fmt(s.max_real_eigenvalue)}, slowest time ${fmt(s.slowest_timescale)} τ)`,
  );
  const col = (name: string, m: Partial<Record<(typeof KEYS)[number], number | null>> | null) =>
    m ? `  ${name.padEnd(22)}${KEYS.map((k) => fmt(m[k]).padStart(11)).join('')}` : null;
  L.push(`  ${''.padEnd(22)}${KEYS.map((k) => k.padStart(11)).join('')}`);
  for (const line of [
    col(`result (${s.mode})`, s),
    col(`exact (${s.exact_method})`, s.exact),
    col('simulated', s.simulated),
    col('  ± SE', s.simulated_se),
    col('Euler exact at dt', s.euler_exact),
    col('C10 as printed', s.c10_as_printed),
  ])
    if (line) L.push(line);
  if (s.c10_as_printed)
    L.push(`C10 as printed at r = σ_int/σ = ${fmt(s.c10_r)} (${s.c10_network}): ${s.c10_note}`);
  if (s.lyapunov_residual !== null)
    L.push(
      `Lyapunov residual ${fmt(s.lyapunov_residual, 2)}, |C9 − Lyapunov| ≤ ${fmt(s.c9_vs_lyapunov, 2)}`,
    );
  if (s.clustering) {
    if ('error' in s.clustering) L.push(`clustering: ${s.clustering.error}`);
    else {
      const k = s.clustering;
      L.push(
        `optimal clustering at W = ${fmt(k.W)} (eq C12): r_EE ${fmt(k.r.r_EE, 3)}, r_EI ${fmt(k.r.r_EI, 3)}, r_IE ${fmt(k.r.r_IE, 3)}, r_II ${fmt(k.r.r_II, 3)}; loss ${fmt(k.loss, 3)} (uniform ${fmt(k.loss_uniform, 3)})`,
      );
    }
  }
  if (s.sweep)
    L.push(
      `sweep over ${s.sweep.variable}: ${s.sweep.rows.length} points from ${fmt(s.sweep.rows[0].x)} to ${fmt(s.sweep.rows.at(-1)!.x)} (sweep.csv with --out)`,
    );
  L.push(`share link: ${s.link}`);
  return L.join('\n') + '\n';
}

export const reducedRunner: LabRunner = {
  execute,
  text: (s) => reducedSummaryText(s as ReducedRunSummary),
};
