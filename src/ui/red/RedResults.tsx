/**
 * The reduced model's results row: status, the four stationary correlations (exact; the
 * simulated estimate beside them in the plots), with exact values in data-value for tests.
 */
import { useStore } from 'zustand';
import { redStore } from '../../state/redStore';
import { Num } from '../Results';

export function RedResults() {
  const st = useStore(redStore, (s) => s.status);
  const r = useStore(redStore, (s) => s.summary);
  const err = useStore(redStore, (s) => s.runError);
  const wall = useStore(redStore, (s) => s.wallSeconds);
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
        <Num
          id="C_EI_int"
          label="C_EI int"
          value={r?.C_EI_int ?? null}
          title="Internal-noise E–I correlation within a group (exact unless simulated)"
        />
        <Num
          id="C_EE_ext"
          label="C_EE ext"
          value={r?.C_EE_ext ?? null}
          title="External-noise E–E correlation between groups"
        />
        <Num
          id="C_II_ext"
          label="C_II ext"
          value={r?.C_II_ext ?? null}
          title="External-noise I–I correlation between groups"
        />
        <Num
          id="C_EI_ext"
          label="C_EI ext"
          value={r?.C_EI_ext ?? null}
          title="External-noise E–I correlation between groups"
        />
      </div>
    </div>
  );
}
