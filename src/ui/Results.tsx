/**
 * The headline numbers of the run (network 1: running averages and weights after the last
 * trial) with exact values in data-value for tests, and the exports (JSON summary, CSVs) as
 * downloads made in the page (Blob + object URL; nothing leaves the browser).
 */
import { useEffect, useRef, useState } from 'react';
import { runner } from '../app/instance';
import type { ExportKind } from '../app/runner';
import { useApp } from './hooks';
import { Progress } from './Toolbar';
import { AsmResults } from './asm/AsmResults';
import { useIsAsm, useIsCoba, useIsCot, useIsRed, useIsStp } from './asm/useRun';
import { CobaResults } from './coba/CobaView';
import { StpResults } from './red/StpView';
import { RedResults } from './red/RedResults';
import { CotResults } from './cot/CotResults';
import { download } from './download';

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return x.toPrecision(4);
}

interface NumProps {
  id: string;
  label: string;
  value: number | null;
  unit?: string;
  title?: string;
  /** a count: all its digits, in groups of three */
  integer?: boolean;
}

export function Num({ id, label, value, unit, title, integer }: NumProps) {
  // a value that is not a number (e.g. B of weights that do not vary) shows as "n/a",
  // never as "NaN"; data-value keeps it for tests
  if (value !== null && !Number.isFinite(value))
    return (
      <div className="num" title={`${title ?? label}: not defined for this run (${value})`}>
        <span className="num-label">{label}</span>
        <span className="num-value" data-testid={`result-${id}`} data-value={String(value)}>
          n/a
        </span>
      </div>
    );
  return (
    <div className="num" title={title}>
      <span className="num-label">{label}</span>
      <span
        className="num-value"
        data-testid={`result-${id}`}
        data-value={value === null ? '' : String(value)}
      >
        {value === null ? '—' : integer ? value.toLocaleString('en-US') : fmt(value)}
        {unit && value !== null ? <span className="num-unit"> {unit}</span> : null}
      </span>
    </div>
  );
}

const EXPORTS: { kind: ExportKind; label: string; title: string }[] = [
  {
    kind: 'json',
    label: 'Summary (JSON)',
    title: 'Final rates and weights, convergence, analytics, all parameters',
  },
  {
    kind: 'history',
    label: 'History (CSV)',
    title: 'One row per trial and network: running averages, window means, weights',
  },
  {
    kind: 'monitor',
    label: 'Last trial trace (CSV)',
    title: 'E and I rates and the inputs onto E within the last trial (network 1)',
  },
  {
    kind: 'units',
    label: 'Units (CSV)',
    title: 'Per-unit averages and incoming weights (network 1)',
  },
];

function ExportMenu() {
  const multi = useApp((s) => s.live.shape?.multi ?? false);
  const hasRun = useApp((s) => s.trial > 0);
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

  const doExport = async (kind: ExportKind) => {
    setBusy(true);
    setMsg(null);
    try {
      const f = await runner.exportFile(kind);
      if (f) {
        download(f.filename, f.mime, f.text);
        if (menuRef.current) menuRef.current.open = false;
      } else setMsg('Run at least one trial first.');
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
        {EXPORTS.filter((e) => e.kind !== 'units' || multi).map((e) => (
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
        {!hasRun && <p className="muted export-note">Run at least one trial to export.</p>}
        {msg && <p className="export-msg">{msg}</p>}
      </div>
    </details>
  );
}

export function Results() {
  const asm = useIsAsm();
  const cot = useIsCot();
  const red = useIsRed();
  const stp = useIsStp();
  const coba = useIsCoba();
  if (red) return <RedResults />;
  if (coba) return <CobaResults />;
  if (stp) return <StpResults />;
  return cot ? <CotResults /> : asm ? <AsmResults /> : <IsnResults />;
}

function IsnResults() {
  const n = useApp((s) => s.numbers);
  const multi = useApp((s) => s.live.shape?.multi ?? false);
  const wTitle = multi
    ? 'Effective weight: class mean × presynaptic partners (network 1)'
    : 'Weight after the last trial (network 1)';
  return (
    <div className="results" data-testid="results" aria-label="Results of the run" role="region">
      <Progress />
      <div className="nums">
        <Num
          id="E"
          label="E"
          value={n ? n.E : null}
          unit="Hz"
          title="Running trial average of E (network 1)"
        />
        <Num
          id="I"
          label="I"
          value={n ? n.I : null}
          unit="Hz"
          title="Running trial average of I (network 1)"
        />
        <Num id="WEE" label="W_EE" value={n ? n.W.EE : null} title={wTitle} />
        <Num id="WEI" label="W_EI" value={n ? n.W.EI : null} title={wTitle} />
        <Num id="WIE" label="W_IE" value={n ? n.W.IE : null} title={wTitle} />
        <Num id="WII" label="W_II" value={n ? n.W.II : null} title={wTitle} />
        {n && n.networks > 1 && (
          <div
            className="num"
            title="Networks within 1% of both set points (the authors’ criterion)"
          >
            <span className="num-label">At set points</span>
            <span className="num-value" data-testid="result-converged">
              {n.converged}/{n.networks}
            </span>
          </div>
        )}
      </div>
      <ExportMenu />
    </div>
  );
}
