/**
 * The COBA lab's page store (state/cobaStore.ts) and figures (ui/coba/figures.ts), from
 * hand-made reports: rates per bin (the run's last bin may be short), the growing series that
 * older states share, what the raster and the traces keep, the error a status report leaves,
 * and what the raster, rates and V figures draw and export.
 */
import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import {
  appendSeries,
  applyCobaEvent,
  EMPTY_SERIES,
  INITIAL_COBA_STATE,
  KEEP_SPIKES,
  type CobaChunk,
  type CobaState,
} from '../../src/state/cobaStore';
import { cobaLayout } from '../../src/labs/coba/run';
import { defaults } from '../../src/model/params';
import { COBA_PARAMS } from '../../src/labs/coba/params';
import { COBA_FIGURES } from '../../src/ui/coba/figures';
import { COBA_LIF } from '../../src/labs/coba/network';

/** 100 neurons (80 E, 20 I), 25 ms: 250 steps, bins of 100 steps (the last one 50). */
const L = cobaLayout({ ...defaults(COBA_PARAMS), N: 100, duration: 0.025 });

function chunk(k0: number, k1: number, extra: Partial<CobaChunk> = {}): CobaChunk {
  const bins = Math.ceil(k1 / L.binSteps) - Math.floor(k0 / L.binSteps);
  return {
    k0,
    k1,
    spikeSteps: new Int32Array(0),
    spikeIds: new Int32Array(0),
    countsE: new Int32Array(bins).fill(8),
    countsI: new Int32Array(bins).fill(2),
    traceSteps: new Int32Array(0),
    v: new Float32Array(0),
    ...extra,
  };
}

function store() {
  const s = createStore<CobaState>(() => INITIAL_COBA_STATE);
  applyCobaEvent(s, { kind: 'reset', shape: L });
  return s;
}

describe('COBA store', () => {
  it('turns counts into rates per bin, the last bin by its own length', () => {
    expect(L.steps).toBe(250);
    expect(L.binSteps).toBe(100);
    const s = store();
    applyCobaEvent(s, { kind: 'chunk', chunk: chunk(0, 200), simWall: 0.01 });
    applyCobaEvent(s, { kind: 'chunk', chunk: chunk(200, 250), simWall: 0.02 });
    const st = s.getState();
    // 8 spikes of 80 E neurons in 10 ms: 10 Hz; in the last 5 ms: 20 Hz
    expect(Array.from(st.rateE.data.subarray(0, st.rateE.length))).toEqual([10, 10, 20]);
    expect(Array.from(st.rateI.data.subarray(0, st.rateI.length))).toEqual([10, 10, 20]);
    expect(st.progress.done).toBe(250);
    expect(st.progress.simWall).toBe(0.02);
    expect(st.progress.speed).toBeCloseTo(0.025 / 0.02, 12);
  });

  it('appends to a series without changing what an older copy holds', () => {
    let a = EMPTY_SERIES;
    const copies = [];
    for (let k = 0; k < 600; k++) {
      a = appendSeries(a, [k, -k]);
      copies.push(a);
    }
    expect(a.length).toBe(1200);
    for (const [k, c] of copies.entries()) {
      expect(c.length).toBe(2 * (k + 1));
      expect(c.data[2 * k]).toBe(k);
      expect(c.data[2 * k + 1]).toBe(-k);
    }
  });

  it('keeps at most KEEP_SPIKES raster spikes (the oldest stretches go) and 2 s of traces', () => {
    const L2 = cobaLayout({ ...defaults(COBA_PARAMS), N: 1000, duration: 10 });
    const s = createStore<CobaState>(() => INITIAL_COBA_STATE);
    applyCobaEvent(s, { kind: 'reset', shape: L2 });
    const n = Math.ceil(KEEP_SPIKES / 3);
    for (let c = 0; c < 5; c++)
      applyCobaEvent(s, {
        kind: 'chunk',
        simWall: c,
        chunk: {
          ...chunk(c * 10000, (c + 1) * 10000),
          countsE: new Int32Array(100),
          countsI: new Int32Array(100),
          spikeSteps: new Int32Array(n).fill(c * 10000),
          spikeIds: new Int32Array(n),
          traceSteps: Int32Array.from({ length: 10000 }, (_, m) => c * 10000 + m),
          v: new Float32Array(30000),
        },
      });
    const st = s.getState();
    expect(st.spikes.map((x) => x.k0)).toEqual([30000, 40000]);
    expect(st.spikesKept).toBe(2 * n);
    // 5 s run: the traces of the last 2 s (and the stretch that reaches into them)
    expect(st.traces.map((x) => x.k0)).toEqual([30000, 40000]);
    expect(st.rateE.length).toBe(500);
  });

  it('a status report: an error keeps its message until another status clears it', () => {
    const s = store();
    applyCobaEvent(s, { kind: 'status', status: 'error', runError: 'bad' });
    applyCobaEvent(s, { kind: 'status', status: 'error' });
    expect(s.getState().progress.runError).toBe('bad');
    applyCobaEvent(s, { kind: 'status', status: 'running' });
    expect(s.getState().progress.runError).toBeNull();
    applyCobaEvent(s, { kind: 'reset', shape: L });
    expect(s.getState().progress).toMatchObject({ status: 'idle', done: 0, total: 250 });
  });
});

describe('COBA figures', () => {
  /** A 2 s run of 100 neurons: two spikes of neuron 0, one of 1 and of 80 (I). */
  function ran() {
    const L2 = cobaLayout({ ...defaults(COBA_PARAMS), N: 100, duration: 2 });
    const s = createStore<CobaState>(() => INITIAL_COBA_STATE);
    applyCobaEvent(s, { kind: 'reset', shape: L2 });
    const bins = 200;
    applyCobaEvent(s, {
      kind: 'chunk',
      simWall: 1,
      chunk: {
        k0: 0,
        k1: 20000,
        spikeSteps: Int32Array.from([500, 15000, 15100, 19000]),
        spikeIds: Int32Array.from([1, 0, 80, 0]),
        countsE: new Int32Array(bins).fill(8),
        countsI: new Int32Array(bins).fill(2),
        traceSteps: Int32Array.from({ length: 20000 }, (_, k) => k),
        v: Float32Array.from({ length: 60000 }, () => -60),
      },
    });
    return s.getState();
  }

  it('the raster draws the last second (one dot per spike, E and I apart) and exports all', () => {
    const st = ran();
    const f = COBA_FIGURES['coba-raster'];
    const fig = f.build(st);
    // the spike at 0.05 s is before the window [1, 2] s
    expect(fig.points).toBe(3);
    expect(fig.layout.xaxis).toMatchObject({ range: [1, 2] });
    const paths = (fig.layout.shapes ?? []).filter((x) => x.type === 'path');
    expect(paths).toHaveLength(2);
    expect(String(paths[0].path).match(/M/g)).toHaveLength(2); // E: neuron 0 twice
    expect(String(paths[1].path)).toMatch(/^M1\.510000,80H/); // I: neuron 80 at 1.51 s
    const rows = f.csv!(st)!.trim().split('\n');
    expect(rows[0]).toBe('t_s,neuron,population');
    expect(rows.slice(1).map((r) => r.split(',').slice(1).join(','))).toEqual([
      '1,E',
      '0,E',
      '80,I',
      '0,E',
    ]);
    expect(Number(rows[3].split(',')[0])).toBeCloseTo(1.51, 12);
  });

  it('the rates plot covers the run; its export has every 10 ms bin', () => {
    const st = ran();
    const f = COBA_FIGURES['coba-rates'];
    const fig = f.build(st);
    expect(fig.data).toHaveLength(2);
    expect((fig.data[0] as { y: number[] }).y).toHaveLength(200);
    expect(fig.layout.title).toMatchObject({
      text: expect.stringMatching(/mean E 10 Hz, I 10 Hz/),
    });
    const rows = f.csv!(st)!.trim().split('\n');
    expect(rows[0]).toBe('t_s,rate_E_Hz,rate_I_Hz');
    expect(rows).toHaveLength(201);
    expect(rows[1]).toBe('0,10,10');
  });

  it('V draws the last half second with each spike up to 0 mV and back to the reset', () => {
    const st = ran();
    const fig = COBA_FIGURES['coba-v'].build(st);
    const l0 = fig.data[0] as { x: number[]; y: number[] };
    // 5000 samples in [1.5, 2] s plus two points for each of neuron 0's spikes at 1.5 and 1.9 s
    expect(l0.x.length).toBe(5000 + 4);
    const peaks = l0.y.flatMap((y, i) => (y === 0 ? [i] : []));
    expect(peaks.map((i) => l0.x[i])).toEqual([(15001 * 0.1) / 1000, (19001 * 0.1) / 1000]);
    for (const i of peaks) expect(l0.y[i + 1]).toBe(COBA_LIF.Vreset);
    expect((fig.data[2] as { name: string }).name).toBe('I 80');
  });
});
