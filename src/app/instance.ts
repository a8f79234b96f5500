/**
 * The page's runner, bound to the page's store: the simulation runs in a worker (simWorker.ts)
 * so the main thread only draws; where workers are unavailable (or the worker does not start)
 * it runs on the page, in slices between the plot frames (runner.ts).
 */
import { acquireBackend } from '../engine/acquire';
import { appStore } from '../state/store';
import { createRunner, type Runner } from './runner';
import { createWorkerRunner } from './workerRunner';

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

export const runner = pageRunner();
