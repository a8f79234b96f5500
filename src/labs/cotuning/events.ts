/**
 * The co-tuning lab's timed knock-outs and perturbations as text: the `events` parameter, so
 * that what a user throws in during a run (the app's buttons) goes into the share link and the
 * CLI reproduces it, step for step. One item per event, separated by commas:
 *
 *   block-EE@12.5      block a recurrent pathway (EE, EI, IE, II) from 12.5 s on
 *   unblock-EE@20      restore it
 *   freeze-E@30        stop the E→read-out plasticity (E, I or both); unfreeze-E@40 restarts it
 *   silence-3@5        silence input group 3 (its E and I neurons); release-3@6 ends it
 *   drive-3:200@8      inject 200 pA into group 3's neurons (−1000…1000 pA; drive-3:0 stops)
 *
 * Groups are numbered 1…M, as in the plots and the buttons (event_group, the single-event
 * parameter, counts from 0). Times are seconds from the start of the run.
 */
import type { Pathway } from './network';
import type { CotuningEvent } from './runner';

/** At most this many events in one list. */
export const MAX_EVENTS = 64;
/** The longest time an event may take effect at (s), as event_time. */
const MAX_T = 3600;
/** The most groups a co-tuning network has (M's range). */
const MAX_GROUP = 16;

const ITEM =
  /^(block|unblock)-(EE|EI|IE|II)@(.+)$|^(freeze|unfreeze)-(E|I|both)@(.+)$|^(silence|release)-(\d+)@(.+)$|^drive-(\d+):([-+]?(?:\d+\.?\d*|\.\d+))@(.+)$/;

const NUM = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Parse an events list; groups come back 0-based, as the runner counts them. */
export function parseEvents(text: string): { events: CotuningEvent[] } | { error: string } {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length > MAX_EVENTS) return { error: `at most ${MAX_EVENTS} events` };
  const events: CotuningEvent[] = [];
  for (const item of items) {
    const m = ITEM.exec(item);
    const shown = item.length > 30 ? `${item.slice(0, 30)}…` : item;
    if (!m)
      return {
        error: `"${shown}" is not an event (block-EE@10, freeze-E@20, silence-3@5, drive-3:200@8, …)`,
      };
    const tText = m[3] ?? m[6] ?? m[9] ?? m[12];
    if (!NUM.test(tText)) return { error: `"${shown}": the time after @ is not a number` };
    const t = Number(tText);
    if (!(t >= 0 && t <= MAX_T)) return { error: `"${shown}": the time must be 0 … ${MAX_T} s` };
    if (m[1]) {
      events.push({ t, kind: 'block', pathway: m[2] as Pathway, on: m[1] === 'block' });
    } else if (m[4]) {
      const on = m[4] === 'freeze';
      if (m[5] !== 'I') events.push({ t, kind: 'freeze', which: 'E', on });
      if (m[5] !== 'E') events.push({ t, kind: 'freeze', which: 'I', on });
    } else {
      const g = Number(m[7] ? m[8] : m[10]);
      if (!(g >= 1 && g <= MAX_GROUP))
        return { error: `"${shown}": groups are numbered 1 … M (at most ${MAX_GROUP})` };
      if (m[7]) events.push({ t, kind: 'silence', group: g - 1, on: m[7] === 'silence' });
      else {
        const pA = Number(m[11]);
        if (!(Math.abs(pA) <= 1000))
          return { error: `"${shown}": the drive must be −1000 … 1000 pA` };
        events.push({ t, kind: 'drive', group: g - 1, pA });
      }
    }
  }
  return { events };
}

/** A time in seconds as short as it can be while naming the same 0.1 µs. */
function secs(t: number): string {
  return String(Number(t.toFixed(7)));
}

/** One event as an item of the list (the inverse of parseEvents). */
export function formatEvent(e: CotuningEvent): string {
  const at = `@${secs(e.t)}`;
  switch (e.kind) {
    case 'block':
      return `${e.on ? 'block' : 'unblock'}-${e.pathway}${at}`;
    case 'freeze':
      return `${e.on ? 'freeze' : 'unfreeze'}-${e.which}${at}`;
    case 'silence':
      return `${e.on ? 'silence' : 'release'}-${e.group + 1}${at}`;
    case 'drive':
      return `drive-${e.group + 1}:${e.pA}${at}`;
  }
}

/** The list with `more` appended. */
export function appendEvents(text: string, more: readonly CotuningEvent[]): string {
  return [text.trim(), ...more.map(formatEvent)].filter((s) => s !== '').join(', ');
}

const PATHWAY_NAME: Record<Pathway, string> = { EE: 'E→E', EI: 'E→I', IE: 'I→E', II: 'I→I' };

/** How the plots and the app name an event (the same words as its buttons). */
export function eventLabel(e: CotuningEvent): string {
  switch (e.kind) {
    case 'block':
      return `${e.on ? 'block' : 'unblock'} ${PATHWAY_NAME[e.pathway]}`;
    case 'freeze':
      return `${e.on ? 'freeze' : 'unfreeze'} ${e.which} plasticity`;
    case 'silence':
      return `${e.on ? 'silence' : 'release'} group ${e.group + 1}`;
    case 'drive':
      return e.pA !== 0
        ? `drive group ${e.group + 1} (${e.pA > 0 ? '+' : ''}${e.pA} pA)`
        : `stop driving group ${e.group + 1}`;
  }
}
