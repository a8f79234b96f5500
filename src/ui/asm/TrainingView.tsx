/**
 * Live training: loss per pass, convergence and Euler steps, PV selectivity (measured every few
 * passes), the plastic weight matrices sorted by preferred stimulus and the angle between the
 * gradient and the local update. A click on a Pyr cell of a weight matrix perturbs that cell.
 */
import { asmStore } from '../../state/asmStore';
import { Slot } from './AsmPlotGrid';
import { perturbCell } from './actions';
import type { PlotPoint } from './AsmPlot';

function pyrAt(index: number): number | null {
  const w = asmStore.getState().weights;
  const k = Math.round(index);
  if (!w || k < 0 || k >= w.pyrOrder.length) return null;
  return w.pyrOrder[k];
}

export function TrainingView() {
  const onEI = (p: PlotPoint) => {
    const c = pyrAt(p.y);
    if (c !== null) perturbCell(c);
  };
  const onIE = (p: PlotPoint) => {
    const c = pyrAt(p.x);
    if (c !== null) perturbCell(c);
  };
  return (
    <div className="plot-grid asm-grid-fixed">
      <Slot figure="asm-loss" />
      <Slot figure="asm-convergence" />
      <Slot figure="asm-selectivity-live" />
      <Slot figure="asm-angles" />
      <Slot figure="asm-wei" onPoint={onEI} />
      <Slot figure="asm-wie" onPoint={onIE} />
    </div>
  );
}
