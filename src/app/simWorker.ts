/**
 * The simulation worker (a module worker started by app/instance.ts): the run goes on here, so
 * the page's main thread only draws. WebGPU works in dedicated workers (navigator.gpu).
 */
import { acquireBackend } from '../engine/acquire';
import { hostRunner } from './simHost';
import type { SimPort } from './simProtocol';

const scope = self as unknown as SimPort;

hostRunner(scope, { acquire: acquireBackend });

self.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
  const r: unknown = e.reason;
  scope.postMessage([
    {
      type: 'notice',
      kind: 'error',
      text: `Unexpected error in the simulation worker: ${r instanceof Error ? r.message : String(r)}`,
    },
  ]);
});
