/**
 * The reduced linear model's page-side state (Giannakakis et al. 2023, Methods IV D, Appendix
 * C): the summary the computation returns (labs/reduced/summary.ts: exact correlations from C9
 * and the Lyapunov equation, eq C10 as printed, the Euler–Maruyama estimate, the sweep and the
 * clustering search), computed in a worker (app/redClient.ts). A vanilla zustand store like the
 * other labs'.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ReducedSummary } from '../labs/reduced/summary';
import { initialComputeState, type ComputeState } from './computeStore';

export const RED_LAB_ID = 'reduced';

/** The plot views (tabs) of the reduced lab; ids are part of share links. */
export const RED_VIEWS = [
  { id: 'overview', label: 'Correlations' },
  { id: 'sweep', label: 'Sweep' },
  { id: 'clustering', label: 'Clustering (Fig 8)' },
] as const;
export type RedViewId = (typeof RED_VIEWS)[number]['id'];

export type RedState = ComputeState<ReducedSummary>;

export const redStore: StoreApi<RedState> = createStore<RedState>(() =>
  initialComputeState<ReducedSummary>(),
);
