/**
 * Share-link sync: the store's lab, preset, parameters, seed, view and backend preference go
 * into the URL hash (codec: state/url.ts) as the user edits (history.replaceState, debounced);
 * a link that is opened (or pasted into the address bar: hashchange) is decoded into the store,
 * with each bad field named in a banner and given the preset’s value or its default.
 */
import { decodeShareState, encodeShareState, type ShareState } from './url';
import { LABS, type LabInfo } from '../labs/registry';
import { DEFAULT_VIEW, isView, labOf, presetValues, type AppState, type AppStore } from './store';
import { clip } from '../model/params';

export function shareStateOf(s: AppState): ShareState {
  return {
    lab: s.labId,
    preset: s.presetId,
    seed: s.seed,
    values: s.values,
    view: s.view === DEFAULT_VIEW ? null : s.view,
    backend: s.backendPref,
  };
}

export function hashOf(s: AppState): string {
  return '#' + encodeShareState(shareStateOf(s));
}

/** Put a decoded link into the store; returns the messages shown in the banner. */
export function applyShareState(
  store: AppStore,
  state: ShareState,
  errors: readonly string[],
): string[] {
  const msgs = errors.slice();
  const st = store.getState();
  const lab = labOf(state.lab);
  let view = st.view;
  if (state.view === null) view = DEFAULT_VIEW;
  else if (isView(state.view, lab.id)) view = state.view;
  else {
    msgs.push(`view: unknown view "${clip(state.view)}"; ${DEFAULT_VIEW} shown`);
    view = DEFAULT_VIEW;
  }
  // The decoder has validated every field; the cross-field checks passed (it resets fields that
  // conflict). Check once more so the store never holds an invalid combination.
  let values = state.values;
  if (lab.crossCheck(values).length) {
    msgs.push('the link’s parameters conflict; the preset’s values were loaded');
    values = presetValues(lab, state.preset);
  }
  store.setState((s) => ({
    labId: lab.id,
    presetId: state.preset,
    values,
    drafts: {},
    fieldErrors: {},
    seed: state.seed,
    seedDraft: null,
    seedError: null,
    view,
    backendPref: state.backend,
    linkErrors: msgs,
    paramsRev: s.paramsRev + 1,
  }));
  return msgs;
}

/**
 * Decode a link into the store. A link to a lab without a page in the app (`app: false` in the
 * registry; every lab has one in this version, the path stays for the next lab that starts on
 * the command line — test/state/link.test.ts runs it with a registry holding such a lab) opens
 * the first app lab and says how to run the linked one. `labs` is the registry.
 */
export function loadHash(store: AppStore, hash: string, labs: readonly LabInfo[] = LABS): string[] {
  const { state, errors } = decodeShareState(hash, labs);
  const lab = labs.find((l) => l.id === state.lab);
  if (lab && !lab.app) {
    const first = labs.find((l) => l.app) ?? labs[0];
    const fallback = decodeShareState(`#v=1&lab=${first.id}`, labs);
    return applyShareState(store, fallback.state, [
      `lab: "${lab.id}" runs from the command line in this version (eilab run ${lab.id} --url '<this link>'); ${first.id} loaded`,
    ]);
  }
  return applyShareState(store, state, errors);
}

export interface LinkWindow {
  location: { hash: string; href: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
  addEventListener(type: 'hashchange', fn: () => void): void;
  removeEventListener(type: 'hashchange', fn: () => void): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** The full URL of the current state (for "Copy link"). */
export function shareUrl(store: AppStore, href: string): string {
  return href.split('#')[0] + hashOf(store.getState());
}

/**
 * Start syncing: read the hash once (if any), then write it on every change of the linked
 * fields. Returns a function that stops the sync.
 */
export function startLinkSync(store: AppStore, win: LinkWindow, debounceMs = 150): () => void {
  let written = '';
  if (win.location.hash.length > 1) loadHash(store, win.location.hash);
  const write = () => {
    const h = hashOf(store.getState());
    if (h !== written && h !== win.location.hash) win.history.replaceState(null, '', h);
    written = h;
  };
  write();
  let timer: unknown = null;
  const unsub = store.subscribe((s, prev) => {
    if (
      s.labId === prev.labId &&
      s.presetId === prev.presetId &&
      s.values === prev.values &&
      s.seed === prev.seed &&
      s.view === prev.view &&
      s.backendPref === prev.backendPref
    )
      return;
    if (timer !== null) win.clearTimeout(timer);
    timer = win.setTimeout(() => {
      timer = null;
      write();
    }, debounceMs);
  });
  const onHash = () => {
    // our own writes use replaceState (no hashchange); this is the user pasting a link
    if (win.location.hash === written) return;
    loadHash(store, win.location.hash);
    written = win.location.hash;
  };
  win.addEventListener('hashchange', onHash);
  return () => {
    unsub();
    if (timer !== null) win.clearTimeout(timer);
    win.removeEventListener('hashchange', onHash);
  };
}
