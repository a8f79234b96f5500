import { describe, expect, it } from 'vitest';
import { decodeShareState } from '../../src/state/url';
import { hashOf, loadHash, shareUrl, startLinkSync, type LinkWindow } from '../../src/state/link';
import { changedFromPreset, createAppStore, labOf, presetValues } from '../../src/state/store';
import { APP_LABS, LABS, findLab, type LabInfo } from '../../src/labs/registry';
import { defaults } from '../../src/model/params';

/** A window stand-in: location, history.replaceState, hashchange and timers run by hand. */
function fakeWindow(hash = '') {
  const listeners = new Set<() => void>();
  const timers = new Map<number, () => void>();
  let nextId = 1;
  const replaced: string[] = [];
  const win: LinkWindow & { flush(): void; navigate(h: string): void; replaced: string[] } = {
    location: { hash, href: `http://127.0.0.1:5173/${hash}` },
    history: {
      replaceState: (_d, _u, url) => {
        replaced.push(String(url));
        win.location.hash = String(url);
        win.location.href = `http://127.0.0.1:5173/${url}`;
      },
    },
    addEventListener: (_t, fn) => listeners.add(fn),
    removeEventListener: (_t, fn) => listeners.delete(fn),
    setTimeout: (fn, _ms) => {
      const id = nextId++;
      timers.set(id, fn);
      return id;
    },
    clearTimeout: (id) => timers.delete(id as number),
    flush() {
      const fns = [...timers.values()];
      timers.clear();
      fns.forEach((f) => f());
    },
    navigate(h: string) {
      win.location.hash = h;
      listeners.forEach((f) => f());
    },
    replaced,
  };
  return win;
}

describe('share-link sync', () => {
  it('loads a link into the store and reproduces it when encoded again', () => {
    const win = fakeWindow(
      '#v=1&lab=isn&preset=cross-homeostatic&seed=7&view=learning&backend=cpu&rule=cross&trials=40&W_EE=2.5&plastic_II=false',
    );
    const store = createAppStore();
    startLinkSync(store, win);
    const s = store.getState();
    expect(s.seed).toBe(7);
    expect(s.presetId).toBe('cross-homeostatic');
    expect(s.view).toBe('learning');
    expect(s.backendPref).toBe('cpu');
    expect(s.values.trials).toBe(40);
    expect(s.values.W_EE).toBe(2.5);
    expect(s.values.plastic_II).toBe(false);
    expect(s.linkErrors).toEqual([]);
    const again = decodeShareState(hashOf(s));
    expect(again.errors).toEqual([]);
    expect(again.state.values).toEqual(s.values);
    expect(again.state.seed).toBe(7);
  });

  it('names each bad field of a malformed link and keeps safe defaults for those only', () => {
    const win = fakeWindow('#v=1&lab=isn&W_EE=abc&trials=-5&W_IE=7&view=%3Cscript%3E');
    const store = createAppStore();
    startLinkSync(store, win);
    const s = store.getState();
    expect(s.values.W_EE).toBe(2.1);
    expect(s.values.trials).toBe(500);
    expect(s.values.W_IE).toBe(7);
    const text = s.linkErrors.join('\n');
    expect(text).toMatch(/W_EE/);
    expect(text).toMatch(/trials/);
    expect(text).toMatch(/view/);
    s.dismissLinkErrors();
    expect(store.getState().linkErrors).toEqual([]);
  });

  it('writes the hash as the user edits (debounced) and follows a pasted link', () => {
    const win = fakeWindow('');
    const store = createAppStore();
    const stop = startLinkSync(store, win);
    const n0 = win.replaced.length;
    store.getState().editParam('W_EE', '4');
    store.getState().editParam('W_EE', '4.5');
    store.getState().setView('stability');
    store.getState().setSeed('99');
    expect(win.replaced.length).toBe(n0); // debounced
    win.flush();
    expect(win.replaced.length).toBe(n0 + 1);
    const d = decodeShareState(win.location.hash);
    expect(d.errors).toEqual([]);
    expect(d.state.values.W_EE).toBe(4.5);
    expect(d.state.view).toBe('stability');
    expect(d.state.seed).toBe(99);
    expect(shareUrl(store, win.location.href)).toBe(`http://127.0.0.1:5173/${win.location.hash}`);
    // an invalid edit is not in the link
    store.getState().editParam('W_II', 'oops');
    win.flush();
    expect(decodeShareState(win.location.hash).state.values.W_II).toBe(1.5);
    // the user pastes another link into the address bar
    win.navigate('#v=1&lab=isn&preset=paradoxical&seed=3&I_opto=7');
    expect(store.getState().seed).toBe(3);
    expect(store.getState().values.I_opto).toBe(7);
    expect(store.getState().presetId).toBe('paradoxical');
    stop();
    store.getState().setSeed('5');
    win.flush();
    expect(decodeShareState(win.location.hash).state.seed).toBe(3);
  });
});

/**
 * Every lab has a page in this version; the path for a lab that runs from the command line
 * only (app: false) stays for the next one, and is tested with a registry that holds one.
 */
const CLI_ONLY: LabInfo = {
  ...findLab('coba')!,
  id: 'cli-only',
  title: 'A lab that runs from the command line',
  app: false,
};
const WITH_CLI_ONLY: readonly LabInfo[] = [...LABS, CLI_ONLY];

describe('links to labs that run from the command line', () => {
  it('every lab of this version has a page in the app', () => {
    expect(LABS.filter((l) => !l.app).map((l) => l.id)).toEqual([]);
    expect(APP_LABS.map((l) => l.id)).toContain('coba');
  });
  it('load the first app lab and say how to run the linked lab', () => {
    const store = createAppStore();
    store.getState().selectLab('assemblies');
    const msgs = loadHash(store, '#v=1&lab=cli-only&N=2000', WITH_CLI_ONLY);
    expect(store.getState().labId).toBe('isn');
    expect(msgs.join(' ')).toMatch(/"cli-only" runs from the command line.*eilab run cli-only/);
  });
  it('the co-tuning lab has a page: its link opens it with its values and view', () => {
    const store = createAppStore();
    const msgs = loadHash(store, '#v=1&lab=cotuning&noise=0.2&view=activity');
    expect(msgs).toEqual([]);
    expect(store.getState().labId).toBe('cotuning');
    expect(store.getState().values.noise).toBe(0.2);
    expect(store.getState().view).toBe('activity');
  });
  it('the COBA lab has a page: its link opens it with its values', () => {
    const store = createAppStore();
    const msgs = loadHash(store, '#v=1&lab=coba&seed=3&N=2000&duration=0.5');
    expect(msgs).toEqual([]);
    expect(store.getState().labId).toBe('coba');
    expect(store.getState().values.N).toBe(2000);
    expect(store.getState().values.duration).toBe(0.5);
    expect(store.getState().seed).toBe(3);
  });
  it('cannot be picked in the app', () => {
    const store = createAppStore({ labs: WITH_CLI_ONLY });
    store.getState().selectLab('cli-only');
    expect(store.getState().labId).toBe('isn');
    store.getState().selectLab('coba');
    expect(store.getState().labId).toBe('coba');
  });
});

describe('a link that names only a preset', () => {
  it('loads the preset’s values (stp, cotuning), and the link’s own values override them', () => {
    const store = createAppStore();
    expect(loadHash(store, '#v=1&lab=stp&preset=facilitating')).toEqual([]);
    let s = store.getState();
    expect(s.labId).toBe('stp');
    expect(s.presetId).toBe('facilitating');
    expect(s.values).toEqual(presetValues(labOf('stp'), 'facilitating'));
    expect(s.values.U).toBe(0);
    expect(changedFromPreset(s)).toEqual([]);

    expect(loadHash(store, '#v=1&lab=cotuning&preset=noisy&learn_time=5')).toEqual([]);
    s = store.getState();
    expect(s.values).toEqual({ ...presetValues(labOf('cotuning'), 'noisy'), learn_time: 5 });
    expect(s.values.noise).toBe(0.5);
    expect(changedFromPreset(s)).toEqual(['learn_time']);
    // what the app writes back loads the same values
    const again = createAppStore();
    expect(loadHash(again, hashOf(s))).toEqual([]);
    expect(again.getState().values).toEqual(s.values);
  });
  it('an unknown preset is named, with the lab’s presets, and the defaults are loaded', () => {
    const store = createAppStore();
    const msgs = loadHash(store, '#v=1&lab=stp&preset=facilitation');
    expect(msgs.join(' ')).toMatch(
      /unknown preset "facilitation" of lab stp \(its presets: depressing, facilitating, train\)/,
    );
    expect(store.getState().presetId).toBeNull();
    expect(store.getState().values).toEqual(defaults(labOf('stp').params));
  });
});
