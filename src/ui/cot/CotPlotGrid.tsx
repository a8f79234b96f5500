/**
 * The co-tuning lab's plot area: the view tabs (the view is part of the share link) and the
 * views — co-tuning forming in the read-out (D, B, weights, rate; live), the network's activity
 * in the measurement window (raster, currents), the tuning test with the correlations, and
 * the sweep (Fig 2) and ABC (Fig 3c) when the parameters ask for them.
 */
import { useApp } from '../hooks';
import { ErrorBoundary } from '../ErrorBoundary';
import { gridRows, Tabs } from '../PlotGrid';
import { CotPlot } from './CotPlot';
import type { CotFigureId } from './figures';

const LAYOUTS: Record<string, { figure: CotFigureId; wide?: boolean }[]> = {
  overview: [
    { figure: 'cot-db' },
    { figure: 'cot-weights' },
    { figure: 'cot-wevolution' },
    { figure: 'cot-rate' },
  ],
  activity: [
    { figure: 'cot-raster', wide: true },
    { figure: 'cot-currents', wide: true },
  ],
  tuning: [{ figure: 'cot-tuning' }, { figure: 'cot-corr' }, { figure: 'cot-weights', wide: true }],
  study: [
    { figure: 'cot-sweep', wide: true },
    { figure: 'cot-abc' },
    { figure: 'cot-abc-particles' },
  ],
};

export function CotPlotGrid() {
  const view = useApp((s) => s.view);
  const cells = LAYOUTS[view] ?? LAYOUTS.overview;
  const rows = gridRows(cells);
  return (
    <>
      <Tabs />
      <div
        id="plot-panel"
        tabIndex={-1}
        className="plot-grid"
        role="tabpanel"
        aria-labelledby={`tab-${view}`}
        style={{ gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))` }}
      >
        {cells.map((c) => (
          <div key={`${view}-${c.figure}`} className={`plot-slot${c.wide ? ' wide' : ''}`}>
            <ErrorBoundary label={`the ${c.figure.replace(/^cot-/, '')} plot`}>
              <CotPlot figure={c.figure} />
            </ErrorBoundary>
          </div>
        ))}
      </div>
    </>
  );
}
