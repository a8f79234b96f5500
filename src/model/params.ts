/**
 * Parameter tables: one declarative table per lab drives the UI form, the share link, the
 * CLI flags and the JSON results (the TensorFlow Playground pattern, validated with zod).
 *
 * Each entry states its unit, range, default, description and the source of the value
 * (a paper equation/figure, the authors' code, or "EI Lab default; not given in the paper").
 */
import { z } from 'zod';

interface Base {
  name: string;
  label: string;
  description: string;
  /** where the default comes from */
  source: string;
  group: string;
  /** advanced parameters are folded in the UI */
  advanced?: boolean;
}

export interface NumberParam extends Base {
  kind: 'number' | 'int';
  unit: string;
  min: number;
  max: number;
  default: number | null;
  /** null default allowed: "use the paper's value for the chosen rule" */
  nullable?: boolean;
}

export interface EnumParam extends Base {
  kind: 'enum';
  options: readonly string[];
  default: string;
}

export interface BoolParam extends Base {
  kind: 'bool';
  default: boolean;
}

/** Free text in a grammar of the lab's own (e.g. a list of timed events); `check` says what is wrong. */
export interface TextParam extends Base {
  kind: 'text';
  default: string;
  maxLength: number;
  /** the grammar in a few words, for the CLI's and the form's hints */
  syntax: string;
  /** a valid value other than the default (docs, tests) */
  example: string;
  /** null when the text is valid, else what is wrong */
  check: (text: string) => string | null;
}

export type ParamSpec = NumberParam | EnumParam | BoolParam | TextParam;

/** A cross-field error: the fields involved and what is wrong. */
export interface CrossError {
  fields: string[];
  message: string;
}
export type ParamValue = number | string | boolean | null;
export type ParamValues = Record<string, ParamValue>;

export function zodFor(p: ParamSpec): z.ZodType<ParamValue> {
  switch (p.kind) {
    case 'number':
    case 'int': {
      let s = z.number({ error: `${p.name} must be a number` }).finite(`${p.name} must be finite`);
      if (p.kind === 'int') s = s.int(`${p.name} must be an integer`);
      s = s
        .min(p.min, `${p.name} must be ≥ ${p.min} ${p.unit}`.trim())
        .max(p.max, `${p.name} must be ≤ ${p.max} ${p.unit}`.trim());
      return p.nullable ? s.nullable() : s;
    }
    case 'enum':
      return z.enum(p.options as [string, ...string[]], {
        error: `${p.name} must be one of ${p.options.join(', ')}`,
      });
    case 'bool':
      return z.boolean({ error: `${p.name} must be true or false` });
    case 'text':
      return z
        .string({ error: `${p.name} must be text` })
        .max(p.maxLength, `${p.name} must be at most ${p.maxLength} characters`)
        .superRefine((t, ctx) => {
          const e = p.check(t);
          if (e) ctx.addIssue({ code: 'custom', message: `${p.name}: ${e}` });
        });
  }
}

export function defaults(table: readonly ParamSpec[]): ParamValues {
  const out: ParamValues = {};
  for (const p of table) out[p.name] = p.default;
  return out;
}

/** Parse a textual value (URL, CLI, form) into the parameter's type; returns an error text. */
export function parseText(p: ParamSpec, text: string): { value: ParamValue } | { error: string } {
  const t = text.trim();
  let v: unknown;
  if (p.kind === 'number' || p.kind === 'int') {
    if (p.nullable && (t === '' || t === 'auto' || t === 'null')) v = null;
    else if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
      return { error: `${p.name}: "${clip(text)}" is not a number` };
    } else v = Number(t);
  } else if (p.kind === 'bool') {
    if (['true', '1', 'on', 'yes'].includes(t.toLowerCase())) v = true;
    else if (['false', '0', 'off', 'no'].includes(t.toLowerCase())) v = false;
    else return { error: `${p.name}: "${clip(text)}" is not true/false` };
  } else v = t;
  const r = zodFor(p).safeParse(v);
  if (!r.success) return { error: r.error.issues.map((i) => i.message).join('; ') };
  return { value: r.data };
}

export function formatValue(p: ParamSpec, v: ParamValue): string {
  if (v === null) return 'auto';
  if (typeof v === 'number') return String(v);
  return String(v);
}

/** Validate a whole object; unknown keys and bad values are reported, bad ones get defaults. */
export function validateValues(
  table: readonly ParamSpec[],
  input: Record<string, unknown>,
): { values: ParamValues; errors: string[] } {
  const values = defaults(table);
  const errors: string[] = [];
  const byName = new Map(table.map((p) => [p.name, p]));
  for (const [k, raw] of Object.entries(input)) {
    const p = byName.get(k);
    if (!p) {
      errors.push(`unknown parameter "${clip(k)}"`);
      continue;
    }
    const r = typeof raw === 'string' ? parseText(p, raw) : checkValue(p, raw);
    if ('error' in r) errors.push(r.error);
    else values[k] = r.value;
  }
  return { values, errors };
}

export function checkValue(p: ParamSpec, raw: unknown): { value: ParamValue } | { error: string } {
  const r = zodFor(p).safeParse(raw);
  if (!r.success) return { error: r.error.issues.map((i) => i.message).join('; ') };
  return { value: r.data };
}

/** Shorten untrusted text before quoting it in a message. */
export function clip(s: string, n = 40): string {
  const t = String(s).replace(/[\u0000-\u001f\u007f]/g, '?');
  return t.length > n ? `${t.slice(0, n)}…` : t;
}
