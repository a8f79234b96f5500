/**
 * Share links (src/state/url.ts): every parameter round-trips; malformed links never throw,
 * always decode to a valid state, and every bad field is named in a message
 * (property-based with fast-check).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkValue,
  defaults,
  parseText,
  type ParamSpec,
  type ParamValue,
  type ParamValues,
} from '../../src/model/params';
import { LABS, findLab } from '../../src/labs/registry';
import {
  decodeShareState,
  defaultShareState,
  encodeShareState,
  MAX_SEED,
  type ShareState,
} from '../../src/state/url';

const lab = LABS[0];
const D = defaults(lab.params);

/** A valid value of p that differs from its default and passes the cross checks with the other defaults. */
function nonDefault(p: ParamSpec): ParamValue {
  const cands: ParamValue[] = [];
  if (p.kind === 'bool') cands.push(!p.default);
  else if (p.kind === 'enum') cands.push(...p.options.filter((o) => o !== p.default));
  else if (p.kind === 'text') cands.push(p.example);
  else {
    const d = typeof p.default === 'number' ? p.default : (p.min + p.max) / 2;
    const raw = [
      d + (p.max - d) / 3,
      d - (d - p.min) / 3,
      p.max,
      p.min,
      (p.min + p.max) / 2,
      d * 1.5,
      d / 2,
      d + 1e-3,
    ];
    for (const r of raw) cands.push(p.kind === 'int' ? Math.round(r) : r);
  }
  for (const c of cands) {
    if (c === p.default) continue;
    if (!('value' in checkValue(p, c))) continue;
    if (lab.crossCheck({ ...D, [p.name]: c }).length > 0) continue;
    return c;
  }
  throw new Error(`no non-default value found for ${p.name}`);
}

/** Every decoded state must satisfy these, whatever the input. */
function expectValidState(s: ShareState): void {
  const info = findLab(s.lab);
  expect(info).toBeDefined();
  const params = info!.params;
  expect(Object.keys(s.values).sort()).toEqual(params.map((p) => p.name).sort());
  for (const p of params)
    expect(checkValue(p, s.values[p.name]), p.name).toEqual({ value: s.values[p.name] });
  expect(info!.crossCheck(s.values)).toEqual([]);
  expect(Number.isInteger(s.seed) && s.seed >= 0 && s.seed <= MAX_SEED).toBe(true);
  expect(s.preset === null || info!.presets.some((p) => p.id === s.preset)).toBe(true);
  expect(s.view === null || /^[a-z0-9-]{1,32}$/.test(s.view)).toBe(true);
  expect(['auto', 'cpu', 'webgpu']).toContain(s.backend);
}

describe('share link round trip', () => {
  it.each(lab.params.map((p) => [p.name, p] as const))(
    '%s round-trips a non-default value',
    (_n, p) => {
      const v = nonDefault(p);
      const state: ShareState = { ...defaultShareState(lab.id), values: { ...D, [p.name]: v } };
      const text = encodeShareState(state);
      expect(text).toContain(`${encodeURIComponent(p.name)}=`);
      const { state: back, errors } = decodeShareState(`#${text}`);
      expect(errors).toEqual([]);
      expect(back.values[p.name]).toEqual(v);
      expect(back).toEqual(state);
    },
  );

  it('round-trips all parameters changed at once', () => {
    const values: ParamValues = { ...D };
    // change everything that does not conflict (cross checks) with what is already changed
    for (const p of lab.params) {
      const v = nonDefault(p);
      if (lab.crossCheck({ ...values, [p.name]: v }).length === 0) values[p.name] = v;
    }
    const changed = lab.params.filter((p) => values[p.name] !== D[p.name]).length;
    expect(changed).toBeGreaterThan(lab.params.length - 4);
    const state: ShareState = { ...defaultShareState(lab.id), values };
    const { state: back, errors } = decodeShareState(encodeShareState(state));
    expect(errors).toEqual([]);
    expect(back).toEqual(state);
  });

  it('round-trips seed, preset, view and backend', () => {
    for (const seed of [0, 1, 12345, MAX_SEED])
      for (const preset of [null, ...lab.presets.map((p) => p.id)])
        for (const view of [null, 'weights', 'stability-map'])
          for (const backend of ['auto', 'cpu', 'webgpu'] as const) {
            const state: ShareState = { ...defaultShareState(lab.id), seed, preset, view, backend };
            const { state: back, errors } = decodeShareState(encodeShareState(state));
            expect(errors).toEqual([]);
            expect(back).toEqual(state);
          }
  });

  it('writes only the parameters that differ from the defaults', () => {
    const text = encodeShareState({ ...defaultShareState(lab.id), values: { ...D, W_EE: 3 } });
    const q = new URLSearchParams(text);
    expect(q.get('W_EE')).toBe('3');
    for (const p of lab.params) if (p.name !== 'W_EE') expect(q.has(p.name)).toBe(false);
    expect(q.get('v')).toBe('1');
  });
});

describe('malformed links (fast-check)', () => {
  const names = lab.params.map((p) => p.name);
  const reserved = ['v', 'lab', 'preset', 'seed', 'view', 'backend'];
  const anyKey = fc.oneof(
    fc.constantFrom(...names, ...reserved),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
  );
  const anyValue = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.double().map(String),
    fc.integer().map(String),
    fc.constantFrom(
      '',
      'auto',
      'null',
      'NaN',
      'true',
      'cross',
      'multi-unit',
      'grid',
      '-1',
      '1e400',
      '%',
      '%zz',
      '%E0%A4%A',
      '0x1f',
    ),
  );
  const brokenEscapes = fc
    .array(
      fc.constantFrom(
        '%',
        '%%',
        '%2',
        '%G0',
        '%E0%A4%A',
        '%C3',
        '=',
        '&',
        '#',
        '+',
        '%00',
        '%FF',
        'W_EE',
        'seed',
        'v=1',
      ),
      { maxLength: 30 },
    )
    .map((a) => a.join(''));
  const huge = fc
    .integer({ min: 20001, max: 60000 })
    .map((n) => 'W_EE=1&'.repeat(Math.ceil(n / 7)));
  const pairs = fc.array(fc.tuple(anyKey, anyValue), { maxLength: 12 }).map((ps) => {
    const q = new URLSearchParams();
    for (const [k, v] of ps) q.append(k, v);
    return q.toString();
  });
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 100 }),
    pairs,
    brokenEscapes,
    huge,
  );

  it('decode never throws and always returns a valid state', () => {
    fc.assert(
      fc.property(text, fc.boolean(), (t, hash) => {
        const { state, errors } = decodeShareState(hash ? `#${t}` : t);
        expectValidState(state);
        expect(Array.isArray(errors)).toBe(true);
        for (const e of errors) {
          expect(typeof e).toBe('string');
          expect(e.length).toBeLessThan(400);
        }
        // what decode returns re-encodes to a clean link
        const again = decodeShareState(encodeShareState(state));
        expect(again.errors).toEqual([]);
        expect(again.state).toEqual(state);
      }),
      { numRuns: 400 },
    );
  });

  it('every bad parameter value is named in a message and replaced by its default', () => {
    const valid = fc.constantFrom(...names).chain((k) => fc.tuple(fc.constant(k), anyValue));
    fc.assert(
      fc.property(fc.array(valid, { minLength: 1, maxLength: 8 }), (ps) => {
        const q = new URLSearchParams();
        q.set('v', '1');
        q.set('lab', lab.id);
        for (const [k, v] of ps) q.append(k, v);
        const { state, errors } = decodeShareState(q.toString());
        expectValidState(state);
        const first = new Map<string, string>();
        for (const [k, v] of ps) if (!first.has(k)) first.set(k, v);
        const all = errors.join('\n');
        let crossReset = false;
        for (const [k, v] of first) {
          const spec = lab.params.find((p) => p.name === k)!;
          const r = parseText(spec, v);
          if ('error' in r) {
            expect(all, `no message for ${k}=${JSON.stringify(v)}`).toContain(k);
            expect(state.values[k]).toEqual(D[k]);
          } else if (state.values[k] !== r.value) {
            // only a cross-field conflict may reset a good value, and it says so
            crossReset = true;
            expect(state.values[k]).toEqual(D[k]);
            expect(all).toMatch(new RegExp(`reset to defaults`));
            expect(all).toContain(k);
          }
        }
        // duplicates are reported
        for (const k of first.keys())
          if (ps.filter(([kk]) => kk === k).length > 1)
            expect(all).toContain(`${k}: given more than once`);
        if (errors.length === 0) expect(crossReset).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('unknown keys, a bad seed, view, backend, preset, lab and version are each reported', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, maxLength: 10 })
          .filter((k) => !names.includes(k) && !reserved.includes(k)),
        fc.string({ maxLength: 10 }).filter((s) => !/^\d{1,10}$/.test(s) || Number(s) > MAX_SEED),
        (key, seed) => {
          const q = new URLSearchParams();
          q.set('v', '2');
          q.set('lab', 'nope');
          q.set('seed', seed);
          q.set('view', 'Bad View!');
          q.set('backend', 'quantum');
          q.set('preset', 'no-such-preset');
          q.append(key, '1');
          const { state, errors } = decodeShareState(q.toString());
          expectValidState(state);
          expect(state.lab).toBe(lab.id);
          expect(state.seed).toBe(1);
          expect(state.view).toBeNull();
          expect(state.backend).toBe('auto');
          expect(state.preset).toBeNull();
          const all = errors.join('\n');
          for (const m of [/version/, /lab/, /seed/, /view/, /backend/, /preset/])
            expect(all).toMatch(m);
          expect(errors.some((e) => e.includes('not a parameter'))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an over-long link loads the defaults with a message', () => {
    const { state, errors } = decodeShareState('#' + 'W_EE=3&'.repeat(5000));
    expect(state.values).toEqual(D);
    expect(errors.join('\n')).toMatch(/too long/);
  });

  it('cross-field conflicts reset the fields they name', () => {
    const { state, errors } = decodeShareState('v=1&lab=isn&window_ms=5000&trial_ms=1000&W_EE=3');
    expectValidState(state);
    expect(state.values.W_EE).toBe(3);
    expect(state.values.window_ms).toBe(D.window_ms);
    expect(state.values.trial_ms).toBe(D.trial_ms);
    expect(errors.join('\n')).toMatch(/window_ms/);
  });
});

describe('links that name a preset (the preset supplies the values, the link overrides)', () => {
  const cases = LABS.flatMap((l) => l.presets.map((p) => [l.id, p.id] as const));
  const presetOf = (labId: string, id: string) => findLab(labId)!.presets.find((p) => p.id === id)!;

  it.each(cases)('%s: a link with only preset=%s loads the preset', (labId, presetId) => {
    const info = findLab(labId)!;
    const { state, errors } = decodeShareState(`#v=1&lab=${labId}&preset=${presetId}`);
    expect(errors).toEqual([]);
    expect(state.preset).toBe(presetId);
    expect(state.values).toEqual({
      ...defaults(info.params),
      ...presetOf(labId, presetId).values,
    });
    expectValidState(state);
  });

  it('explicit values override the preset’s (stp, isn)', () => {
    const stp = decodeShareState('v=1&lab=stp&preset=train&isi=20');
    expect(stp.errors).toEqual([]);
    expect(stp.state.values.isi).toBe(20); // the preset says 50
    expect(stp.state.values.n_spikes).toBe(10); // the preset's
    expect(stp.state.values.U).toBe(0.3);
    const isn = decodeShareState('v=1&lab=isn&preset=paradoxical&I_opto=3&seed=9');
    expect(isn.errors).toEqual([]);
    expect(isn.state.seed).toBe(9);
    expect(isn.state.values).toEqual({
      ...defaults(findLab('isn')!.params),
      ...presetOf('isn', 'paradoxical').values,
      I_opto: 3,
    });
  });

  it('a bad value gets the preset’s value, and the message says so', () => {
    const { state, errors } = decodeShareState('v=1&lab=stp&preset=train&isi=soon');
    expect(state.values.isi).toBe(50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/isi: "soon" is not a number; preset train's value 50 used/);
  });

  it('an unknown preset is named with the lab’s presets; the defaults are the base', () => {
    const { state, errors } = decodeShareState('v=1&lab=stp&preset=facilitation&isi=20');
    expect(state.preset).toBeNull();
    expect(state.values).toEqual({ ...defaults(findLab('stp')!.params), isi: 20 });
    expect(errors).toEqual([
      'preset: unknown preset "facilitation" of lab stp (its presets: depressing, facilitating, train); the lab\'s defaults were loaded for the fields the link does not set',
    ]);
  });

  it('a cross-field conflict resets its fields to the preset’s values', () => {
    // the preset sets trial_ms 2000 (the default); window_ms 5000 does not fit a 1000 ms trial
    const { state, errors } = decodeShareState(
      'v=1&lab=isn&preset=paradoxical&trial_ms=1000&window_ms=5000&W_IE=9',
    );
    expectValidState(state);
    const base = { ...defaults(findLab('isn')!.params), ...presetOf('isn', 'paradoxical').values };
    expect(state.values.trial_ms).toBe(base.trial_ms);
    expect(state.values.window_ms).toBe(base.window_ms);
    expect(state.values.W_IE).toBe(9);
    expect(errors.join('\n')).toMatch(/reset to preset paradoxical's values/);
  });

  it('what the app writes survives the preset: a value set back to its default is written', () => {
    // the train preset sets isi 50 and n_spikes 10; the user puts isi back to the default 10
    const values = { ...defaults(findLab('stp')!.params), U: 0.3, isi: 10, n_spikes: 10 };
    const state: ShareState = { ...defaultShareState('stp'), preset: 'train', values };
    const text = encodeShareState(state);
    expect(new URLSearchParams(text).get('isi')).toBe('10');
    const back = decodeShareState(text);
    expect(back.errors).toEqual([]);
    expect(back.state).toEqual(state);
  });

  it('values left out of the state are left out of the link (no "auto" for fields that refuse it)', () => {
    // scripts and tests build links from a few values; the rest comes from the preset
    const partial = { learn_time: 10, tuning_reps: 2 } as unknown as ParamValues;
    const state: ShareState = {
      ...defaultShareState('cotuning'),
      preset: 'feedforward',
      values: partial,
    };
    const text = encodeShareState(state);
    expect(text).not.toContain('auto');
    const back = decodeShareState(text);
    expect(back.errors).toEqual([]);
    expect(back.state.values).toEqual({
      ...defaults(findLab('cotuning')!.params),
      ...presetOf('cotuning', 'feedforward').values,
      ...partial,
    });
  });
});
