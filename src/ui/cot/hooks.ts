import { useStore } from 'zustand';
import { cotStore, type CotState } from '../../state/cotStore';

/** Read the co-tuning store in a component (select primitives or stable references). */
export function useCot<T>(selector: (s: CotState) => T): T {
  return useStore(cotStore, selector);
}
