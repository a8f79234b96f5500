/**
 * The messages between the page (asmClient.ts) and the assemblies lab's simulation worker
 * (asmWorker.ts → asmHost.ts). Structured-clone friendly: plain objects and typed arrays.
 */
import type { BackendPreference } from '../engine/acquire';
import type { ParamValues } from '../model/params';
import type { AsmEvent } from '../state/asmStore';

/** What the session reads of the page's store. */
export interface AsmParams {
  values: ParamValues;
  seed: number;
  backendPref: BackendPreference;
}

/** Requests besides run control: each is served between training steps. */
export type AsmRequest =
  /** E/I current tuning (Fig 1f) of one Pyr cell, before and after learning */
  | { type: 'tuning'; cell: number }
  /** perturb one Pyr cell (+perturb_delta) in the current network */
  | { type: 'perturbCell'; cell: number }
  /** the perturbation experiment (perturb_cells cells at random) on the current network */
  | { type: 'perturbRandom' }
  /** the steady state for one stimulus (grid indices on the three axes) */
  | { type: 'explore'; idx: [number, number, number] }
  /** run conditions side by side from the same seed */
  | { type: 'compare'; conditions: string[]; perturb: boolean }
  | { type: 'compareStop' };

export type AsmExportKind = 'summary' | 'history' | 'synapses' | 'selectivity' | 'perturbation';

export interface AsmExportFile {
  filename: string;
  mime: string;
  text: string;
}

/** page → worker */
export type AsmCommand =
  | { type: 'init'; id: number; params: AsmParams }
  | { type: 'configure'; params: AsmParams; reset: boolean }
  | { type: 'start'; id: number }
  | { type: 'step'; id: number }
  | { type: 'pause' }
  | { type: 'reset' }
  | { type: 'backend'; id: number; pref: BackendPreference }
  | { type: 'request'; id: number; req: AsmRequest }
  | { type: 'export'; id: number; kind: AsmExportKind }
  | { type: 'idle'; id: number }
  | { type: 'dispose' };

/** worker → page (sent in batches: AsmReport[]) */
export type AsmReport =
  { type: 'ev'; ev: AsmEvent } | { type: 'reply'; id: number; value?: unknown; error?: string };
