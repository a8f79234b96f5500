/**
 * One figure of the co-tuning lab (figures.ts), drawn from the co-tuning store (StorePlot).
 */
import { cotStore } from '../../state/cotStore';
import { appStore } from '../../state/store';
import { StorePlot } from '../plots/StorePlot';
import { COT_FIGURES, type CotFigureId } from './figures';

function stem(figure: string): string {
  return `eilab-cotuning-seed${appStore.getState().seed}-${figure.replace(/^cot-/, '')}`;
}

export function CotPlot({ figure }: { figure: CotFigureId }) {
  return <StorePlot store={cotStore} figures={COT_FIGURES} figure={figure} stem={stem} />;
}
