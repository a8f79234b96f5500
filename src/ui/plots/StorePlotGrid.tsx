/**
 * The plot area of a lab whose figures draw from a store of its own (co-tuning, reduced model,
 * paired pulses, COBA): the view tabs and the grid of the view's figures (PlotGrid's ViewGrid),
 * each a StorePlot whose exports are named eilab-<lab>-seed<seed>-<figure>.
 */
import type { StoreApi } from 'zustand/vanilla';
import { appStore } from '../../state/store';
import { useApp } from '../hooks';
import { ViewGrid } from '../PlotGrid';
import { StorePlot, type StoreFigure } from './StorePlot';

export interface GridCell<F extends string> {
  figure: F;
  wide?: boolean;
}

/**
 * The plot area of `lab`: figures `figures` (ids starting with `prefix`) drawn from `store`,
 * laid out per view by `layouts` (`overview` for a view without an entry).
 */
export function storePlotGrid<S, F extends string>(
  lab: string,
  prefix: string,
  store: StoreApi<S>,
  figures: Record<F, StoreFigure<S>>,
  layouts: Record<string, readonly GridCell<F>[]> & { overview: readonly GridCell<F>[] },
): () => React.JSX.Element {
  const stem = (figure: string) =>
    `eilab-${lab}-seed${appStore.getState().seed}-${figure.slice(prefix.length)}`;
  return function LabPlotGrid() {
    const view = useApp((s) => s.view);
    return (
      <ViewGrid
        cells={layouts[view] ?? layouts.overview}
        prefix={prefix}
        plot={(f) => <StorePlot store={store} figures={figures} figure={f} stem={stem} />}
      />
    );
  };
}
