/**
 * The run state of the lab being shown, for the shared toolbar: the ISN lab's lives in the app
 * store, the assemblies and co-tuning labs' in their own stores.
 */
import { ASM_LAB_ID } from '../../state/asmViews';
import type { BackendInfo, RunStatus } from '../../state/store';
import { useApp } from '../hooks';
import { useAsm } from './hooks';
import { useCot } from '../cot/hooks';
import { COT_LAB_ID } from '../../state/cotStore';
import { RED_LAB_ID, redStore } from '../../state/redStore';
import { STP_LAB_ID, stpStore } from '../../state/stpStore';
import { COBA_LAB_ID, cobaStore } from '../../state/cobaStore';
import { useStore } from 'zustand';

export function useIsAsm(): boolean {
  return useApp((s) => s.labId === ASM_LAB_ID);
}

export function useIsCot(): boolean {
  return useApp((s) => s.labId === COT_LAB_ID);
}

export function useIsRed(): boolean {
  return useApp((s) => s.labId === RED_LAB_ID);
}

export function useIsStp(): boolean {
  return useApp((s) => s.labId === STP_LAB_ID);
}

export function useIsCoba(): boolean {
  return useApp((s) => s.labId === COBA_LAB_ID);
}

export function useRunStatus(): RunStatus {
  const asm = useIsAsm();
  const cot = useIsCot();
  const red = useIsRed();
  const a = useAsm((s) => s.progress.status);
  const c = useCot((s) => s.progress.status);
  const r = useStore(redStore, (s) => s.status);
  const stp = useIsStp();
  const p = useStore(stpStore, (s) => s.status);
  const i = useApp((s) => s.status);
  const coba = useIsCoba();
  const b = useStore(cobaStore, (s) => s.progress.status);
  if (coba) return b;
  if (stp) return p;
  return red ? r : cot ? c : asm ? a : i;
}

/** The reduced model and the paired-pulse protocol compute on the CPU (milliseconds to seconds). */
const RED_BACKEND: BackendInfo = {
  state: 'ready',
  kind: 'cpu',
  label: 'CPU',
  fallbackReason: 'this lab computes on the CPU',
};

export function useBackendInfo(): BackendInfo {
  const asm = useIsAsm();
  const cot = useIsCot();
  const a = useAsm((s) => s.backend);
  const c = useCot((s) => s.backend);
  const i = useApp((s) => s.backend);
  const stp = useIsStp();
  const red = useIsRed();
  const coba = useIsCoba();
  const b = useStore(cobaStore, (s) => s.backend);
  if (coba) return b;
  if (red || stp) return RED_BACKEND;
  return cot ? c : asm ? a : i;
}
