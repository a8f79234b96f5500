/**
 * The paired-pulse protocol for the app, as the CLI runs it: the values cross-checked, then
 * labs/stp/summary.ts.
 */
import type { ParamValues } from '../model/params';
import { crossCheck } from '../labs/stp/params';
import { stpResult, type StpResult } from '../labs/stp/summary';
import type { ComputeReply } from '../state/computeStore';

export function computeStp(values: ParamValues): ComputeReply<StpResult> {
  const cross = crossCheck(values);
  if (cross.length > 0)
    return {
      ok: false,
      error: cross.map((e) => `${e.fields.join(', ')}: ${e.message}`).join('; '),
    };
  const t0 = performance.now();
  try {
    const summary = stpResult(values);
    if (!summary.efficacy.every(Number.isFinite))
      return { ok: false, error: 'the efficacies are not finite' };
    return { ok: true, summary, wallSeconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
