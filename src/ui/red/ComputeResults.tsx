/**
 * The results row of a lab that computes (the reduced model, the paired-pulse protocol):
 * status, the run's message on failure, and the headline numbers with exact values in
 * data-value for tests.
 */
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { ComputeState } from '../../state/computeStore';
import { Num } from '../Results';

export interface ComputeNum<S> {
  id: string;
  label: string;
  title: string;
  value: (s: S) => number | null;
}

export function ComputeResults<S>({
  store,
  nums,
}: {
  store: StoreApi<ComputeState<S>>;
  nums: readonly ComputeNum<S>[];
}) {
  const st = useStore(store, (s) => s.status);
  const r = useStore(store, (s) => s.summary);
  const err = useStore(store, (s) => s.runError);
  const wall = useStore(store, (s) => s.wallSeconds);
  const words: Record<string, string> = {
    idle: 'Ready',
    running: 'Computing',
    paused: 'Paused',
    done: 'Done',
    error: 'Stopped',
  };
  return (
    <div className="results cot-results" data-testid="results" aria-label="Results" role="region">
      <div className="progress" data-testid="progress" data-status={st}>
        <div className="progress-text" aria-live="polite">
          <span className={`status-dot status-${st}`} aria-hidden="true" />
          <span>
            {words[st]}
            {st === 'done' && wall !== null ? ` · ${wall.toFixed(2)} s` : ''}
          </span>
        </div>
        {err && (
          <p className="run-error" role="alert" data-testid="run-error">
            {err}
          </p>
        )}
      </div>
      <div className="nums">
        {nums.map((n) => (
          <Num key={n.id} id={n.id} label={n.label} value={r ? n.value(r) : null} title={n.title} />
        ))}
      </div>
    </div>
  );
}
