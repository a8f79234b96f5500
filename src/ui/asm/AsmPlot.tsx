/**
 * One figure of the assemblies lab (figures.ts), fed from the assemblies store by `subscribe`
 * (never by React renders) through the shared plot loop, like the ISN lab's LivePlot. Clicks on
 * its points go to `onPoint`; CSV and JSON buttons export the figure's data. The element
 * carries data-points / data-rev for tests.
 */
import { useEffect, useRef, useState } from 'react';
import type { PlotlyHTMLElement, PlotMouseEvent } from 'plotly.js';
import { asmStore, type AsmState } from '../../state/asmStore';
import { appStore } from '../../state/store';
import { countPoints, loadPlotly, plotConfig, type Data, type PlotlyApi } from '../plots/plotly';
import { cancelDraw, requestDraw } from '../plots/scheduler';
import { download } from '../download';
import { ASM_FIGURES, plain, type AsmFigure, type AsmFigureId } from './figures';

export interface PlotPoint {
  x: number;
  y: number;
  curve: number;
}

interface Props {
  figure: AsmFigureId;
  onPoint?: (p: PlotPoint) => void;
}

function stem(figure: string): string {
  const s = appStore.getState();
  return `eilab-assemblies-seed${s.seed}-${figure.replace(/^asm-/, '')}`;
}

function Exports({ figure }: { figure: AsmFigureId }) {
  const f: AsmFigure = ASM_FIGURES[figure];
  const [msg, setMsg] = useState<string | null>(null);
  if (!f.csv && !f.json) return null;
  const save = (kind: 'csv' | 'json') => {
    const s = asmStore.getState();
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

export function AsmPlot({ figure, onPoint }: Props) {
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
    const { build, watch } = ASM_FIGURES[figure] as AsmFigure;
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
        const fig = build(asmStore.getState());
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
        div.dataset.points = String(pointsOf(fig.data));
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

    let watched = watch(asmStore.getState());
    const unsub = asmStore.subscribe((s: AsmState) => {
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
  }, [figure]);

  return (
    <figure className="plot-cell asm-cell" aria-label={ASM_FIGURES[figure].label}>
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
      <Exports figure={figure} />
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
