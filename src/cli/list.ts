/**
 * `eilab list [--json]`: the labs, their presets (with one-line explanations) and their
 * parameters (unit, range, default, source), from the lab registry.
 */
import type { ParamSpec } from '../model/params';
import { LABS, type LabInfo } from '../labs/registry';

export interface ListedParam {
  name: string;
  label: string;
  kind: ParamSpec['kind'];
  unit?: string;
  min?: number;
  max?: number;
  options?: readonly string[];
  nullable?: boolean;
  /** text parameters: the grammar, an example and the longest text */
  syntax?: string;
  example?: string;
  maxLength?: number;
  default: ParamSpec['default'];
  group: string;
  advanced: boolean;
  description: string;
  source: string;
}

export function listParam(p: ParamSpec): ListedParam {
  const base = {
    name: p.name,
    label: p.label,
    kind: p.kind,
    default: p.default,
    group: p.group,
    advanced: !!p.advanced,
    description: p.description,
    source: p.source,
  };
  if (p.kind === 'enum') return { ...base, options: p.options };
  if (p.kind === 'bool') return base;
  if (p.kind === 'text')
    return { ...base, syntax: p.syntax, example: p.example, maxLength: p.maxLength };
  return {
    ...base,
    unit: p.unit,
    min: p.min,
    max: p.max,
    ...(p.nullable ? { nullable: true } : {}),
  };
}

export function listJson(labs: readonly LabInfo[] = LABS): unknown {
  return {
    labs: labs.map((l) => ({
      id: l.id,
      title: l.title,
      paper: l.paper,
      spec: l.spec,
      presets: l.presets.map((p) => ({
        id: p.id,
        title: p.title,
        figure: p.figure,
        explain: p.explain,
        values: p.values,
      })),
      params: l.params.map(listParam),
    })),
  };
}

/** The range/type column of a parameter, e.g. "0 … 100 Hz", "two-pop | multi-unit", "true | false". */
export function rangeText(p: ParamSpec): string {
  if (p.kind === 'enum') return p.options.join(' | ');
  if (p.kind === 'bool') return 'true | false';
  if (p.kind === 'text') return p.syntax;
  const unit = p.unit ? ` ${p.unit}` : '';
  const kind = p.kind === 'int' ? 'integer ' : '';
  return `${kind}${p.min} … ${p.max}${unit}${p.nullable ? ' or auto' : ''}`;
}

export function defaultText(p: ParamSpec): string {
  if (p.default === null) return 'auto';
  return String(p.default);
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function listText(labs: readonly LabInfo[] = LABS): string {
  const out: string[] = [];
  for (const l of labs) {
    out.push(`Lab ${l.id}: ${l.title}`);
    out.push(`  Paper: ${l.paper}`);
    out.push('');
    out.push(`  Presets (eilab run ${l.id} --preset ID):`);
    const w = Math.max(...l.presets.map((p) => p.id.length));
    for (const p of l.presets)
      out.push(`    ${pad(p.id, w)}  ${pad(p.figure, 14)} ${p.title}: ${p.explain}`);
    out.push('');
    out.push(`  Parameters (eilab run ${l.id} --set NAME=VALUE):`);
    const nw = Math.max(...l.params.map((p) => p.name.length));
    const rw = Math.min(34, Math.max(...l.params.map((p) => rangeText(p).length)));
    let group = '';
    for (const p of l.params) {
      if (p.group !== group) {
        group = p.group;
        out.push(`   [${group}]`);
      }
      out.push(`    ${pad(p.name, nw)}  ${pad(rangeText(p), rw)}  default ${defaultText(p)}`);
      out.push(`    ${' '.repeat(nw)}  ${p.description} (source: ${p.source})`);
    }
    out.push('');
  }
  return out.join('\n');
}
