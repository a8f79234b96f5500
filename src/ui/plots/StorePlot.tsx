/**
 * One figure of a lab whose run reports into a store of its own (the assemblies and co-tuning
 * labs): drawn from the store by `subscribe` (never by React renders) through the shared plot
 * loop, like the ISN lab's LivePlot. Clicks on its points go to `onPoint`; CSV and JSON
 * buttons export the figure's data. The element carries data-points / data-rev for tests.
 */
import { useEffect, useRef, useState } from 'react';
import type { PlotlyHTMLElement, PlotMouseEvent } from 'plotly.js';
import type { StoreApi } from 'zustand/vanilla';
import type { Figure } from './figures';
import { countPoints, loadPlotly, plotConfig, type Data, type PlotlyApi } from './plotly';
import { cancelDraw, requestDraw } from './scheduler';
import { download } from '../download';

/** A figure drawn from a store's state S. */
export interface StoreFigure<S> {
  label: string;
  build: (s: S) => Figure;
  /** the state the figure draws: a redraw when it changes */
  watch: (s: S) => unknown;
  csv?: (s: S) => string | null;
  json?: (s: S) => unknown;
}

/** Typed arrays and non-finite numbers made JSON-friendly (null). */
export function plain(x: unknown): unknown {
  if (ArrayBuffer.isView(x) && !(x instanceof DataView))
    return Array.from(x as unknown as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : null));
  if (typeof x === 'number') return Number.isFinite(x) ? x : null;
  if (Array.isArray(x)) return x.map(plain);
  if (x && typeof x === 'object')
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

export interface PlotPoint {
  x: number;
  y: number;
  curve: number;
}

export interface StorePlotProps<S> {
  store: StoreApi<S>;
  figures: Record<string, StoreFigure<S>>;
  figure: string;
  /** file name stem of the figure's exports */
  stem: (figure: string) => string;
  onPoint?: (p: PlotPoint) => void;
}

function Exports<S>({
  store,
  figures,
  figure,
  stem,
}: Pick<StorePlotProps<S>, 'store' | 'figures' | 'figure' | 'stem'>) {
  const f = figures[figure];
  const [msg, setMsg] = useState<string | null>(null);
  if (!f.csv && !f.json) return null;
  const save = (kind: 'csv' | 'json') => {
    const s = store.getState();
    const data = kind === 'csv' ? f.csv?.(s) : f.json?.(s);
    if (data === null || data === undefined) {
      setMsg('Nothing to export yet');
      setTimeout(() => setMsg(null), 2500);
      return;
    }
    if (kind === 'csv') download(`${stem(figure)}.csv`, 'text/csv', data as string);
    else
      download(
        `${stem(figure)}.json`,
        'application/json',
        JSON.stringify(plain(data), null, 1) + '\n',
      );
  };
  return (
    <div className="asm-plot-exports" role="group" aria-label={`Export: ${f.label}`}>
      {msg && <span className="muted">{msg}</span>}
      {f.csv && (
        <button
          type="button"
          className="link-button"
          onClick={() => save('csv')}
          data-testid={`export-${figure}-csv`}
          title="Download this figure's data as CSV"
        >
          CSV
        </button>
      )}
      {f.json && (
        <button
          type="button"
          className="link-button"
          onClick={() => save('json')}
          data-testid={`export-${figure}-json`}
          title="Download this figure's data as JSON"
        >
          JSON
        </button>
      )}
    </div>
  );
}

export function StorePlot<S>({ store, figures, figure, stem, onPoint }: StorePlotProps<S>) {
  const ref = useRef<HTMLDivElement>(null);
  const onPointRef = useRef(onPoint);
  const [failure, setFailure] = useState<string | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    onPointRef.current = onPoint;
  }, [onPoint]);

  useEffect(() => {
    const div = ref.current;
    if (!div) return;
    const { build, watch } = figures[figure];
    const owner = {};
    let P: PlotlyApi | null = null;
    let config: ReturnType<typeof plotConfig> | null = null;
    let disposed = false;
    let drawn = false;
    let clicks = false;
    let rev = 0;

    const draw = () => {
      if (!P || !config || disposed) return;
      try {
        const fig = build(store.getState());
        rev++;
        void P.react(div, fig.data, { ...fig.layout, datarevision: rev }, config);
        drawn = true;
        if (!clicks) {
          clicks = true;
          (div as unknown as PlotlyHTMLElement).on('plotly_click', (ev: PlotMouseEvent) => {
            const pt = ev.points?.[0];
            if (!pt || !onPointRef.current) return;
            onPointRef.current({ x: Number(pt.x), y: Number(pt.y), curve: pt.curveNumber });
          });
        }
        div.dataset.points = String(fig.points ?? pointsOf(fig.data));
        div.dataset.rev = String(rev);
      } catch (e) {
        setFailure(e instanceof Error ? e.message : String(e));
      }
    };
    const schedule = () => {
      if (!disposed) requestDraw(owner, draw);
    };

    loadPlotly().then(
      (p) => {
        if (disposed) return;
        P = p;
        config = plotConfig(p, stem(figure));
        draw();
        setReady(true);
      },
      (e: unknown) =>
        setFailure(
          `the plotting library did not load (${e instanceof Error ? e.message : String(e)})`,
        ),
    );

    let watched = watch(store.getState());
    const unsub = store.subscribe((s: S) => {
      const w = watch(s);
      if (w === watched || (Array.isArray(w) && sameItems(w, watched))) return;
      watched = w;
      schedule();
    });
    const ro = new ResizeObserver(() => {
      if (P && drawn && !disposed && div.clientWidth > 0) P.Plots.resize(div);
    });
    ro.observe(div);
    return () => {
      disposed = true;
      unsub();
      ro.disconnect();
      cancelDraw(owner);
      if (P) P.purge(div);
    };
    // the store, figures and stem of a plot do not change while it is shown
  }, [figure]);

  return (
    <figure className="plot-cell asm-cell" aria-label={figures[figure].label}>
      <div className="asm-plot-area">
        <div
          ref={ref}
          className={`plot${onPoint ? ' clickable' : ''}`}
          data-testid={`plot-${figure}`}
        />
        {!ready && !failure && <div className="plot-loading">Loading plot…</div>}
        {failure && (
          <div className="plot-failure" role="alert">
            This plot could not be drawn: {failure}
          </div>
        )}
      </div>
      <Exports store={store} figures={figures} figure={figure} stem={stem} />
    </figure>
  );
}

/** Finite points of the traces: heatmap cells (z) too. */
function pointsOf(data: readonly Data[]): number {
  let n = 0;
  for (const d of data) {
    const z = (d as { z?: ArrayLike<ArrayLike<unknown>> }).z;
    if (!z) {
      n += countPoints([d]);
      continue;
    }
    for (let r = 0; r < z.length; r++)
      for (let c = 0; c < z[r].length; c++) if (typeof z[r][c] === 'number') n++;
  }
  return n;
}

function sameItems(a: unknown[], b: unknown): boolean {
  return Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
}
