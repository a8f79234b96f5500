/**
 * The assemblies lab's figures as pure functions of the assemblies store (state/asmStore.ts) →
 * Plotly data and layout, each with its data as CSV and JSON for the export buttons. Figure
 * numbers are those of Mackwood, Naumann & Sprekeler 2021 (eLife 10:e59715).
 */
import type { AsmCorrelation, AsmPerturbSummary, AsmState } from '../../state/asmStore';
import type { Figure } from '../plots/figures';
import { plain, type StoreFigure } from '../plots/StorePlot';
import { axis, baseLayout, centerNote, COLORS, type Data, type Layout } from '../plots/plotly';

export type AsmFigure = StoreFigure<AsmState>;

export const C = {
  before: '#8e959c',
  after: '#2563eb',
  E: COLORS.E,
  I: COLORS.I,
  output: '#e67e22',
  input: '#16a085',
  reciprocal: '#6c3483',
};

// ── helpers ──────────────────────────────────────────────────────────────────────────────

export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toString();
}

export function fmtP(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p < 1e-4) return p.toExponential(1);
  return p.toFixed(4);
}

function corrText(c: AsmCorrelation): string {
  return `r = ${fmt(c.r)}, p = ${fmtP(c.p)}, n = ${c.n}`;
}

/** CSV text from a header and rows (numbers as JavaScript prints them, non-finite empty). */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown) =>
    typeof v === 'number'
      ? Number.isFinite(v)
        ? String(v)
        : ''
      : v === null || v === undefined
        ? ''
        : /[",\n]/.test(String(v))
          ? `"${String(v).replace(/"/g, '""')}"`
          : String(v);
  return [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

/** Typed arrays as plain arrays (JSON export). */
export { plain };

/**
 * A layout whose title has a subtitle: the figure's name, then its statistics in smaller type.
 * The legend moves into the plot area's top right corner, clear of the subtitle.
 */
function titled(main: string, sub: string, extra: Partial<Layout> = {}): Partial<Layout> {
  const base = baseLayout(main, extra);
  return {
    ...base,
    title: {
      ...base.title,
      subtitle: { text: sub, font: { size: 10.5, color: '#555' } },
    },
    margin: { l: 56, r: 14, t: 50, b: 42, ...(extra.margin ?? {}) },
    legend: {
      orientation: 'h',
      x: 1,
      xanchor: 'right',
      y: 1,
      yanchor: 'top',
      font: { size: 10 },
      bgcolor: 'rgba(255,255,255,0.75)',
    },
  };
}

function empty(title: string, note: string, extra: Partial<Layout> = {}): Figure {
  return {
    data: [],
    layout: {
      ...baseLayout(title, extra),
      xaxis: { visible: false },
      yaxis: { visible: false },
      annotations: [centerNote(note)],
    },
  };
}

/** At most `max` evenly spread indices of n (scatter plots need no more). */
function strideIdx(n: number, max = 4000): number[] {
  const k = Math.max(1, Math.ceil(n / max));
  const out: number[] = [];
  for (let i = 0; i < n; i += k) out.push(i);
  return out;
}

function finite(a: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) out.push(a[i]);
  return out;
}

export function median(a: ArrayLike<number>): number {
  const s = finite(a).sort((x, y) => x - y);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The axes of the stimulus grid (the order of the three coordinates). */
export const AXES = ['orientation', 'spatial frequency', 'temporal frequency'] as const;

/**
 * Pyr cells on their preferred-stimulus grid (eAxis³) as one heatmap: a block per orientation,
 * within it spatial frequency (rows) × temporal frequency (columns), one empty column between
 * blocks. `cellAt` maps a heatmap point back to the cell.
 */
export function cellGrid(values: ArrayLike<number>, A: number): (number | null)[][] {
  const W = A * A + A - 1;
  const z: (number | null)[][] = Array.from({ length: A }, () =>
    new Array<number | null>(W).fill(null),
  );
  for (let a = 0; a < A; a++)
    for (let b = 0; b < A; b++)
      for (let c = 0; c < A; c++) {
        const v = values[(a * A + b) * A + c];
        z[b][a * (A + 1) + c] = Number.isFinite(v) ? v : null;
      }
  return z;
}

export function cellAt(x: number, y: number, A: number): number | null {
  const xi = Math.round(x);
  const b = Math.round(y);
  const a = Math.floor(xi / (A + 1));
  const c = xi - a * (A + 1);
  if (a < 0 || a >= A || c < 0 || c >= A || b < 0 || b >= A) return null;
  return (a * A + b) * A + c;
}

export function gridPos(cell: number, A: number): { x: number; y: number } {
  const c = cell % A;
  const b = Math.floor(cell / A) % A;
  const a = Math.floor(cell / (A * A));
  return { x: a * (A + 1) + c, y: b };
}

function cellGridAxes(A: number): Partial<Layout> {
  const tickvals = Array.from({ length: A }, (_, a) => a * (A + 1) + (A - 1) / 2);
  return {
    xaxis: axis(`${AXES[0]} block · ${AXES[2]} within`, {
      tickvals,
      ticktext: tickvals.map((_, a) => `θ${a + 1}`),
      showgrid: false,
      zeroline: false,
    }),
    yaxis: axis(AXES[1], { showgrid: false, zeroline: false, dtick: 1 }),
  };
}

function gridCellText(A: number): string[][] {
  const t: string[][] = Array.from({ length: A }, () => new Array<string>(A * A + A - 1).fill(''));
  for (let n = 0; n < A ** 3; n++) {
    const p = gridPos(n, A);
    t[p.y][p.x] = `Pyr ${n}`;
  }
  return t;
}

function histogramTrace(x: ArrayLike<number>, name: string, color: string, extra = {}): Data {
  return {
    type: 'histogram',
    x: finite(x),
    name,
    opacity: 0.6,
    marker: { color },
    nbinsx: 24,
    ...extra,
  } as Data;
}

function scatterWithFit(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  c: AsmCorrelation,
  name: string,
  color: string,
): Data[] {
  const idx = strideIdx(x.length);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < lo) lo = x[i];
    if (x[i] > hi) hi = x[i];
  }
  const out: Data[] = [
    {
      type: 'scatter',
      mode: 'markers',
      x: idx.map((i) => x[i]),
      y: idx.map((i) => y[i]),
      name,
      marker: { color, size: 4, opacity: 0.55 },
    },
  ];
  if (Number.isFinite(c.slope) && hi > lo)
    out.push({
      type: 'scatter',
      mode: 'lines',
      x: [lo, hi],
      y: [c.intercept + c.slope * lo, c.intercept + c.slope * hi],
      name: 'regression',
      line: { color: '#222', width: 2 },
    });
  return out;
}

// ── training (live) ──────────────────────────────────────────────────────────────────────

function lossFigure(s: AsmState): Figure {
  const h = s.history;
  if (h.length === 0) return empty('Loss per pass', 'Run to see the loss fall');
  return {
    data: [
      {
        type: 'scatter',
        mode: h.length > 60 ? 'lines' : 'lines+markers',
        x: h.map((p) => p.pass + 1),
        y: h.map((p) => p.loss),
        name: 'loss',
        line: { color: C.after, width: 2 },
        marker: { size: 4 },
      },
    ],
    layout: {
      ...baseLayout(`Loss per pass · ${fmt(h[h.length - 1].loss)} after pass ${h.length}`),
      showlegend: false,
      xaxis: axis('pass'),
      yaxis: axis('mean (h_E − ρ0)²', { type: 'log' }),
    },
  };
}

function convergenceFigure(s: AsmState): Figure {
  const h = s.history;
  if (h.length === 0) return empty('Steady states', 'Converged fraction and Euler steps per pass');
  const x = h.map((p) => p.pass + 1);
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        x,
        y: h.map((p) => p.stepsMean),
        name: 'mean steps',
        line: { color: '#444' },
      },
      {
        type: 'scatter',
        mode: 'lines',
        x,
        y: h.map((p) => p.stepsMax),
        name: 'max steps',
        line: { color: '#999', dash: 'dot' },
      },
      {
        type: 'scatter',
        mode: 'lines',
        x,
        y: h.map((p) => 100 * p.convergedFraction),
        name: 'converged %',
        yaxis: 'y2',
        line: { color: C.input },
      },
    ],
    layout: {
      ...baseLayout(`Steady states · ${fmt(100 * h[h.length - 1].convergedFraction)}% converged`),
      margin: { l: 56, r: 50, t: 34, b: 42 },
      xaxis: axis('pass'),
      yaxis: axis('Euler steps', { rangemode: 'tozero' }),
      yaxis2: axis('converged %', {
        overlaying: 'y',
        side: 'right',
        range: [0, 105],
        showgrid: false,
      }),
    },
  };
}

function liveSelectivityFigure(s: AsmState): Figure {
  const snaps = s.selectivity;
  if (snaps.length === 0)
    return empty('PV selectivity', 'Measured at the start and every few passes');
  const first = snaps[0];
  const last = snaps[snaps.length - 1];
  const data: Data[] = [
    histogramTrace(first.I, `pass ${first.pass} (median ${fmt(median(first.I))})`, C.before),
  ];
  if (last !== first)
    data.push(histogramTrace(last.I, `pass ${last.pass} (median ${fmt(median(last.I))})`, C.after));
  if (snaps.length > 2)
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      x: snaps.map((x) => x.pass),
      y: snaps.map((x) => median(x.I)),
      name: 'median over passes',
      xaxis: 'x2',
      yaxis: 'y2',
      line: { color: '#222', width: 1.5 },
      marker: { size: 4 },
    } as Data);
  return {
    data,
    layout: {
      ...baseLayout('PV selectivity (skewness of responses, eq 6)'),
      barmode: 'overlay',
      xaxis: axis('skewness', { domain: [0, snaps.length > 2 ? 0.62 : 1] }),
      yaxis: axis('PV cells'),
      ...(snaps.length > 2
        ? {
            xaxis2: axis('pass', { domain: [0.72, 1], anchor: 'y2' }),
            yaxis2: axis('median skew', { anchor: 'x2' }),
          }
        : {}),
    },
  };
}

function weightsHeatmap(s: AsmState, which: 'EI' | 'IE'): Figure {
  const w = s.weights;
  const sh = s.shape;
  const title =
    which === 'EI' ? 'W_EI: PV → Pyr (output) weights' : 'W_IE: Pyr → PV (input) weights';
  if (!w || !sh) return empty(title, 'Sorted by preferred stimulus once the run starts');
  const { nE, nI } = sh;
  const rows = which === 'EI' ? nE : nI;
  const cols = which === 'EI' ? nI : nE;
  const src = which === 'EI' ? w.wEI : w.wIE;
  const z: number[][] = [];
  const vals: number[] = [];
  for (let y = 0; y < rows; y++) {
    const row = new Array<number>(cols);
    for (let x = 0; x < cols; x++) {
      row[x] = src[y * cols + x];
      if (row[x] > 0) vals.push(row[x]);
    }
    z.push(row);
  }
  vals.sort((a, b) => a - b);
  const zmax = vals.length ? vals[Math.min(vals.length - 1, Math.floor(0.98 * vals.length))] : 1;
  const pyrLabels = Array.from(w.pyrOrder, (n) => `Pyr ${n}`);
  const pvLabels = Array.from(w.pvOrder, (n) => `PV ${n}`);
  return {
    data: [
      {
        type: 'heatmap',
        z,
        zmin: 0,
        zmax,
        colorscale: 'Viridis',
        colorbar: { thickness: 10, len: 0.9 },
        customdata: (which === 'EI'
          ? pyrLabels.map((p) => pvLabels.map((q) => `${q} → ${p}`))
          : pvLabels.map((q) => pyrLabels.map((p) => `${p} → ${q}`))) as unknown as number[][],
        hovertemplate: '%{customdata}: %{z:.3g}<extra></extra>',
      } as Data,
    ],
    layout: {
      ...baseLayout(`${title} · pass ${w.pass}`),
      showlegend: false,
      xaxis: axis(
        which === 'EI' ? 'PV cell (by preferred stimulus)' : 'Pyr cell (by preferred stimulus)',
        {
          showgrid: false,
          zeroline: false,
        },
      ),
      yaxis: axis(which === 'EI' ? 'Pyr cell (by preferred stimulus)' : 'PV cell', {
        showgrid: false,
        zeroline: false,
        autorange: 'reversed',
      }),
    },
  };
}

function anglesFigure(s: AsmState): Figure {
  const h = s.history.filter((p) => Number.isFinite(p.angleEI) || Number.isFinite(p.angleIE));
  if (h.length === 0)
    return empty(
      'Angle between gradient and local update (eq 7)',
      'Turn on “Gradient angles” (advanced) to compute it',
    );
  const deg = (r: number) => (Number.isFinite(r) ? (180 * r) / Math.PI : null);
  const x = h.map((p) => p.pass + 1);
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines+markers',
        x,
        y: h.map((p) => deg(p.angleEI)),
        name: 'W_EI (output)',
        line: { color: C.output },
        marker: { size: 4 },
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        x,
        y: h.map((p) => deg(p.angleIE)),
        name: 'W_IE (input)',
        line: { color: C.input },
        marker: { size: 4 },
      },
    ],
    layout: {
      ...baseLayout('Angle between gradient and local update (eq 7, Fig 1g)'),
      xaxis: axis('pass'),
      yaxis: axis('angle (°)', { range: [0, 180] }),
      shapes: [
        {
          type: 'line',
          xref: 'paper',
          x0: 0,
          x1: 1,
          y0: 90,
          y1: 90,
          line: { color: '#aaa', dash: 'dot', width: 1 },
        },
      ],
    },
  };
}

// ── analyses ─────────────────────────────────────────────────────────────────────────────

const RUN_FIRST = 'Run to the end to see this analysis';

function rsFigure(s: AsmState, which: 'output' | 'input'): Figure {
  const a = s.analysis;
  const title =
    which === 'output'
      ? 'Response similarity vs output (PV→Pyr) weight'
      : 'Response similarity vs input (Pyr→PV) weight';
  if (!a) return empty(title, RUN_FIRST);
  const d = a[which];
  return {
    data: scatterWithFit(d.w, d.rs, d.c, 'synapses', which === 'output' ? C.output : C.input),
    layout: {
      ...titled(`${title} (Fig 1e)`, corrText(d.c)),
      showlegend: false,
      xaxis: axis('synaptic weight'),
      yaxis: axis('response similarity (eq 5)'),
    },
  };
}

function rsCsv(s: AsmState, which: 'output' | 'input'): string | null {
  const d = s.analysis?.[which];
  if (!d) return null;
  return toCsv(
    ['weight', 'rs'],
    Array.from(d.w, (w, k) => [w, d.rs[k]]),
  );
}

function inOutFigure(s: AsmState): Figure {
  const a = s.analysis;
  const title = 'Input vs output weight of reciprocal pairs';
  if (!a) return empty(title, RUN_FIRST);
  const d = a.reciprocal;
  return {
    data: scatterWithFit(d.win, d.wout, d.c, 'pairs', C.reciprocal),
    layout: {
      ...titled(title, corrText(d.c)),
      showlegend: false,
      xaxis: axis('input weight (Pyr→PV)'),
      yaxis: axis('output weight (PV→Pyr)'),
    },
  };
}

function selectivityFigure(s: AsmState): Figure {
  const a = s.analysis;
  const title = 'Selectivity before and after learning';
  if (!a) return empty(title, RUN_FIRST);
  const d = a.selectivity;
  const hist = (x: Float32Array, name: string, color: string, xa: string, ya: string) =>
    ({ ...histogramTrace(x, name, color), xaxis: xa, yaxis: ya }) as Data;
  return {
    data: [
      hist(d.beforeI, `before (median ${fmt(median(d.beforeI))})`, C.before, 'x', 'y'),
      hist(d.afterI, `after (median ${fmt(median(d.afterI))})`, C.I, 'x', 'y'),
      { ...hist(d.beforeE, 'Pyr before', C.before, 'x2', 'y2'), showlegend: false } as Data,
      hist(d.afterE, 'Pyr after', C.E, 'x2', 'y2'),
    ],
    layout: {
      ...titled(
        'Selectivity before and after learning (Figs 1c, 2b)',
        `PV before vs after: Mann–Whitney U = ${fmt(d.U, 4)}, p = ${fmtP(d.p)}`,
      ),
      barmode: 'overlay',
      xaxis: axis('PV skewness', { domain: [0, 0.46] }),
      yaxis: axis('cells'),
      xaxis2: axis('Pyr skewness', { domain: [0.56, 1], anchor: 'y2' }),
      yaxis2: axis('', { anchor: 'x2' }),
    },
  };
}

const SAMPLING_TYPES = [
  { key: 'outputRs', label: 'output weight – RS', color: C.output },
  { key: 'inputRs', label: 'input weight – RS', color: C.input },
  { key: 'inputOutput', label: 'input – output weight', color: C.reciprocal },
] as const;

function samplingFigure(s: AsmState): Figure {
  const a = s.analysis;
  const title = 'Sampling experiment';
  if (!a) return empty(title, RUN_FIRST);
  const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : '—');
  return {
    data: SAMPLING_TYPES.map((t) =>
      histogramTrace(
        a.sampling[t.key],
        `${t.label}: ${pct(a.samplingBefore[t.key])} → ${pct(a.sampling.frac[t.key])} significant`,
        t.color,
        { histnorm: 'probability', nbinsx: 40 },
      ),
    ),
    layout: {
      ...titled(
        'Sampling experiment (Figs 2e–f)',
        `${a.samplingN} synapses per sample; significant: p < 0.01 and r > 0 (before → after learning)`,
      ),
      barmode: 'overlay',
      legend: {
        orientation: 'v',
        x: 0.01,
        y: 0.98,
        xanchor: 'left',
        yanchor: 'top',
        font: { size: 10 },
      },
      xaxis: axis('Pearson r of a sample', { range: [-1, 1] }),
      yaxis: axis('fraction of samples'),
    },
  };
}

function tuningFigure(s: AsmState): Figure {
  const t = s.tuning;
  const title = 'E and I input currents onto one Pyr cell';
  if (!t) return empty(title, RUN_FIRST);
  const m = t.sAxis;
  const grid = (a: Float64Array) =>
    Array.from({ length: m }, (_, j) => Array.from({ length: m }, (_, k) => a[j * m + k]));
  let zmax = 0;
  for (const a of [t.before.exc, t.before.inh, t.after.exc, t.after.inh])
    for (const v of a) if (v > zmax) zmax = v;
  const panels = [
    { a: t.before.exc, name: 'E before', k: '' },
    { a: t.before.inh, name: 'I before', k: '2' },
    { a: t.after.exc, name: 'E after', k: '3' },
    { a: t.after.inh, name: 'I after', k: '4' },
  ];
  const layout: Partial<Layout> = {
    ...titled(
      `E and I input currents onto Pyr ${t.cell} (Fig 1f)`,
      'spatial × temporal frequency, mean over orientation; one colour scale',
    ),
    showlegend: false,
    annotations: [],
  };
  const L = layout as Record<string, unknown>;
  panels.forEach((p, i) => {
    const x0 = i * 0.25;
    L[`xaxis${p.k}`] = axis(i === 0 ? AXES[2] : '', {
      domain: [x0 + 0.01, x0 + 0.22],
      anchor: `y${p.k}`,
      showgrid: false,
      zeroline: false,
    });
    L[`yaxis${p.k}`] = axis(i === 0 ? AXES[1] : '', {
      anchor: `x${p.k}`,
      showgrid: false,
      zeroline: false,
      scaleanchor: `x${p.k}`,
    });
    (layout.annotations as unknown[]).push({
      text: p.name,
      xref: 'paper',
      yref: 'paper',
      x: x0 + 0.115,
      y: 1.0,
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
      font: { size: 11, color: p.name.startsWith('E') ? C.E : C.I },
    });
  });
  return {
    data: panels.map(
      (p, i) =>
        ({
          type: 'heatmap',
          z: grid(p.a),
          zmin: 0,
          zmax: zmax || 1,
          colorscale: 'Viridis',
          showscale: i === 3,
          colorbar: { thickness: 10, len: 0.9 },
          xaxis: `x${p.k}`,
          yaxis: `y${p.k}`,
          name: p.name,
          hovertemplate: `${p.name}: %{z:.3g}<extra></extra>`,
        }) as Data,
    ),
    layout,
  };
}

function tuningCsv(s: AsmState): string | null {
  const t = s.tuning;
  if (!t) return null;
  const m = t.sAxis;
  const rows: unknown[][] = [];
  for (let j = 0; j < m; j++)
    for (let k = 0; k < m; k++)
      rows.push([
        t.cell,
        j,
        k,
        t.before.exc[j * m + k],
        t.before.inh[j * m + k],
        t.after.exc[j * m + k],
        t.after.inh[j * m + k],
      ]);
  return toCsv(
    ['pyr', 'spatial', 'temporal', 'exc_before', 'inh_before', 'exc_after', 'inh_after'],
    rows,
  );
}

function pairsFigure(s: AsmState): Figure {
  const a = s.analysis;
  const title = 'Reciprocally connected Pyr–PV pairs';
  if (!a) return empty(title, RUN_FIRST);
  if (a.pairs.length === 0) return empty(title, 'No reciprocal pair above the detection threshold');
  const names = ['high RS', 'mid RS', 'low RS'];
  const data: Data[] = [];
  const layout: Partial<Layout> = {
    ...titled(`${title} (Fig 1d)`, 'rates over all stimuli, sorted by the Pyr cell’s rate'),
    annotations: [],
  };
  const L = layout as Record<string, unknown>;
  const n = a.pairs.length;
  a.pairs.forEach((p, i) => {
    const k = i === 0 ? '' : String(i + 1);
    const order = Array.from(p.rE.keys()).sort((x, y) => p.rE[y] - p.rE[x]);
    const norm = (r: Float32Array) => {
      let mx = 0;
      for (const v of r) if (v > mx) mx = v;
      return order.map((s2) => (mx > 0 ? r[s2] / mx : 0));
    };
    const x = order.map((_, j) => j + 1);
    data.push(
      {
        type: 'scatter',
        mode: 'lines',
        x,
        y: norm(p.rE),
        name: 'Pyr',
        showlegend: i === 0,
        line: { color: C.E },
        xaxis: `x${k}`,
        yaxis: `y${k}`,
      } as Data,
      {
        type: 'scatter',
        mode: 'lines',
        x,
        y: norm(p.rI),
        name: 'PV',
        showlegend: i === 0,
        line: { color: C.I, width: 1 },
        opacity: 0.8,
        xaxis: `x${k}`,
        yaxis: `y${k}`,
      } as Data,
    );
    const x0 = i / n;
    L[`xaxis${k}`] = axis(i === 0 ? 'stimulus rank' : '', {
      domain: [x0 + 0.02, x0 + 1 / n - 0.02],
      anchor: `y${k}`,
    });
    L[`yaxis${k}`] = axis(i === 0 ? 'rate / max' : '', { anchor: `x${k}`, range: [0, 1.05] });
    (layout.annotations as unknown[]).push({
      text: `${names[i] ?? ''}: Pyr ${p.e} ↔ PV ${p.i}, RS ${fmt(p.rs)}`,
      xref: 'paper',
      yref: 'paper',
      x: x0 + 0.5 / n,
      y: 1.0,
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
      font: { size: 10 },
    });
  });
  return { data, layout };
}

function binnedTraces(p: AsmPerturbSummary, name: string, color: string): Data {
  return {
    type: 'scatter',
    mode: 'lines+markers',
    x: Array.from(p.centers),
    y: Array.from(p.mean, (v) => (Number.isFinite(v) ? v : null)),
    error_y: {
      type: 'data',
      array: Array.from(p.sem, (v) => (Number.isFinite(v) ? v : 0)),
      visible: true,
      color,
      thickness: 1,
    },
    name: `${name} (slope ${fmt(p.slope)})`,
    line: { color },
    marker: { size: 5 },
  } as Data;
}

function perturbBinnedFigure(s: AsmState): Figure {
  const a = s.analysis;
  const title = 'Influence vs receptive-field correlation';
  if (!a) return empty(title, RUN_FIRST);
  const { before, after } = a.perturbation;
  if (!before && !after) return empty(title, 'Set “Perturbed Pyr cells” above 0 to run Fig 4');
  const data: Data[] = [];
  if (before) data.push(binnedTraces(before, 'before', C.before));
  if (after) data.push(binnedTraces(after, 'after', C.after));
  return {
    data,
    layout: {
      ...titled(
        `${title} (Fig 4d)`,
        `E[R²] of Pyr–Pyr RF correlations: ${fmt(a.expectedR2.before)} before → ${fmt(a.expectedR2.after)} after`,
      ),
      xaxis: axis('RF correlation with the perturbed cell'),
      yaxis: axis('influence Δr/ΔI'),
      shapes: [zeroLine()],
    },
  };
}

function zeroLine(): Partial<Layout['shapes'][number]> {
  return {
    type: 'line',
    xref: 'paper',
    x0: 0,
    x1: 1,
    y0: 0,
    y1: 0,
    line: { color: '#aaa', dash: 'dot', width: 1 },
  };
}

function outWeightFigure(p: AsmPerturbSummary | null, title: string, note: string): Figure {
  if (!p) return empty(title, note);
  const c = p.outWeightVsInfluence;
  return {
    data: [...scatterWithFit(p.outWeight, p.meanInfluence, c, 'perturbed cells', C.E)],
    layout: {
      ...titled(title, corrText(c)),
      showlegend: false,
      xaxis: axis('total Pyr→PV weight of the perturbed cell'),
      yaxis: axis('mean influence on other Pyr cells'),
    },
  };
}

function binnedCsv(list: [string, AsmPerturbSummary | null][]): string | null {
  const rows: unknown[][] = [];
  for (const [stage, p] of list) {
    if (!p) continue;
    for (let k = 0; k < p.centers.length; k++)
      rows.push([stage, p.centers[k], p.mean[k], p.sem[k], p.count[k]]);
  }
  if (rows.length === 0) return null;
  return toCsv(['stage', 'rf_corr_center', 'influence_mean', 'influence_sem', 'count'], rows);
}

function outWeightCsv(p: AsmPerturbSummary | null): string | null {
  if (!p) return null;
  return toCsv(
    ['pyr', 'out_weight', 'mean_influence'],
    Array.from(p.cells, (c, k) => [c, p.outWeight[k], p.meanInfluence[k]]),
  );
}

// ── perturbation of one cell ─────────────────────────────────────────────────────────────

function cellMapFigure(s: AsmState): Figure {
  const sh = s.shape;
  const title = 'Click a Pyr cell to perturb it';
  if (!sh) return empty(title, 'Pyr cells on their preferred-stimulus grid');
  const A = sh.eAxis;
  const p = s.probe;
  const vals = p ? p.influence : new Float32Array(sh.nE).fill(0);
  let lim = 0;
  if (p) for (const v of p.influence) if (Number.isFinite(v)) lim = Math.max(lim, Math.abs(v));
  const data: Data[] = [
    {
      type: 'heatmap',
      z: cellGrid(vals, A),
      text: gridCellText(A) as unknown as string,
      hovertemplate: p ? '%{text}: influence %{z:.3g}<extra></extra>' : '%{text}<extra></extra>',
      colorscale: p
        ? 'RdBu'
        : [
            [0, '#eef1f5'],
            [1, '#eef1f5'],
          ],
      zmin: p ? -lim || -1 : 0,
      zmax: p ? lim || 1 : 1,
      showscale: !!p,
      colorbar: { thickness: 10, len: 0.9, title: { text: 'Δr/ΔI', side: 'right' } },
      xgap: 1,
      ygap: 1,
    } as Data,
  ];
  if (p) {
    const g = gridPos(p.cell, A);
    data.push({
      type: 'scatter',
      mode: 'markers',
      x: [g.x],
      y: [g.y],
      name: `perturbed: Pyr ${p.cell}`,
      marker: { symbol: 'x', size: 12, color: '#111', line: { width: 2 } },
      hoverinfo: 'name',
    } as Data);
  }
  return {
    data,
    layout: {
      ...(p
        ? titled(
            `Influence of Pyr ${p.cell} on every Pyr cell`,
            `+${fmt(p.delta)} Hz to its input, network after ${p.pass} passes · click another cell`,
          )
        : baseLayout(title)),
      showlegend: false,
      ...cellGridAxes(A),
    },
  };
}

function probeRfFigure(s: AsmState): Figure {
  const p = s.probe;
  const title = 'Influence vs RF correlation (one perturbed cell)';
  if (!p) return empty(title, 'Click a Pyr cell on the map');
  const x: number[] = [];
  const y: number[] = [];
  const text: string[] = [];
  for (let j = 0; j < p.influence.length; j++)
    if (Number.isFinite(p.influence[j]) && Number.isFinite(p.rfCorr[j])) {
      x.push(p.rfCorr[j]);
      y.push(p.influence[j]);
      text.push(`Pyr ${j}`);
    }
  return {
    data: [
      {
        type: 'scatter',
        mode: 'markers',
        x,
        y,
        text,
        marker: { color: C.E, size: 6, opacity: 0.7 },
        hovertemplate: '%{text}: RF corr %{x:.2f}, influence %{y:.3g}<extra></extra>',
      } as Data,
    ],
    layout: {
      ...titled(
        `Influence of Pyr ${p.cell} vs RF correlation`,
        `its total Pyr→PV weight ${fmt(p.outWeight)}; ${fmt(100 * p.converged)}% of steady states converged`,
      ),
      showlegend: false,
      xaxis: axis('RF correlation with the perturbed cell', { range: [-1.05, 1.05] }),
      yaxis: axis('influence Δr/ΔI'),
      shapes: [zeroLine()],
    },
  };
}

function probeCsv(s: AsmState): string | null {
  const p = s.probe;
  if (!p) return null;
  return toCsv(
    ['perturbed', 'pyr', 'influence', 'rf_corr'],
    Array.from(p.influence, (v, j) => [p.cell, j, v, p.rfCorr[j]]),
  );
}

function randomBinnedFigure(s: AsmState): Figure {
  const p = s.probeRandom;
  const title = 'Perturbation experiment on the current network';
  if (!p) return empty(title, 'Press “Perturb … at random”');
  return {
    data: [binnedTraces(p, `pass ${p.pass}`, C.after)],
    layout: {
      ...titled(
        title,
        `${p.cells.length} cells, network after ${p.pass} passes · E[R²] ${fmt(p.expectedR2)}`,
      ),
      xaxis: axis('RF correlation with the perturbed cell'),
      yaxis: axis('influence Δr/ΔI'),
      shapes: [zeroLine()],
    },
  };
}

// ── stimulus explorer ────────────────────────────────────────────────────────────────────

export function stimCoord(k: number, m: number): number {
  return -Math.PI + (2 * Math.PI * k) / m;
}

function explorePyrFigure(s: AsmState): Figure {
  const e = s.explore;
  const sh = s.shape;
  const title = 'Pyr rates on their preferred-stimulus grid';
  if (!e || !sh) return empty(title, 'Move a slider to pick a stimulus');
  const A = sh.eAxis;
  let mx = 0;
  for (const v of e.rE) if (v > mx) mx = v;
  // the Pyr cell whose preferred stimulus is closest to the stimulus
  const near = e.idx.map((k) => {
    const x = stimCoord(k, sh.sAxis);
    let best = 0;
    let bd = Infinity;
    for (let a = 0; a < A; a++) {
      const p = stimCoord(a, A);
      const d = Math.abs(Math.atan2(Math.sin(x - p), Math.cos(x - p)));
      if (d < bd) {
        bd = d;
        best = a;
      }
    }
    return best;
  });
  const g = gridPos((near[0] * A + near[1]) * A + near[2], A);
  return {
    data: [
      {
        type: 'heatmap',
        z: cellGrid(e.rE, A),
        text: gridCellText(A) as unknown as string,
        hovertemplate: '%{text}: %{z:.3g} Hz<extra></extra>',
        colorscale: 'Hot',
        reversescale: true,
        zmin: 0,
        zmax: mx || 1,
        colorbar: { thickness: 10, len: 0.9, title: { text: 'Hz', side: 'right' } },
        xgap: 1,
        ygap: 1,
      } as Data,
      {
        type: 'scatter',
        mode: 'markers',
        x: [g.x],
        y: [g.y],
        name: 'preferred stimulus closest to the stimulus',
        marker: { symbol: 'circle-open', size: 14, color: '#2563eb', line: { width: 2 } },
        hoverinfo: 'name',
      } as Data,
    ],
    layout: {
      ...titled(
        `Pyr rates for stimulus ${e.stim} (${e.idx.map((k) => k + 1).join(', ')})`,
        `network after ${e.pass} passes · ${e.steps} Euler steps${e.converged ? '' : ' · NOT converged'} · ○ preferred stimulus nearest to it`,
      ),
      showlegend: false,
      ...cellGridAxes(A),
    },
  };
}

function explorePvFigure(s: AsmState): Figure {
  const e = s.explore;
  const title = 'PV rates';
  if (!e) return empty(title, 'Move a slider to pick a stimulus');
  const order = s.weights?.pvOrder ?? Int32Array.from(e.rI.keys());
  return {
    data: [
      {
        type: 'bar',
        x: Array.from(order, (i) => `PV ${i}`),
        y: Array.from(order, (i) => e.rI[i]),
        marker: { color: C.I },
        hovertemplate: '%{x}: %{y:.3g} Hz<extra></extra>',
      } as Data,
    ],
    layout: {
      ...baseLayout(`${title} (by preferred stimulus) · mean ${fmt(meanOf(e.rI))} Hz`),
      showlegend: false,
      xaxis: axis('PV cell', { type: 'category' }),
      yaxis: axis('rate (Hz)', { rangemode: 'tozero' }),
    },
  };
}

function meanOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : NaN;
}

function exploreCsv(s: AsmState): string | null {
  const e = s.explore;
  if (!e) return null;
  const rows: unknown[][] = [];
  for (let j = 0; j < e.rE.length; j++) rows.push(['pyr', j, e.rE[j]]);
  for (let i = 0; i < e.rI.length; i++) rows.push(['pv', i, e.rI[i]]);
  return toCsv(['population', 'cell', 'rate'], rows);
}

// ── comparison ───────────────────────────────────────────────────────────────────────────

const PALETTE = ['#2563eb', '#e67e22', '#16a085', '#8e959c', '#6c3483', '#c0392b'];

function compareLossFigure(s: AsmState): Figure {
  const c = s.compare;
  const title = 'Loss per pass, by condition';
  if (!c) return empty(title, 'Run a comparison');
  const data: Data[] = c.rows
    .map((r, k) => ({ r, k }))
    .filter(({ r }) => r.loss.length > 0)
    .map(
      ({ r, k }) =>
        ({
          type: 'scatter',
          mode: 'lines',
          x: r.loss.map((_, i) => i + 1),
          y: r.loss,
          name: r.label,
          line: { color: PALETTE[k % PALETTE.length], width: 2 },
        }) as Data,
    );
  if (data.length === 0)
    return empty(
      title,
      c.running ? 'Waiting for the first pass…' : 'No condition trained (nothing plastic?)',
    );
  return {
    data,
    layout: { ...baseLayout(title), xaxis: axis('pass'), yaxis: axis('loss', { type: 'log' }) },
  };
}

function compareSkewFigure(s: AsmState): Figure {
  const c = s.compare;
  const title = 'PV selectivity after learning, by condition';
  if (!c) return empty(title, 'Run a comparison');
  const rows = c.rows.map((r, k) => ({ r, k })).filter(({ r }) => r.skewAfter);
  if (rows.length === 0) return empty(title, 'Waiting for the first condition to finish…');
  const first = rows[0].r;
  const data: Data[] = [
    {
      type: 'box',
      y: Array.from(first.skewBefore ?? []),
      name: 'initial',
      marker: { color: C.before },
      boxpoints: 'all',
      jitter: 0.4,
      pointpos: 0,
    } as Data,
    ...rows.map(
      ({ r, k }) =>
        ({
          type: 'box',
          y: Array.from(r.skewAfter!),
          name: r.label,
          marker: { color: PALETTE[k % PALETTE.length] },
          boxpoints: 'all',
          jitter: 0.4,
          pointpos: 0,
        }) as Data,
    ),
  ];
  return {
    data,
    layout: {
      ...baseLayout(title),
      showlegend: false,
      yaxis: axis('PV skewness (eq 6)'),
      xaxis: axis(''),
    },
  };
}

// ── the registry ─────────────────────────────────────────────────────────────────────────

export const ASM_FIGURES = {
  'asm-loss': {
    label: 'Loss per pass',
    build: lossFigure,
    watch: (s) => s.history,
    csv: (s) =>
      s.history.length
        ? toCsv(
            [
              'pass',
              'loss',
              'converged_fraction',
              'steps_mean',
              'steps_max',
              'angle_EI',
              'angle_IE',
            ],
            s.history.map((p) => [
              p.pass + 1,
              p.loss,
              p.convergedFraction,
              p.stepsMean,
              p.stepsMax,
              p.angleEI,
              p.angleIE,
            ]),
          )
        : null,
  },
  'asm-convergence': {
    label: 'Converged fraction and Euler steps per pass',
    build: convergenceFigure,
    watch: (s) => s.history,
  },
  'asm-selectivity-live': {
    label: 'PV selectivity during training',
    build: liveSelectivityFigure,
    watch: (s) => s.selectivity,
    json: (s) => (s.selectivity.length ? s.selectivity : null),
  },
  'asm-wei': {
    label: 'Output weights W_EI (Pyr × PV), sorted by preferred stimulus',
    build: (s) => weightsHeatmap(s, 'EI'),
    watch: (s) => s.weights,
    json: (s) => s.weights,
  },
  'asm-wie': {
    label: 'Input weights W_IE (PV × Pyr), sorted by preferred stimulus',
    build: (s) => weightsHeatmap(s, 'IE'),
    watch: (s) => s.weights,
    json: (s) => s.weights,
  },
  'asm-angles': {
    label: 'Angle between the gradient and the local update',
    build: anglesFigure,
    watch: (s) => s.history,
  },
  'asm-rs-output': {
    label: 'Response similarity vs output weight',
    build: (s) => rsFigure(s, 'output'),
    watch: (s) => s.analysis,
    csv: (s) => rsCsv(s, 'output'),
    json: (s) => s.analysis && { ...s.analysis.output, beforeCorr: s.analysis.beforeCorr.output },
  },
  'asm-rs-input': {
    label: 'Response similarity vs input weight',
    build: (s) => rsFigure(s, 'input'),
    watch: (s) => s.analysis,
    csv: (s) => rsCsv(s, 'input'),
    json: (s) => s.analysis && { ...s.analysis.input, beforeCorr: s.analysis.beforeCorr.input },
  },
  'asm-in-out': {
    label: 'Input vs output weight of reciprocal pairs',
    build: inOutFigure,
    watch: (s) => s.analysis,
    csv: (s) => {
      const d = s.analysis?.reciprocal;
      return d
        ? toCsv(
            ['w_in', 'w_out'],
            Array.from(d.win, (w, k) => [w, d.wout[k]]),
          )
        : null;
    },
    json: (s) => s.analysis?.reciprocal ?? null,
  },
  'asm-selectivity': {
    label: 'Selectivity before and after learning',
    build: selectivityFigure,
    watch: (s) => s.analysis,
    csv: (s) => {
      const d = s.analysis?.selectivity;
      if (!d) return null;
      const rows: unknown[][] = [];
      d.afterI.forEach((v, j) => rows.push(['pv', j, d.beforeI[j], v]));
      d.afterE.forEach((v, j) => rows.push(['pyr', j, d.beforeE[j], v]));
      return toCsv(['population', 'cell', 'skew_before', 'skew_after'], rows);
    },
    json: (s) => s.analysis?.selectivity ?? null,
  },
  'asm-sampling': {
    label: 'Sampling experiment',
    build: samplingFigure,
    watch: (s) => s.analysis,
    csv: (s) => {
      const d = s.analysis?.sampling;
      if (!d) return null;
      return toCsv(
        ['sample', 'r_output_rs', 'r_input_rs', 'r_input_output'],
        Array.from(d.outputRs, (v, k) => [k, v, d.inputRs[k], d.inputOutput[k]]),
      );
    },
    json: (s) =>
      s.analysis && {
        n: s.analysis.samplingN,
        fracSignificantBefore: s.analysis.samplingBefore,
        fracSignificantAfter: s.analysis.sampling.frac,
        r: s.analysis.sampling,
      },
  },
  'asm-tuning': {
    label: 'E and I current tuning of one Pyr cell',
    build: tuningFigure,
    watch: (s) => s.tuning,
    csv: tuningCsv,
    json: (s) => s.tuning,
  },
  'asm-pairs': {
    label: 'Example reciprocal pairs',
    build: pairsFigure,
    watch: (s) => s.analysis,
    json: (s) => s.analysis?.pairs ?? null,
  },
  'asm-perturb-binned': {
    label: 'Influence vs RF correlation before and after learning',
    build: perturbBinnedFigure,
    watch: (s) => s.analysis,
    csv: (s) =>
      s.analysis
        ? binnedCsv([
            ['before', s.analysis.perturbation.before],
            ['after', s.analysis.perturbation.after],
          ])
        : null,
    json: (s) => s.analysis && { ...s.analysis.perturbation, expectedR2: s.analysis.expectedR2 },
  },
  'asm-perturb-outweight': {
    label: 'Output weight vs mean influence of the perturbed cells',
    build: (s) =>
      outWeightFigure(
        s.analysis?.perturbation.after ?? null,
        'Total E→I weight vs mean influence (Fig 4e)',
        s.analysis ? 'Set “Perturbed Pyr cells” above 0 to run Fig 4' : RUN_FIRST,
      ),
    watch: (s) => s.analysis,
    csv: (s) => outWeightCsv(s.analysis?.perturbation.after ?? null),
    json: (s) => s.analysis?.perturbation.after ?? null,
  },
  'asm-cellmap': {
    label: 'Pyr cells on their preferred-stimulus grid: click to perturb',
    build: cellMapFigure,
    watch: (s) => [s.probe, s.shape],
    csv: probeCsv,
    json: (s) => s.probe,
  },
  'asm-probe-rf': {
    label: 'Influence of the perturbed cell vs RF correlation',
    build: probeRfFigure,
    watch: (s) => s.probe,
    csv: probeCsv,
  },
  'asm-random-binned': {
    label: 'Perturbation experiment on the current network',
    build: randomBinnedFigure,
    watch: (s) => s.probeRandom,
    csv: (s) => binnedCsv([['current', s.probeRandom]]),
    json: (s) => s.probeRandom,
  },
  'asm-random-outweight': {
    label: 'Output weight vs mean influence (current network)',
    build: (s) =>
      outWeightFigure(
        s.probeRandom,
        'Total E→I weight vs mean influence',
        'Press “Perturb … at random”',
      ),
    watch: (s) => s.probeRandom,
    csv: (s) => outWeightCsv(s.probeRandom),
  },
  'asm-explore-pyr': {
    label: 'Pyr rates for the chosen stimulus',
    build: explorePyrFigure,
    watch: (s) => [s.explore, s.shape],
    csv: exploreCsv,
    json: (s) => s.explore,
  },
  'asm-explore-pv': {
    label: 'PV rates for the chosen stimulus',
    build: explorePvFigure,
    watch: (s) => [s.explore, s.weights],
    csv: exploreCsv,
  },
  'asm-compare-loss': {
    label: 'Loss per pass by condition',
    build: compareLossFigure,
    watch: (s) => s.compare,
    csv: (s) => {
      const c = s.compare;
      if (!c) return null;
      const rows: unknown[][] = [];
      for (const r of c.rows) r.loss.forEach((l, k) => rows.push([r.id, k + 1, l]));
      return toCsv(['condition', 'pass', 'loss'], rows);
    },
  },
  'asm-compare-skew': {
    label: 'PV selectivity by condition',
    build: compareSkewFigure,
    watch: (s) => s.compare,
    csv: (s) => {
      const c = s.compare;
      if (!c) return null;
      const rows: unknown[][] = [];
      for (const r of c.rows)
        r.skewAfter?.forEach((v, j) => rows.push([r.id, j, r.skewBefore?.[j], v]));
      return toCsv(['condition', 'pv', 'skew_before', 'skew_after'], rows);
    },
  },
} satisfies Record<string, AsmFigure>;

export type AsmFigureId = keyof typeof ASM_FIGURES;
