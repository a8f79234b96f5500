/**
 * The assemblies lab's plot area: the view tabs (shared with the ISN lab; the view is part of
 * the share link) and the views: live training, the analyses after training, single-cell
 * perturbation, the stimulus explorer and the side-by-side comparison of conditions.
 */
import { useApp } from '../hooks';
import { ErrorBoundary } from '../ErrorBoundary';
import { Tabs } from '../PlotGrid';
import { AsmPlot } from './AsmPlot';
import { TrainingView } from './TrainingView';
import { AnalysesView } from './AnalysesView';
import { PerturbView } from './PerturbView';
import { ExploreView } from './ExploreView';
import { CompareView } from './CompareView';
import type { AsmFigureId } from './figures';
import type { PlotPoint } from './AsmPlot';

/** A plot in a grid cell (`wide` spans both columns), guarded by an error boundary. */
export function Slot({
  figure,
  wide,
  onPoint,
}: {
  figure: AsmFigureId;
  wide?: boolean;
  onPoint?: (p: PlotPoint) => void;
}) {
  return (
    <div className={`plot-slot${wide ? ' wide' : ''}`}>
      <ErrorBoundary label={`the ${figure.replace(/^asm-/, '')} plot`}>
        <AsmPlot figure={figure} onPoint={onPoint} />
      </ErrorBoundary>
    </div>
  );
}

export function AsmPlotGrid() {
  const view = useApp((s) => s.view);
  let body;
  switch (view) {
    case 'analyses':
      body = <AnalysesView />;
      break;
    case 'perturb':
      body = <PerturbView />;
      break;
    case 'explore':
      body = <ExploreView />;
      break;
    case 'compare':
      body = <CompareView />;
      break;
    default:
      body = <TrainingView />;
  }
  return (
    <>
      <Tabs />
      <div
        id="plot-panel"
        tabIndex={-1}
        className="asm-panel"
        role="tabpanel"
        aria-labelledby={`tab-${view}`}
        data-testid={`asm-view-${view}`}
      >
        {body}
      </div>
    </>
  );
}
