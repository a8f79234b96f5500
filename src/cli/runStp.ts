/**
 * `eilab run stp …`: the paired-pulse protocol on one Tsodyks–Markram synapse, simulated by
 * the spiking engine, with the closed form and a PPR curve over U beside it.
 */
import { stpResult } from '../labs/stp/summary';
import { encodeShareState } from '../state/url';
import { writeOutFiles, type CliIo } from './io';
import type { LabRunner } from './labRunners';
import type { ResolvedRun } from './run';

export interface StpSummary {
  lab: 'stp';
  /** efficacy u·R of the second spike over the first */
  ppr: number;
  ppr_closed_form: number;
  /** efficacy of every spike of the train */
  efficacy: number[];
  /** PPR at this isi for U = 0, 0.05, …, 1 */
  ppr_vs_U: { U: number; ppr: number }[];
  params: ResolvedRun['values'];
  seed: number;
  backend: 'cpu';
  preset: string | null;
  link: string;
}

async function execute(r: ResolvedRun, _io: CliIo, outDir?: string) {
  const res = stpResult(r.values);
  const eff = res.efficacy;
  const curve = res.ppr_vs_U;
  const summary: StpSummary = {
    lab: 'stp',
    ppr: res.ppr,
    ppr_closed_form: res.ppr_closed_form,
    efficacy: eff,
    ppr_vs_U: curve,
    params: r.values,
    seed: r.seed,
    backend: 'cpu',
    preset: r.preset,
    link: `#${encodeShareState({ lab: r.lab.id, preset: r.preset, seed: r.seed, values: r.values, view: null, backend: 'auto' })}`,
  };
  const files =
    outDir === undefined
      ? []
      : await writeOutFiles(outDir, [
          ['summary.json', JSON.stringify(summary, null, 2) + '\n'],
          [
            'efficacy.csv',
            'spike,efficacy\n' + eff.map((e, i) => `${i + 1},${e}`).join('\n') + '\n',
          ],
          ['ppr_vs_U.csv', 'U,ppr\n' + curve.map((x) => `${x.U},${x.ppr}`).join('\n') + '\n'],
        ]);
  return { summary, files };
}

const fmt = (x: number) => (Number.isFinite(x) ? String(Number(x.toPrecision(4))) : 'n/a');

function text(s: StpSummary): string {
  const v = s.params;
  return (
    [
      `lab stp${s.preset ? `, preset ${s.preset}` : ''}: U ${v.U}, F ${v.F}, τ_u ${v.tau_u} ms, τ_R ${v.tau_R} ms, isi ${v.isi} ms`,
      `PPR ${fmt(s.ppr)} (closed form ${fmt(s.ppr_closed_form)}); efficacies ${s.efficacy.map(fmt).join(' ')}`,
      `PPR vs U: ${s.ppr_vs_U
        .filter((_, i) => i % 4 === 0)
        .map((x) => `U ${x.U}: ${fmt(x.ppr)}`)
        .join(', ')}`,
      `share link: ${s.link}`,
    ].join('\n') + '\n'
  );
}

export const stpRunner: LabRunner = { execute, text: (s) => text(s as StpSummary) };
