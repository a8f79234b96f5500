/**
 * The ISN lab's figures as pure functions of the store's state → Plotly data and layout.
 * They read the live data (live.ts) and the run's parameter values; the analytic overlays
 * (balance lines, stability maps) come from labs/isn/analytics.ts.
 */
import type { AppState } from '../../state/store';
import type { LiveData, LiveShape } from '../../state/live';
import type { ParamValues } from '../../model/params';
import { resolvedAlphas } from '../../labs/isn/params';
import {
  balanceLines,
  neuronParamsFrom,
  stabilityMap,
  type PlasticRule,
  type StabilityMap,
} from '../../labs/isn/analytics';
import {
  COLORS,
  axis,
  baseLayout,
  centerNote,
  joinPairs,
  joinSeries,
  type Annotation,
  type Data,
  type Layout,
  type Shape,
} from './plotly';

export interface Figure {
  data: Data[];
  layout: Partial<Layout>;
  /** the points drawn, where not all are the traces' (a live raster drawn as paths) */
  points?: number;
}

function valuesOf(s: AppState): ParamValues {
  return s.live.shape?.values ?? s.values;
}

function netsNote(sh: LiveShape | null): string {
  if (!sh) return '';
  if (sh.multi) return ' · population means';
  if (sh.nets > 1) return ` · network 1 of ${sh.nets}`;
  return '';
}

function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toString();
}

function windowShape(x0: number, x1: number, fill: string): Partial<Shape> {
  return {
    type: 'rect',
    xref: 'x',
    yref: 'paper',
    x0,
    x1,
    y0: 0,
    y1: 1,
    fillcolor: fill,
    line: { width: 0 },
    layer: 'below',
  };
}

function windowLabel(x: number, text: string, color: string): Partial<Annotation> {
  return {
    x,
    y: 1,
    xref: 'x',
    yref: 'paper',
    yanchor: 'top',
    text,
    showarrow: false,
    font: { size: 10, color },
    bgcolor: 'rgba(255,255,255,0.7)',
  };
}

/** Shaded windows of the trial (kick, opto drive to I, perturbation) in seconds. */
function trialWindows(
  v: ParamValues,
  trial: number,
): { shapes: Partial<Shape>[]; annotations: Partial<Annotation>[] } {
  const shapes: Partial<Shape>[] = [];
  const annotations: Partial<Annotation>[] = [];
  const add = (onMs: number, durMs: number, fill: string, label: string, color: string) => {
    const a = onMs / 1000;
    const b = (onMs + durMs) / 1000;
    shapes.push(windowShape(a, b, fill));
    annotations.push(windowLabel((a + b) / 2, label, color));
  };
  const online = v.plasticity_mode === 'online';
  if (Number(v.kick_amp) !== 0 && (!online || trial === 0))
    add(
      online ? 200 : Number(v.kick_onset_ms),
      Math.max(Number(v.kick_ms), 4),
      'rgba(230,126,34,0.35)',
      'kick',
      '#b9770e',
    );
  if (Number(v.I_opto) !== 0)
    add(
      Number(v.opto_onset_ms),
      Number(v.opto_duration_ms),
      COLORS.opto,
      `opto → I (${fmt(Number(v.I_opto))})`,
      COLORS.I,
    );
  if (
    v.pert_target !== 'none' &&
    trial >= Number(v.pert_from_trial) &&
    trial < Number(v.pert_to_trial)
  ) {
    const what =
      v.pert_mode === 'silence'
        ? `${v.pert_target} silenced`
        : `drive → ${v.pert_target} (${fmt(Number(v.pert_amp))})`;
    add(Number(v.pert_onset_ms), Number(v.pert_duration_ms), COLORS.pert, what, '#7d3c98');
  }
  return { shapes, annotations };
}

/** Every k-th sample so a trace has at most `max` points (plots need no more than a few per pixel). */
function thin(a: Float32Array, max = 1000): Float32Array {
  if (a.length <= max) return a;
  const k = Math.ceil(a.length / max);
  const out = new Float32Array(Math.ceil(a.length / k));
  for (let i = 0, j = 0; i < a.length; i += k, j++) out[j] = a[i];
  return out;
}

// ── rates within the trial ──────────────────────────────────────────────────────────────

export function ratesFigure(s: AppState): Figure {
  const live = s.live;
  const v = valuesOf(s);
  const w = live.within;
  const trial = w ? w.trial : 0;
  const win = trialWindows(v, trial);
  const data: Data[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'E',
      x: w ? thin(w.t) : [],
      y: w ? thin(w.E) : [],
      line: { color: COLORS.E, width: 1.6 },
      hovertemplate: 'E %{y:.3g} Hz<br>t %{x:.3f} s<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: 'I',
      x: w ? thin(w.t) : [],
      y: w ? thin(w.I) : [],
      line: { color: COLORS.I, width: 1.6 },
      hovertemplate: 'I %{y:.3g} Hz<br>t %{x:.3f} s<extra></extra>',
    },
  ];
  const title = w
    ? `Rates within trial ${w.trial + 1}${w.partial ? ' (running)' : ''}${netsNote(live.shape)}`
    : 'Rates within a trial';
  const annotations = [...win.annotations];
  if (!w) annotations.push(centerNote('Press Run or Step trial to simulate'));
  return {
    data,
    layout: baseLayout(title, {
      xaxis: axis('time in trial (s)', { range: [0, Number(v.trial_ms) / 1000] }),
      yaxis: axis('rate (Hz)', { rangemode: 'tozero' }),
      shapes: win.shapes,
      annotations,
    }),
  };
}

// ── currents onto E and onto I ─────────────────────────────────────────────────────────────────

/** Excitatory, inhibitory and net recurrent input onto the E (or I) units within the trial. */
function currentsOnto(s: AppState, pop: 'E' | 'I'): Figure {
  const live = s.live;
  const v = valuesOf(s);
  const w = live.within;
  const trial = w ? w.trial : 0;
  const win = trialWindows(v, trial);
  let inhNeg: Float32Array = new Float32Array(0);
  let net: Float32Array = new Float32Array(0);
  if (w) {
    const ex = pop === 'E' ? w.exc : w.excI;
    const ih = pop === 'E' ? w.inh : w.inhI;
    inhNeg = new Float32Array(ih.length);
    net = new Float32Array(ih.length);
    for (let k = 0; k < ih.length; k++) {
      inhNeg[k] = -ih[k];
      net[k] = ex[k] - ih[k];
    }
  }
  const t = w ? thin(w.t) : [];
  const data: Data[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: pop === 'E' ? 'excitatory (W_EE·E)' : 'excitatory (W_IE·E)',
      x: t,
      y: w ? thin(pop === 'E' ? w.exc : w.excI) : [],
      line: { color: COLORS.E, width: 1.4 },
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: pop === 'E' ? 'inhibitory (−W_EI·I)' : 'inhibitory (−W_II·I)',
      x: t,
      y: thin(inhNeg),
      line: { color: COLORS.I, width: 1.4 },
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: 'net recurrent',
      x: t,
      y: thin(net),
      line: { color: COLORS.net, width: 1.6 },
    },
  ];
  const th = Number(pop === 'E' ? v.theta_E : v.theta_I);
  const shapes = [
    ...win.shapes,
    {
      type: 'line',
      xref: 'paper',
      yref: 'y',
      x0: 0,
      x1: 1,
      y0: th,
      y1: th,
      line: { color: '#999', width: 1, dash: 'dot' },
    } as Partial<Shape>,
  ];
  const annotations = [
    ...win.annotations,
    {
      xref: 'paper',
      yref: 'y',
      x: 1,
      y: th,
      xanchor: 'right',
      yanchor: 'bottom',
      text: `θ_${pop} = ${fmt(th)}`,
      showarrow: false,
      font: { size: 10, color: '#777' },
    } as Partial<Annotation>,
  ];
  if (!w) annotations.push(centerNote('Press Run or Step trial to simulate'));
  return {
    data,
    layout: baseLayout(
      `Inputs onto ${pop}${w ? ` · trial ${w.trial + 1}` : ''}${netsNote(live.shape)}`,
      {
        xaxis: axis('time in trial (s)', { range: [0, Number(v.trial_ms) / 1000] }),
        yaxis: axis(`mean input onto ${pop} (rate units)`),
        shapes,
        annotations,
      },
    ),
  };
}

// ── across trials ───────────────────────────────────────────────────────────────────────

function hline(y: number, color: string): Partial<Shape> {
  return {
    type: 'line',
    xref: 'paper',
    yref: 'y',
    x0: 0,
    x1: 1,
    y0: y,
    y1: y,
    line: { color, width: 1.2, dash: 'dash' },
  };
}

export const currentsFigure = (s: AppState): Figure => currentsOnto(s, 'E');
export const currentsIFigure = (s: AppState): Figure => currentsOnto(s, 'I');

export function setpointsFigure(s: AppState): Figure {
  const live = s.live;
  const v = valuesOf(s);
  const nets = live.avgE.length;
  const many = nets > 1;
  const e = joinSeries(live.trial, live.avgE);
  const i = joinSeries(live.trial, live.avgI);
  const suffix = many ? ` (${nets} networks)` : '';
  const mode = live.trial.length <= 40 && !many ? 'lines+markers' : 'lines';
  const marker = { size: 5 };
  const data: Data[] = [
    {
      type: 'scatter',
      mode,
      marker,
      name: `E${suffix}`,
      x: e.x,
      y: e.y,
      line: { color: COLORS.E, width: many ? 0.8 : 1.6 },
      opacity: many ? 0.55 : 1,
      connectgaps: false,
      hovertemplate: 'trial %{x}<br>E %{y:.4g} Hz<extra></extra>',
    },
    {
      type: 'scatter',
      mode,
      marker,
      name: `I${suffix}`,
      x: i.x,
      y: i.y,
      line: { color: COLORS.I, width: many ? 0.8 : 1.6 },
      opacity: many ? 0.55 : 1,
      connectgaps: false,
      hovertemplate: 'trial %{x}<br>I %{y:.4g} Hz<extra></extra>',
    },
  ];
  const Eset = Number(v.E_set);
  const Iset = Number(v.I_set);
  // E's label under its line, I's above (the rates approach E_set from above, I_set from below)
  const label = (y: number, text: string, color: string, below = false): Partial<Annotation> => ({
    xref: 'paper',
    yref: 'y',
    x: 0.995,
    y,
    xanchor: 'right',
    yanchor: below ? 'top' : 'bottom',
    text,
    showarrow: false,
    font: { size: 10, color },
    bgcolor: 'rgba(255,255,255,0.75)',
  });
  const annotations: Partial<Annotation>[] = [
    label(Eset, `E_set ${fmt(Eset)} Hz`, COLORS.E, Eset < Iset),
    label(Iset, `I_set ${fmt(Iset)} Hz`, COLORS.I),
  ];
  if (live.trial.length === 0)
    annotations.push(centerNote('Trial-averaged rates appear here as trials complete'));
  return {
    data,
    layout: baseLayout(
      `Trial-averaged E and I vs set points${live.shape?.multi ? ' · population means' : ''}`,
      {
        xaxis: axis('trial', { range: [0, Math.max(1, Number(v.trials))] }),
        yaxis: axis('running average rate (Hz)', { rangemode: 'tozero' }),
        shapes: [hline(Eset, COLORS.E), hline(Iset, COLORS.I)],
        annotations,
      },
    ),
  };
}

function weightUnit(sh: LiveShape | null): string {
  return sh?.multi ? 'effective weight (class mean × partners)' : 'weight';
}

export function weightsFigure(s: AppState): Figure {
  const live = s.live;
  const v = valuesOf(s);
  const many = live.avgE.length > 1;
  const labels: Record<string, string> = { EE: 'W_EE', EI: 'W_EI', IE: 'W_IE', II: 'W_II' };
  const mode = live.trial.length <= 40 && !many ? 'lines+markers' : 'lines';
  const data: Data[] = (['EE', 'EI', 'IE', 'II'] as const).map((c) => {
    const j = joinSeries(live.trial, live.W[c], many ? 250 : 500);
    return {
      type: 'scatter',
      mode,
      marker: { size: 5 },
      name: labels[c],
      x: j.x,
      y: j.y,
      line: { color: COLORS[c], width: many ? 0.8 : 1.6 },
      opacity: many ? 0.55 : 1,
      hovertemplate: `trial %{x}<br>${labels[c]} %{y:.4g}<extra></extra>`,
    } as Data;
  });
  const annotations: Partial<Annotation>[] = [];
  if (live.trial.length === 0)
    annotations.push(centerNote('Weights appear here as trials complete'));
  const knocked = (['EE', 'EI', 'IE', 'II'] as const).filter((c) => !v[`plastic_${c}`]);
  const note = knocked.length ? ` · knocked out: ${knocked.map((c) => `W_${c}`).join(', ')}` : '';
  return {
    data,
    layout: baseLayout(`Weights across trials${note}`, {
      xaxis: axis('trial', { range: [0, Math.max(1, Number(v.trials))] }),
      yaxis: axis(weightUnit(live.shape), { rangemode: 'tozero' }),
      annotations,
    }),
  };
}

// ── the weight plane with the balance lines (eqs 4–5) ───────────────────────────────────

function lastOf(series: readonly number[][]): number[] {
  return series.map((x) => x[x.length - 1]).filter((x) => x !== undefined);
}

function maxOf(series: readonly (readonly number[])[], floor: number): number {
  let m = floor;
  for (const s of series) for (const x of s) if (Number.isFinite(x) && x > m) m = x;
  return m;
}

function linePoints(
  f: (x: number) => number,
  x0: number,
  x1: number,
  n = 60,
): { x: number[]; y: (number | null)[] } {
  const x: number[] = [];
  const y: (number | null)[] = [];
  for (let k = 0; k <= n; k++) {
    const xv = x0 + ((x1 - x0) * k) / n;
    const yv = f(xv);
    x.push(xv);
    y.push(Number.isFinite(yv) && yv >= 0 ? yv : null);
  }
  return { x, y };
}

export function planeFigure(s: AppState): Figure {
  const live = s.live;
  const v = valuesOf(s);
  const sh = live.shape;
  const p = neuronParamsFrom(v);
  const lines = balanceLines(p, Number(v.E_set), Number(v.I_set), Number(v.E_drive), 0);
  const starts = sh?.starts ?? [];
  const xL = maxOf([...live.W.EE, starts.map((w) => w.EE)], 10) * 1.05;
  const xR = maxOf([...live.W.IE, starts.map((w) => w.IE)], 20) * 1.05;
  const left = joinPairs(live.W.EE, live.W.EI);
  const right = joinPairs(live.W.IE, live.W.II);
  const many = live.W.EE.length > 1;
  const trajStyle = { width: many ? 0.8 : 1.6 };
  const bl = linePoints(lines.WEI, 0, xL);
  const br = linePoints(lines.WII, 0, xR);
  const data: Data[] = [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'balance line (eqs 4–5)',
      x: bl.x,
      y: bl.y,
      line: { color: COLORS.balance, width: 2, dash: 'dash' },
      legendgroup: 'bal',
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: 'balance',
      x: br.x,
      y: br.y,
      line: { color: COLORS.balance, width: 2, dash: 'dash' },
      legendgroup: 'bal',
      showlegend: false,
      xaxis: 'x2',
      yaxis: 'y2',
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: `trajectory${many ? ` (${live.W.EE.length} networks)` : ''}`,
      x: left.x,
      y: left.y,
      line: { color: '#34495e', ...trajStyle },
      opacity: many ? 0.6 : 1,
      legendgroup: 'traj',
      hovertemplate: 'W_EE %{x:.3g}<br>W_EI %{y:.3g}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: 'trajectory',
      x: right.x,
      y: right.y,
      line: { color: '#34495e', ...trajStyle },
      opacity: many ? 0.6 : 1,
      legendgroup: 'traj',
      showlegend: false,
      xaxis: 'x2',
      yaxis: 'y2',
      hovertemplate: 'W_IE %{x:.3g}<br>W_II %{y:.3g}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'start',
      x: starts.map((w) => w.EE),
      y: starts.map((w) => w.EI),
      marker: { symbol: 'circle-open', size: 7, color: '#34495e', line: { width: 1.5 } },
      legendgroup: 'start',
      hovertemplate: 'start<br>W_EE %{x:.3g}<br>W_EI %{y:.3g}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'start',
      x: starts.map((w) => w.IE),
      y: starts.map((w) => w.II),
      marker: { symbol: 'circle-open', size: 7, color: '#34495e', line: { width: 1.5 } },
      legendgroup: 'start',
      showlegend: false,
      xaxis: 'x2',
      yaxis: 'y2',
      hovertemplate: 'start<br>W_IE %{x:.3g}<br>W_II %{y:.3g}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'now',
      x: lastOf(live.W.EE),
      y: lastOf(live.W.EI),
      marker: { size: 7, color: '#e74c3c' },
      legendgroup: 'now',
      hovertemplate: 'now<br>W_EE %{x:.3g}<br>W_EI %{y:.3g}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'now',
      x: lastOf(live.W.IE),
      y: lastOf(live.W.II),
      marker: { size: 7, color: '#e74c3c' },
      legendgroup: 'now',
      showlegend: false,
      xaxis: 'x2',
      yaxis: 'y2',
      hovertemplate: 'now<br>W_IE %{x:.3g}<br>W_II %{y:.3g}<extra></extra>',
    },
  ];
  const isnX = p.gE > 0 ? 1 / p.gE : NaN;
  const shapes: Partial<Shape>[] = Number.isFinite(isnX)
    ? [
        {
          type: 'line',
          xref: 'x',
          yref: 'paper',
          x0: isnX,
          x1: isnX,
          y0: 0,
          y1: 1,
          line: { color: '#aaa', width: 1, dash: 'dot' },
        },
      ]
    : [];
  const annotations: Partial<Annotation>[] = Number.isFinite(isnX)
    ? [
        {
          xref: 'x',
          yref: 'paper',
          x: isnX,
          y: 0.01,
          xanchor: 'left',
          yanchor: 'bottom',
          text: ' ISN →',
          showarrow: false,
          font: { size: 10, color: '#888' },
        },
      ]
    : [];
  const unit = sh?.multi ? ' (effective)' : '';
  return {
    data,
    layout: baseLayout(
      `Weight plane with the balance lines (E_set ${fmt(Number(v.E_set))}, I_set ${fmt(Number(v.I_set))} Hz)`,
      {
        xaxis: axis(`W_EE (E→E)${unit}`, { domain: [0, 0.45], range: [0, xL] }),
        yaxis: axis(`W_EI (I→E)${unit}`, { rangemode: 'tozero' }),
        xaxis2: axis(`W_IE (E→I)${unit}`, { domain: [0.55, 1], range: [0, xR], anchor: 'y2' }),
        yaxis2: axis(`W_II (I→I)${unit}`, { anchor: 'x2', rangemode: 'tozero' }),
        shapes,
        annotations,
      },
    ),
  };
}

// ── stability maps ──────────────────────────────────────────────────────────────────────

interface Maps {
  neural: StabilityMap;
  plasticity: StabilityMap | null;
  rule: string;
  ratio: number;
  WEE: [number, number];
  WIE: [number, number];
}

const mapCache = new WeakMap<ParamValues, Map<string, Maps>>();

function mapsFor(v: ParamValues, WEEmax: number, WIEmax: number): Maps {
  const key = `${WEEmax}|${WIEmax}`;
  let byKey = mapCache.get(v);
  if (!byKey) {
    byKey = new Map();
    mapCache.set(v, byKey);
  }
  const hit = byKey.get(key);
  if (hit) return hit;
  const p = neuronParamsFrom(v);
  const { alphaE, alphaI } = resolvedAlphas(v);
  const ratio = alphaE > 0 ? alphaI / alphaE : 1;
  const common = {
    p,
    Eset: Number(v.E_set),
    Iset: Number(v.I_set),
    WEE: [0, WEEmax, 71] as [number, number, number],
    WIE: [0, WIEmax, 71] as [number, number, number],
    extE: Number(v.E_drive),
  };
  const rule = String(v.rule);
  const maps: Maps = {
    neural: stabilityMap({ kind: 'neural', ...common }),
    plasticity:
      rule === 'none'
        ? null
        : stabilityMap({
            kind: 'plasticity',
            rule: rule as PlasticRule,
            alphaRatio: ratio,
            ...common,
          }),
    rule,
    ratio,
    WEE: [0, WEEmax],
    WIE: [0, WIEmax],
  };
  byKey.set(key, maps);
  return maps;
}

/** Round a range's top up to a "nice" number, so the map is not recomputed for every point. */
function niceMax(x: number): number {
  const steps = [10, 15, 20, 30, 40, 50, 75, 100, 150, 200, 300, 500, 1000];
  return steps.find((s) => s >= x) ?? Math.ceil(x / 1000) * 1000;
}

function heat(m: StabilityMap, xaxis: string, yaxis: string, name: string): Data {
  const z = m.z.map((row, i) =>
    row.map((val, j) => (Number.isFinite(val) ? (m.stable[i][j] ? 1 : 0) : null)),
  );
  const text = m.z.map((row) =>
    row.map((val) => (Number.isFinite(val) ? fmt(val, 3) : 'invalid (a balance weight < 0)')),
  );
  return {
    type: 'heatmap',
    name,
    x: m.x,
    y: m.y,
    z,
    text: text as unknown as string[],
    zmin: 0,
    zmax: 1,
    colorscale: [
      [0, '#f5d0cb'],
      [0.5, '#f5d0cb'],
      [0.5, '#cfe8d5'],
      [1, '#cfe8d5'],
    ],
    showscale: false,
    hovertemplate: `${name}<br>W_EE %{x:.2f}, W_IE %{y:.2f}<br>max Re λ %{text}<extra></extra>`,
    xaxis,
    yaxis,
  } as Data;
}

export function stabilityFigure(s: AppState): Figure {
  const live = s.live;
  const v = valuesOf(s);
  const sh = live.shape;
  const starts = sh?.starts ?? [];
  const WEEmax = niceMax(Math.max(10, maxOf([...live.W.EE, starts.map((w) => w.EE)], 0) * 1.05));
  const WIEmax = niceMax(Math.max(20, maxOf([...live.W.IE, starts.map((w) => w.IE)], 0) * 1.05));
  const m = mapsFor(v, WEEmax, WIEmax);
  const traj = joinPairs(live.W.EE, live.W.IE, 200);
  const nowX = lastOf(live.W.EE);
  const nowY = lastOf(live.W.IE);
  const startX = starts.map((w) => w.EE);
  const startY = starts.map((w) => w.IE);
  const data: Data[] = [heat(m.neural, 'x', 'y', 'neural')];
  if (m.plasticity) data.push(heat(m.plasticity, 'x2', 'y2', 'plasticity'));
  // legend swatches for the two colours
  data.push(
    {
      type: 'scatter',
      mode: 'markers',
      name: 'stable',
      x: [null],
      y: [null],
      marker: {
        symbol: 'square',
        size: 11,
        color: '#cfe8d5',
        line: { color: '#9bc9a6', width: 1 },
      },
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'unstable',
      x: [null],
      y: [null],
      marker: {
        symbol: 'square',
        size: 11,
        color: '#f5d0cb',
        line: { color: '#e3a49b', width: 1 },
      },
      hoverinfo: 'skip',
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'no balanced weights (W_EI or W_II < 0)',
      x: [null],
      y: [null],
      marker: { symbol: 'square', size: 11, color: '#ffffff', line: { color: '#bbb', width: 1 } },
      hoverinfo: 'skip',
    },
  );
  for (const [xa, ya, first] of [
    ['x', 'y', true],
    ['x2', 'y2', false],
  ] as const) {
    data.push(
      {
        type: 'scatter',
        mode: 'lines',
        name: 'run',
        x: traj.x,
        y: traj.y,
        line: { color: '#34495e', width: 1 },
        opacity: 0.7,
        xaxis: xa,
        yaxis: ya,
        legendgroup: 'run',
        showlegend: first,
        hoverinfo: 'skip',
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'start',
        x: startX,
        y: startY,
        marker: { symbol: 'circle-open', size: 7, color: '#34495e', line: { width: 1.5 } },
        xaxis: xa,
        yaxis: ya,
        legendgroup: 'start',
        showlegend: first,
        hovertemplate: 'start<br>W_EE %{x:.3g}, W_IE %{y:.3g}<extra></extra>',
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'now',
        x: nowX,
        y: nowY,
        marker: { size: 8, color: '#e74c3c', line: { color: '#fff', width: 1 } },
        xaxis: xa,
        yaxis: ya,
        legendgroup: 'now',
        showlegend: first,
        hovertemplate: 'now<br>W_EE %{x:.3g}, W_IE %{y:.3g}<extra></extra>',
      },
    );
  }
  const ruleName: Record<string, string> = {
    homeostatic: 'homeostatic',
    cross: 'cross-homeostatic',
    'two-term': 'two-term',
  };
  const sub = (x: number, text: string): Partial<Annotation> => ({
    xref: 'paper',
    yref: 'paper',
    x,
    y: 1.0,
    xanchor: 'center',
    yanchor: 'bottom',
    text,
    showarrow: false,
    font: { size: 11, color: '#444' },
  });
  const annotations: Partial<Annotation>[] = [
    sub(0.225, 'neural subsystem (eqs 1–2)'),
    sub(
      0.775,
      m.plasticity
        ? `plasticity: ${ruleName[m.rule] ?? m.rule}, α_I/α_E = ${fmt(m.ratio)}`
        : 'plasticity: no rule (rule = none)',
    ),
  ];
  if (!m.plasticity) annotations.push({ ...centerNote('No plasticity rule chosen'), x: 0.775 });
  const unit = sh?.multi ? ' (effective)' : '';
  return {
    data,
    layout: baseLayout(
      'Stability over (W_EE, W_IE), with W_EI and W_II on the balance lines (eqs 4–5)',
      {
        margin: { l: 56, r: 14, t: 52, b: 64 },
        xaxis: axis(`W_EE${unit}`, { domain: [0, 0.45], range: m.WEE, showgrid: false }),
        yaxis: axis(`W_IE${unit}`, { range: m.WIE, showgrid: false }),
        xaxis2: axis(`W_EE${unit}`, {
          domain: [0.55, 1],
          range: m.WEE,
          anchor: 'y2',
          showgrid: false,
        }),
        yaxis2: axis(`W_IE${unit}`, { range: m.WIE, anchor: 'x2', showgrid: false }),
        annotations,
        legend: {
          orientation: 'h',
          x: 0.5,
          xanchor: 'center',
          y: -0.2,
          yanchor: 'top',
          font: { size: 10 },
        },
      },
    ),
  };
}

// ── per-unit distributions (multi-unit model) ───────────────────────────────────────────

export function unitsFigure(s: AppState): Figure {
  const live: LiveData = s.live;
  const v = valuesOf(s);
  const multi = live.shape?.multi ?? v.model === 'multi-unit';
  const u = live.units;
  const Eset = Number(v.E_set);
  const Iset = Number(v.I_set);
  const data: Data[] = [
    {
      type: 'histogram',
      name: `E units${u ? ` (${u.E.length})` : ''}`,
      x: u ? Array.from(u.E) : [],
      marker: { color: COLORS.E, line: { color: '#fff', width: 0.5 } },
      opacity: 0.85,
      nbinsx: 24,
      hovertemplate: '%{x} Hz: %{y} units<extra></extra>',
    } as Data,
    {
      type: 'histogram',
      name: `I units${u ? ` (${u.I.length})` : ''}`,
      x: u ? Array.from(u.I) : [],
      marker: { color: COLORS.I, line: { color: '#fff', width: 0.5 } },
      opacity: 0.85,
      nbinsx: 16,
      xaxis: 'x2',
      yaxis: 'y2',
      hovertemplate: '%{x} Hz: %{y} units<extra></extra>',
    } as Data,
  ];
  const vline = (x: number, xref: 'x' | 'x2', color: string): Partial<Shape> => ({
    type: 'line',
    xref,
    yref: 'paper',
    x0: x,
    x1: x,
    y0: 0,
    y1: 1,
    line: { color, width: 1.3, dash: 'dash' },
  });
  const annotations: Partial<Annotation>[] = [
    {
      xref: 'x',
      yref: 'paper',
      x: Eset,
      y: 1,
      xanchor: 'left',
      yanchor: 'top',
      text: ` E_set ${fmt(Eset)} Hz`,
      showarrow: false,
      font: { size: 10, color: COLORS.E },
      bgcolor: 'rgba(255,255,255,0.75)',
    },
    {
      xref: 'x2',
      yref: 'paper',
      x: Iset,
      y: 1,
      xanchor: 'left',
      yanchor: 'top',
      text: ` I_set ${fmt(Iset)} Hz`,
      showarrow: false,
      font: { size: 10, color: COLORS.I },
      bgcolor: 'rgba(255,255,255,0.75)',
    },
  ];
  if (!multi) {
    return {
      data: [],
      layout: baseLayout('Per-unit running averages', {
        xaxis: { visible: false },
        yaxis: { visible: false },
        annotations: [
          centerNote(
            'Per-unit distributions belong to the multi-unit model (80 E and 20 I units).<br>Pick a “Multi-unit” preset, or set Model to multi-unit.',
          ),
        ],
      }),
    };
  }
  if (!u) annotations.push(centerNote('Unit averages appear here as trials complete'));
  return {
    data,
    layout: baseLayout(
      `Per-unit running averages${u ? ` after trial ${u.trial}` : ''} (network 1)`,
      {
        bargap: 0.04,
        xaxis: axis('E unit rate (Hz)', { domain: [0, 0.45] }),
        yaxis: axis('units', { rangemode: 'tozero' }),
        xaxis2: axis('I unit rate (Hz)', { domain: [0.55, 1], anchor: 'y2' }),
        yaxis2: axis('units', { anchor: 'x2', rangemode: 'tozero' }),
        shapes: [vline(Eset, 'x', COLORS.E), vline(Iset, 'x2', COLORS.I)],
        annotations,
      },
    ),
  };
}

// What each figure depends on: a redraw happens when the returned key changes. The live data
// is mutated in place, so the keys are built from its epoch (a new run), the number of trials
// and the identity of the within-trial and unit snapshots.
const withinKey = (s: AppState) => s.live.within ?? s.live.shape;
const historyKey = (s: AppState) => `${s.live.epoch}:${s.live.trial.length}`;
const unitsKey = (s: AppState) => s.live.units ?? s.live.shape;

export const FIGURES = {
  rates: { build: ratesFigure, watch: withinKey, label: 'E and I rates within the current trial' },
  currents: {
    build: currentsFigure,
    watch: withinKey,
    label: 'Excitatory, inhibitory and net input onto E within the trial',
  },
  currentsI: {
    build: currentsIFigure,
    watch: withinKey,
    label: 'Excitatory, inhibitory and net input onto I within the trial',
  },
  setpoints: {
    build: setpointsFigure,
    watch: historyKey,
    label: 'Trial-averaged E and I rates versus their set points across trials',
  },
  weights: { build: weightsFigure, watch: historyKey, label: 'The four weights across trials' },
  plane: {
    build: planeFigure,
    watch: historyKey,
    label: 'Weight-plane trajectories with the balance lines',
  },
  stability: {
    build: stabilityFigure,
    watch: historyKey,
    label: 'Neural and plasticity stability maps over W_EE and W_IE',
  },
  units: { build: unitsFigure, watch: unitsKey, label: 'Histograms of per-unit running averages' },
} as const;

export type FigureId = keyof typeof FIGURES;
