/**
 * A spiking lab's results row (co-tuning, COBA) and its progress line: the status dot and word,
 * what the run has done, the speed in × real time, the bar, and the run's error. The element
 * carries data-status (and the lab's own data-* attributes) for tests.
 */
import type { ReactNode } from 'react';
import type { RunStatus } from '../state/store';

export const STATUS_WORDS: Record<RunStatus, string> = {
  idle: 'Ready',
  running: 'Running',
  paused: 'Paused',
  done: 'Done',
  error: 'Stopped',
};

export function RunProgress({
  status,
  text,
  speed = null,
  detail,
  bar,
  error,
  data = {},
  wide = false,
}: {
  status: RunStatus;
  /** after the status dot: the status word and what the run has done */
  text: ReactNode;
  /** simulated seconds per wall second (shown when not null) */
  speed?: number | null;
  /** muted, after the speed */
  detail?: ReactNode;
  bar: { label: string; frac: number };
  error: string | null;
  data?: Record<`data-${string}`, string | number>;
  /** room for a longer line */
  wide?: boolean;
}) {
  return (
    <div
      className={`progress${wide ? ' progress-wide' : ''}`}
      data-testid="progress"
      data-status={status}
      {...data}
    >
      <div className="progress-text" aria-live="polite">
        <span className={`status-dot status-${status}`} aria-hidden="true" />
        <span>{text}</span>
        {speed !== null && (
          <span className="muted" data-testid="speed">
            {' '}
            · {speed >= 10 ? Math.round(speed) : speed.toFixed(2)}× real time
          </span>
        )}
        {detail && <span className="muted"> · {detail}</span>}
      </div>
      <div
        className="progress-bar"
        role="progressbar"
        aria-label={bar.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(bar.frac * 100)}
      >
        <div className="progress-fill" style={{ width: `${(bar.frac * 100).toFixed(2)}%` }} />
      </div>
      {error && (
        <p className="run-error" role="alert" data-testid="run-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** The results row of a spiking lab: its progress line, numbers and buttons. */
export function ResultsRow({ children }: { children: ReactNode }) {
  return (
    <div
      className="results cot-results"
      data-testid="results"
      aria-label="Results of the run"
      role="region"
    >
      {children}
    </div>
  );
}
