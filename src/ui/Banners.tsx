/**
 * Messages that must not move the layout: banners (a bad share link, a failed run) overlay
 * the top of the plot area; notices (device lost and recovered, backend fallback) stack in the
 * corner. All text is rendered as React text (never as HTML), including text from the URL.
 */
import { useEffect } from 'react';
import { appStore } from '../state/store';
import { useApp } from './hooks';

export function Banners() {
  const linkErrors = useApp((s) => s.linkErrors);
  const runError = useApp((s) => s.runError);
  return (
    <div className="banners">
      {runError && (
        <div className="banner banner-error" role="alert" data-testid="run-error">
          <div className="banner-body">
            <strong>Run stopped.</strong> {runError}
          </div>
          <button
            type="button"
            className="banner-close"
            aria-label="Dismiss"
            onClick={() => appStore.getState().setRunError(null)}
          >
            ×
          </button>
        </div>
      )}
      {linkErrors.length > 0 && (
        <div className="banner banner-warning" role="alert" data-testid="link-errors">
          <div className="banner-body">
            <strong>
              This link had problems; the fields named below were given safe defaults, the rest was
              loaded.
            </strong>
            <ul>
              {linkErrors.map((e, k) => (
                <li key={k}>{e}</li>
              ))}
            </ul>
          </div>
          <button
            type="button"
            className="banner-close"
            aria-label="Dismiss"
            onClick={() => appStore.getState().dismissLinkErrors()}
            data-testid="dismiss-link-errors"
          >
            ×
          </button>
        </div>
      )}
    </div>
  );
}

function Toast({ id, kind, text }: { id: number; kind: string; text: string }) {
  useEffect(() => {
    if (kind !== 'info') return;
    const t = setTimeout(() => appStore.getState().dismissNotice(id), 8000);
    return () => clearTimeout(t);
  }, [id, kind]);
  return (
    <div
      className={`toast toast-${kind}`}
      role={kind === 'info' ? 'status' : 'alert'}
      data-testid="notice"
    >
      <span>{text}</span>
      <button
        type="button"
        className="banner-close"
        aria-label="Dismiss"
        onClick={() => appStore.getState().dismissNotice(id)}
      >
        ×
      </button>
    </div>
  );
}

export function Notices() {
  const notices = useApp((s) => s.notices);
  return (
    <div className="toasts" aria-live="polite">
      {notices.map((n) => (
        <Toast key={n.id} {...n} />
      ))}
    </div>
  );
}
