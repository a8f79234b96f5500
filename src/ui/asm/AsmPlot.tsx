/**
 * One figure of the assemblies lab (figures.ts), drawn from the assemblies store (StorePlot).
 */
import { asmStore } from '../../state/asmStore';
import { appStore } from '../../state/store';
import { StorePlot, type PlotPoint } from '../plots/StorePlot';
import { ASM_FIGURES, type AsmFigureId } from './figures';

export type { PlotPoint } from '../plots/StorePlot';

function stem(figure: string): string {
  const s = appStore.getState();
  return `eilab-assemblies-seed${s.seed}-${figure.replace(/^asm-/, '')}`;
}

export function AsmPlot({
  figure,
  onPoint,
}: {
  figure: AsmFigureId;
  onPoint?: (p: PlotPoint) => void;
}) {
  return (
    <StorePlot
      store={asmStore}
      figures={ASM_FIGURES}
      figure={figure}
      stem={stem}
      onPoint={onPoint}
    />
  );
}
