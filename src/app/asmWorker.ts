/**
 * The assemblies lab's simulation worker (a module worker started by asmClient.ts on the page):
 * training and the analyses run here, so the page only draws. WebGPU works in dedicated
 * workers (navigator.gpu).
 */
import { acquireAsmBackend } from './asmBackend';
import { hostAsm } from './asmHost';
import type { SimPort } from './simProtocol';

const scope = self as unknown as SimPort;

hostAsm(scope, { acquire: acquireAsmBackend });

self.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
  const r: unknown = e.reason;
  scope.postMessage([
    {
      type: 'ev',
      ev: {
        type: 'notice',
        kind: 'error',
        text: `Unexpected error in the assemblies worker: ${r instanceof Error ? r.message : String(r)}`,
      },
    },
  ]);
});
