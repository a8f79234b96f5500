/**
 * The assemblies lab's results row: progress through the stages of a run (measuring the initial
 * network, passes, analysing the trained one), the latest numbers with exact values in
 * data-value, and the exports of the run (summary JSON, CSVs).
 */
import { useEffect, useRef, useState } from 'react';
import { asmRunner } from '../../app/instance';
import type { AsmExportKind } from '../../app/asmProtocol';
import { useAsm } from './hooks';
import { download } from '../download';
import { fmt, median } from './figures';

const STAGES: Record<string, string> = {
  idle: 'Ready',
  before: 'Measuring',
  train: 'Training',
  after: 'Analysing',
  done: 'Done',
};

const STAGE_TITLES: Record<string, string> = {
  before: 'Measuring the initial network: responses, synapses, sampling and perturbation',
  train: 'Training: passes over all stimuli',
  after: 'Analysing the trained network: responses, synapses, sampling and perturbation',
};

function AsmProgress() {
  const p = useAsm((s) => s.progress);
  const words: Record<string, string> = {
    idle: 'Ready',
    running: STAGES[p.stage] ?? 'Running',
    paused: 'Paused',
    done: 'Done',
    error: 'Stopped',
  };
  const within = p.stage === 'before' || p.stage === 'after';
  const frac =
    p.passes > 0
      ? Math.min(1, (p.pass + (p.stage === 'train' ? p.frac : 0)) / p.passes)
      : p.status === 'done'
        ? 1
        : 0;
  return (
    <div
      className="progress"
      data-testid="progress"
      data-status={p.status}
      data-trial={p.pass}
      data-stage={p.stage}
      title={STAGE_TITLES[p.stage]}
    >
      <div className="progress-text" aria-live="polite">
        <span className={`status-dot status-${p.status}`} aria-hidden="true" />
        <span>
          {words[p.status]} · pass {p.pass}/{p.passes}
          {within && p.status === 'running' ? ` · ${Math.round(100 * p.frac)}%` : ''}
        </span>
        {p.speed !== null && p.status === 'running' && p.stage === 'train' && (
          <span className="muted">
            {' '}
            · {p.speed >= 10 ? Math.round(p.speed) : p.speed.toFixed(2)} passes/s
          </span>
        )}
      </div>
      <div
        className="progress-bar"
        role="progressbar"
        aria-label="Passes completed"
        aria-valuemin={0}
        aria-valuemax={p.passes}
        aria-valuenow={p.pass}
      >
        <div className="progress-fill" style={{ width: `${(frac * 100).toFixed(2)}%` }} />
      </div>
    </div>
  );
}

function Num({
  id,
  label,
  value,
  unit,
  title,
}: {
  id: string;
  label: string;
  value: number | null;
  unit?: string;
  title?: string;
}) {
  return (
    <div className="num" title={title}>
      <span className="num-label">{label}</span>
      <span
        className="num-value"
        data-testid={`result-asm-${id}`}
        data-value={value === null ? '' : String(value)}
      >
        {value === null || !Number.isFinite(value) ? '—' : fmt(value, 4)}
        {unit && value !== null ? <span className="num-unit"> {unit}</span> : null}
      </span>
    </div>
  );
}

const EXPORTS: { kind: AsmExportKind; label: string; title: string }[] = [
  {
    kind: 'summary',
    label: 'Summary (JSON)',
    title:
      'The summary keys (correlations, selectivity, sampling, perturbation) and all parameters',
  },
  { kind: 'history', label: 'History (CSV)', title: 'One row per pass: loss, convergence, angles' },
  {
    kind: 'synapses',
    label: 'Synapses (CSV)',
    title: 'Every detectable synapse after learning: weight and response similarity (Fig 1e)',
  },
  {
    kind: 'selectivity',
    label: 'Selectivity (CSV)',
    title: 'Skewness of every cell before and after learning (Figs 1c, 2b)',
  },
  {
    kind: 'perturbation',
    label: 'Perturbation (CSV)',
    title: 'Binned influence vs RF correlation before and after (Fig 4d)',
  },
];

function ExportMenu() {
  const hasRun = useAsm((s) => s.history.length > 0 || s.analysis !== null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const menuRef = useRef<HTMLDetailsElement>(null);

  useEffect(() => {
    const close = (e: Event) => {
      const m = menuRef.current;
      if (!m?.open) return;
      if (
        e.type === 'keydown' ? (e as KeyboardEvent).key === 'Escape' : !m.contains(e.target as Node)
      )
        m.open = false;
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);

  const doExport = async (kind: AsmExportKind) => {
    setBusy(true);
    setMsg(null);
    try {
      const f = await asmRunner.exportFile(kind);
      if (f) {
        download(f.filename, f.mime, f.text);
        if (menuRef.current) menuRef.current.open = false;
      } else
        setMsg(
          kind === 'history'
            ? 'Train at least one pass first.'
            : 'Run to the end first: this export needs the analyses of the trained network.',
        );
    } catch (e) {
      setMsg(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="exports" ref={menuRef}>
      <summary className="btn btn-small" data-testid="export-menu">
        Export ▾
      </summary>
      <div className="export-menu" role="group" aria-label="Export results">
        {EXPORTS.map((e) => (
          <button
            key={e.kind}
            type="button"
            className="export-item"
            disabled={!hasRun || busy}
            onClick={() => void doExport(e.kind)}
            data-testid={`export-${e.kind}`}
          >
            <span className="export-label">{e.label}</span>
            <span className="export-desc">{e.title}</span>
          </button>
        ))}
        {!hasRun && <p className="muted export-note">Run at least one pass to export.</p>}
        {msg && <p className="export-msg">{msg}</p>}
      </div>
    </details>
  );
}

export function AsmResults() {
  const last = useAsm((s) => (s.history.length ? s.history[s.history.length - 1] : null));
  const snap = useAsm((s) =>
    s.selectivity.length ? s.selectivity[s.selectivity.length - 1] : null,
  );
  const a = useAsm((s) => s.analysis);
  const runError = useAsm((s) => s.progress.runError);
  return (
    <div className="results" data-testid="results" aria-label="Results of the run" role="region">
      <AsmProgress />
      <div className="nums">
        <Num
          id="loss"
          label="Loss"
          value={last ? last.loss : null}
          title="Mean (h_E − ρ0)² over the converged stimuli of the last pass"
        />
        <Num
          id="converged"
          label="Converged"
          value={last ? 100 * last.convergedFraction : null}
          unit="%"
          title="Stimuli whose steady state converged in the last pass"
        />
        <Num
          id="steps"
          label="Euler steps"
          value={last ? last.stepsMean : null}
          title="Mean Euler steps to the steady state in the last pass"
        />
        <Num
          id="pv_skew"
          label="PV skew"
          value={snap ? median(snap.I) : null}
          title={
            snap
              ? `Median PV selectivity (eq 6) after pass ${snap.pass}`
              : 'Median PV selectivity (eq 6)'
          }
        />
        {a && (
          <>
            <Num
              id="r_output"
              label="r(out, RS)"
              value={a.output.c.r}
              title="Output weight vs response similarity (Fig 1e)"
            />
            <Num
              id="r_input"
              label="r(in, RS)"
              value={a.input.c.r}
              title="Input weight vs response similarity (Fig 1e)"
            />
          </>
        )}
      </div>
      {runError && (
        <span className="asm-run-error" role="alert" data-testid="run-error">
          {runError}
        </span>
      )}
      <ExportMenu />
    </div>
  );
}
