/**
 * The run state of the lab being shown, for the shared toolbar: the ISN lab's lives in the app
 * store, the assemblies lab's in its own store.
 */
import { ASM_LAB_ID } from '../../state/asmViews';
import type { BackendInfo, RunStatus } from '../../state/store';
import { useApp } from '../hooks';
import { useAsm } from './hooks';

export function useIsAsm(): boolean {
  return useApp((s) => s.labId === ASM_LAB_ID);
}

export function useRunStatus(): RunStatus {
  const asm = useIsAsm();
  const a = useAsm((s) => s.progress.status);
  const i = useApp((s) => s.status);
  return asm ? a : i;
}

export function useBackendInfo(): BackendInfo {
  const asm = useIsAsm();
  const a = useAsm((s) => s.backend);
  const i = useApp((s) => s.backend);
  return asm ? a : i;
}
