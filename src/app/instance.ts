/**
 * The page's runner, bound to the page's store: the simulation runs in a worker (simWorker.ts)
 * so the main thread only draws; where workers are unavailable (or the worker does not start)
 * it runs on the page, in slices between the plot frames (runner.ts).
 *
 * Each lab has its runner: the ISN lab the one above, the assemblies lab its own worker
 * (asmClient.ts → asmWorker.ts), started the first time that lab is shown. `runner` sends the
 * run controls to the runner of the lab being shown.
 */
import { acquireBackend } from '../engine/acquire';
import { asmStore } from '../state/asmStore';
import { ASM_LAB_ID } from '../state/asmViews';
import { appStore } from '../state/store';
import { acquireAsmBackend } from './asmBackend';
import { createAsmClient, inPageAsmPort, type AsmClient, type AsmPortLike } from './asmClient';
import { createRunner, type Runner } from './runner';
import { createWorkerRunner } from './workerRunner';
import { cotStore, COT_LAB_ID } from '../state/cotStore';
import { createCotClient, type CotClient, type CotPortLike } from './cotClient';
import { redStore, RED_LAB_ID } from '../state/redStore';
import { createComputeClient, type ComputeClient, type ComputePortLike } from './computeClient';
import { computeReduced } from './redCompute';
import { stpStore, STP_LAB_ID } from '../state/stpStore';
import { computeStp } from './stpCompute';
import { cobaStore, COBA_LAB_ID } from '../state/cobaStore';
import { createCobaClient, type CobaClient, type CobaPortLike } from './cobaClient';

function inPage(): Runner {
  return createRunner(appStore, { acquire: acquireBackend });
}

function pageRunner(): Runner {
  if (typeof Worker === 'undefined') return inPage();
  let worker: Worker;
  try {
    worker = new Worker(new URL('./simWorker.ts', import.meta.url), {
      type: 'module',
      name: 'eilab-sim',
    });
  } catch {
    return inPage();
  }
  return createWorkerRunner(appStore, worker, { fallback: inPage });
}

/** The assemblies lab's runner (its worker starts when the lab is first shown). */
export const asmRunner: AsmClient = createAsmClient(appStore, asmStore, {
  connect: () =>
    typeof Worker === 'undefined'
      ? null
      : (new Worker(new URL('./asmWorker.ts', import.meta.url), {
          type: 'module',
          name: 'eilab-assemblies',
        }) as unknown as AsmPortLike),
  inPage: () => inPageAsmPort(acquireAsmBackend),
});

/** The co-tuning lab's runner (its worker starts with its first run). */
export const cotRunner: CotClient = createCotClient(appStore, cotStore, {
  connect: () =>
    typeof Worker === 'undefined'
      ? null
      : (new Worker(new URL('./cotWorker.ts', import.meta.url), {
          type: 'module',
          name: 'eilab-cotuning',
        }) as unknown as CotPortLike),
});

/** The COBA lab's runner (its worker starts with its first run). */
export const cobaRunner: CobaClient = createCobaClient(appStore, cobaStore, {
  connect: () =>
    typeof Worker === 'undefined'
      ? null
      : (new Worker(new URL('./cobaWorker.ts', import.meta.url), {
          type: 'module',
          name: 'eilab-coba',
        }) as unknown as CobaPortLike),
});

/** The reduced model's runner (a worker per page, started by its first computation). */
export const redRunner: ComputeClient = createComputeClient(appStore, redStore, {
  labId: RED_LAB_ID,
  connect: () =>
    typeof Worker === 'undefined'
      ? null
      : (new Worker(new URL('./redWorker.ts', import.meta.url), {
          type: 'module',
          name: 'eilab-reduced',
        }) as unknown as ComputePortLike),
  compute: computeReduced,
});

/** The paired-pulse protocol (one synapse: milliseconds of work, on the page). */
export const stpRunner: ComputeClient = createComputeClient(appStore, stpStore, {
  labId: STP_LAB_ID,
  compute: computeStp,
});

const isnRunner = pageRunner();

const asmShown = () => appStore.getState().labId === ASM_LAB_ID;
const cotShown = () => appStore.getState().labId === COT_LAB_ID;
const redShown = () => appStore.getState().labId === RED_LAB_ID;
const stpShown = () => appStore.getState().labId === STP_LAB_ID;
const cobaShown = () => appStore.getState().labId === COBA_LAB_ID;

/** Whether the run of the lab being shown is running. */
export function isRunning(): boolean {
  if (cotShown()) return cotStore.getState().progress.status === 'running';
  if (redShown()) return redStore.getState().status === 'running';
  if (stpShown()) return stpStore.getState().status === 'running';
  if (cobaShown()) return cobaStore.getState().progress.status === 'running';
  return asmShown()
    ? asmStore.getState().progress.status === 'running'
    : appStore.getState().status === 'running';
}

/** The runner of the lab being shown. */
function shown(): Pick<Runner, 'start' | 'pause' | 'step' | 'reset' | 'idle'> {
  if (redShown()) return redRunner;
  if (stpShown()) return stpRunner;
  if (cobaShown()) return cobaRunner;
  return cotShown() ? cotRunner : asmShown() ? asmRunner : isnRunner;
}

export const runner: Runner = {
  async init() {
    await Promise.all([
      isnRunner.init(),
      asmRunner.init(),
      cotRunner.init(),
      redRunner.init(),
      stpRunner.init(),
      cobaRunner.init(),
    ]);
  },
  start: () => shown().start(),
  pause: () => shown().pause(),
  step: () => shown().step(),
  reset: () => shown().reset(),
  async setBackendPref(pref) {
    await Promise.all([
      isnRunner.setBackendPref(pref),
      asmRunner.setBackendPref(pref),
      cotRunner.setBackendPref(pref),
      cobaRunner.setBackendPref(pref),
    ]);
  },
  exportFile: (kind) => isnRunner.exportFile(kind),
  get idle() {
    return shown().idle;
  },
  dispose() {
    isnRunner.dispose();
    asmRunner.dispose();
    cotRunner.dispose();
    redRunner.dispose();
    stpRunner.dispose();
    cobaRunner.dispose();
  },
};
