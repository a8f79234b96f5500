/**
 * The reduced model's plot area: the view tabs and the figures of each view.
 */
import { redStore } from '../../state/redStore';
import { appStore } from '../../state/store';
import { useApp } from '../hooks';
import { ErrorBoundary } from '../ErrorBoundary';
import { gridRows, Tabs } from '../PlotGrid';
import { StorePlot } from '../plots/StorePlot';
import { RED_FIGURES, type RedFigureId } from './figures';

const LAYOUTS: Record<string, { figure: RedFigureId; wide?: boolean }[]> = {
  overview: [
    { figure: 'red-corr', wide: true },
    { figure: 'red-eig', wide: true },
  ],
  sweep: [{ figure: 'red-sweep', wide: true }],
  clustering: [
    { figure: 'red-cluster', wide: true },
    { figure: 'red-corr', wide: true },
  ],
};

const stem = (figure: string) =>
  `eilab-reduced-seed${appStore.getState().seed}-${figure.replace(/^red-/, '')}`;

export function RedPlotGrid() {
  const view = useApp((s) => s.view);
  const cells = LAYOUTS[view] ?? LAYOUTS.overview;
  return (
    <>
      <Tabs />
      <div
        id="plot-panel"
        tabIndex={-1}
        className="plot-grid"
        role="tabpanel"
        aria-labelledby={`tab-${view}`}
        style={{ gridTemplateRows: `repeat(${gridRows(cells)}, minmax(0, 1fr))` }}
      >
        {cells.map((c) => (
          <div key={`${view}-${c.figure}`} className={`plot-slot${c.wide ? ' wide' : ''}`}>
            <ErrorBoundary label={`the ${c.figure.replace(/^red-/, '')} plot`}>
              <StorePlot store={redStore} figures={RED_FIGURES} figure={c.figure} stem={stem} />
            </ErrorBoundary>
          </div>
        ))}
      </div>
    </>
  );
}
