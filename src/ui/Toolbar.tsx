/**
 * The top bar: run / pause / step one trial / reset, the seed, the backend preference and the
 * badge of the backend in use. Progress sits in the results row, "Copy link" in the header.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { BackendPreference } from '../engine/acquire';
import { runner } from '../app/instance';
import { shareUrl } from '../state/link';
import { appStore, MAX_SEED } from '../state/store';
import { useApp } from './hooks';
import {
  useBackendInfo,
  useIsAsm,
  useIsCoba,
  useIsCot,
  useIsRed,
  useIsStp,
  useRunStatus,
} from './asm/useRun';
import { useStore } from 'zustand';
import { cobaStore, STEP_BINS } from '../state/cobaStore';

function RunControls() {
  const status = useRunStatus();
  const ready = useBackendInfo().state !== 'detecting';
  const asm = useIsAsm();
  const cot = useIsCot();
  // the reduced model's computation has no steps
  const isRed = useIsRed();
  const isStp = useIsStp();
  const red = isRed || isStp;
  const coba = useIsCoba();
  // COBA: a step is STEP_BINS rate bins of simulated time (100 ms at dt = 0.1 ms)
  const stepMs = useStore(cobaStore, (s) =>
    s.shape ? Math.round(STEP_BINS * s.shape.binSteps * s.shape.dt * 1000) / 1000 : 100,
  );
  const unit = asm ? 'pass' : cot ? 'sample' : coba ? `${stepMs} ms` : 'trial';
  const blocked = useApp((s) => Object.keys(s.drafts).length > 0 || s.seedError !== null);
  const running = status === 'running';
  const runLabel =
    status === 'paused'
      ? 'Continue'
      : status === 'done' || status === 'error'
        ? 'Run again'
        : 'Run';
  const why = blocked
    ? 'Some fields are invalid (marked in red): the run uses their last valid values'
    : undefined;
  return (
    <div className="run-controls" role="group" aria-label="Run controls">
      {running ? (
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => runner.pause()}
          data-testid="pause"
          aria-keyshortcuts="Alt+R"
          title={`Pause after the current ${unit === 'pass' ? 'mini-batch' : coba ? 'stretch (≈ 0.1 s of wall time)' : 'trial'} (Alt+R)`}
        >
          <span aria-hidden="true" className="icon">
            ❚❚
          </span>{' '}
          Pause
        </button>
      ) : (
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => void runner.start()}
          disabled={!ready}
          title={
            why ?? `Run the ${unit === 'pass' ? 'passes' : coba ? 'network' : 'trials'} (Alt+R)`
          }
          data-testid="run"
          aria-keyshortcuts="Alt+R"
        >
          <span aria-hidden="true" className="icon">
            ▶
          </span>{' '}
          {runLabel}
        </button>
      )}
      <button
        type="button"
        className="btn"
        onClick={() => void runner.step()}
        disabled={running || !ready || red}
        data-testid="step"
        title={
          coba
            ? `Run ${unit} of simulated time, then pause (Alt+S)`
            : `Run one ${unit}, then pause (Alt+S)`
        }
        aria-keyshortcuts="Alt+S"
      >
        Step {unit}
      </button>
      <button
        type="button"
        className="btn"
        onClick={() => runner.reset()}
        data-testid="reset"
        title="Discard the run (the parameters stay)"
      >
        Reset
      </button>
    </div>
  );
}

function SeedField() {
  const seed = useApp((s) => s.seed);
  const draft = useApp((s) => s.seedDraft);
  const error = useApp((s) => s.seedError);
  const [local, setLocal] = useState<string | null>(null);
  const errId = useId();
  return (
    <div className={`seed${error ? ' field-invalid' : ''}`}>
      <label
        htmlFor="seed-input"
        title={`Seed of the random streams (noise, random starts, initial weights): 0…${MAX_SEED}. The same seed gives the same numbers on the same backend.`}
      >
        Seed
      </label>
      <input
        id="seed-input"
        type="text"
        inputMode="numeric"
        spellCheck={false}
        autoComplete="off"
        value={local ?? draft ?? String(seed)}
        onChange={(e) => {
          setLocal(e.target.value);
          appStore.getState().setSeed(e.target.value);
        }}
        onBlur={() => setLocal(null)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errId : undefined}
        data-testid="seed"
      />
      {error && (
        <div id={errId} className="seed-error" role="alert">
          {error} — not applied
        </div>
      )}
    </div>
  );
}

const PREFS: { id: BackendPreference; label: string; title: string }[] = [
  { id: 'auto', label: 'Auto', title: 'WebGPU when available, else the CPU' },
  { id: 'webgpu', label: 'WebGPU', title: 'Run on the GPU (WebGPU)' },
  { id: 'cpu', label: 'CPU', title: 'Run on the CPU reference backend' },
];

function BackendSwitch() {
  const pref = useApp((s) => s.backendPref);
  return (
    <div className="segmented" role="radiogroup" aria-label="Backend preference">
      {PREFS.map((p) => (
        <button
          key={p.id}
          type="button"
          role="radio"
          aria-checked={pref === p.id}
          className={pref === p.id ? 'active' : ''}
          title={p.title}
          tabIndex={pref === p.id ? 0 : -1}
          onClick={() => void runner.setBackendPref(p.id)}
          onKeyDown={(e) => {
            const k = PREFS.findIndex((x) => x.id === pref);
            const d =
              e.key === 'ArrowRight' || e.key === 'ArrowDown'
                ? 1
                : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
                  ? -1
                  : 0;
            if (!d) return;
            e.preventDefault();
            const next = PREFS[(k + d + PREFS.length) % PREFS.length];
            void runner.setBackendPref(next.id);
            const group = e.currentTarget.parentElement;
            requestAnimationFrame(() =>
              (group?.querySelector('[aria-checked="true"]') as HTMLElement | null)?.focus(),
            );
          }}
          data-testid={`backend-${p.id}`}
        >
          {p.label}
        </button>
      ))}
    </div>
  );
}

function BackendBadge() {
  const b = useBackendInfo();
  const text = b.state === 'detecting' ? 'Detecting…' : b.kind === 'webgpu' ? 'WebGPU' : 'CPU';
  const detail =
    b.state === 'detecting'
      ? 'looking for a GPU'
      : b.kind === 'webgpu'
        ? b.label.replace(/^WebGPU\s*[·:-]?\s*/, '') || 'GPU'
        : (b.fallbackReason ?? 'reference backend');
  return (
    <div
      className={`badge badge-${b.kind ?? 'pending'}`}
      data-testid="backend-badge"
      data-kind={b.kind ?? ''}
      title={
        b.kind === 'webgpu'
          ? `WebGPU: ${b.label}`
          : b.kind === 'cpu'
            ? `CPU backend: ${b.label}`
            : 'Detecting the backend'
      }
      role="status"
    >
      <span className="badge-kind">{text}</span>
      <span className="badge-detail">{detail}</span>
    </div>
  );
}

export function Progress() {
  const status = useApp((s) => s.status);
  const trial = useApp((s) => s.trial);
  const trials = useApp((s) => s.trials);
  const speed = useApp((s) => s.speed);
  const frac = trials > 0 ? Math.min(1, trial / trials) : 0;
  const words: Record<string, string> = {
    idle: 'Ready',
    running: 'Running',
    paused: 'Paused',
    done: 'Done',
    error: 'Stopped',
  };
  return (
    <div className="progress" data-testid="progress" data-status={status} data-trial={trial}>
      <div className="progress-text" aria-live="polite">
        <span className={`status-dot status-${status}`} aria-hidden="true" />
        <span>
          {words[status]} · {trial}/{trials}
        </span>
        {speed !== null && status === 'running' && (
          <span className="muted">
            {' '}
            · {speed >= 10 ? Math.round(speed) : speed.toFixed(1)} trials/s
          </span>
        )}
      </div>
      <div
        className="progress-bar"
        role="progressbar"
        aria-label="Trials completed"
        aria-valuemin={0}
        aria-valuemax={trials}
        aria-valuenow={trial}
      >
        <div className="progress-fill" style={{ width: `${(frac * 100).toFixed(2)}%` }} />
      </div>
    </div>
  );
}

export function ShareButton() {
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState('');
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);

  const copy = async () => {
    const u = shareUrl(appStore, window.location.href);
    setUrl(u);
    setOpen(true);
    setCopied(null);
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(u);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };

  useEffect(() => {
    if (!open) return;
    inputRef.current?.focus();
    inputRef.current?.select();
    const onDoc = (e: MouseEvent) => {
      if (wrapRef.current && !wrapRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open, url]);

  return (
    <div className="share" ref={wrapRef}>
      <button
        type="button"
        className="btn"
        onClick={() => void copy()}
        data-testid="copy-link"
        aria-expanded={open}
        aria-controls="share-pop"
      >
        Copy link
      </button>
      {open && (
        <div
          id="share-pop"
          className="share-pop"
          role="dialog"
          aria-label="Share link"
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
        >
          <label htmlFor="share-link">
            {copied === 'yes'
              ? 'Link copied to the clipboard'
              : copied === 'no'
                ? 'Press Ctrl+C (⌘C) to copy the link'
                : 'Link'}
          </label>
          <input
            id="share-link"
            ref={inputRef}
            type="text"
            readOnly
            value={url}
            data-testid="share-link"
            onFocus={(e) => e.currentTarget.select()}
          />
          <p className="muted">
            It holds the lab, parameters, seed, preset, view and backend: opening it reproduces this
            run.
          </p>
        </div>
      )}
    </div>
  );
}

export function Toolbar() {
  return (
    <div className="toolbar" role="region" aria-label="Run, backend and share">
      <RunControls />
      <SeedField />
      <div className="toolbar-sep" aria-hidden="true" />
      <BackendSwitch />
      <BackendBadge />
    </div>
  );
}
