/**
 * The plot area: view tabs (part of the share link) and a grid of live plots per view.
 */
import { useRef, type ReactNode } from 'react';
import { appStore, viewsOf, type IsnViewId } from '../state/store';
import { ASM_LAB_ID } from '../state/asmViews';
import { useApp } from './hooks';
import { ErrorBoundary } from './ErrorBoundary';
import { LivePlot } from './plots/LivePlot';
import type { FigureId } from './plots/figures';
import { AsmPlotGrid } from './asm/AsmPlotGrid';
import { CotPlotGrid } from './cot/CotPlotGrid';
import { COT_LAB_ID } from '../state/cotStore';
import { RED_LAB_ID } from '../state/redStore';
import { RedPlotGrid } from './red/RedPlotGrid';
import { StpPlotGrid } from './red/StpView';
import { STP_LAB_ID } from '../state/stpStore';
import { COBA_LAB_ID } from '../state/cobaStore';
import { CobaPlotGrid } from './coba/CobaView';

/** Plots of each view of the ISN lab; `wide` spans both columns. */
const LAYOUTS: Record<IsnViewId, { figure: FigureId; wide?: boolean }[]> = {
  overview: [
    { figure: 'rates' },
    { figure: 'setpoints' },
    { figure: 'weights' },
    { figure: 'plane' },
  ],
  trial: [
    { figure: 'rates', wide: true },
    { figure: 'currents', wide: true },
    { figure: 'currentsI', wide: true },
  ],
  learning: [{ figure: 'setpoints' }, { figure: 'weights' }, { figure: 'plane', wide: true }],
  stability: [
    { figure: 'stability', wide: true },
    { figure: 'plane', wide: true },
  ],
  units: [{ figure: 'units', wide: true }, { figure: 'setpoints' }, { figure: 'weights' }],
};

/** The view tabs of the lab being shown. */
export function Tabs() {
  const view = useApp((s) => s.view);
  const labId = useApp((s) => s.labId);
  const VIEWS = viewsOf(labId);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  return (
    <div className="tabs" role="tablist" aria-label="Plot views">
      {VIEWS.map((v, k) => (
        <button
          key={v.id}
          ref={(el) => {
            refs.current[k] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${v.id}`}
          aria-selected={view === v.id}
          aria-controls="plot-panel"
          tabIndex={view === v.id ? 0 : -1}
          className={view === v.id ? 'active' : ''}
          onClick={() => appStore.getState().setView(v.id)}
          onKeyDown={(e) => {
            const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
            if (!d && e.key !== 'Home' && e.key !== 'End') return;
            e.preventDefault();
            const next =
              e.key === 'Home'
                ? 0
                : e.key === 'End'
                  ? VIEWS.length - 1
                  : (k + d + VIEWS.length) % VIEWS.length;
            appStore.getState().setView(VIEWS[next].id);
            refs.current[next]?.focus();
          }}
          data-testid={`tab-${v.id}`}
        >
          {v.label}
        </button>
      ))}
    </div>
  );
}

/** Rows of a two-column grid of cells, `wide` ones spanning both columns. */
export function gridRows(cells: readonly { wide?: boolean }[]): number {
  let rows = 0;
  let col = 0;
  for (const c of cells) {
    if (c.wide) {
      rows++;
      col = 0;
    } else if (col === 0) {
      rows++;
      col = 1;
    } else col = 0;
  }
  return rows;
}

export function PlotGrid() {
  const labId = useApp((s) => s.labId);
  if (labId === ASM_LAB_ID) return <AsmPlotGrid />;
  if (labId === COT_LAB_ID) return <CotPlotGrid />;
  if (labId === RED_LAB_ID) return <RedPlotGrid />;
  if (labId === STP_LAB_ID) return <StpPlotGrid />;
  if (labId === COBA_LAB_ID) return <CobaPlotGrid />;
  return <IsnPlotGrid />;
}

/**
 * The view tabs and the grid of a view's cells (`wide` ones span both columns), each plot
 * behind an error boundary named after it (the figure id without the lab's `prefix`).
 */
export function ViewGrid<F extends string>({
  cells,
  plot,
  prefix = '',
}: {
  cells: readonly { figure: F; wide?: boolean }[];
  plot: (figure: F) => ReactNode;
  prefix?: string;
}) {
  const view = useApp((s) => s.view);
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
            <ErrorBoundary label={`the ${c.figure.slice(prefix.length)} plot`}>
              {plot(c.figure)}
            </ErrorBoundary>
          </div>
        ))}
      </div>
    </>
  );
}

function IsnPlotGrid() {
  const view = useApp((s) => s.view);
  const cells = LAYOUTS[view as IsnViewId] ?? LAYOUTS.overview;
  return <ViewGrid cells={cells} plot={(f) => <LivePlot figure={f} />} />;
}
