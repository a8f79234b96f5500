/**
 * A Plotly figure fed from the store by `subscribe` (never by React renders): a change of the
 * figure's watched state asks the shared plot loop (scheduler.ts) for a redraw with
 * `Plotly.react`. The element carries data-points / data-rev / data-ms for tests.
 */
import { useEffect, useRef, useState } from 'react';
import { appStore, type AppState } from '../../state/store';
import { countPoints, loadPlotly, plotConfig, type PlotlyApi } from './plotly';
import { FIGURES, type FigureId } from './figures';
import { cancelDraw, requestDraw } from './scheduler';

interface Props {
  figure: FigureId;
}

export function LivePlot({ figure }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const div = ref.current;
    if (!div) return;
    const { build, watch } = FIGURES[figure];
    const owner = {};
    let P: PlotlyApi | null = null;
    let config: ReturnType<typeof plotConfig> | null = null;
    let disposed = false;
    let drawn = false;
    let rev = 0;

    const draw = () => {
      if (!P || !config || disposed) return;
      const t0 = performance.now();
      try {
        const fig = build(appStore.getState());
        rev++;
        void P.react(div, fig.data, { ...fig.layout, datarevision: rev }, config);
        drawn = true;
        div.dataset.points = String(countPoints(fig.data));
        div.dataset.rev = String(rev);
        div.dataset.ms = (performance.now() - t0).toFixed(1);
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
        config = plotConfig(p, `eilab-${figure}`);
        draw();
        setReady(true);
      },
      (e: unknown) =>
        setFailure(
          `the plotting library did not load (${e instanceof Error ? e.message : String(e)})`,
        ),
    );

    let watched = watch(appStore.getState());
    const unsub = appStore.subscribe((s: AppState) => {
      const w = watch(s);
      if (w === watched) return;
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
    <figure className="plot-cell" aria-label={FIGURES[figure].label}>
      <div ref={ref} className="plot" data-testid={`plot-${figure}`} />
      {!ready && !failure && <div className="plot-loading">Loading plot…</div>}
      {failure && (
        <div className="plot-failure" role="alert">
          This plot could not be drawn: {failure}
        </div>
      )}
    </figure>
  );
}
