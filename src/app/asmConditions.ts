/**
 * The conditions the assemblies lab compares side by side (same seed, same other values): the
 * plasticity knock-outs of Figs 1–3 and the two rules (Fig 1—S2).
 */
import type { ParamValues } from '../model/params';

export interface AsmCondition {
  id: string;
  label: string;
  title: string;
  /** checked in the comparison panel by default */
  initial: boolean;
}

export const ASM_CONDITIONS: readonly AsmCondition[] = [
  {
    id: 'both',
    label: 'Both plastic',
    title: 'PV input and output synapses plastic (Fig 1)',
    initial: true,
  },
  {
    id: 'ko-output',
    label: 'Output KO',
    title: 'Output (PV→Pyr) plasticity knocked out: only the inputs learn (Fig 2)',
    initial: true,
  },
  {
    id: 'ko-input',
    label: 'Input KO',
    title: 'Input (Pyr→PV) plasticity knocked out: only the outputs learn (Fig 3)',
    initial: true,
  },
  {
    id: 'neither',
    label: 'Neither',
    title: 'Nothing plastic: the initial network',
    initial: true,
  },
  {
    id: 'local',
    label: 'Local rule',
    title: 'Both plastic with the local rules (eqs 8a/b)',
    initial: false,
  },
  {
    id: 'gradient',
    label: 'Gradient rule',
    title: 'Both plastic with the exact gradient and Adam (Fig 1—S2)',
    initial: false,
  },
];

/**
 * The values of a condition: the plasticity (and rule) it names over `v`. A condition that
 * switches the rule uses the paper's learning rate for that rule (η = auto) unless `v` already
 * has that rule; `perturb` false skips the (slow) perturbation experiment.
 */
export function conditionValues(v: ParamValues, id: string, perturb: boolean): ParamValues {
  const out: ParamValues = { ...v };
  if (!perturb) out.perturb_cells = 0;
  const rule = (r: string) => {
    if (v.rule !== r) out.eta = null;
    out.rule = r;
  };
  switch (id) {
    case 'both':
      out.plastic = 'both';
      break;
    case 'ko-output':
      out.plastic = 'input';
      break;
    case 'ko-input':
      out.plastic = 'output';
      break;
    case 'neither':
      out.plastic = 'none';
      break;
    case 'local':
      out.plastic = 'both';
      rule('local');
      break;
    case 'gradient':
      out.plastic = 'both';
      rule('gradient');
      break;
    default:
      throw new Error(`unknown condition "${id}"`);
  }
  return out;
}
