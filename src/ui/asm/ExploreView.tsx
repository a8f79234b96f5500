/**
 * Stimulus explorer: pick a stimulus on the 3-D grid (one slider per axis) and see the
 * network's steady state: Pyr rates on their preferred-stimulus grid, PV rates.
 */
import { useEffect, useRef, useState } from 'react';
import { useAsm } from './hooks';
import { Slot } from './AsmPlotGrid';
import { ask } from './actions';
import { AXES, fmt, stimCoord } from './figures';

export function ExploreView() {
  const m = useAsm((s) => s.shape?.sAxis ?? 0);
  const epoch = useAsm((s) => s.epoch);
  const explore = useAsm((s) => s.explore);
  const pass = useAsm((s) => s.progress.pass);
  const [idx, setIdx] = useState<[number, number, number] | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cur: [number, number, number] = idx ??
    explore?.idx ?? [Math.floor(m / 2), Math.floor(m / 2), Math.floor(m / 2)];

  const solve = (next: [number, number, number], delay = 120) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void ask({ type: 'explore', idx: next });
    }, delay);
  };

  // a new run (or new sizes): show the steady state of the stimulus picked
  useEffect(() => {
    if (m < 1) return;
    const c = cur.map((k) => Math.min(m - 1, k)) as [number, number, number];
    solve(c, 150);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [epoch, m]);

  const set = (axis: number, k: number) => {
    const next = [...cur] as [number, number, number];
    next[axis] = k;
    setIdx(next);
    solve(next);
  };

  return (
    <div className="asm-view">
      <div className="asm-controls asm-sliders" role="group" aria-label="Stimulus">
        {AXES.map((name, a) => (
          <label key={name} className="asm-slider">
            <span>
              {name}: {cur[a] + 1}/{m} ({fmt((stimCoord(cur[a], m) * 180) / Math.PI)}°)
            </span>
            <input
              type="range"
              min={0}
              max={Math.max(0, m - 1)}
              step={1}
              value={cur[a]}
              disabled={m < 1}
              onChange={(e) => set(a, Number(e.target.value))}
              data-testid={`asm-stim-${a}`}
            />
          </label>
        ))}
        <button
          type="button"
          className="btn btn-small"
          onClick={() => solve(cur, 0)}
          disabled={m < 1}
          title="Solve again (the network may have learned since)"
          data-testid="asm-explore-refresh"
        >
          Update
        </button>
        <span className="muted">network after {pass} passes</span>
      </div>
      <div className="plot-grid asm-grid-explore">
        <Slot figure="asm-explore-pyr" />
        <Slot figure="asm-explore-pv" />
      </div>
    </div>
  );
}
