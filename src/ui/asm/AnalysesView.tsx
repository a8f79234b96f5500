/**
 * The analyses of the trained network (Figs 1c–f, 2b, 2e–f, 4): each a plot with its data as
 * CSV/JSON and the plot as PNG/SVG (the plot's toolbar). The headline statistics sit on top
 * with their exact values in data-value.
 */
import { useState } from 'react';
import { useAsm } from './hooks';
import { Slot } from './AsmPlotGrid';
import { ask } from './actions';
import { fmt, fmtP } from './figures';

interface Stat {
  id: string;
  label: string;
  value: number | null;
  p?: boolean;
  title: string;
}

function StatStrip() {
  const a = useAsm((s) => s.analysis);
  const running = useAsm((s) => s.progress.status === 'running');
  if (!a)
    return (
      <p className="asm-note" data-testid="asm-analyses-pending">
        {running
          ? 'The analyses appear when the run ends.'
          : 'Run to the end (Run in the toolbar) to see the analyses of the trained network.'}
      </p>
    );
  const pb = a.perturbation.after;
  const stats: Stat[] = [
    {
      id: 'r_output_rs',
      label: 'r(out, RS)',
      value: a.output.c.r,
      title: 'Pearson r of output weight and response similarity (Fig 1e)',
    },
    { id: 'p_output_rs', label: 'p', value: a.output.c.p, p: true, title: 'p of r(out, RS)' },
    {
      id: 'r_input_rs',
      label: 'r(in, RS)',
      value: a.input.c.r,
      title: 'Pearson r of input weight and response similarity (Fig 1e)',
    },
    { id: 'p_input_rs', label: 'p', value: a.input.c.p, p: true, title: 'p of r(in, RS)' },
    {
      id: 'r_input_output',
      label: 'r(in, out)',
      value: a.reciprocal.c.r,
      title: 'Pearson r of input and output weights of reciprocal pairs',
    },
    {
      id: 'mw_U',
      label: 'PV skew U',
      value: a.selectivity.U,
      title: 'Mann–Whitney U of PV selectivity before vs after (Figs 1c, 2b)',
    },
    {
      id: 'mw_p',
      label: 'p',
      value: a.selectivity.p,
      p: true,
      title: 'p of the Mann–Whitney test',
    },
    {
      id: 'r_outweight_influence',
      label: 'r(w_out, infl.)',
      value: pb ? pb.outWeightVsInfluence.r : null,
      title: 'Total E→I weight vs mean influence of the perturbed cells (Fig 4e)',
    },
    {
      id: 'expected_R2_before',
      label: 'E[R²] before',
      value: a.expectedR2.before,
      title: 'Mean squared Pyr–Pyr RF correlation before learning (Fig 4)',
    },
    {
      id: 'expected_R2_after',
      label: 'E[R²] after',
      value: a.expectedR2.after,
      title: 'Mean squared Pyr–Pyr RF correlation after learning (Fig 4)',
    },
  ];
  return (
    <div className="asm-stats" role="group" aria-label="Analysis statistics">
      {stats.map((s) => (
        <div key={s.id} className="num" title={s.title}>
          <span className="num-label">{s.label}</span>
          <span
            className="num-value"
            data-testid={`asm-stat-${s.id}`}
            data-value={s.value === null ? '' : String(s.value)}
          >
            {s.value === null ? '—' : s.p ? fmtP(s.value) : fmt(s.value)}
          </span>
        </div>
      ))}
    </div>
  );
}

function TuningPicker() {
  const t = useAsm((s) => s.tuning);
  const nE = useAsm((s) => s.shape?.nE ?? 0);
  const ready = useAsm((s) => s.analysis !== null);
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? (t ? String(t.cell) : '');
  const n = Number(shown);
  const valid = shown.trim() !== '' && Number.isInteger(n) && n >= 0 && n < nE;
  const go = (cell: number) => {
    setText(String(cell));
    void ask({ type: 'tuning', cell });
  };
  return (
    <div className="asm-controls" role="group" aria-label="Pyr cell of the current tuning">
      <label htmlFor="asm-tuning-cell">Current tuning (Fig 1f) of Pyr cell</label>
      <input
        id="asm-tuning-cell"
        type="text"
        inputMode="numeric"
        className="asm-num-input"
        value={shown}
        disabled={!ready}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && valid) go(n);
        }}
        aria-invalid={shown !== '' && !valid ? true : undefined}
        data-testid="asm-tuning-cell"
      />
      <button
        type="button"
        className="btn btn-small"
        disabled={!ready || !valid}
        onClick={() => go(n)}
        data-testid="asm-tuning-show"
      >
        Show
      </button>
      <button
        type="button"
        className="btn btn-small"
        disabled={!ready || !t}
        onClick={() => t && go((t.cell + 1) % nE)}
        title="The next Pyr cell"
      >
        Next ›
      </button>
      {nE > 0 && <span className="muted">0…{nE - 1}</span>}
    </div>
  );
}

export function AnalysesView() {
  return (
    <div className="asm-view">
      <StatStrip />
      <div className="plot-grid asm-scroll" data-testid="asm-analyses">
        <Slot figure="asm-rs-output" />
        <Slot figure="asm-rs-input" />
        <Slot figure="asm-in-out" />
        <Slot figure="asm-selectivity" />
        <Slot figure="asm-sampling" wide />
        <div className="plot-slot wide asm-slot-with-controls">
          <TuningPicker />
          <Slot figure="asm-tuning" wide />
        </div>
        <Slot figure="asm-pairs" wide />
        <Slot figure="asm-perturb-binned" />
        <Slot figure="asm-perturb-outweight" />
      </div>
    </div>
  );
}
