/**
 * Per-lab presentation hints for the generic parameter panel: which groups form the
 * "Knock-outs & perturbations" panel, sub-headings inside it, and placeholders of nullable
 * fields. A lab without an entry gets the generic panel.
 */
import type { ParamSpec, ParamValues } from '../model/params';
import { paperAlpha } from '../labs/isn/params';
import { batchSize, learningRate, SIZES } from '../labs/assemblies/params';
import { cobaP } from '../labs/coba/params';

export interface LabUi {
  /** parameter groups shown in the Knock-outs & perturbations panel (in this order) */
  controlGroups: readonly string[];
  /** sub-headings of the control panel: heading → parameter names */
  controlSections?: readonly { title: string; hint?: string; names: readonly string[] }[];
  /** parameter groups in the main panel, in this order (others follow) */
  groupOrder?: readonly string[];
  placeholder?: (p: ParamSpec, values: ParamValues) => string | undefined;
}

const ISN_UI: LabUi = {
  controlGroups: ['Knock-outs', 'Perturbation'],
  controlSections: [
    {
      title: 'Knock-outs',
      hint: 'A knocked-out class keeps its weight (no plasticity).',
      names: ['plastic_EE', 'plastic_EI', 'plastic_IE', 'plastic_II'],
    },
    {
      title: 'Optogenetic drive to I',
      hint: 'Extra input to every I unit in a window of each trial (Fig 1B–C: 7).',
      names: ['I_opto', 'opto_onset_ms', 'opto_duration_ms'],
    },
    {
      title: 'Drive or silence a population',
      hint: 'In a window of each trial, for a range of trials.',
      names: [
        'pert_target',
        'pert_mode',
        'pert_amp',
        'pert_onset_ms',
        'pert_duration_ms',
        'pert_from_trial',
        'pert_to_trial',
      ],
    },
    {
      title: 'Scale a weight class',
      hint: 'Multiply a class once, before a given trial (Fig 3B: W_IE × 1.2).',
      names: ['scale_class', 'scale_factor', 'scale_at_trial'],
    },
  ],
  groupOrder: [
    'Model',
    'Protocol',
    'Weights',
    'Plasticity',
    'Multi-start',
    'Inputs',
    'Neurons',
    'Multi-unit',
  ],
  placeholder: (p, v) => {
    if (p.name === 'alpha_E' || p.name === 'alpha_I')
      return `auto (${paperAlpha(String(v.model), String(v.rule), String(v.plasticity_mode))})`;
    return undefined;
  },
};

const ASM_UI: LabUi = {
  controlGroups: [],
  groupOrder: ['Network', 'Plasticity', 'Protocol', 'Stimuli', 'Model', 'Analysis'],
  placeholder: (p, v) => {
    const size = SIZES[v.size === 'classroom' || v.size === 'medium' ? v.size : 'paper'];
    const eAxis = v.e_axis == null ? size.eAxis : Number(v.e_axis);
    const sAxis = v.s_axis == null ? size.sAxis : Number(v.s_axis);
    switch (p.name) {
      case 'eta':
        return `auto (${learningRate({ ...v, eta: null })}${v.rule === 'gradient' ? ', Adam' : ''})`;
      case 'batch':
        return `auto (${batchSize({ ...v, batch: null }, sAxis ** 3)})`;
      case 'e_axis':
        return `auto (${size.eAxis})`;
      case 's_axis':
        return `auto (${size.sAxis})`;
      case 'n_pv':
        return `auto (${Math.max(1, Math.floor(eAxis ** 3 / 8))})`;
      case 'detect_rel':
        return 'off (absolute θ)';
    }
    return undefined;
  },
};

const COBA_UI: LabUi = {
  controlGroups: [],
  placeholder: (p, v) =>
    p.name === 'p' ? `auto (${Number(cobaP({ ...v, p: null }).toPrecision(3))})` : undefined,
};

const GENERIC: LabUi = { controlGroups: [] };

export function labUi(labId: string): LabUi {
  if (labId === 'coba') return COBA_UI;
  return labId === 'isn' ? ISN_UI : labId === 'assemblies' ? ASM_UI : GENERIC;
}
