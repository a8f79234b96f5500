/**
 * Conditions side by side: the plasticity knock-outs (and the two rules) trained from the same
 * seed and the same other values, compared in one table of the summary keys (asmSummary) and
 * in overlaid loss curves and PV selectivity.
 */
import { useState } from 'react';
import { ASM_CONDITIONS } from '../../app/asmConditions';
import type { AsmSummary } from '../../labs/assemblies/summary';
import { asmStore } from '../../state/asmStore';
import { appStore } from '../../state/store';
import { useAsm } from './hooks';
import { Slot } from './AsmPlotGrid';
import { ask } from './actions';
import { download } from '../download';
import { fmt, plain, toCsv } from './figures';

const HIDDEN = new Set(['lab', 'wall_s']);
/** the description of the run: after the measures */
const LAST = ['seed', 'backend', 'size', 'n_E', 'n_I', 'n_stimuli', 'schedule', 'stopped_early'];

function cellText(v: unknown): string {
  if (typeof v === 'number') return fmt(v, 4);
  if (v === null || v === undefined) return '—';
  return String(v);
}

function tableRows(rows: { summary: AsmSummary | null }[]): string[] {
  const keys: string[] = [];
  for (const r of rows)
    if (r.summary)
      for (const k of Object.keys(r.summary)) if (!HIDDEN.has(k) && !keys.includes(k)) keys.push(k);
  const rank = (k: string) => LAST.indexOf(k);
  return keys.sort((a, b) => rank(a) - rank(b));
}

function exportTable(kind: 'csv' | 'json'): void {
  const c = asmStore.getState().compare;
  if (!c) return;
  const seed = appStore.getState().seed;
  const name = `eilab-assemblies-seed${seed}-compare`;
  if (kind === 'json') {
    const out = c.rows.map((r) => ({
      id: r.id,
      label: r.label,
      state: r.state,
      summary: r.summary,
      loss: r.loss,
    }));
    download(`${name}.json`, 'application/json', JSON.stringify(plain(out), null, 1) + '\n');
    return;
  }
  const keys = tableRows(c.rows);
  download(
    `${name}.csv`,
    'text/csv',
    toCsv(
      ['key', ...c.rows.map((r) => r.id)],
      keys.map((k) => [
        k,
        ...c.rows.map((r) => (r.summary as Record<string, unknown> | null)?.[k] ?? null),
      ]),
    ),
  );
}

function Table() {
  const c = useAsm((s) => s.compare);
  if (!c) return null;
  const keys = tableRows(c.rows);
  return (
    <div className="asm-table-wrap">
      <table className="asm-table" data-testid="asm-compare-table">
        <thead>
          <tr>
            <th scope="col">summary key</th>
            {c.rows.map((r, k) => (
              <th key={r.id} scope="col" data-state={r.state} title={r.error}>
                {r.label}
                <span className="muted">
                  {' '}
                  {r.state === 'running'
                    ? `· ${Math.round(100 * (k === c.current ? c.frac : 0))}%`
                    : r.state === 'done'
                      ? ''
                      : `· ${r.state}`}
                </span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key}>
              <th scope="row">{key}</th>
              {c.rows.map((r) => {
                const v = (r.summary as Record<string, unknown> | null)?.[key];
                return (
                  <td
                    key={r.id}
                    data-testid={`asm-compare-${r.id}-${key}`}
                    data-value={typeof v === 'number' || typeof v === 'string' ? String(v) : ''}
                  >
                    {cellText(v)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CompareView() {
  const [picked, setPicked] = useState<string[]>(() =>
    ASM_CONDITIONS.filter((c) => c.initial).map((c) => c.id),
  );
  const [perturb, setPerturb] = useState(false);
  const running = useAsm((s) => s.compare?.running ?? false);
  const has = useAsm((s) => s.compare !== null);
  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  return (
    <div className="asm-view">
      <div className="asm-controls asm-compare-controls" role="group" aria-label="Conditions">
        {ASM_CONDITIONS.map((c) => (
          <label key={c.id} title={c.title} className="asm-check">
            <input
              type="checkbox"
              checked={picked.includes(c.id)}
              onChange={() => toggle(c.id)}
              disabled={running}
              data-testid={`asm-cond-${c.id}`}
            />
            {c.label}
          </label>
        ))}
        <label
          className="asm-check"
          title="Also run the perturbation experiment (Fig 4) for each condition: slow"
        >
          <input
            type="checkbox"
            checked={perturb}
            onChange={(e) => setPerturb(e.target.checked)}
            disabled={running}
            data-testid="asm-cond-perturb"
          />
          with perturbation experiment
        </label>
        {running ? (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void ask({ type: 'compareStop' })}
            data-testid="asm-compare-stop"
          >
            Stop
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-small btn-primary"
            disabled={picked.length === 0}
            onClick={() =>
              void ask({
                type: 'compare',
                conditions: ASM_CONDITIONS.map((c) => c.id).filter((id) => picked.includes(id)),
                perturb,
              })
            }
            data-testid="asm-compare-run"
            title="Train each condition from the same seed with the current values (the main run pauses)"
          >
            Run comparison
          </button>
        )}
        {has && (
          <>
            <button
              type="button"
              className="link-button"
              onClick={() => exportTable('csv')}
              data-testid="asm-compare-csv"
            >
              CSV
            </button>
            <button
              type="button"
              className="link-button"
              onClick={() => exportTable('json')}
              data-testid="asm-compare-json"
            >
              JSON
            </button>
          </>
        )}
      </div>
      <div className="asm-compare-body">
        <Table />
        <div className="plot-grid asm-grid-compare">
          <Slot figure="asm-compare-loss" />
          <Slot figure="asm-compare-skew" />
        </div>
      </div>
    </div>
  );
}
