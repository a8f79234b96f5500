/** The page's runner, bound to the page's store and the real backend acquisition. */
import { acquireBackend } from '../engine/acquire';
import { appStore } from '../state/store';
import { createRunner } from './runner';

export const runner = createRunner(appStore, { acquire: acquireBackend });
