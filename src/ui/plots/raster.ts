/**
 * A spike raster, E and I in their colours, shared by the co-tuning and COBA labs: an SVG
 * marker per spike (drawn once), or for a live raster (redrawn several times a second) a dot
 * per spike — a 2 px stroke `dot` seconds long — with all the dots of a population in one SVG
 * path (a layout shape; legend entries from two empty traces): Plotly makes an element per
 * marker or per line segment, and ~20 000 of them take a second to redraw, while a path of
 * 20 000 dots takes about a tenth. (WebGL traces are out: their shaders are compiled from generated
 * code, which the app's Content-Security-Policy forbids.) Beyond the most spikes drawn only
 * every k-th neuron is drawn (k is returned, for the title).
 */
import { COLORS, type Data, type Shape } from './plotly';

/** Spikes drawn as markers at most. */
export const MAX_RASTER = 25_000;
/** Spikes a live raster draws at most. */
export const MAX_LIVE = 15_000;

export interface SpikeList {
  steps: ArrayLike<number>;
  ids: ArrayLike<number>;
}

export interface Raster {
  data: Data[];
  /** the live raster's ticks */
  shapes: Partial<Shape>[];
  /** every k-th neuron drawn */
  every: number;
  /** spikes drawn */
  points: number;
}

export function rasterTraces(
  parts: readonly SpikeList[],
  /** neurons below this index are E */
  nE: number,
  /** time (s) of a spike at this step */
  time: (step: number) => number,
  /** only spikes at steps for which this holds (default all) */
  keep: (step: number) => boolean = () => true,
  /** a live raster, and the time (s) a dot spans (about 2 px) */
  live: { dot: number } | null = null,
): Raster {
  let n = 0;
  for (const p of parts) for (let q = 0; q < p.ids.length; q++) if (keep(p.steps[q])) n++;
  const every = Math.max(1, Math.ceil(n / (live ? MAX_LIVE : MAX_RASTER)));
  const x: [number[], number[]] = [[], []];
  const y: [number[], number[]] = [[], []];
  const path: [string[], string[]] = [[], []];
  let points = 0;
  for (const p of parts)
    for (let q = 0; q < p.ids.length; q++) {
      const id = p.ids[q];
      if (id % every !== 0 || !keep(p.steps[q])) continue;
      const k = id < nE ? 0 : 1;
      const t = time(p.steps[q]);
      points++;
      if (live) path[k].push(`M${t.toFixed(6)},${id}H${(t + live.dot).toFixed(6)}`);
      else {
        x[k].push(t);
        y[k].push(id);
      }
    }
  const color = [COLORS.E, COLORS.I];
  const name = ['E', 'I'];
  if (!live)
    return {
      data: [0, 1].map((k) => ({
        type: 'scatter',
        mode: 'markers',
        x: x[k],
        y: y[k],
        name: name[k],
        marker: { color: color[k], size: 2 },
      })),
      shapes: [],
      every,
      points,
    };
  return {
    data: [0, 1].map((k) => ({
      type: 'scatter',
      mode: 'lines',
      x: [null],
      y: [null],
      name: name[k],
      line: { color: color[k], width: 2 },
      hoverinfo: 'skip',
    })),
    shapes: [0, 1]
      .filter((k) => path[k].length > 0)
      .map((k) => ({
        type: 'path',
        xref: 'x',
        yref: 'y',
        path: path[k].join(''),
        line: { color: color[k], width: 2 },
      })),
    every,
    points,
  };
}
