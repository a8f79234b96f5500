/**
 * The reduced model's worker: one computation per message ({ values, seed, id }), so a long
 * simulation or clustering search never blocks the page.
 */
import { computeReduced } from './redCompute';

const scope = self as unknown as {
  postMessage(m: unknown): void;
  addEventListener(t: 'message', f: (e: MessageEvent) => void): void;
};
scope.addEventListener('message', (e: MessageEvent) => {
  const { values, seed, id } = e.data as {
    values: Record<string, unknown>;
    seed: number;
    id: number;
  };
  scope.postMessage({ id, reply: computeReduced(values as never, seed) });
});
