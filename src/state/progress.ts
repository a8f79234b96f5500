/**
 * What the spiking labs' stores (co-tuning, COBA) share: the badge before a run chooses its
 * backend, and the progress after a status report. (Only types come from store.ts, which
 * imports those stores.)
 */
import type { BackendInfo, RunStatus } from './store';

/** A lab's progress after a status report: an error keeps its message unless the report
 *  brings one; any other status clears it. */
export function withStatus<P extends { status: RunStatus; runError: string | null }>(
  p: P,
  ev: { status: RunStatus; runError?: string | null },
): P {
  return {
    ...p,
    status: ev.status,
    runError: ev.runError ?? (ev.status === 'error' ? p.runError : null),
  };
}

/** The badge of a lab that chooses its backend when a run starts (the spiking labs). */
export const BACKEND_AT_START: BackendInfo = {
  state: 'ready',
  kind: null,
  label: 'chosen when the run starts',
  fallbackReason: null,
};
