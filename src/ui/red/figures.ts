/**
 * The reduced model's figures (Giannakakis et al. 2023, Appendix C, Fig 8) as pure functions of
 * the reduced store → Plotly data and layout, with CSV exports.
 */
import { CORRELATION_KEYS, type Correlations } from '../../labs/reduced/exact';
import { correlationsCsv, reducedClusteringCsv, sweepCsv } from '../../labs/reduced/summary';
import type { RedState } from '../../state/redStore';
import { fmt } from '../asm/figures';
import type { Figure } from '../plots/figures';
import { axis, baseLayout, centerNote, COLORS, type Data } from '../plots/plotly';
import type { StoreFigure } from '../plots/StorePlot';

const LABELS: Record<(typeof CORRELATION_KEYS)[number], string> = {
  C_EI_int: 'C_EI (internal)',
  C_EE_ext: 'C_EE (external)',
  C_II_ext: 'C_II (external)',
  C_EI_ext: 'C_EI (external)',
};
const KEY_COLORS = ['#6c3483', COLORS.E, COLORS.I, '#888'];
const waiting = 'Press Run to compute';

function empty(title: string, note: string): Figure {
  return { data: [], layout: { ...baseLayout(title), annotations: [centerNote(note)] } };
}

const vals = (c: Correlations | null) => CORRELATION_KEYS.map((k) => (c ? c[k] : null));

export const RED_FIGURES = {
  'red-corr': {
    label: 'Stationary correlations: exact (C9, Lyapunov), simulated, eq C10',
    watch: (s) => s.summary,
    build: (s) => {
      const r = s.summary;
      if (!r) return empty('Correlations', waiting);
      const x = CORRELATION_KEYS.map((k) => LABELS[k]);
      const data: Data[] = [
        {
          type: 'bar',
          x,
          y: vals(r.exact),
          name: `exact (${r.exact_method})`,
          marker: { color: '#2563eb' },
        },
      ];
      if (r.simulated)
        data.push({
          type: 'bar',
          x,
          y: vals(r.simulated),
          error_y: {
            type: 'data',
            array: vals(r.simulated_se).map((v) => (v === null ? 0 : 2 * v)),
            visible: true,
          },
          name: 'simulated (± 2 SE)',
          marker: { color: '#16a085' },
        });
      if (r.euler_exact)
        data.push({
          type: 'bar',
          x,
          y: vals(r.euler_exact),
          name: 'Euler chain, exact at dt',
          marker: { color: '#a3d9c9' },
        });
      if (r.c10_as_printed)
        data.push({
          type: 'bar',
          x,
          y: vals(r.c10_as_printed),
          name: 'eq C10 as printed',
          marker: { color: '#e67e22' },
        });
      if (r.c10_eilab_reading)
        data.push({
          type: 'bar',
          x,
          y: vals(r.c10_eilab_reading),
          name: 'C10, EI Lab reading',
          marker: { color: '#f5c28b' },
        });
      return {
        data,
        layout: {
          ...baseLayout(`M = ${r.M}, ${r.structure}: stationary correlations`),
          barmode: 'group',
          xaxis: axis(''),
          yaxis: axis('correlation'),
        },
      };
    },
    csv: (s) => (s.summary ? correlationsCsv(s.summary) : null),
  },
  'red-eig': {
    label: 'Eigenvalues of the drift matrix (stability)',
    watch: (s) => s.summary,
    build: (s) => {
      const r = s.summary;
      if (!r) return empty('Eigenvalues', waiting);
      const by = (m: 'uniform' | 'differential') => r.eigenvalues.filter((e) => e.mode === m);
      const tr = (m: 'uniform' | 'differential', color: string): Data => ({
        x: by(m).map((e) => e.re),
        y: by(m).map((e) => e.im),
        text: by(m).map((e) => `×${e.multiplicity}`),
        mode: 'markers',
        name: `${m} mode${m === 'differential' ? 's' : ''}`,
        marker: { color, size: 9 },
      });
      return {
        data: [tr('uniform', COLORS.E), tr('differential', COLORS.I)],
        layout: {
          ...baseLayout(
            `${r.stable ? 'Stable' : 'Not stable'}: max Re λ ${fmt(r.max_real_eigenvalue)}, slowest time scale ${fmt(r.slowest_timescale)}`,
          ),
          xaxis: axis('Re λ', { zeroline: true, zerolinecolor: '#999' }),
          yaxis: axis('Im λ'),
        },
      };
    },
  },
  'red-sweep': {
    label: 'Correlations along the sweep (exact, simulated, C10)',
    watch: (s) => s.summary,
    build: (s) => {
      const sw = s.summary?.sweep;
      if (!sw || !sw.rows.length)
        return empty('Sweep', 'Set sweep = W or r (or pick a sweep preset) and run');
      const x = sw.rows.map((r) => r.x);
      const data: Data[] = [];
      CORRELATION_KEYS.forEach((k, i) => {
        data.push({
          x,
          y: sw.rows.map((r) => (r.exact ? r.exact[k] : null)),
          name: LABELS[k],
          legendgroup: k,
          mode: 'lines',
          line: { color: KEY_COLORS[i] },
        });
        if (sw.rows.some((r) => r.simulated))
          data.push({
            x,
            y: sw.rows.map((r) => (r.simulated ? r.simulated[k] : null)),
            error_y: {
              type: 'data',
              array: sw.rows.map((r) => (r.simulated_se ? 2 * r.simulated_se[k] : 0)),
              visible: true,
            },
            name: `${LABELS[k]}, simulated`,
            legendgroup: k,
            showlegend: false,
            mode: 'markers',
            marker: { color: KEY_COLORS[i], size: 6 },
          });
        if (sw.rows.some((r) => r.c10_as_printed))
          data.push({
            x,
            y: sw.rows.map((r) => (r.c10_as_printed ? r.c10_as_printed[k] : null)),
            name: `${LABELS[k]}, C10 as printed`,
            legendgroup: k,
            showlegend: false,
            mode: 'lines',
            line: { color: KEY_COLORS[i], dash: 'dot' },
          });
      });
      return {
        data,
        layout: {
          ...baseLayout(`Sweep of ${sw.variable} (lines exact, dots simulated ± 2 SE, dotted C10)`),
          xaxis: axis(sw.variable === 'W' ? 'coupling W' : 'r = σ_int/(σ_int + σ_ext)'),
          yaxis: axis('correlation'),
        },
      };
    },
    csv: (s) => (s.summary?.sweep ? sweepCsv(s.summary) : null),
  },
  'red-cluster': {
    label: 'Optimal clustering (eq C12, Fig 8)',
    watch: (s) => s.summary,
    build: (s) => {
      const c = s.summary?.clustering;
      if (!c)
        return empty('Optimal clustering', 'Turn on the clustering search (or its preset) and run');
      if ('error' in c) return empty('Optimal clustering', c.error);
      const names = ['r_EE', 'r_EI', 'r_IE', 'r_II'] as const;
      const M = s.summary!.M;
      return {
        data: [
          {
            type: 'bar',
            x: [...names],
            y: names.map((n) => c.r[n]),
            name: 'optimal',
            marker: { color: '#2563eb' },
          },
          {
            type: 'bar',
            x: [...names],
            y: names.map(() => 1 / M),
            name: 'uniform (1/M)',
            marker: { color: '#bbb' },
          },
        ],
        layout: {
          ...baseLayout(
            `W = ${fmt(c.W)}: loss ${fmt(c.loss)} (uniform ${fmt(c.loss_uniform)}), ${c.evaluations} evaluations`,
          ),
          barmode: 'group',
          xaxis: axis('in-group share of each pathway'),
          yaxis: axis('r', { range: [0, 1] }),
        },
      };
    },
    csv: (s) =>
      s.summary?.clustering && !('error' in s.summary.clustering)
        ? reducedClusteringCsv(s.summary)
        : null,
  },
} satisfies Record<string, StoreFigure<RedState>>;

export type RedFigureId = keyof typeof RED_FIGURES;
