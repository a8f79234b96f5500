/**
 * Share links: the whole state of a run in the URL hash, versioned.
 *
 *   #v=1&lab=isn&preset=cross-homeostatic&seed=1&view=weights&W_EE=2.5&rule=cross
 *
 * A link's preset supplies the values and the link's own fields override them, so a hand-typed
 * `#v=1&lab=stp&preset=facilitating` loads the facilitating synapse. The app writes every
 * parameter that differs from the lab's defaults and every one the preset sets, so the links it
 * writes do not depend on the preset's definition staying the same. Decoding never throws:
 * each bad field is named in `errors` and gets the preset's value (or the default), the rest is
 * kept; an unknown preset is named and the defaults are the base.
 *
 * `labs` is the lab registry (tests pass one with a lab that has no page in the app).
 */
import { clip, defaults, formatValue, parseText, type ParamValues } from '../model/params';
import { LABS, type LabInfo } from '../labs/registry';
import type { Preset } from '../labs/isn/presets';

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

const find = (labs: readonly LabInfo[], id: string) => labs.find((l) => l.id === id);

/** The values a link with this preset starts from: the lab's defaults with the preset's. */
function baseValues(info: LabInfo, preset: Preset | undefined): ParamValues {
  return { ...defaults(info.params), ...preset?.values };
}

export function defaultShareState(lab = LABS[0].id, labs: readonly LabInfo[] = LABS): ShareState {
  const info = find(labs, lab) ?? labs[0];
  return {
    lab: info.id,
    preset: null,
    seed: 1,
    values: defaults(info.params),
    view: null,
    backend: 'auto',
  };
}

export function encodeShareState(s: ShareState, labs: readonly LabInfo[] = LABS): string {
  const info = find(labs, s.lab) ?? labs[0];
  const q = new URLSearchParams();
  q.set('v', String(LINK_VERSION));
  q.set('lab', info.id);
  if (s.preset) q.set('preset', s.preset);
  q.set('seed', String(s.seed));
  if (s.view) q.set('view', s.view);
  if (s.backend !== 'auto') q.set('backend', s.backend);
  const d = defaults(info.params);
  const set = info.presets.find((p) => p.id === s.preset)?.values ?? {};
  for (const p of info.params) {
    const v = s.values[p.name];
    // a value left out is not part of the link (the preset's or the default applies), rather
    // than written as "auto", which most fields refuse
    if (v === undefined) continue;
    if (v !== d[p.name] || p.name in set) q.set(p.name, formatValue(p, v));
  }
  return q.toString();
}

const RESERVED = new Set(['v', 'lab', 'preset', 'seed', 'view', 'backend']);
const VIEW_RE = /^[a-z0-9-]{1,32}$/;

export function decodeShareState(
  hash: string,
  labs: readonly LabInfo[] = LABS,
): { state: ShareState; errors: string[] } {
  const errors: string[] = [];
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  let q: URLSearchParams;
  try {
    q = new URLSearchParams(text.length > 20000 ? '' : text);
    if (text.length > 20000)
      errors.push('link is too long (over 20 000 characters); defaults loaded');
  } catch {
    return {
      state: defaultShareState(labs[0].id, labs),
      errors: ['link could not be read; defaults loaded'],
    };
  }
  const v = q.get('v');
  if (v === null) errors.push(`link has no version (v); read as version ${LINK_VERSION}`);
  else if (v !== String(LINK_VERSION))
    errors.push(
      `link version "${clip(v)}" is not ${LINK_VERSION}; fields were read as version ${LINK_VERSION}`,
    );
  const labId = q.get('lab') ?? labs[0].id;
  let info = find(labs, labId);
  if (!info) {
    errors.push(`lab: unknown lab "${clip(labId)}"; ${labs[0].id} loaded`);
    info = labs[0];
  }
  const state = defaultShareState(info.id, labs);
  const presetId = q.get('preset');
  const preset = presetId === null ? undefined : info.presets.find((p) => p.id === presetId);
  if (preset) state.preset = preset.id;
  else if (presetId !== null)
    errors.push(
      `preset: unknown preset "${clip(presetId)}" of lab ${info.id} (its presets: ${info.presets.map((p) => p.id).join(', ') || 'none'}); the lab's defaults were loaded for the fields the link does not set`,
    );
  // the preset's values, then the link's own fields over them
  const base = baseValues(info, preset);
  state.values = { ...base };
  const baseWord = preset ? `preset ${preset.id}'s value` : 'default';
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
    if ('error' in r) errors.push(`${r.error}; ${baseWord} ${formatValue(p, base[k])} used`);
    else state.values[k] = r.value;
  }
  // A cross-field conflict resets the fields it names to the preset's values or the defaults
  // (safe values); should the rest still conflict, every field is reset.
  const resetTo = preset ? `preset ${preset.id}'s values` : 'defaults';
  for (const e of info.crossCheck(state.values)) {
    errors.push(`${e.message}; ${e.fields.join(', ')} reset to ${resetTo}`);
    for (const f of e.fields) state.values[f] = base[f];
  }
  if (info.crossCheck(state.values).length) {
    errors.push(`the link's values still conflict; the ${resetTo} were loaded`);
    state.values = { ...base };
  }
  return { state, errors };
}
