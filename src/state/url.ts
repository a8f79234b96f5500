/**
 * Share links: the whole state of a run in the URL hash, versioned.
 *
 *   #v=1&lab=isn&preset=cross-homeostatic&seed=1&view=weights&W_EE=2.5&rule=cross
 *
 * Every parameter that differs from the lab's defaults is written, so a link does not depend
 * on a preset's definition staying the same; `preset` is kept as a label. Decoding never
 * throws: each bad field is named in `errors` and gets its default, the rest is kept.
 */
import { clip, defaults, formatValue, parseText, type ParamValues } from '../model/params';
import { LABS, findLab } from '../labs/registry';

export const LINK_VERSION = 1;
export const MAX_SEED = 2 ** 32 - 1;

export interface ShareState {
  lab: string;
  preset: string | null;
  seed: number;
  values: ParamValues;
  /** UI view (tab), free-form but validated by the UI */
  view: string | null;
  /** backend preference for an exact reproduction */
  backend: 'auto' | 'cpu' | 'webgpu';
}

export function defaultShareState(lab = LABS[0].id): ShareState {
  const info = findLab(lab) ?? LABS[0];
  return {
    lab: info.id,
    preset: null,
    seed: 1,
    values: defaults(info.params),
    view: null,
    backend: 'auto',
  };
}

export function encodeShareState(s: ShareState): string {
  const info = findLab(s.lab) ?? LABS[0];
  const q = new URLSearchParams();
  q.set('v', String(LINK_VERSION));
  q.set('lab', info.id);
  if (s.preset) q.set('preset', s.preset);
  q.set('seed', String(s.seed));
  if (s.view) q.set('view', s.view);
  if (s.backend !== 'auto') q.set('backend', s.backend);
  const d = defaults(info.params);
  for (const p of info.params) {
    const v = s.values[p.name];
    if (v !== d[p.name]) q.set(p.name, formatValue(p, v ?? null));
  }
  return q.toString();
}

const RESERVED = new Set(['v', 'lab', 'preset', 'seed', 'view', 'backend']);
const VIEW_RE = /^[a-z0-9-]{1,32}$/;

export function decodeShareState(hash: string): { state: ShareState; errors: string[] } {
  const errors: string[] = [];
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(text.length > 20000 ? '' : text);
    if (text.length > 20000)
      errors.push('link is too long (over 20 000 characters); defaults loaded');
  } catch {
    return { state: defaultShareState(), errors: ['link could not be read; defaults loaded'] };
  }
  const v = q.get('v');
  if (v === null) errors.push(`link has no version (v); read as version ${LINK_VERSION}`);
  else if (v !== String(LINK_VERSION))
    errors.push(
      `link version "${clip(v)}" is not ${LINK_VERSION}; fields were read as version ${LINK_VERSION}`,
    );
  const labId = q.get('lab') ?? LABS[0].id;
  let info = findLab(labId);
  if (!info) {
    errors.push(`lab: unknown lab "${clip(labId)}"; ${LABS[0].id} loaded`);
    info = LABS[0];
  }
  const state = defaultShareState(info.id);
  const preset = q.get('preset');
  if (preset !== null) {
    if (info.presets.some((p) => p.id === preset)) state.preset = preset;
    else errors.push(`preset: unknown preset "${clip(preset)}"`);
  }
  const seed = q.get('seed');
  if (seed !== null) {
    if (/^\d{1,10}$/.test(seed) && Number(seed) <= MAX_SEED) state.seed = Number(seed);
    else errors.push(`seed: "${clip(seed)}" is not an integer in 0…${MAX_SEED}; seed 1 used`);
  }
  const view = q.get('view');
  if (view !== null) {
    if (VIEW_RE.test(view)) state.view = view;
    else errors.push(`view: "${clip(view)}" is not a view name`);
  }
  const backend = q.get('backend');
  if (backend !== null) {
    if (backend === 'cpu' || backend === 'webgpu' || backend === 'auto') state.backend = backend;
    else errors.push(`backend: "${clip(backend)}" is not cpu, webgpu or auto`);
  }
  const byName = new Map(info.params.map((p) => [p.name, p]));
  const seen = new Set<string>();
  for (const [k, raw] of q.entries()) {
    if (RESERVED.has(k)) continue;
    const p = byName.get(k);
    if (!p) {
      errors.push(`${clip(k)}: not a parameter of lab ${info.id}; ignored`);
      continue;
    }
    if (seen.has(k)) {
      errors.push(`${k}: given more than once; the first value is used`);
      continue;
    }
    seen.add(k);
    const r = parseText(p, raw);
    if ('error' in r) errors.push(`${r.error}; default ${formatValue(p, p.default)} used`);
    else state.values[k] = r.value;
  }
  // A cross-field conflict resets the fields it names to their defaults (safe values).
  const d = defaults(info.params);
  for (const e of info.crossCheck(state.values)) {
    errors.push(`${e.message}; ${e.fields.join(', ')} reset to defaults`);
    for (const f of e.fields) state.values[f] = d[f];
  }
  return { state, errors };
}
