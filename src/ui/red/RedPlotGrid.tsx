/**
 * The reduced model's plot area: the view tabs and the figures of each view.
 */
import { redStore } from '../../state/redStore';
import { storePlotGrid } from '../plots/StorePlotGrid';
import { RED_FIGURES } from './figures';

const LAYOUTS = {
  overview: [
    { figure: 'red-corr', wide: true },
    { figure: 'red-eig', wide: true },
  ],
  sweep: [{ figure: 'red-sweep', wide: true }],
  clustering: [
    { figure: 'red-cluster', wide: true },
    { figure: 'red-corr', wide: true },
  ],
} as const;

export const RedPlotGrid = storePlotGrid('reduced', 'red-', redStore, RED_FIGURES, LAYOUTS);
