/**
 * The paired-pulse lab's page-side state (Tsodyks–Markram STP, Keijser & Sprekeler 2022 eqs
 * 11–12): the result of labs/stp/summary.ts for the app's values.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StpResult } from '../labs/stp/summary';
import { initialComputeState, type ComputeState } from './computeStore';

export const STP_LAB_ID = 'stp';

export const STP_VIEWS = [{ id: 'overview', label: 'Paired pulses' }] as const;
export type StpViewId = (typeof STP_VIEWS)[number]['id'];

export type StpState = ComputeState<StpResult>;

export const stpStore: StoreApi<StpState> = createStore<StpState>(() =>
  initialComputeState<StpResult>(),
);
