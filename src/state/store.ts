/**
 * The app's state: one vanilla zustand store (`createStore` from 'zustand/vanilla') split into
 * slices. Actions are plain functions on the state (`appStore.getState().applyPreset(id)`), so
 * the runner and the link sync call them without hooks; React reads the store with `useStore`.
 *
 *  - params: lab, preset, applied values, per-field drafts and their errors, seed
 *  - ui:     view (tab), backend preference, link errors, notices
 *  - run:    status, progress, backend badge, run error, headline numbers
 *  - live:   per-frame plot data (mutated in place, announced by `live.rev`; see live.ts)
 *
 * Parameter edits are validated with the lab's table (model/params.ts) and its cross-field
 * checks; an invalid edit is kept as a draft with its message and is not applied.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { LABS, findLab, type LabInfo } from '../labs/registry';
import {
  defaults,
  formatValue,
  parseText,
  type ParamSpec,
  type ParamValue,
  type ParamValues,
} from '../model/params';
import type { BackendPreference } from '../engine/acquire';
import type { TwoPopWeights } from '../labs/isn/experiment';
import { emptyLive, type LiveData } from './live';
import { ASM_LAB_ID, ASM_VIEWS, type AsmViewId } from './asmViews';
import { COT_LAB_ID, COT_VIEWS, type CotViewId } from './cotStore';
import { RED_LAB_ID, RED_VIEWS, type RedViewId } from './redStore';
import { STP_LAB_ID, STP_VIEWS } from './stpStore';
import { COBA_LAB_ID, COBA_VIEWS, type CobaViewId } from './cobaStore';

export const MAX_SEED = 2 ** 32 - 1;

/** The plot views (tabs) of the ISN lab; the ids are part of share links. */
export const VIEWS = [
  { id: 'overview', label: 'Overview' },
  { id: 'trial', label: 'Within a trial' },
  { id: 'learning', label: 'Learning' },
  { id: 'stability', label: 'Stability' },
  { id: 'units', label: 'Units' },
] as const;
export type IsnViewId = (typeof VIEWS)[number]['id'];
/** a view of any lab (each lab has its own list; see `viewsOf`) */
export type ViewId = IsnViewId | AsmViewId | CotViewId | RedViewId | CobaViewId;
/** every lab's first view (a link without `view` opens it) */
export const DEFAULT_VIEW: ViewId = 'overview';

/** The views of a lab, in tab order. */
export function viewsOf(labId: string): readonly { id: ViewId; label: string }[] {
  if (labId === RED_LAB_ID) return RED_VIEWS;
  if (labId === STP_LAB_ID) return STP_VIEWS;
  if (labId === COBA_LAB_ID) return COBA_VIEWS;
  return labId === ASM_LAB_ID ? ASM_VIEWS : labId === COT_LAB_ID ? COT_VIEWS : VIEWS;
}

/** Whether `v` is a view of the lab (the ISN lab when none is named). */
export function isView(v: string | null | undefined, labId = 'isn'): v is ViewId {
  return viewsOf(labId).some((x) => x.id === v);
}

// ── params slice ────────────────────────────────────────────────────────────────────────

export interface ParamsSlice {
  labId: string;
  /** the preset the values started from (a label: values may have been edited since) */
  presetId: string | null;
  /** applied values: always valid (field ranges and cross-field checks) */
  values: ParamValues;
  /** text of fields whose edit is not applied (invalid), by parameter name */
  drafts: Record<string, string>;
  /** why each draft is not applied */
  fieldErrors: Record<string, string>;
  /** bumps on every applied change of lab, values or seed (the runner resets on it) */
  paramsRev: number;
  seed: number;
  seedDraft: string | null;
  seedError: string | null;

  selectLab(id: string): void;
  applyPreset(id: string | null): void;
  /** Edit one field (text from an input, or a boolean/enum value); returns true if applied. */
  editParam(name: string, raw: string | boolean): boolean;
  /**
   * Set one field to what the running run itself did (the co-tuning lab's knock-outs thrown
   * in mid-run go into `events`), so the link reproduces the run: validated like an edit, but
   * the run goes on (paramsRev stays). Returns true if applied.
   */
  recordParam(name: string, text: string): boolean;
  /** Put the named fields back to the preset's (or the defaults') values. */
  resetParams(names?: readonly string[]): void;
  setSeed(text: string): boolean;
}

// ── ui slice ────────────────────────────────────────────────────────────────────────────

export type NoticeKind = 'info' | 'warning' | 'error';
export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

export interface UiSlice {
  view: ViewId;
  backendPref: BackendPreference;
  /** problems found in the share link that was opened (banner) */
  linkErrors: string[];
  notices: Notice[];
  setView(v: ViewId): void;
  setBackendPref(p: BackendPreference): void;
  setLinkErrors(errors: string[]): void;
  dismissLinkErrors(): void;
  pushNotice(kind: NoticeKind, text: string): number;
  dismissNotice(id: number): void;
}

// ── run slice ───────────────────────────────────────────────────────────────────────────

export type RunStatus = 'idle' | 'running' | 'paused' | 'done' | 'error';

export interface BackendInfo {
  state: 'detecting' | 'ready' | 'failed';
  kind: 'cpu' | 'webgpu' | null;
  label: string;
  /** why WebGPU is not used (null when it is) */
  fallbackReason: string | null;
}

/** Headline numbers of the run (network 0), shown in the results panel. */
export interface RunNumbers {
  trial: number;
  trials: number;
  E: number;
  I: number;
  /** effective class weights */
  W: TwoPopWeights;
  /** batches: networks meeting the 1% criterion */
  converged: number;
  networks: number;
}

export interface RunSlice {
  status: RunStatus;
  /** trials completed / requested */
  trial: number;
  trials: number;
  backend: BackendInfo;
  /** a failed or blown-up run: where and why (banner) */
  runError: string | null;
  numbers: RunNumbers | null;
  /** trials per second (smoothed) */
  speed: number | null;
  setStatus(s: RunStatus): void;
  setProgress(
    trial: number,
    trials: number,
    numbers: RunNumbers | null,
    speed?: number | null,
  ): void;
  setBackend(b: BackendInfo): void;
  setRunError(msg: string | null): void;
}

export interface LiveSlice {
  live: LiveData;
  /** replace the live data (a new run or a reset) */
  setLive(live: LiveData): void;
  /** announce an in-place change of `live` */
  touchLive(): void;
}

export type AppState = ParamsSlice & UiSlice & RunSlice & LiveSlice;
export type AppStore = StoreApi<AppState>;

type SetState = AppStore['setState'];
type GetState = AppStore['getState'];

export function labOf(id: string): LabInfo {
  return findLab(id) ?? LABS[0];
}

/** Values of a preset: the lab's defaults with the preset's overrides. */
export function presetValues(lab: LabInfo, presetId: string | null): ParamValues {
  const base = defaults(lab.params);
  const p = presetId ? lab.presets.find((x) => x.id === presetId) : undefined;
  return p ? { ...base, ...p.values } : base;
}

/** Parameters whose value differs from the preset the values started from. */
export function changedFromPreset(s: Pick<AppState, 'labId' | 'presetId' | 'values'>): string[] {
  const lab = labOf(s.labId);
  const ref = presetValues(lab, s.presetId);
  return lab.params.filter((p) => s.values[p.name] !== ref[p.name]).map((p) => p.name);
}

/** What a store starts with: the lab, and the registry `selectLab` picks from (tests). */
export interface StoreInit {
  labId?: string;
  labs?: readonly LabInfo[];
}

function paramSlice(set: SetState, get: GetState, init: StoreInit): ParamsSlice {
  const lab = labOf(init.labId ?? LABS[0].id);
  const registry = init.labs ?? LABS;

  /** Try to apply `name` = `value` together with the pending drafts; cross-field check. */
  const tryApply = (
    values: ParamValues,
    name: string,
    value: ParamValue,
  ): { values: ParamValues } | { error: string } => {
    const l = labOf(get().labId);
    const candidate = { ...values, [name]: value };
    const cross = l.crossCheck(candidate);
    if (cross.length)
      return { error: cross.map((e) => `${e.message} (${e.fields.join(', ')})`).join('; ') };
    return { values: candidate };
  };

  const specOf = (name: string): ParamSpec | undefined =>
    labOf(get().labId).params.find((p) => p.name === name);

  return {
    labId: lab.id,
    presetId: null,
    values: defaults(lab.params),
    drafts: {},
    fieldErrors: {},
    paramsRev: 0,
    seed: 1,
    seedDraft: null,
    seedError: null,

    selectLab(id) {
      // a lab without a page in the app (app: false) cannot be picked
      const l = registry.find((x) => x.id === id);
      if (!l || !l.app || l.id === get().labId) return;
      set((s) => ({
        labId: l.id,
        presetId: null,
        values: defaults(l.params),
        drafts: {},
        fieldErrors: {},
        paramsRev: s.paramsRev + 1,
        view: isView(s.view, l.id) ? s.view : DEFAULT_VIEW,
      }));
    },

    applyPreset(id) {
      const l = labOf(get().labId);
      if (id !== null && !l.presets.some((p) => p.id === id)) return;
      const view = id !== null ? l.presets.find((p) => p.id === id)?.view : undefined;
      set((s) => ({
        presetId: id,
        values: presetValues(l, id),
        drafts: {},
        fieldErrors: {},
        paramsRev: s.paramsRev + 1,
        ...(view !== undefined && isView(view, l.id) ? { view } : {}),
      }));
    },

    editParam(name, raw) {
      const spec = specOf(name);
      if (!spec) return false;
      const text = typeof raw === 'boolean' ? String(raw) : raw;
      const parsed = parseText(spec, text);
      const s = get();
      if ('error' in parsed) {
        set({
          drafts: { ...s.drafts, [name]: text },
          fieldErrors: { ...s.fieldErrors, [name]: parsed.error },
        });
        return false;
      }
      const r = tryApply(s.values, name, parsed.value);
      if ('error' in r) {
        set({
          drafts: { ...s.drafts, [name]: text },
          fieldErrors: { ...s.fieldErrors, [name]: r.error },
        });
        return false;
      }
      let values = r.values;
      const drafts = { ...s.drafts };
      const fieldErrors = { ...s.fieldErrors };
      delete drafts[name];
      delete fieldErrors[name];
      // A pending draft held back by a cross-field conflict may be valid now.
      for (const [other, otherText] of Object.entries(drafts)) {
        const os = specOf(other);
        if (!os) continue;
        const op = parseText(os, otherText);
        if ('error' in op) continue;
        const or = tryApply(values, other, op.value);
        if ('values' in or) {
          values = or.values;
          delete drafts[other];
          delete fieldErrors[other];
        }
      }
      const changed =
        values[name] !== s.values[name] ||
        Object.keys(drafts).length !== Object.keys(s.drafts).length;
      set({ values, drafts, fieldErrors, paramsRev: changed ? s.paramsRev + 1 : s.paramsRev });
      return true;
    },

    recordParam(name, text) {
      const spec = specOf(name);
      if (!spec) return false;
      const parsed = parseText(spec, text);
      if ('error' in parsed) return false;
      const r = tryApply(get().values, name, parsed.value);
      if ('error' in r) return false;
      set({ values: r.values });
      return true;
    },

    resetParams(names) {
      const s = get();
      const l = labOf(s.labId);
      const ref = presetValues(l, s.presetId);
      const list = names ?? l.params.map((p) => p.name);
      let values = { ...s.values };
      for (const n of list) if (n in ref) values[n] = ref[n];
      if (l.crossCheck(values).length) values = ref; // never leave an invalid combination
      const drafts = { ...s.drafts };
      const fieldErrors = { ...s.fieldErrors };
      for (const n of list) {
        delete drafts[n];
        delete fieldErrors[n];
      }
      set({ values, drafts, fieldErrors, paramsRev: s.paramsRev + 1 });
    },

    setSeed(text) {
      const t = text.trim();
      if (!/^\d{1,10}$/.test(t) || Number(t) > MAX_SEED) {
        set({ seedDraft: text, seedError: `seed must be an integer in 0…${MAX_SEED}` });
        return false;
      }
      const seed = Number(t);
      set((s) => ({
        seed,
        seedDraft: null,
        seedError: null,
        paramsRev: seed !== s.seed ? s.paramsRev + 1 : s.paramsRev,
      }));
      return true;
    },
  };
}

let noticeId = 0;

function uiSlice(set: SetState, get: GetState): UiSlice {
  return {
    view: DEFAULT_VIEW,
    backendPref: 'auto',
    linkErrors: [],
    notices: [],
    setView(v) {
      if (isView(v, get().labId)) set({ view: v });
    },
    setBackendPref(p) {
      if (p !== get().backendPref) set({ backendPref: p });
    },
    setLinkErrors(errors) {
      set({ linkErrors: errors.slice() });
    },
    dismissLinkErrors() {
      set({ linkErrors: [] });
    },
    pushNotice(kind, text) {
      const id = ++noticeId;
      // keep the newest few; a repeated text replaces its older copy
      set((s) => ({
        notices: [...s.notices.filter((n) => n.text !== text).slice(-3), { id, kind, text }],
      }));
      return id;
    },
    dismissNotice(id) {
      set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
    },
  };
}

function runSlice(set: SetState): RunSlice {
  return {
    status: 'idle',
    trial: 0,
    trials: 0,
    backend: { state: 'detecting', kind: null, label: 'Detecting backend…', fallbackReason: null },
    runError: null,
    numbers: null,
    speed: null,
    setStatus(status) {
      set({ status });
    },
    setProgress(trial, trials, numbers, speed) {
      set(speed === undefined ? { trial, trials, numbers } : { trial, trials, numbers, speed });
    },
    setBackend(backend) {
      set({ backend });
    },
    setRunError(runError) {
      set({ runError });
    },
  };
}

function liveSlice(set: SetState): LiveSlice {
  return {
    live: emptyLive(),
    setLive(live) {
      set({ live });
    },
    touchLive() {
      set((s) => ({ live: { ...s.live, rev: s.live.rev + 1 } }));
    },
  };
}

export function createAppStore(init: StoreInit = {}): AppStore {
  return createStore<AppState>()((set, get) => ({
    ...paramSlice(set, get, init),
    ...uiSlice(set, get),
    ...runSlice(set),
    ...liveSlice(set),
  }));
}

/** The text a field shows: its pending draft, or its applied value. */
export function fieldText(s: Pick<AppState, 'drafts' | 'values'>, p: ParamSpec): string {
  if (p.name in s.drafts) return s.drafts[p.name];
  const v = s.values[p.name];
  if (v === null && p.kind !== 'enum' && p.kind !== 'bool') return '';
  return formatValue(p, v ?? null);
}

/** The app's store (one per page). */
export const appStore: AppStore = createAppStore();
