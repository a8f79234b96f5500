/**
 * The co-tuning lab's plot area: the view tabs (the view is part of the share link) and the
 * views — co-tuning forming in the read-out (D, B, weights, rate; live), the network's activity
 * in the measurement window (raster, currents), the tuning test with the correlations and
 * Appendix B's convergence check, and
 * the sweep (Fig 2) and ABC (Fig 3c) when the parameters ask for them.
 */
import { cotStore } from '../../state/cotStore';
import { storePlotGrid } from '../plots/StorePlotGrid';
import { COT_FIGURES } from './figures';

const LAYOUTS = {
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
  tuning: [
    { figure: 'cot-tuning' },
    { figure: 'cot-corr' },
    { figure: 'cot-weights' },
    { figure: 'cot-convergence' },
  ],
  study: [
    { figure: 'cot-sweep', wide: true },
    { figure: 'cot-abc' },
    { figure: 'cot-abc-particles' },
  ],
} as const;

export const CotPlotGrid = storePlotGrid('cotuning', 'cot-', cotStore, COT_FIGURES, LAYOUTS);
