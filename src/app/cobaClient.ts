/**
 * The page's side of the COBA lab's run: the generic session client (sessionClient.ts) with the
 * COBA worker (cobaWorker.ts → cobaSession.ts) and store (state/cobaStore.ts).
 */
import type { StoreApi } from 'zustand/vanilla';
import { cobaLayout } from '../labs/coba/run';
import { applyCobaEvent, COBA_LAB_ID, type CobaEvent, type CobaState } from '../state/cobaStore';
import type { AppStore } from '../state/store';
import { CobaSession, type CobaCommand } from './cobaSession';
import { createSessionClient, type SessionClient, type SessionPortLike } from './sessionClient';

export type CobaPortLike = SessionPortLike<CobaCommand>;
export type CobaClient = SessionClient<CobaCommand>;

export function createCobaClient(
  app: AppStore,
  coba: StoreApi<CobaState>,
  opts: { connect: () => CobaPortLike | null; gpu?: () => GPU | null | undefined },
): CobaClient {
  return createSessionClient<CobaCommand, CobaEvent, CobaState>(app, coba, {
    labId: COBA_LAB_ID,
    connect: opts.connect,
    gpu: opts.gpu,
    session: (post, gpu) => new CobaSession(post, gpu),
    apply: (ev) => applyCobaEvent(coba, ev),
    reset: (values) => applyCobaEvent(coba, { kind: 'reset', shape: cobaLayout(values) }),
    fail: (message) => applyCobaEvent(coba, { kind: 'status', status: 'error', runError: message }),
    status: (s) => s.progress.status,
    notice: (ev) => (ev.kind === 'notice' ? ev.text : null),
    hasShape: (s) => s.shape !== null,
  });
}
