/**
 * Perturbation (Fig 4): click a Pyr cell on its preferred-stimulus grid to add perturb_delta to
 * its input and see its influence on every other Pyr cell; or run the perturbation experiment
 * (perturb_cells cells at random) on the network as it is now.
 */
import { useState } from 'react';
import { useApp } from '../hooks';
import { useAsm } from './hooks';
import { Slot } from './AsmPlotGrid';
import { ask } from './actions';
import { cellAt } from './figures';
import type { PlotPoint } from './AsmPlot';
import { asmStore } from '../../state/asmStore';

export function Busy() {
  const busy = useAsm((s) => s.busy);
  if (!busy) return null;
  const pct = busy.total > 0 ? Math.round((100 * busy.done) / busy.total) : 0;
  return (
    <span className="asm-busy" role="status" data-testid="asm-busy">
      <span className="status-dot status-running" aria-hidden="true" /> {busy.what}
      {busy.total > 1 ? ` · ${pct}%` : '…'}
    </span>
  );
}

export function PerturbView() {
  const nE = useAsm((s) => s.shape?.nE ?? 0);
  const A = useAsm((s) => s.shape?.eAxis ?? 0);
  const probe = useAsm((s) => s.probe);
  const pass = useAsm((s) => s.progress.pass);
  const busy = useAsm((s) => s.busy !== null);
  const nRandom = useApp((s) => Math.min(Number(s.values.perturb_cells), nE));
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? (probe ? String(probe.cell) : '0');
  const n = Number(shown);
  const valid = shown.trim() !== '' && Number.isInteger(n) && n >= 0 && n < nE;
  const perturb = (cell: number) => {
    setText(String(cell));
    void ask({ type: 'perturbCell', cell });
  };
  const onMap = (p: PlotPoint) => {
    if (p.curve !== 0) return;
    const c = cellAt(p.x, p.y, asmStore.getState().shape?.eAxis ?? A);
    if (c !== null) perturb(c);
  };
  return (
    <div className="asm-view">
      <div className="asm-controls" role="group" aria-label="Perturbation">
        <label htmlFor="asm-perturb-cell">Perturb Pyr cell</label>
        <input
          id="asm-perturb-cell"
          type="text"
          inputMode="numeric"
          className="asm-num-input"
          value={shown}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && valid) perturb(n);
          }}
          aria-invalid={!valid ? true : undefined}
          data-testid="asm-perturb-cell"
        />
        <button
          type="button"
          className="btn btn-small"
          disabled={!valid || nE === 0}
          onClick={() => perturb(n)}
          data-testid="asm-perturb-go"
        >
          Perturb
        </button>
        <span className="toolbar-sep" aria-hidden="true" />
        <button
          type="button"
          className="btn btn-small"
          disabled={nRandom < 1 || busy}
          onClick={() => void ask({ type: 'perturbRandom' })}
          data-testid="asm-perturb-random"
          title="The perturbation experiment of Fig 4 on the network as it is now (set the number in Perturbed Pyr cells)"
        >
          Perturb {nRandom} at random
        </button>
        <span className="muted">network after {pass} passes</span>
        <Busy />
      </div>
      <div className="plot-grid asm-grid-fixed">
        <Slot figure="asm-cellmap" onPoint={onMap} />
        <Slot figure="asm-probe-rf" />
        <Slot figure="asm-random-binned" />
        <Slot figure="asm-random-outweight" />
      </div>
    </div>
  );
}
