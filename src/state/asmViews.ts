/**
 * The plot views (tabs) of the assemblies lab; the ids are part of share links. The first view
 * shares its id with the ISN lab's default view, so a link without `view` opens it.
 */
export const ASM_VIEWS = [
  { id: 'overview', label: 'Training' },
  { id: 'analyses', label: 'Analyses' },
  { id: 'perturb', label: 'Perturbation' },
  { id: 'explore', label: 'Stimulus explorer' },
  { id: 'compare', label: 'Compare conditions' },
] as const;
export type AsmViewId = (typeof ASM_VIEWS)[number]['id'];

export const ASM_LAB_ID = 'assemblies';
