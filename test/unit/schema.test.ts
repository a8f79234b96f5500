/**
 * The parameter tables (src/model/params.ts, src/labs/isn/params.ts) and presets: defaults
 * validate, ranges and options are enforced, text parsing rejects junk, presets are valid.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  checkValue,
  defaults,
  formatValue,
  parseText,
  validateValues,
  zodFor,
  type EnumParam,
  type NumberParam,
  type ParamSpec,
} from '../../src/model/params';
import { LABS } from '../../src/labs/registry';
import { ISN_PARAMS, crossCheck, paperAlpha, resolvedAlphas } from '../../src/labs/isn/params';
import { ISN_PRESETS } from '../../src/labs/isn/presets';

const numbers = ISN_PARAMS.filter((p): p is NumberParam => p.kind === 'number' || p.kind === 'int');
const enums = ISN_PARAMS.filter((p): p is EnumParam => p.kind === 'enum');
const bools = ISN_PARAMS.filter((p) => p.kind === 'bool');

describe('parameter table', () => {
  it('has unique names and complete documentation', () => {
    for (const lab of LABS) {
      const names = lab.params.map((p) => p.name);
      expect(new Set(names).size).toBe(names.length);
      for (const p of lab.params) {
        expect(p.name).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
        expect(p.label.length).toBeGreaterThan(0);
        expect(p.description.length).toBeGreaterThan(3);
        expect(p.source.length).toBeGreaterThan(3);
        expect(p.group.length).toBeGreaterThan(0);
        if (p.kind === 'number' || p.kind === 'int') {
          expect(typeof p.unit).toBe('string');
          expect(p.min).toBeLessThan(p.max);
        }
      }
    }
  });

  it.each(ISN_PARAMS.map((p) => [p.name, p] as const))(
    'default of %s passes validation',
    (_n, p) => {
      const r = checkValue(p, p.default);
      expect(r).toEqual({ value: p.default });
      expect(zodFor(p).safeParse(p.default).success).toBe(true);
      // and its text form parses back to itself
      expect(parseText(p, formatValue(p, p.default))).toEqual({ value: p.default });
    },
  );

  it('the defaults pass the cross-field checks', () => {
    for (const lab of LABS) expect(lab.crossCheck(defaults(lab.params))).toEqual([]);
  });

  it.each(numbers.map((p) => [p.name, p] as const))('%s enforces its range', (_n, p) => {
    expect('value' in checkValue(p, p.min)).toBe(true);
    expect('value' in checkValue(p, p.max)).toBe(true);
    const span = p.max - p.min;
    const below = p.kind === 'int' ? p.min - 1 : p.min - Math.max(1e-6, span * 1e-3);
    const above = p.kind === 'int' ? p.max + 1 : p.max + Math.max(1e-6, span * 1e-3);
    const lo = checkValue(p, below);
    const hi = checkValue(p, above);
    expect('error' in lo && lo.error).toContain(p.name);
    expect('error' in hi && hi.error).toContain(p.name);
    expect('error' in parseText(p, String(below))).toBe(true);
    expect('error' in parseText(p, String(above))).toBe(true);
    for (const bad of [NaN, Infinity, -Infinity, '1', true, undefined, {}])
      expect('error' in checkValue(p, bad)).toBe(true);
    if (!p.nullable) expect('error' in checkValue(p, null)).toBe(true);
    if (p.kind === 'int') {
      expect('error' in checkValue(p, p.min + 0.5)).toBe(true);
      expect('error' in parseText(p, `${p.min}.5`)).toBe(true);
    }
  });

  it.each(enums.map((p) => [p.name, p] as const))('%s accepts exactly its options', (_n, p) => {
    for (const o of p.options) {
      expect(checkValue(p, o)).toEqual({ value: o });
      expect(parseText(p, o)).toEqual({ value: o });
    }
    for (const bad of [
      '',
      'bogus',
      p.options[0].toUpperCase() + 'x',
      ` ${p.options[0]}x`,
      null,
      1,
      true,
    ]) {
      const r = checkValue(p, bad);
      expect('error' in r).toBe(true);
    }
    const r = parseText(p, 'definitely-not-an-option');
    expect('error' in r && r.error).toContain(p.name);
  });

  it.each(bools.map((p) => [p.name, p] as const))('%s accepts booleans only', (_n, p) => {
    expect(checkValue(p, true)).toEqual({ value: true });
    expect(checkValue(p, false)).toEqual({ value: false });
    for (const t of ['true', '1', 'on', 'yes', 'TRUE'])
      expect(parseText(p, t)).toEqual({ value: true });
    for (const t of ['false', '0', 'off', 'no']) expect(parseText(p, t)).toEqual({ value: false });
    for (const bad of ['maybe', '', '2', 'tru']) expect('error' in parseText(p, bad)).toBe(true);
    for (const bad of [1, 0, 'true', null]) expect('error' in checkValue(p, bad)).toBe(true);
  });

  it('α_E and α_I are nullable ("auto" = the paper’s value for the rule and model)', () => {
    for (const name of ['alpha_E', 'alpha_I']) {
      const p = ISN_PARAMS.find((q) => q.name === name) as NumberParam;
      expect(p.nullable).toBe(true);
      expect(p.default).toBeNull();
      expect(checkValue(p, null)).toEqual({ value: null });
      for (const t of ['', 'auto', 'null']) expect(parseText(p, t)).toEqual({ value: null });
      expect(parseText(p, '2e-5')).toEqual({ value: 2e-5 });
      expect('error' in parseText(p, '-1e-5')).toBe(true);
    }
    const W = ISN_PARAMS.find((q) => q.name === 'W_EE') as ParamSpec;
    expect('error' in parseText(W, 'auto')).toBe(true);
    // resolution of null to the paper's values (Figs 2, 4, 5, 6)
    const d = defaults(ISN_PARAMS);
    expect(resolvedAlphas({ ...d, rule: 'homeostatic' })).toEqual({ alphaE: 1e-4, alphaI: 1e-4 });
    expect(resolvedAlphas({ ...d, rule: 'cross' })).toEqual({ alphaE: 5e-4, alphaI: 5e-4 });
    expect(resolvedAlphas({ ...d, model: 'multi-unit', rule: 'cross' })).toEqual({
      alphaE: 2e-5,
      alphaI: 2e-5,
    });
    expect(resolvedAlphas({ ...d, model: 'multi-unit', rule: 'two-term' })).toEqual({
      alphaE: 1e-5,
      alphaI: 1e-5,
    });
    expect(resolvedAlphas({ ...d, alpha_E: 3e-4, alpha_I: null })).toEqual({
      alphaE: 3e-4,
      alphaI: paperAlpha('two-pop', 'cross'),
    });
  });

  it('parseText rejects junk numbers', () => {
    const p = ISN_PARAMS.find((q) => q.name === 'W_EE') as NumberParam;
    for (const junk of [
      '',
      ' ',
      'abc',
      '1e',
      'e5',
      '0x10',
      'NaN',
      'Infinity',
      '-Infinity',
      '1,5',
      '--1',
      '1 2',
      '1.2.3',
      '½',
      '١',
      '5px',
      '+',
      '.',
      '1e999',
    ]) {
      const r = parseText(p, junk);
      expect('error' in r, `"${junk}" should be rejected`).toBe(true);
      if ('error' in r) expect(r.error).toContain('W_EE');
    }
    for (const [t, v] of [
      ['2.5', 2.5],
      [' 3 ', 3],
      ['1e1', 10],
      ['.5', 0.5],
      ['+4', 4],
      ['0', 0],
    ] as const)
      expect(parseText(p, t)).toEqual({ value: v });
  });

  it('quotes untrusted text clipped and without control characters', () => {
    const p = ISN_PARAMS.find((q) => q.name === 'W_EE') as NumberParam;
    const r = parseText(p, 'x\u0000\u001b[31m' + 'y'.repeat(500));
    expect('error' in r).toBe(true);
    if ('error' in r) {
      expect(r.error.length).toBeLessThan(120);
      expect(r.error).not.toMatch(/[\u0000-\u001f]/);
    }
  });

  it('validateValues reports unknown names and bad values and keeps defaults for them', () => {
    const { values, errors } = validateValues(ISN_PARAMS, {
      W_EE: '3',
      bogus: 1,
      trials: 0,
      rule: 'two-term',
      g_I: 'x',
    });
    expect(values.W_EE).toBe(3);
    expect(values.rule).toBe('two-term');
    expect(values.trials).toBe(500);
    expect(values.g_I).toBe(4);
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toMatch(/bogus/);
    expect(errors.join('\n')).toMatch(/trials/);
    expect(errors.join('\n')).toMatch(/g_I/);
  });

  it('crossCheck names the fields of each conflict', () => {
    const d = defaults(ISN_PARAMS);
    const e1 = crossCheck({ ...d, window_ms: 3000 });
    expect(e1).toHaveLength(1);
    expect(e1[0].fields).toEqual(expect.arrayContaining(['window_ms', 'trial_ms']));
    expect(crossCheck({ ...d, dt_ms: 1, tau_I: 0.5 })[0].fields).toContain('dt_ms');
    expect(crossCheck({ ...d, model: 'multi-unit', starts: 'grid' })[0].fields).toContain('starts');
    expect(crossCheck({ ...d, trial_ms: 100000, dt_ms: 0.001 })[0].fields).toContain('trial_ms');
  });
});

describe('presets', () => {
  for (const lab of LABS) {
    it(`${lab.id}: unique ids, one-line explanations, only known parameters with valid values`, () => {
      const ids = lab.presets.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const byName = new Map(lab.params.map((p) => [p.name, p]));
      for (const pr of lab.presets) {
        expect(pr.id).toMatch(/^[a-z0-9-]+$/);
        expect(pr.explain.length).toBeGreaterThan(10);
        expect(pr.explain).not.toMatch(/\n/);
        expect(pr.figure.length).toBeGreaterThan(0);
        for (const [k, v] of Object.entries(pr.values)) {
          const spec = byName.get(k);
          expect(spec, `${pr.id}: unknown parameter ${k}`).toBeDefined();
          expect(checkValue(spec as ParamSpec, v), `${pr.id}: ${k}`).toEqual({ value: v });
        }
        expect(lab.crossCheck({ ...defaults(lab.params), ...pr.values })).toEqual([]);
      }
    });
  }

  it('isn presets reproduce the figures’ settings', () => {
    const get = (id: string) => ISN_PRESETS.find((p) => p.id === id)!.values;
    expect(get('paradoxical')).toMatchObject({
      W_EE: 5,
      W_EI: 1.52,
      W_IE: 10,
      W_II: 2.25,
      I_opto: 7,
      rule: 'none',
    });
    expect(get('cross-homeostatic')).toMatchObject({
      rule: 'cross',
      W_EE: 2.1,
      W_EI: 3,
      W_IE: 4,
      W_II: 1.5,
    });
    expect(get('homeostatic')).toMatchObject({ rule: 'homeostatic' });
    expect(get('multi-start')).toMatchObject({ starts: 'grid' });
    expect(get('multi-unit-cross')).toMatchObject({ model: 'multi-unit', rule: 'cross' });
    expect(get('multi-unit-two-term')).toMatchObject({ model: 'multi-unit', rule: 'two-term' });
  });
});

describe("every lab's model spec ships with the app", () => {
  it('public/spec/ holds the spec each lab links to, as in ../shared/spec/', () => {
    const root = resolve(__dirname, '../..');
    for (const lab of LABS) {
      const file = lab.spec.split('/').pop()!;
      const shipped = resolve(root, 'public/spec', file);
      expect(existsSync(shipped), `${lab.id}: public/spec/${file}`).toBe(true);
      const shared = resolve(root, '..', lab.spec);
      // the shared spec is the source; the copy in public/ must not drift from it
      if (existsSync(shared))
        expect(readFileSync(shipped, 'utf8')).toBe(readFileSync(shared, 'utf8'));
    }
  });
});
