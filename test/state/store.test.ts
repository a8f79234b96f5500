import { describe, expect, it } from 'vitest';
import { defaults } from '../../src/model/params';
import { ISN_PARAMS } from '../../src/labs/isn/params';
import { ISN_PRESETS } from '../../src/labs/isn/presets';
import { changedFromPreset, createAppStore, fieldText, MAX_SEED } from '../../src/state/store';

const spec = (name: string) => ISN_PARAMS.find((p) => p.name === name)!;

describe('app store: presets', () => {
  it('applying a preset sets the defaults plus the preset values and clears pending edits', () => {
    const store = createAppStore();
    const s = store.getState();
    s.editParam('W_EE', 'abc');
    s.editParam('noise_sigma', '3');
    const rev = store.getState().paramsRev;
    s.applyPreset('paradoxical');
    const st = store.getState();
    const preset = ISN_PRESETS.find((p) => p.id === 'paradoxical')!;
    expect(st.presetId).toBe('paradoxical');
    expect(st.values).toEqual({ ...defaults(ISN_PARAMS), ...preset.values });
    expect(st.values.noise_sigma).toBe(10); // the earlier edit is gone
    expect(st.drafts).toEqual({});
    expect(st.fieldErrors).toEqual({});
    expect(st.paramsRev).toBeGreaterThan(rev);
    expect(changedFromPreset(st)).toEqual([]);
  });

  it('ignores an unknown preset and reports edits made after a preset', () => {
    const store = createAppStore();
    store.getState().applyPreset('cross-homeostatic');
    store.getState().applyPreset('no-such-preset');
    expect(store.getState().presetId).toBe('cross-homeostatic');
    store.getState().editParam('trials', '40');
    expect(changedFromPreset(store.getState())).toEqual(['trials']);
  });

  it("a preset that names a view opens it; one that does not keeps the user's tab", () => {
    const store = createAppStore();
    store.getState().selectLab('cotuning');
    store.getState().setView('activity');
    store.getState().applyPreset('feedforward');
    expect(store.getState().view).toBe('activity');
    store.getState().applyPreset('abc'); // its result is the ABC posterior
    expect(store.getState().view).toBe('study');
    store.getState().applyPreset('tuning');
    expect(store.getState().view).toBe('tuning');
  });
});

describe('app store: editing parameters', () => {
  it('keeps an invalid value as a draft with its message and does not apply it', () => {
    const store = createAppStore();
    const before = store.getState().values;
    expect(store.getState().editParam('W_EE', 'abc')).toBe(false);
    const st = store.getState();
    expect(st.values).toBe(before);
    expect(st.values.W_EE).toBe(2.1);
    expect(st.drafts.W_EE).toBe('abc');
    expect(st.fieldErrors.W_EE).toMatch(/W_EE/);
    expect(st.fieldErrors.W_EE).toMatch(/not a number/);
    expect(fieldText(st, spec('W_EE'))).toBe('abc');
  });

  it('explains an out-of-range value with the bound and unit', () => {
    const store = createAppStore();
    expect(store.getState().editParam('trials', '-5')).toBe(false);
    expect(store.getState().fieldErrors.trials).toMatch(/trials must be ≥ 1/);
    expect(store.getState().editParam('E_set', '1000')).toBe(false);
    expect(store.getState().fieldErrors.E_set).toMatch(/≤ 100 Hz/);
    expect(store.getState().values.trials).toBe(500);
  });

  it('applies a valid value and clears the error of that field', () => {
    const store = createAppStore();
    store.getState().editParam('W_EE', 'abc');
    const rev = store.getState().paramsRev;
    expect(store.getState().editParam('W_EE', '3.25')).toBe(true);
    const st = store.getState();
    expect(st.values.W_EE).toBe(3.25);
    expect(st.drafts.W_EE).toBeUndefined();
    expect(st.fieldErrors.W_EE).toBeUndefined();
    expect(st.paramsRev).toBe(rev + 1);
    expect(fieldText(st, spec('W_EE'))).toBe('3.25');
  });

  it('handles enums, booleans (knock-outs) and nullable learning rates', () => {
    const store = createAppStore();
    const s = store.getState();
    expect(s.editParam('rule', 'homeostatic')).toBe(true);
    expect(s.editParam('rule', 'bogus')).toBe(false);
    expect(store.getState().fieldErrors.rule).toMatch(/one of/);
    expect(s.editParam('plastic_EE', false)).toBe(true);
    expect(store.getState().values.plastic_EE).toBe(false);
    expect(s.editParam('alpha_E', '1e-3')).toBe(true);
    expect(store.getState().values.alpha_E).toBe(0.001);
    expect(s.editParam('alpha_E', '')).toBe(true);
    expect(store.getState().values.alpha_E).toBeNull();
    expect(fieldText(store.getState(), spec('alpha_E'))).toBe('');
  });

  it('holds back a value that breaks a cross-field check and applies it once the conflict is gone', () => {
    const store = createAppStore();
    expect(store.getState().editParam('window_ms', '3000')).toBe(false);
    expect(store.getState().fieldErrors.window_ms).toMatch(/window_ms must not exceed trial_ms/);
    expect(store.getState().values.window_ms).toBe(500);
    expect(store.getState().editParam('trial_ms', '4000')).toBe(true);
    const st = store.getState();
    expect(st.values.trial_ms).toBe(4000);
    expect(st.values.window_ms).toBe(3000); // the pending draft was applied
    expect(st.drafts).toEqual({});
  });

  it('resets named fields to the preset values', () => {
    const store = createAppStore();
    const s = store.getState();
    s.applyPreset('paradoxical');
    s.editParam('I_opto', '2');
    s.editParam('plastic_II', false);
    s.editParam('pert_amp', 'x');
    s.resetParams(['I_opto', 'plastic_II', 'pert_amp']);
    const st = store.getState();
    expect(st.values.I_opto).toBe(7);
    expect(st.values.plastic_II).toBe(true);
    expect(st.fieldErrors.pert_amp).toBeUndefined();
  });

  it('validates the seed', () => {
    const store = createAppStore();
    expect(store.getState().setSeed('12x')).toBe(false);
    expect(store.getState().seedError).toMatch(/seed/);
    expect(store.getState().seed).toBe(1);
    expect(store.getState().setSeed(String(MAX_SEED + 1))).toBe(false);
    expect(store.getState().setSeed('42')).toBe(true);
    expect(store.getState().seed).toBe(42);
    expect(store.getState().seedError).toBeNull();
  });
});

describe('app store: ui slice', () => {
  it('accepts known views only and keeps a short notice list', () => {
    const store = createAppStore();
    store.getState().setView('stability');
    expect(store.getState().view).toBe('stability');
    store.getState().setView('nope' as never);
    expect(store.getState().view).toBe('stability');
    for (let k = 0; k < 8; k++) store.getState().pushNotice('info', `n${k}`);
    expect(store.getState().notices.length).toBeLessThanOrEqual(4);
    const id = store.getState().notices[0].id;
    store.getState().dismissNotice(id);
    expect(store.getState().notices.some((n) => n.id === id)).toBe(false);
  });
});
