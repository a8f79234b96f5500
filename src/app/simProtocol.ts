/**
 * The messages between the page and the simulation worker (simWorker.ts). Everything is
 * structured-clone friendly (plain objects, Float32Arrays); the live data travels as
 * LiveEvents (state/live.ts) and the run's state as patches of the store's run slice.
 */
import type { BackendPreference } from '../engine/acquire';
import type { ParamValues } from '../model/params';
import type { LiveEvent } from '../state/live';
import type { AppState, NoticeKind } from '../state/store';
import type { ExportFile, ExportKind } from './runner';

/** What the worker's runner reads of the page's store. */
export interface SimParams {
  labId: string;
  values: ParamValues;
  seed: number;
  backendPref: BackendPreference;
}

/** The parts of the store the worker's runner writes (mirrored into the page's store). */
export const MIRRORED = [
  'status',
  'trial',
  'trials',
  'numbers',
  'speed',
  'backend',
  'runError',
] as const satisfies readonly (keyof AppState)[];
export type MirroredState = Pick<AppState, (typeof MIRRORED)[number]>;

/** page → worker */
export type SimCommand =
  | { type: 'init'; id: number; params: SimParams }
  /** applied parameters, seed or backend preference changed (a new paramsRev resets the run) */
  | { type: 'params'; params: SimParams; reset: boolean }
  | { type: 'start'; id: number }
  | { type: 'step'; id: number }
  | { type: 'pause' }
  | { type: 'reset' }
  | { type: 'backend'; id: number; pref: BackendPreference }
  | { type: 'export'; id: number; kind: ExportKind }
  | { type: 'idle'; id: number }
  | { type: 'dispose' };

/** worker → page (sent in batches: SimReport[]) */
export type SimReport =
  | { type: 'live'; ev: LiveEvent }
  | { type: 'state'; patch: Partial<MirroredState> }
  | { type: 'notice'; kind: NoticeKind; text: string }
  | { type: 'reply'; id: number; value?: ExportFile | null; error?: string };

/** The end of a message channel either side uses (a Worker, the worker's scope, a MessagePort). */
export interface SimPort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  removeEventListener?(type: 'message', listener: (e: MessageEvent) => void): void;
}
