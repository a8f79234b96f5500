/**
 * The co-tuning lab's figures (Giannakakis et al. 2023) as pure functions of the co-tuning
 * store (state/cotStore.ts) → Plotly data and layout, each with its data as CSV and JSON for
 * the export buttons. Figure numbers are the paper's.
 */
import { groupMeans, pearson } from '../../labs/cotuning/measures';
import type { CotState } from '../../state/cotStore';
import { sweepCsv, sweepLabel } from '../../labs/cotuning/study';
import { fmt, toCsv } from '../asm/figures';
import type { Figure } from '../plots/figures';
import { axis, baseLayout, centerNote, COLORS, type Data, type Shape } from '../plots/plotly';
import type { StoreFigure } from '../plots/StorePlot';
import { rasterTraces } from '../plots/raster';

const C = { E: COLORS.E, I: COLORS.I, net: '#333', D: '#2563eb', Dc: '#7aa2f7', B: '#16a085' };

/** One colour per input group (up to 12; cycles beyond). */
const GROUP = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#ad494a',
];

function empty(title: string, note: string): Figure {
  return { data: [], layout: { ...baseLayout(title), annotations: [centerNote(note)] } };
}

/** Dashed vertical lines at the knock-outs applied during the run. */
function eventShapes(s: CotState): Partial<Shape>[] {
  return s.applied.map((a) => ({
    type: 'line',
    xref: 'x',
    yref: 'paper',
    x0: a.t,
    x1: a.t,
    y0: 0,
    y1: 1,
    line: { color: '#999', width: 1, dash: 'dash' },
  }));
}

const waiting = 'Run the lab to see this';

/** What an empty read-out plot says: the run has no read-out neuron (ABC), or none yet. */
function waitingReadout(s: CotState): string {
  return s.shape && !s.shape.readout ? 'No read-out neuron in this run (as for ABC)' : waiting;
}

/** The swept parameter's symbol, for titles. */
function sweepSymbol(param: string): string {
  return param === 'noise' ? 'c' : param;
}

/**
 * Which network the run's own plots show, when it is not the one the sidebar describes: a sweep
 * ends with a full run at its last value, ABC with one at the posterior mean (study.ts).
 */
export function shownNetwork(s: CotState): string {
  const last = s.sweep[s.sweep.length - 1];
  if (last && s.sweepParam)
    return ` · ${sweepSymbol(s.sweepParam)} = ${fmt(last.value)}, sweep end`;
  if (s.abc.length) return ' · at the ABC posterior mean';
  return '';
}

/** Running mean over the last `n` samples (fewer at the start). */
export function trailingMean(y: readonly number[], n: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    sum += y[i];
    if (i >= n) sum -= y[i - n];
    out.push(sum / Math.min(i + 1, n));
  }
  return out;
}

/** r with two decimals (0.998 shows as 1.00, not 1), or — when undefined */
function tuningR(rate: number[], wE: number[]): string {
  const r = pearson(rate, wE);
  return Number.isFinite(r) ? r.toFixed(2) : '—';
}

export const COT_FIGURES = {
  'cot-db': {
    label: 'Diversity D and balance B over time (Fig 1c–d)',
    watch: (s) => [s.samples, s.applied],
    build: (s) => {
      if (!s.samples.length) return empty('Co-tuning: D and B', waitingReadout(s));
      const t = s.samples.map((x) => x.t);
      const data: Data[] = [
        {
          x: t,
          y: s.samples.map((x) => x.D),
          name: 'D (eq 1)',
          mode: 'lines',
          line: { color: C.D },
        },
        {
          x: t,
          y: s.samples.map((x) => x.D_code),
          name: "D (authors' code)",
          mode: 'lines',
          line: { color: C.Dc, dash: 'dot' },
        },
        {
          x: t,
          y: s.samples.map((x) => x.B),
          name: 'B (eq 2)',
          mode: 'lines',
          line: { color: C.B },
        },
      ];
      const last = s.samples[s.samples.length - 1];
      return {
        data,
        layout: {
          ...baseLayout(
            `Co-tuning: D ${fmt(last.D)}, B ${fmt(last.B)} at ${fmt(last.t)} s${shownNetwork(s)}`,
          ),
          xaxis: axis('time (s)'),
          yaxis: axis('D, B', { range: [-1.05, 1.05] }),
          shapes: eventShapes(s),
        },
      };
    },
    csv: (s) =>
      s.samples.length
        ? toCsv(
            ['t_s', 'D', 'D_code', 'B', 'readout_rate_Hz'],
            s.samples.map((x) => [x.t, x.D, x.D_code, x.B, x.readoutRate]),
          )
        : null,
    json: (s) => (s.samples.length ? { samples: s.samples, applied: s.applied } : null),
  },
  'cot-wevolution': {
    label: 'Group-mean read-out weights over time (Fig 1c)',
    watch: (s) => [s.samples, s.applied],
    build: (s) => {
      if (!s.samples.length) return empty('Read-out weights per input group', waitingReadout(s));
      const M = s.samples[0].meanE.length;
      const t = s.samples.map((x) => x.t);
      const data: Data[] = [];
      for (let g = 0; g < M; g++) {
        data.push({
          x: t,
          y: s.samples.map((x) => x.meanE[g]),
          name: `E ${g + 1}`,
          legendgroup: `g${g}`,
          mode: 'lines',
          line: { color: GROUP[g % GROUP.length] },
        });
        data.push({
          x: t,
          y: s.samples.map((x) => x.meanI[g]),
          name: `I ${g + 1}`,
          legendgroup: `g${g}`,
          showlegend: false,
          mode: 'lines',
          line: { color: GROUP[g % GROUP.length], dash: 'dot' },
        });
      }
      return {
        data,
        layout: {
          ...baseLayout('Read-out weights per group (solid E, dotted I)'),
          xaxis: axis('time (s)'),
          yaxis: axis('group-mean weight'),
          shapes: eventShapes(s),
          showlegend: M <= 8,
        },
      };
    },
    csv: (s) => {
      if (!s.samples.length) return null;
      const M = s.samples[0].meanE.length;
      const head = ['t_s'];
      for (let g = 0; g < M; g++) head.push(`wE_group${g + 1}`, `wI_group${g + 1}`);
      return toCsv(
        head,
        s.samples.map((x) => [x.t, ...x.meanE.flatMap((e, g) => [e, x.meanI[g]])]),
      );
    },
  },
  'cot-weights': {
    label: 'Read-out weights per group now: co-tuned E and I (Fig 1c–d)',
    watch: (s) => s.samples,
    build: (s) => {
      const last = s.samples[s.samples.length - 1];
      if (!last) return empty('E and I weights per group', waitingReadout(s));
      const g = last.meanE.map((_, i) => `group ${i + 1}`);
      return {
        data: [
          { type: 'bar', x: g, y: last.meanE, name: 'E', marker: { color: C.E } },
          { type: 'bar', x: g, y: last.meanI, name: 'I', marker: { color: C.I } },
        ],
        layout: {
          ...baseLayout(
            `E and I weights per group at ${fmt(last.t)} s (B ${fmt(last.B)})${shownNetwork(s)}`,
          ),
          barmode: 'group',
          xaxis: axis(''),
          yaxis: axis('group-mean weight'),
        },
      };
    },
  },
  'cot-rate': {
    label: 'Read-out rate over time',
    watch: (s) => [s.samples, s.applied],
    build: (s) => {
      if (!s.samples.length) return empty('Read-out rate', waitingReadout(s));
      const t = s.samples.map((x) => x.t);
      const raw = s.samples.map((x) => x.readoutRate);
      // one neuron's count per sample interval (0.1 s) comes in steps of 10 Hz; a 1 s running
      // mean shows the trend
      const every = t.length > 1 ? t[1] - t[0] : t[0];
      const n = Math.max(1, Math.round(1 / every));
      const rho0 = s.shape?.rho0;
      const data: Data[] = [
        {
          x: t,
          y: raw,
          name: `per ${fmt(every)} s`,
          mode: 'lines',
          line: { color: '#bbb', width: 1 },
        },
        {
          x: t,
          y: trailingMean(raw, n),
          name: `${fmt(n * every)} s running mean`,
          mode: 'lines',
          line: { color: C.net, width: 2 },
        },
      ];
      const shapes = eventShapes(s);
      if (rho0 !== undefined && Number.isFinite(rho0))
        shapes.push({
          type: 'line',
          xref: 'paper',
          yref: 'y',
          x0: 0,
          x1: 1,
          y0: rho0,
          y1: rho0,
          line: { color: C.I, width: 1, dash: 'dot' },
        });
      return {
        data,
        layout: {
          ...baseLayout(
            rho0 !== undefined
              ? `Read-out rate (dotted: iSTDP target ρ₀ = ${fmt(rho0)} Hz)`
              : 'Read-out rate',
          ),
          xaxis: axis('time (s)'),
          yaxis: axis('rate (Hz)', { rangemode: 'tozero' }),
          shapes,
        },
      };
    },
  },
  'cot-raster': {
    label: 'Raster of the measurement window (Fig 2)',
    watch: (s) => s.final,
    build: (s) => {
      const f = s.final;
      const sh = s.shape;
      if (!f || !sh)
        return empty('Raster', 'The raster of the last seconds appears when the run ends');
      const dtS = sh.dt / 1000;
      const t0 = f.raster.from * dtS;
      const { data, every: k } = rasterTraces([f.raster], sh.nE, (step) => t0 + step * dtS);
      return {
        data,
        layout: {
          ...baseLayout(
            `Raster: E ${fmt(f.rate_E)} Hz, I ${fmt(f.rate_I)} Hz, CV(ISI) ${fmt(f.cv_isi_E)}${k > 1 ? ` (every ${k}th neuron shown)` : ''}${shownNetwork(s)}`,
          ),
          xaxis: axis('time (s)'),
          yaxis: axis('neuron (E, then I; grouped)'),
        },
      };
    },
    csv: (s) => {
      const f = s.final;
      if (!f || !s.shape) return null;
      const dt = s.shape.dt / 1000;
      return toCsv(
        ['t_s', 'neuron'],
        Array.from(f.raster.ids, (id, q) => [(f.raster.from + f.raster.steps[q]) * dt, id]),
      );
    },
  },
  'cot-currents': {
    label: 'E, I and net currents onto the read-out (Fig 1e)',
    watch: (s) => s.final,
    build: (s) => {
      const f = s.final;
      if (!f || !f.currents.t.length)
        return empty(
          'Currents onto the read-out',
          'The currents of the last 0.5 s appear when the run ends',
        );
      const t = Array.from(f.currents.t);
      const net = Array.from(f.currents.iE, (e, k) => e + f.currents.iI[k]);
      return {
        data: [
          { x: t, y: Array.from(f.currents.iE), name: 'E', mode: 'lines', line: { color: C.E } },
          { x: t, y: Array.from(f.currents.iI), name: 'I', mode: 'lines', line: { color: C.I } },
          { x: t, y: net, name: 'net', mode: 'lines', line: { color: C.net } },
        ],
        layout: {
          ...baseLayout('Currents onto the read-out'),
          xaxis: axis('time (s)'),
          yaxis: axis('current (pA)'),
        },
      };
    },
    csv: (s) =>
      s.final && s.final.currents.t.length
        ? toCsv(
            ['t_s', 'I_E_pA', 'I_I_pA', 'V_mV'],
            Array.from(s.final.currents.t, (t, k) => [
              t,
              s.final!.currents.iE[k],
              s.final!.currents.iI[k],
              s.final!.currents.v[k],
            ]),
          )
        : null,
  },
  'cot-tuning': {
    label: 'Tuning test: read-out rate per driven group (Fig 1f)',
    watch: (s) => s.final,
    build: (s) => {
      const f = s.final;
      if (!f || !f.tuning.length)
        return empty('Tuning test', 'Set tuning_reps > 0; the test runs after learning');
      const M = f.tuning[0].length;
      const mean = Array.from(
        { length: M },
        (_, g) => f.tuning.reduce((a, r) => a + r[g], 0) / f.tuning.length,
      );
      const sd = mean.map((m, g) =>
        Math.sqrt(
          f.tuning.reduce((a, r) => a + (r[g] - m) ** 2, 0) / Math.max(1, f.tuning.length - 1),
        ),
      );
      const wE = groupMeans(f.wE, f.groupE, M);
      return {
        data: [
          {
            type: 'bar',
            x: mean.map((_, g) => `group ${g + 1}`),
            y: mean,
            error_y: { type: 'data', array: sd, visible: true },
            name: 'read-out rate',
            marker: { color: GROUP.slice(0, M) },
          },
          {
            x: mean.map((_, g) => `group ${g + 1}`),
            y: wE,
            name: 'group-mean E weight',
            yaxis: 'y2',
            mode: 'markers',
            marker: { color: C.E, symbol: 'diamond', size: 8 },
          },
        ],
        layout: {
          // r < 0 after learning here and in Brian2 (README, "Model choices"): the paper's Fig 1f
          // shows r > 0
          ...baseLayout(
            `Tuning test (${f.tuning.length} repetitions; r(rate, E weight) = ${tuningR(mean, wE)})${shownNetwork(s)}`,
          ),
          xaxis: axis(''),
          yaxis: axis('read-out rate (Hz)', { rangemode: 'tozero' }),
          // round ticks of its own (Plotly otherwise lines them up with the rate axis's grid:
          // 1.348, 1.444, …); not from 0, so the spread of the weights shows
          yaxis2: {
            ...axis('E weight', { tickmode: 'auto', nticks: 6 }),
            overlaying: 'y',
            side: 'right',
            showgrid: false,
          },
        },
      };
    },
    csv: (s) =>
      s.final && s.final.tuning.length
        ? toCsv(
            ['repetition', ...s.final.tuning[0].map((_, g) => `group${g + 1}_Hz`)],
            s.final.tuning.map((r, i) => [i + 1, ...r]),
          )
        : null,
  },
  'cot-corr': {
    label: 'In-group and between-group correlations (Figs 2–3)',
    watch: (s) => s.final,
    build: (s) => {
      const f = s.final;
      if (!f)
        return empty(
          'Correlations',
          'The correlations of the measurement window appear when the run ends',
        );
      const c = f.correlations;
      const keys = ['C_in_EI', 'C_out_EE', 'C_out_EI', 'C_out_II'] as const;
      return {
        data: [
          {
            type: 'bar',
            x: ['in-group E–I', 'between E–E', 'between E–I', 'between I–I'],
            y: keys.map((k) => c[k]),
            marker: { color: ['#6c3483', C.E, '#888', C.I] },
            name: 'correlation',
          },
        ],
        layout: {
          ...baseLayout(`Correlations (ABC distance ${fmt(f.abc_distance)})${shownNetwork(s)}`),
          xaxis: axis(''),
          yaxis: axis('mean Pearson r (1 ms bins)'),
          showlegend: false,
        },
      };
    },
    json: (s) =>
      s.final ? { correlations: s.final.correlations, abc_distance: s.final.abc_distance } : null,
  },
  'cot-convergence': {
    label: 'Convergence check: C̄w against λw per input (Appendix B, Fig 7B)',
    watch: (s) => s.final,
    build: (s) => {
      const c = s.final?.convergence;
      if (!c)
        return empty(
          'Convergence check (Appendix B)',
          s.final
            ? 'No read-out in this run'
            : 'The check of the learnt weights appears at the end',
        );
      const f = s.final!;
      const nE = f.wE.length;
      const w = [...Array.from(f.wE), ...Array.from(f.wI)];
      const y = Array.from(c.cwOverLambda);
      const hi = Math.max(...w, ...y.filter(Number.isFinite));
      const part = (name: string, from: number, to: number, color: string): Data => ({
        x: w.slice(from, to),
        y: y.slice(from, to),
        name,
        mode: 'markers',
        type: 'scatter',
        marker: { color, size: 4, opacity: 0.6 },
      });
      return {
        data: [
          part('E inputs', 0, nE, C.E),
          part('I inputs', nE, w.length, C.I),
          {
            x: [0, hi],
            y: [0, hi],
            name: 'eigenvector (C̄w = λw)',
            mode: 'lines',
            line: { color: '#999', dash: 'dash', width: 1 },
          },
        ],
        layout: {
          // the shuffled and centred cosines say how much of the agreement is the common mode
          ...baseLayout(
            `Appendix B: cos(C̄w, w) ${fmt(c.cosine)} (shuffled ${fmt(c.shuffledCosine)}; centred ${fmt(c.centredCosine)} vs ${fmt(c.centredShuffledCosine)})`,
          ),
          xaxis: axis('learnt weight w'),
          yaxis: axis('(C̄w)/λ'),
        },
      };
    },
    csv: (s) => {
      const f = s.final;
      const c = f?.convergence;
      if (!f || !c) return null;
      const nE = f.wE.length;
      return toCsv(
        ['input', 'type', 'w', 'Cw_over_lambda', 'leading_eigenvector'],
        Array.from(c.cwOverLambda, (v, i) => [
          i,
          i < nE ? 'E' : 'I',
          i < nE ? f.wE[i] : f.wI[i - nE],
          v,
          c.eigenvector[i],
        ]),
      );
    },
  },
  'cot-sweep': {
    label: 'Sweep: D, B and correlations against noise or coupling (Fig 2)',
    watch: (s) => s.sweep,
    build: (s) => {
      if (!s.sweep.length)
        return empty('Sweep', 'Set sweep (noise, W, an assembly ratio R_EE … R_II, or p) and run');
      const x = s.sweep.map((p) => p.value);
      const line = (
        name: string,
        y: (number | null)[],
        color: string,
        dash?: 'dot' | 'dash',
      ): Data => ({
        x,
        y,
        name,
        mode: 'lines+markers',
        line: { color, dash },
        marker: { size: 6 },
      });
      return {
        data: [
          line(
            'D (eq 1)',
            s.sweep.map((p) => p.D),
            C.D,
          ),
          line(
            "D (authors' code)",
            s.sweep.map((p) => p.D_code),
            C.Dc,
            'dot',
          ),
          line(
            'B (eq 2)',
            s.sweep.map((p) => p.B),
            C.B,
          ),
          line(
            'C_in(EI)',
            s.sweep.map((p) => p.C_in_EI),
            '#6c3483',
            'dash',
          ),
          line(
            'C_out(EE)',
            s.sweep.map((p) => p.C_out_EE),
            C.E,
            'dash',
          ),
        ],
        layout: {
          ...baseLayout(
            `Sweep of ${s.sweepParam ?? ''} (${s.sweep.length} networks; dashed: the run the other tabs show)`,
          ),
          xaxis: axis(sweepLabel(s.sweepParam ?? '')),
          yaxis: axis('D, B, correlation'),
          // study.ts runs the full protocol again at the last value
          shapes: [
            {
              type: 'line',
              xref: 'x',
              yref: 'paper',
              x0: x[x.length - 1],
              x1: x[x.length - 1],
              y0: 0,
              y1: 1,
              line: { color: '#999', width: 1, dash: 'dash' },
            },
          ],
        },
      };
    },
    csv: (s) => (s.sweep.length ? sweepCsv(s.sweepParam ?? 'value', s.sweep) : null),
  },
  'cot-abc': {
    label: 'ABC: posterior over the assembly ratios, step by step (Fig 3c)',
    watch: (s) => s.abc,
    build: (s) => {
      if (!s.abc.length)
        return empty('ABC posterior', 'Pick the ABC preset (or abc_steps > 0) and run');
      const steps = s.abc.map((a) => a.step + 1);
      const names = ['R_EE', 'R_EI', 'R_IE', 'R_II'];
      const colors = [C.E, '#e67e22', '#16a085', C.I];
      const data: Data[] = names.map((n, d) => ({
        x: steps,
        y: s.abc.map((a) => a.mean[d]),
        error_y: { type: 'data', array: s.abc.map((a) => weightedSd(a, d)), visible: true },
        name: n,
        mode: 'lines+markers',
        line: { color: colors[d] },
      }));
      const last = s.abc[s.abc.length - 1];
      return {
        data,
        layout: {
          ...baseLayout(
            `ABC: step ${last.step + 1}, ε ${fmt(last.epsilon)}, acceptance ${fmt(last.acceptRate, 2)}`,
          ),
          xaxis: axis('ABC step', { dtick: 1 }),
          yaxis: axis('posterior mean ± sd', { range: [0.5, 11.5] }),
        },
      };
    },
    csv: (s) =>
      s.abc.length
        ? toCsv(
            ['step', 'epsilon', 'particle', 'R_EE', 'R_EI', 'R_IE', 'R_II', 'weight'],
            s.abc.flatMap((a) =>
              a.particles.map((p, i) => [a.step, a.epsilon, i, ...p, a.weights[i]]),
            ),
          )
        : null,
  },
  'cot-abc-particles': {
    label: 'ABC: the last population of accepted particles',
    watch: (s) => s.abc,
    build: (s) => {
      const last = s.abc[s.abc.length - 1];
      if (!last) return empty('ABC particles', 'The accepted particles appear after each ABC step');
      const names = ['R_EE', 'R_EI', 'R_IE', 'R_II'];
      const colors = [C.E, '#e67e22', '#16a085', C.I];
      return {
        data: names.map((n, d) => ({
          type: 'box',
          y: last.particles.map((p) => p[d]),
          name: n,
          boxpoints: 'all',
          jitter: 0.4,
          pointpos: 0,
          marker: { color: colors[d], size: 4 },
        })),
        layout: {
          ...baseLayout(`Accepted particles, step ${last.step + 1} (${last.particles.length})`),
          yaxis: axis('ratio (prior U(1, 11))', { range: [0.5, 11.5] }),
          showlegend: false,
        },
      };
    },
  },
} satisfies Record<string, StoreFigure<CotState>>;

/** Weighted standard deviation of dimension d of an ABC population. */
function weightedSd(a: CotState['abc'][number], d: number): number {
  const W = a.weights.reduce((x, y) => x + y, 0);
  if (!(W > 0)) return 0;
  let v = 0;
  a.particles.forEach((p, i) => (v += (a.weights[i] / W) * (p[d] - a.mean[d]) ** 2));
  return Math.sqrt(v);
}

export type CotFigureId = keyof typeof COT_FIGURES;
