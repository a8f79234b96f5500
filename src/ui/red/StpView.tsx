/**
 * The paired-pulse lab (Tsodyks–Markram STP as in Keijser & Sprekeler 2022, eqs 11–12): the
 * efficacy u·R of each spike of the train (engine) beside the closed form of the first two,
 * and the PPR over U at this interval with the chosen U marked; its results row.
 */
import type { StpResult } from '../../labs/stp/summary';
import { stpStore, type StpState } from '../../state/stpStore';
import { appStore } from '../../state/store';
import { fmt, toCsv } from '../asm/figures';
import type { Figure } from '../plots/figures';
import { axis, baseLayout, centerNote, COLORS } from '../plots/plotly';
import type { StoreFigure } from '../plots/StorePlot';
import { storePlotGrid } from '../plots/StorePlotGrid';
import { ComputeResults, type ComputeNum } from './ComputeResults';

function empty(title: string): Figure {
  return {
    data: [],
    layout: { ...baseLayout(title), annotations: [centerNote('Press Run to compute')] },
  };
}

export const STP_FIGURES = {
  'stp-train': {
    label: 'Efficacy of each spike (engine) and the closed form',
    watch: (s) => s.summary,
    build: (s) => {
      const r = s.summary;
      if (!r) return empty('Efficacy per spike');
      const x = r.efficacy.map((_, i) => i + 1);
      return {
        data: [
          { type: 'bar', x, y: r.efficacy, name: 'engine (u·R)', marker: { color: COLORS.E } },
          {
            x: [1, 2],
            y: r.efficacy_closed_form,
            name: 'closed form',
            mode: 'markers',
            marker: { color: '#111', symbol: 'diamond', size: 10 },
          },
        ],
        layout: {
          ...baseLayout(`PPR ${fmt(r.ppr, 4)} (closed form ${fmt(r.ppr_closed_form, 4)})`),
          xaxis: axis('spike', { dtick: 1 }),
          yaxis: axis('efficacy u·R', { rangemode: 'tozero' }),
        },
      };
    },
    csv: (s) =>
      s.summary
        ? toCsv(
            ['spike', 'efficacy'],
            s.summary.efficacy.map((e, i) => [i + 1, e]),
          )
        : null,
  },
  'stp-ppr': {
    label: 'Paired-pulse ratio over U at this interval',
    watch: (s) => s.summary,
    build: (s) => {
      const r = s.summary;
      if (!r) return empty('PPR over U');
      const U = Number(appStore.getState().values.U);
      return {
        data: [
          {
            x: r.ppr_vs_U.map((p) => p.U),
            y: r.ppr_vs_U.map((p) => p.ppr),
            name: 'PPR',
            mode: 'lines+markers',
            line: { color: COLORS.I },
          },
          {
            x: [U],
            y: [r.ppr],
            name: 'this U',
            mode: 'markers',
            marker: { color: COLORS.E, size: 12 },
          },
        ],
        layout: {
          ...baseLayout('PPR over U (above 1: facilitation, below: depression)'),
          xaxis: axis('U'),
          yaxis: axis('PPR'),
          shapes: [
            {
              type: 'line',
              xref: 'paper',
              x0: 0,
              x1: 1,
              y0: 1,
              y1: 1,
              line: { color: '#999', dash: 'dash', width: 1 },
            },
          ],
        },
      };
    },
    csv: (s) =>
      s.summary
        ? toCsv(
            ['U', 'ppr'],
            s.summary.ppr_vs_U.map((p) => [p.U, p.ppr]),
          )
        : null,
  },
} satisfies Record<string, StoreFigure<StpState>>;

const LAYOUTS = { overview: [{ figure: 'stp-train' }, { figure: 'stp-ppr' }] } as const;

export const StpPlotGrid = storePlotGrid('stp', 'stp-', stpStore, STP_FIGURES, LAYOUTS);

const NUMS: ComputeNum<StpResult>[] = [
  {
    id: 'ppr',
    label: 'PPR',
    title: 'Efficacy of the second spike over the first (engine)',
    value: (r) => r.ppr,
  },
  {
    id: 'ppr_closed_form',
    label: 'closed form',
    title: 'The same from the closed form of eqs 11–12',
    value: (r) => r.ppr_closed_form,
  },
];

export function StpResults() {
  return <ComputeResults store={stpStore} nums={NUMS} />;
}
