/**
 * The app store and share links with the assemblies lab: each lab's views, the lab-aware view
 * of a link, and the assemblies store's reports.
 */
import { describe, expect, it } from 'vitest';
import { applyShareState, hashOf, loadHash } from '../../src/state/link';
import { decodeShareState } from '../../src/state/url';
import { applyAsmEvent, createAsmStore } from '../../src/state/asmStore';
import { ASM_VIEWS } from '../../src/state/asmViews';
import { createAppStore, isView, presetValues, labOf, viewsOf, VIEWS } from '../../src/state/store';
import type { PassStats } from '../../src/labs/assemblies/trainer';

describe('views of each lab', () => {
  it('lists each lab’s views and checks a view against the lab', () => {
    expect(viewsOf('isn')).toBe(VIEWS);
    expect(viewsOf('assemblies')).toBe(ASM_VIEWS);
    expect(isView('learning')).toBe(true);
    expect(isView('analyses')).toBe(false);
    expect(isView('analyses', 'assemblies')).toBe(true);
    expect(isView('learning', 'assemblies')).toBe(false);
    expect(isView('overview', 'assemblies')).toBe(true);
  });

  it('keeps the view across a lab change only where the new lab has it', () => {
    const store = createAppStore();
    store.getState().setView('learning');
    store.getState().selectLab('assemblies');
    expect(store.getState().view).toBe('overview');
    store.getState().setView('explore');
    expect(store.getState().view).toBe('explore');
    store.getState().setView('stability'); // an ISN view: refused
    expect(store.getState().view).toBe('explore');
    store.getState().selectLab('isn');
    expect(store.getState().view).toBe('overview');
  });
});

describe('share links of the assemblies lab', () => {
  it('restores the lab, preset, values, seed and view, and encodes them again', () => {
    const store = createAppStore();
    const values = { ...presetValues(labOf('assemblies'), 'classroom'), epochs: 4 };
    const errs = applyShareState(
      store,
      {
        lab: 'assemblies',
        preset: 'classroom',
        seed: 9,
        values,
        view: 'perturb',
        backend: 'cpu',
      },
      [],
    );
    expect(errs).toEqual([]);
    const s = store.getState();
    expect(s.labId).toBe('assemblies');
    expect(s.view).toBe('perturb');
    expect(s.values.size).toBe('classroom');
    expect(s.values.epochs).toBe(4);
    const hash = hashOf(s);
    expect(hash).toContain('lab=assemblies');
    expect(hash).toContain('view=perturb');
    const again = decodeShareState(hash);
    expect(again.errors).toEqual([]);
    expect(again.state.values).toEqual(values);
    expect(again.state.seed).toBe(9);
  });

  it('names an unknown view and a bad field, and keeps the rest', () => {
    const store = createAppStore();
    const msgs = loadHash(store, '#v=1&lab=assemblies&view=learning&epochs=-1&rho0=2');
    expect(msgs.some((m) => m.includes('view') && m.includes('learning'))).toBe(true);
    expect(msgs.some((m) => m.includes('epochs'))).toBe(true);
    const s = store.getState();
    expect(s.labId).toBe('assemblies');
    expect(s.view).toBe('overview');
    expect(s.values.epochs).toBe(500);
    expect(s.values.rho0).toBe(2);
    expect(s.linkErrors).toEqual(msgs);
  });
});

describe('assemblies store', () => {
  const pass = (k: number): PassStats => ({
    pass: k,
    loss: 10 - k,
    convergedFraction: 1,
    stepsMean: 100,
    stepsMax: 200,
    angleEI: NaN,
    angleIE: NaN,
    adjointFailed: 0,
    updates: 8,
  });

  it('applies reports; a reset clears the run but keeps the comparison', () => {
    const store = createAsmStore();
    const shape = {
      nE: 64,
      nI: 8,
      nS: 216,
      eAxis: 4,
      sAxis: 6,
      passes: 3,
      perturbCells: 8,
      perturbDelta: 10,
    };
    applyAsmEvent(store, { type: 'reset', shape });
    applyAsmEvent(store, { type: 'progress', progress: { status: 'running', pass: 1 } });
    applyAsmEvent(store, { type: 'pass', stats: pass(0) });
    applyAsmEvent(store, {
      type: 'selectivity',
      snap: { pass: 1, I: new Float32Array(8), E: new Float32Array(64) },
    });
    applyAsmEvent(store, {
      type: 'selectivity',
      snap: { pass: 0, I: new Float32Array(8), E: new Float32Array(64) },
    });
    applyAsmEvent(store, {
      type: 'compare',
      compare: { running: false, current: 0, frac: 1, perturb: false, rows: [] },
    });
    const notices: string[] = [];
    applyAsmEvent(store, { type: 'notice', kind: 'info', text: 'hello' }, (_k, t) =>
      notices.push(t),
    );
    let s = store.getState();
    expect(s.progress).toMatchObject({ status: 'running', pass: 1, passes: 3, stage: 'idle' });
    expect(s.history.map((p) => p.pass)).toEqual([0]);
    expect(s.selectivity.map((x) => x.pass)).toEqual([0, 1]);
    expect(notices).toEqual(['hello']);
    const epoch = s.epoch;
    applyAsmEvent(store, { type: 'reset', shape: { ...shape, passes: 5 } });
    s = store.getState();
    expect(s.epoch).toBe(epoch + 1);
    expect(s.history).toEqual([]);
    expect(s.selectivity).toEqual([]);
    expect(s.progress).toMatchObject({ status: 'idle', pass: 0, passes: 5 });
    expect(s.compare).not.toBeNull();
  });
});
