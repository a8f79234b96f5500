/**
 * The body of a spiking lab's simulation worker (a module worker started by the lab's client
 * on the page): the session takes the page's commands and posts its reports back; a promise
 * that nobody caught stops the run with a message. WebGPU works in dedicated workers.
 */
import type { RunStatus } from '../state/store';

const scope = self as unknown as {
  postMessage(m: unknown): void;
  addEventListener(t: 'message', f: (e: MessageEvent) => void): void;
  addEventListener(t: 'unhandledrejection', f: (e: PromiseRejectionEvent) => void): void;
  navigator: { gpu?: GPU };
};

export function serveSession<C, E>(
  lab: string,
  make: (post: (ev: E) => void, gpu: () => GPU | null) => { handle(c: C): void },
): void {
  const session = make(
    (ev) => scope.postMessage([ev]),
    () => scope.navigator.gpu ?? null,
  );
  scope.addEventListener('message', (e: MessageEvent) => session.handle(e.data as C));
  scope.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
    const r: unknown = e.reason;
    const status: { kind: 'status'; status: RunStatus; runError: string } = {
      kind: 'status',
      status: 'error',
      runError: `Unexpected error in the ${lab} worker: ${r instanceof Error ? r.message : String(r)}`,
    };
    scope.postMessage([status]);
  });
}
