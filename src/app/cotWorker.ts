/**
 * The co-tuning lab's simulation worker (a module worker started by cotClient.ts on the page):
 * the spiking run happens here, so the page only draws. WebGPU works in dedicated workers.
 */
import { CotSession, type CotCommand } from './cotSession';
import type { CotEvent } from '../state/cotStore';

const scope = self as unknown as {
  postMessage(m: unknown): void;
  addEventListener(t: 'message', f: (e: MessageEvent) => void): void;
  addEventListener(t: 'unhandledrejection', f: (e: PromiseRejectionEvent) => void): void;
  navigator: { gpu?: GPU };
};

const session = new CotSession(
  (ev: CotEvent) => scope.postMessage([ev]),
  () => scope.navigator.gpu ?? null,
);
scope.addEventListener('message', (e: MessageEvent) => session.handle(e.data as CotCommand));
scope.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
  const r: unknown = e.reason;
  scope.postMessage([
    {
      kind: 'status',
      status: 'error',
      runError: `Unexpected error in the co-tuning worker: ${r instanceof Error ? r.message : String(r)}`,
    } satisfies CotEvent,
  ]);
});
