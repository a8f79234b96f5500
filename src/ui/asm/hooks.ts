import { useStore } from 'zustand';
import { asmStore, type AsmState } from '../../state/asmStore';

/** Read the assemblies store in a component (select primitives or stable references). */
export function useAsm<T>(selector: (s: AsmState) => T): T {
  return useStore(asmStore, selector);
}
