import { useStore } from 'zustand';
import { appStore, type AppState } from '../state/store';

/** Read the app store in a component (select primitives or stable references). */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}
