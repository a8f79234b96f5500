/**
 * The reduced model's computation for the app, as the CLI does it (runReduced.ts): the values
 * cross-checked, then reducedSummary. A failure (no stationary state, a diverged simulation)
 * comes back as a message.
 */
import type { ParamValues } from '../model/params';
import type { ComputeReply } from '../state/computeStore';
import { crossCheck } from '../labs/reduced/params';
import { reducedSummary, type ReducedSummary } from '../labs/reduced/summary';

export function computeReduced(values: ParamValues, seed: number): ComputeReply<ReducedSummary> {
  const cross = crossCheck(values);
  if (cross.length > 0)
    return {
      ok: false,
      error: cross.map((e) => `${e.fields.join(', ')}: ${e.message}`).join('; '),
    };
  const t0 = performance.now();
  try {
    const summary = reducedSummary(values, seed);
    if (summary.error !== null)
      return {
        ok: false,
        error: summary.error.startsWith('simulation:')
          ? `The simulation failed: ${summary.error.slice(12)}`
          : `No correlations: ${summary.error}`,
      };
    return { ok: true, summary, wallSeconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
