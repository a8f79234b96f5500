/**
 * ISN lab presets: each names the figure it reproduces and explains itself in one line
 * (for a classroom). A preset is a set of parameter overrides on top of the defaults.
 */
import type { ParamValues } from '../../model/params';

export interface Preset {
  id: string;
  title: string;
  /** one line for a classroom */
  explain: string;
  figure: string;
  values: ParamValues;
  /** the view (tab) that shows what the preset is about, opened when a user picks it */
  view?: string;
}

export const ISN_PRESETS: readonly Preset[] = [
  {
    id: 'paradoxical',
    title: 'Paradoxical effect',
    explain:
      'Drive the inhibitory population harder and its rate goes down: the network is inhibition-stabilised (W_EE·g_E > 1).',
    figure: 'Fig 1B–C',
    values: {
      model: 'two-pop',
      rule: 'none',
      trials: 1,
      W_EE: 5,
      W_EI: 1.52,
      W_IE: 10,
      W_II: 2.25,
      I_opto: 7,
      opto_onset_ms: 1000,
      opto_duration_ms: 500,
    },
  },
  {
    id: 'homeostatic',
    title: 'Homeostatic rules fail',
    explain:
      'Each population corrects its own error: from the reference weights E and I never settle at their set points.',
    figure: 'Fig 2B–C',
    values: {
      model: 'two-pop',
      rule: 'homeostatic',
      trials: 500,
      W_EE: 2.1,
      W_EI: 3,
      W_IE: 4,
      W_II: 1.5,
    },
  },
  {
    id: 'cross-homeostatic',
    title: 'Cross-homeostatic rules succeed',
    explain: 'Weights onto E follow the I error and vice versa: E and I converge to 5 and 14 Hz.',
    figure: 'Fig 4B–C',
    values: {
      model: 'two-pop',
      rule: 'cross',
      trials: 500,
      W_EE: 2.1,
      W_EI: 3,
      W_IE: 4,
      W_II: 1.5,
    },
  },
  {
    id: 'setpoints',
    title: 'Other set points',
    explain:
      'Cross-homeostatic rules reach other targets too: here E 10 Hz and I 14 Hz, within ~300 trials (the weights settle on the new balance lines).',
    figure: 'Fig 4F–G',
    values: { model: 'two-pop', rule: 'cross', trials: 500, E_set: 10, I_set: 14 },
  },
  {
    id: 'multi-start',
    title: 'Many starts at once',
    explain:
      'The authors’ 81 initial weight sets run as one batch: with cross-homeostatic rules 79 of 81 reach their set points (within 1%) by trial 2000 (a long run: best on a GPU).',
    figure: 'Figs 2D, 4D–E',
    values: { model: 'two-pop', rule: 'cross', trials: 2000, starts: 'grid' },
  },
  {
    id: 'multi-unit-cross',
    title: 'Multi-unit: global set points',
    explain:
      'With 80 E and 20 I units, population-mean errors bring the means to the set points while single units spread.',
    figure: 'Fig 5',
    values: { model: 'multi-unit', rule: 'cross', trials: 250 },
  },
  {
    id: 'multi-unit-two-term',
    title: 'Multi-unit: local set points',
    explain:
      'Adding each unit’s own error (two-term rule) drives every unit to its set point (within ~2% by trial 250).',
    figure: 'Fig 6',
    values: { model: 'multi-unit', rule: 'two-term', trials: 300 },
  },
];

export function findPreset(id: string): Preset | undefined {
  return ISN_PRESETS.find((p) => p.id === id);
}
