/**
 * Plotly, loaded on first use (it is most of the bundle; the app shell paints first), and the
 * config every plot shares: the modebar exports PNG (its camera button) and SVG (a disk button).
 */
import type * as PlotlyTypes from 'plotly.js';

export type PlotlyApi = typeof PlotlyTypes;
export type Data = PlotlyTypes.Data;
export type Layout = PlotlyTypes.Layout;
export type Shape = PlotlyTypes.Shape;
export type Annotation = PlotlyTypes.Annotations;

let loading: Promise<PlotlyApi> | null = null;

export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= import('plotly.js-dist-min').then((m) => (m.default ?? m) as PlotlyApi);
  return loading;
}

export function plotConfig(P: PlotlyApi, filename: string): Partial<PlotlyTypes.Config> {
  return {
    displaylogo: false,
    responsive: false, // a ResizeObserver per plot resizes it (the grid changes size, not the window)
    scrollZoom: false,
    toImageButtonOptions: { format: 'png', filename, scale: 2 },
    modeBarButtonsToRemove: ['select2d', 'lasso2d', 'autoScale2d'],
    modeBarButtonsToAdd: [
      {
        name: 'downloadSvg',
        title: 'Download plot as SVG',
        icon: P.Icons.disk,
        click: (gd: PlotlyTypes.PlotlyHTMLElement) => {
          void P.downloadImage(gd, {
            format: 'svg',
            filename,
            width: gd.clientWidth,
            height: gd.clientHeight,
          });
        },
      },
    ],
  };
}

/** Colours shared by the plots and the CSS (E warm, I cool). */
export const COLORS = {
  E: '#c0392b',
  I: '#2471a3',
  net: '#222',
  EE: '#c0392b',
  EI: '#e67e22',
  IE: '#16a085',
  II: '#2471a3',
  setpoint: '#777',
  balance: '#6c3483',
  grid: '#ececec',
  kick: 'rgba(230,126,34,0.16)',
  opto: 'rgba(36,113,163,0.13)',
  pert: 'rgba(142,68,173,0.13)',
};

export const FONT =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

export function baseLayout(title: string, extra: Partial<Layout> = {}): Partial<Layout> {
  return {
    title: {
      text: title,
      font: { size: 13, color: '#222' },
      x: 0.01,
      xanchor: 'left',
      y: 0.985,
      yanchor: 'top',
    },
    font: { family: FONT, size: 11, color: '#333' },
    margin: { l: 56, r: 14, t: 34, b: 42 },
    paper_bgcolor: '#fff',
    plot_bgcolor: '#fff',
    showlegend: true,
    legend: {
      orientation: 'h',
      x: 1,
      xanchor: 'right',
      y: 1.0,
      yanchor: 'bottom',
      font: { size: 10 },
      bgcolor: 'rgba(255,255,255,0)',
    },
    hovermode: 'closest',
    // keep zoom and legend toggles across live updates
    uirevision: 'keep',
    ...extra,
  };
}

export function axis(
  title: string,
  extra: Record<string, unknown> = {},
): Partial<PlotlyTypes.LayoutAxis> {
  return {
    title: { text: title, font: { size: 11 }, standoff: 6 },
    gridcolor: COLORS.grid,
    zerolinecolor: '#d5d5d5',
    linecolor: '#bbb',
    ticks: 'outside',
    ticklen: 3,
    tickcolor: '#bbb',
    automargin: true,
    ...extra,
  } as Partial<PlotlyTypes.LayoutAxis>;
}

/** An annotation in the middle of the plot area (e.g. "Run to see …"). */
export function centerNote(text: string, xref = 'paper', yref = 'paper'): Partial<Annotation> {
  return {
    text,
    xref: xref as 'paper',
    yref: yref as 'paper',
    x: 0.5,
    y: 0.5,
    showarrow: false,
    font: { size: 12, color: '#888' },
  };
}

/**
 * Concatenate series with null gaps (one trace draws many networks cheaply) and thin each
 * series to at most `maxPoints` points (the last point is always kept).
 */
export function joinSeries(
  xs: readonly number[],
  series: readonly (readonly number[])[],
  maxPoints = 400,
): { x: (number | null)[]; y: (number | null)[] } {
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  for (let s = 0; s < series.length; s++) {
    const ys = series[s];
    const n = Math.min(xs.length, ys.length);
    const stride = Math.max(1, Math.ceil(n / maxPoints));
    if (s > 0) {
      x.push(null);
      y.push(null);
    }
    for (let k = 0; k < n; k += stride) {
      x.push(xs[k]);
      y.push(ys[k]);
    }
    if (n > 0 && (n - 1) % stride !== 0) {
      x.push(xs[n - 1]);
      y.push(ys[n - 1]);
    }
  }
  return { x, y };
}

/** Thin paired series (trajectories in a plane) the same way. */
export function joinPairs(
  xsList: readonly (readonly number[])[],
  ysList: readonly (readonly number[])[],
  maxPoints = 300,
): { x: (number | null)[]; y: (number | null)[] } {
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  for (let s = 0; s < xsList.length; s++) {
    const a = xsList[s];
    const b = ysList[s];
    const n = Math.min(a.length, b.length);
    const stride = Math.max(1, Math.ceil(n / maxPoints));
    if (s > 0) {
      x.push(null);
      y.push(null);
    }
    for (let k = 0; k < n; k += stride) {
      x.push(a[k]);
      y.push(b[k]);
    }
    if (n > 0 && (n - 1) % stride !== 0) {
      x.push(a[n - 1]);
      y.push(b[n - 1]);
    }
  }
  return { x, y };
}

/** Number of finite points in a figure's traces (exposed as data-points for tests). */
export function countPoints(data: readonly Data[]): number {
  let n = 0;
  for (const d of data) {
    const y = (d as { y?: ArrayLike<unknown> }).y ?? (d as { x?: ArrayLike<unknown> }).x;
    if (!y) continue;
    for (let k = 0; k < y.length; k++) if (y[k] !== null && y[k] !== undefined) n++;
  }
  return n;
}
