/**
 * The co-tuning lab's `events` parameter (src/labs/cotuning/events.ts): the grammar, its
 * messages, format ∘ parse = identity (property test), and how the protocol and the cross
 * checks use it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendEvents, eventLabel, formatEvent, parseEvents } from '../../src/labs/cotuning/events';
import { COTUNING_PARAMS, cotuningProtocol, crossCheck } from '../../src/labs/cotuning/params';
import type { CotuningEvent } from '../../src/labs/cotuning/runner';
import { defaults, parseText } from '../../src/model/params';

const ok = (t: string) => {
  const r = parseEvents(t);
  if ('error' in r) throw new Error(r.error);
  return r.events;
};

describe('co-tuning events', () => {
  it('parses every kind, with groups 1-based in the text and 0-based in the runner', () => {
    expect(ok('')).toEqual([]);
    expect(
      ok(
        'block-EE@10, unblock-II@20.5,freeze-both@1, unfreeze-I@2, silence-3@5, release-3@6, drive-2:-150@0.0001',
      ),
    ).toEqual([
      { t: 10, kind: 'block', pathway: 'EE', on: true },
      { t: 20.5, kind: 'block', pathway: 'II', on: false },
      { t: 1, kind: 'freeze', which: 'E', on: true },
      { t: 1, kind: 'freeze', which: 'I', on: true },
      { t: 2, kind: 'freeze', which: 'I', on: false },
      { t: 5, kind: 'silence', group: 2, on: true },
      { t: 6, kind: 'silence', group: 2, on: false },
      { t: 0.0001, kind: 'drive', group: 1, pA: -150 },
    ]);
  });

  it('says what is wrong', () => {
    const err = (t: string) => {
      const r = parseEvents(t);
      return 'error' in r ? r.error : '';
    };
    expect(err('block-XY@1')).toMatch(/is not an event/);
    expect(err('block-EE@soon')).toMatch(/time after @ is not a number/);
    expect(err('block-EE@-1')).toMatch(/is not an event|0 … 3600/);
    expect(err('block-EE@4000')).toMatch(/0 … 3600 s/);
    expect(err('silence-0@1')).toMatch(/numbered 1 … M/);
    expect(err('drive-1:2000@1')).toMatch(/−1000 … 1000 pA/);
    expect(err(Array(65).fill('block-EE@1').join(','))).toMatch(/at most 64/);
    // through the parameter table (the form, the link, the CLI)
    const spec = COTUNING_PARAMS.find((p) => p.name === 'events')!;
    expect(parseText(spec, 'freeze-E@3')).toEqual({ value: 'freeze-E@3' });
    expect(parseText(spec, '<b>x</b>')).toHaveProperty('error');
  });

  it('format ∘ parse is the identity on events', () => {
    const time = fc.integer({ min: 0, max: 36_000_000 }).map((k) => k / 10_000); // 0.1 ms steps
    const group = fc.integer({ min: 0, max: 15 });
    const ev: fc.Arbitrary<CotuningEvent> = fc.oneof(
      fc.record({
        t: time,
        kind: fc.constant('block' as const),
        pathway: fc.constantFrom('EE', 'EI', 'IE', 'II') as fc.Arbitrary<'EE'>,
        on: fc.boolean(),
      }),
      fc.record({
        t: time,
        kind: fc.constant('freeze' as const),
        which: fc.constantFrom('E', 'I') as fc.Arbitrary<'E'>,
        on: fc.boolean(),
      }),
      fc.record({ t: time, kind: fc.constant('silence' as const), group, on: fc.boolean() }),
      fc.record({
        t: time,
        kind: fc.constant('drive' as const),
        group,
        pA: fc.integer({ min: -1000, max: 1000 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 20 }), (list) => {
        expect(ok(appendEvents('', list))).toEqual(list);
      }),
    );
    expect(formatEvent({ t: 12.3456, kind: 'drive', group: 2, pA: 0 })).toBe('drive-3:0@12.3456');
    expect(eventLabel({ t: 0, kind: 'drive', group: 2, pA: 0 })).toBe('stop driving group 3');
  });

  it('the protocol schedules them after `event`; a group beyond M is a cross-field error', () => {
    const v = {
      ...defaults(COTUNING_PARAMS),
      event: 'block-EE',
      event_time: 2,
      events: 'drive-8:50@3',
    };
    expect(cotuningProtocol(v).events).toEqual([
      { t: 2, kind: 'block', pathway: 'EE', on: true },
      { t: 3, kind: 'drive', group: 7, pA: 50 },
    ]);
    expect(crossCheck(v)).toEqual([]);
    expect(crossCheck({ ...v, events: 'silence-9@1' }).map((e) => e.fields)).toEqual([
      ['events', 'M'],
    ]);
  });
});
