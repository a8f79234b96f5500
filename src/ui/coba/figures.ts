/**
 * The COBA lab's figures (Brette et al. 2007, benchmark 1) as pure functions of the COBA store
 * (state/cobaStore.ts) → Plotly data and layout, each with its data as CSV and JSON for the
 * export buttons: the spike raster of up to 1000 neurons (E and I in proportion) over the last
 * second, the E and I population rates in 10 ms bins over the whole run, and V of three
 * neurons (two E, one I) over the last half second, spikes drawn up to 0 mV.
 */
import { COBA_LIF } from '../../labs/coba/network';
import type { CobaLayout } from '../../labs/coba/run';
import type { CobaState, Series } from '../../state/cobaStore';
import { fmt, toCsv } from '../asm/figures';
import type { Figure } from '../plots/figures';
import { axis, baseLayout, centerNote, COLORS, type Data, type Shape } from '../plots/plotly';
import { rasterTraces } from '../plots/raster';
import type { StoreFigure } from '../plots/StorePlot';

/** Simulated seconds the raster shows (the most recent). */
export const RASTER_WINDOW_S = 1;
/** Simulated seconds the V traces show (the most recent). */
export const TRACE_WINDOW_S = 0.5;
/** Rate bins drawn at most; beyond, neighbouring bins are averaged for the plot. */
const MAX_BINS = 4000;
/** The height a spike is drawn up to in the V traces (mV). */
const SPIKE_PEAK = 0;
const TRACE_COLORS = [COLORS.E, '#e67e22', COLORS.I];

function empty(title: string, note: string): Figure {
  return { data: [], layout: { ...baseLayout(title), annotations: [centerNote(note)] } };
}

const waiting = 'Press Run to simulate the network';

/** Seconds simulated so far. */
function now(s: CobaState, L: CobaLayout): number {
  return (s.progress.done * L.dt) / 1000;
}

/** The time axis of a window of `w` s ending now (the first w s while shorter). */
function windowRange(t: number, w: number, duration: number): [number, number] {
  const hi = Math.max(t, Math.min(w, duration));
  return [hi - Math.min(w, duration), hi];
}

function values(x: Series): number[] {
  return Array.from(x.data.subarray(0, x.length));
}

/** 2nd, 3rd, 4th, … */
function ordinal(k: number): string {
  const teen = k % 100 >= 11 && k % 100 <= 13;
  return `${k}${teen ? 'th' : (['th', 'st', 'nd', 'rd'][k % 10] ?? 'th')}`;
}

/** The population names of the layout's neurons. */
const pop = (L: CobaLayout, id: number) => (id < L.nE ? 'E' : 'I');

/** Mean of the per-bin rates weighted by the bins' lengths (the last may be short). */
function meanRate(x: Series, L: CobaLayout): number {
  let sum = 0;
  let len = 0;
  for (let b = 0; b < x.length; b++) {
    const n = Math.min(L.binSteps, L.steps - b * L.binSteps);
    sum += x.data[b] * n;
    len += n;
  }
  return len > 0 ? sum / len : NaN;
}

/** The traced neurons' V with each spike drawn up to SPIKE_PEAK: one line per neuron. */
function traceLines(s: CobaState, L: CobaLayout, from: number): { x: number[]; y: number[] }[] {
  const nT = L.traced.length;
  const spikesOf = L.traced.map(() => [] as number[]);
  for (const c of s.spikes) {
    if (c.k1 <= from) continue;
    for (let q = 0; q < c.spikeIds.length; q++) {
      const j = L.traced.indexOf(c.spikeIds[q]);
      if (j >= 0 && c.spikeSteps[q] >= from) spikesOf[j].push(c.spikeSteps[q]);
    }
  }
  const t = (k: number) => ((k + 1) * L.dt) / 1000; // a sample is taken at the end of its step
  return L.traced.map((_, j) => {
    const x: number[] = [];
    const y: number[] = [];
    const sp = spikesOf[j];
    let q = 0;
    for (const c of s.traces)
      for (let m = 0; m < c.traceSteps.length; m++) {
        const k = c.traceSteps[m];
        if (k < from) continue;
        for (; q < sp.length && sp[q] <= k; q++) {
          x.push(t(sp[q]), t(sp[q]));
          y.push(SPIKE_PEAK, COBA_LIF.Vreset);
        }
        x.push(t(k));
        y.push(c.v[m * nT + j]);
      }
    return { x, y };
  });
}

export const COBA_FIGURES = {
  'coba-raster': {
    label: 'Spike raster (up to 1000 neurons, E and I)',
    watch: (s) => s.spikes,
    build: (s) => {
      const L = s.shape;
      if (!L || !s.spikes.length) return empty('Spike raster', waiting);
      const [lo, hi] = windowRange(now(s, L), RASTER_WINDOW_S, L.duration);
      const from = Math.floor((lo * 1000) / L.dt);
      const parts = s.spikes
        .filter((c) => c.k1 > from)
        .map((c) => ({ steps: c.spikeSteps, ids: c.spikeIds }));
      const { data, shapes, every, points } = rasterTraces(
        parts,
        L.nE,
        (k) => (k * L.dt) / 1000,
        (k) => k >= from,
        { dot: (hi - lo) / 700 },
      );
      const nE = L.nE - L.raster.from;
      const nI = L.raster.to - L.nE;
      const boundary: Partial<Shape> = {
        type: 'line',
        xref: 'paper',
        x0: 0,
        x1: 1,
        y0: L.nE - 0.5,
        y1: L.nE - 0.5,
        line: { color: '#999', width: 1, dash: 'dot' },
      };
      return {
        data,
        points,
        layout: {
          ...baseLayout(
            `Raster: ${nE} E and ${nI} I of ${L.N} neurons${L.duration > RASTER_WINDOW_S ? `, the last ${RASTER_WINDOW_S} s` : ''}${every > 1 ? ` (every ${ordinal(every)} neuron shown)` : ''}`,
          ),
          xaxis: axis('time (s)', { range: [lo, hi] }),
          yaxis: axis('neuron (E below the line, I above)', {
            range: [L.raster.from - 0.5, L.raster.to - 0.5],
          }),
          shapes: [...shapes, boundary],
        },
      };
    },
    csv: (s) => {
      const L = s.shape;
      if (!L || !s.spikes.length) return null;
      const rows: (number | string)[][] = [];
      for (const c of s.spikes)
        for (let q = 0; q < c.spikeIds.length; q++)
          rows.push([(c.spikeSteps[q] * L.dt) / 1000, c.spikeIds[q], pop(L, c.spikeIds[q])]);
      return toCsv(['t_s', 'neuron', 'population'], rows);
    },
    json: (s) => {
      const L = s.shape;
      if (!L || !s.spikes.length) return null;
      return {
        neurons: L.raster,
        nE: L.nE,
        dt_ms: L.dt,
        t_s: s.spikes.flatMap((c) => Array.from(c.spikeSteps, (k) => (k * L.dt) / 1000)),
        neuron: s.spikes.flatMap((c) => Array.from(c.spikeIds)),
      };
    },
  },
  'coba-rates': {
    label: 'Population rates E and I over time (10 ms bins)',
    watch: (s) => [s.rateE, s.final],
    build: (s) => {
      const L = s.shape;
      if (!L || !s.rateE.length) return empty('Population rates', waiting);
      const binS = (L.binSteps * L.dt) / 1000;
      // long runs: neighbouring bins averaged for the plot (the export keeps every bin)
      const m = Math.max(1, Math.ceil(s.rateE.length / MAX_BINS));
      const x: number[] = [];
      const yE: number[] = [];
      const yI: number[] = [];
      for (let b = 0; b < s.rateE.length; b += m) {
        const e = Math.min(s.rateE.length, b + m);
        let sE = 0;
        let sI = 0;
        for (let j = b; j < e; j++) {
          sE += s.rateE.data[j];
          sI += s.rateI.data[j];
        }
        x.push(b * binS);
        yE.push(sE / (e - b));
        yI.push(sI / (e - b));
      }
      const data: Data[] = [
        { x, y: yE, name: 'E', mode: 'lines', line: { color: COLORS.E, shape: 'hv', width: 1.2 } },
        { x, y: yI, name: 'I', mode: 'lines', line: { color: COLORS.I, shape: 'hv', width: 1.2 } },
      ];
      const f = s.final;
      const rE = f ? f.rate_E : meanRate(s.rateE, L);
      const rI = f ? f.rate_I : meanRate(s.rateI, L);
      return {
        data,
        layout: {
          ...baseLayout(
            `Population rates (${fmt(binS * m * 1000)} ms bins): mean E ${fmt(rE)} Hz, I ${fmt(rI)} Hz`,
          ),
          xaxis: axis('time (s)', { range: [0, L.duration] }),
          yaxis: axis('rate (Hz)', { rangemode: 'tozero' }),
        },
      };
    },
    csv: (s) => {
      const L = s.shape;
      if (!L || !s.rateE.length) return null;
      const binS = (L.binSteps * L.dt) / 1000;
      return toCsv(
        ['t_s', 'rate_E_Hz', 'rate_I_Hz'],
        values(s.rateE).map((e, b) => [b * binS, e, s.rateI.data[b]]),
      );
    },
    json: (s) => {
      const L = s.shape;
      if (!L || !s.rateE.length) return null;
      return {
        bin_ms: L.binSteps * L.dt,
        t_s: values(s.rateE).map((_, b) => (b * L.binSteps * L.dt) / 1000),
        rate_E_Hz: values(s.rateE),
        rate_I_Hz: values(s.rateI),
      };
    },
  },
  'coba-v': {
    label: 'Membrane potential of three neurons (two E, one I)',
    watch: (s) => s.traces,
    build: (s) => {
      const L = s.shape;
      if (!L || !s.traces.length) return empty('Membrane potential', waiting);
      const [lo, hi] = windowRange(now(s, L), TRACE_WINDOW_S, L.duration);
      const from = Math.floor((lo * 1000) / L.dt);
      const lines = traceLines(s, L, from);
      const data: Data[] = lines.map((l, j) => ({
        x: l.x,
        y: l.y,
        name: `${pop(L, L.traced[j])} ${L.traced[j]}`,
        mode: 'lines',
        line: { color: TRACE_COLORS[j % TRACE_COLORS.length], width: 1 },
      }));
      const th: Partial<Shape> = {
        type: 'line',
        xref: 'paper',
        x0: 0,
        x1: 1,
        y0: COBA_LIF.Vth,
        y1: COBA_LIF.Vth,
        line: { color: '#999', width: 1, dash: 'dash' },
      };
      return {
        data,
        layout: {
          ...baseLayout(
            `V (threshold ${COBA_LIF.Vth} mV dashed; spikes drawn to ${SPIKE_PEAK} mV)${L.duration > TRACE_WINDOW_S ? `, the last ${TRACE_WINDOW_S} s` : ''}`,
          ),
          xaxis: axis('time (s)', { range: [lo, hi] }),
          yaxis: axis('V (mV)'),
          shapes: [th],
        },
      };
    },
    csv: (s) => {
      const L = s.shape;
      if (!L || !s.traces.length) return null;
      const nT = L.traced.length;
      const rows: number[][] = [];
      for (const c of s.traces)
        for (let m = 0; m < c.traceSteps.length; m++)
          rows.push([
            ((c.traceSteps[m] + 1) * L.dt) / 1000,
            ...Array.from(c.v.subarray(m * nT, (m + 1) * nT)),
          ]);
      return toCsv(['t_s', ...L.traced.map((i) => `V_${pop(L, i)}${i}_mV`)], rows);
    },
    json: (s) => {
      const L = s.shape;
      if (!L || !s.traces.length) return null;
      const nT = L.traced.length;
      return {
        neurons: L.traced,
        t_s: s.traces.flatMap((c) => Array.from(c.traceSteps, (k) => ((k + 1) * L.dt) / 1000)),
        V_mV: L.traced.map((_, j) =>
          s.traces.flatMap((c) => Array.from(c.traceSteps, (_k, m) => c.v[m * nT + j])),
        ),
      };
    },
  },
} satisfies Record<string, StoreFigure<CobaState>>;

export type CobaFigureId = keyof typeof COBA_FIGURES;
