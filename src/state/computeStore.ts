/**
 * The state of a lab that computes a result rather than running (the reduced model, the
 * paired-pulse protocol): app/computeClient.ts fills it.
 */
import type { RunStatus } from './store';

export interface ComputeState<S> {
  status: RunStatus;
  summary: S | null;
  runError: string | null;
  wallSeconds: number | null;
}

export type ComputeReply<S> =
  { ok: true; summary: S; wallSeconds: number } | { ok: false; error: string };

export function initialComputeState<S>(): ComputeState<S> {
  return { status: 'idle', summary: null, runError: null, wallSeconds: null };
}
