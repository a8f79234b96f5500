/**
 * The page's side of the co-tuning lab's run: the generic session client (sessionClient.ts)
 * with the co-tuning worker (cotWorker.ts → cotSession.ts) and store (state/cotStore.ts), plus
 * the knock-outs and perturbations thrown in while the network learns.
 */
import type { CotuningEvent } from '../labs/cotuning/runner';
import { appendEvents } from '../labs/cotuning/events';
import { applyCotEvent, COT_LAB_ID, type CotEvent, type CotState } from '../state/cotStore';
import type { AppStore } from '../state/store';
import type { StoreApi } from 'zustand/vanilla';
import { CotSession, cotShape, type CotCommand } from './cotSession';
import { createSessionClient, type SessionClient, type SessionPortLike } from './sessionClient';

export type CotPortLike = SessionPortLike<CotCommand>;

export interface CotClient extends SessionClient<CotCommand> {
  /** a knock-out or perturbation now (at the run's next stop, ≤ one sample interval) */
  trigger(event: CotuningEvent, label: string): void;
}

export function createCotClient(
  app: AppStore,
  cot: StoreApi<CotState>,
  opts: { connect: () => CotPortLike | null; gpu?: () => GPU | null | undefined },
): CotClient {
  const client = createSessionClient<CotCommand, CotEvent, CotState>(app, cot, {
    labId: COT_LAB_ID,
    connect: opts.connect,
    gpu: opts.gpu,
    session: (post, gpu) => new CotSession(post, gpu),
    apply: (ev) => {
      applyCotEvent(cot, ev);
      // what the user threw in goes into the `events` parameter: the link then reproduces the
      // run step for step (the event takes effect at the same step when scheduled)
      if (ev.kind === 'applied' && ev.live && ev.event) {
        const now = app.getState().values.events;
        const text = appendEvents(typeof now === 'string' ? now : '', [ev.event]);
        if (!app.getState().recordParam('events', text))
          applyCotEvent(cot, {
            kind: 'notice',
            text: `"${ev.label}" is not in the share link: the events list is full`,
          });
      }
    },
    reset: (values) => applyCotEvent(cot, { kind: 'reset', shape: cotShape(values) }),
    fail: (message) => applyCotEvent(cot, { kind: 'status', status: 'error', runError: message }),
    status: (s) => s.progress.status,
    notice: (ev) => (ev.kind === 'notice' ? ev.text : null),
    hasShape: (s) => s.shape !== null,
  });
  return {
    ...client,
    get idle() {
      return client.idle;
    },
    trigger(event, label) {
      if (client.active()) client.send({ kind: 'event', event, label });
    },
  };
}
