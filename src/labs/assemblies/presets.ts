/**
 * Assemblies lab presets: each names the figure it reproduces and explains itself in one
 * line. Knock-out presets use the fast schedule so that the paper-size network trains in
 * minutes on a GPU; set schedule=paper for the reference protocol.
 */
import type { Preset } from '../isn/presets';

export const ASM_PRESETS: readonly Preset[] = [
  {
    id: 'paper',
    title: 'E/I assemblies (both plastic)',
    explain:
      'PV input and output synapses learn to balance every Pyr cell: PV cells become selective and wire up with similarly tuned Pyr cells.',
    figure: 'Fig 1',
    values: { size: 'paper', plastic: 'both', rule: 'local', schedule: 'paper', epochs: 500 },
  },
  {
    id: 'classroom',
    title: 'Classroom size',
    explain:
      '64 Pyr cells, 8 PV cells and 216 stimuli: the same assemblies form in seconds on any laptop.',
    figure: 'Fig 1 (small)',
    values: {
      size: 'classroom',
      plastic: 'both',
      rule: 'local',
      schedule: 'fast',
      epochs: 30,
      batch: 27,
      eta: 2e-3,
      perturb_cells: 16,
    },
  },
  {
    id: 'ko-output',
    title: 'Output plasticity knocked out',
    explain:
      'Only Pyr→PV synapses learn: PV cells get somewhat selective, but inhibition onto Pyr cells stays untuned.',
    figure: 'Fig 2',
    values: { size: 'paper', plastic: 'input', rule: 'local', schedule: 'fast', epochs: 500 },
  },
  {
    id: 'ko-input',
    title: 'Input plasticity knocked out',
    explain:
      'Only PV→Pyr synapses learn: PV cells stay unselective, so inhibition cannot follow each Pyr cell’s tuning.',
    figure: 'Fig 3',
    values: { size: 'paper', plastic: 'output', rule: 'local', schedule: 'fast', epochs: 500 },
  },
  {
    id: 'neither',
    title: 'No plasticity',
    explain: 'The random initial network: the baseline of every comparison.',
    figure: 'Figs 1–4 (before learning)',
    values: { size: 'paper', plastic: 'none', epochs: 0 },
  },
  {
    id: 'gradient',
    title: 'Exact gradient rules',
    explain:
      'The non-local gradient of the balance objective (through the whole recurrent network), optimised with Adam: the local rules get close to it.',
    figure: 'Fig 1—S2',
    values: { size: 'paper', plastic: 'both', rule: 'gradient', schedule: 'fast', epochs: 500 },
  },
  {
    id: 'heavy-tail',
    title: 'Heavy-tailed static input weights',
    explain:
      'Fixed Pyr→PV weights spanning ~5 orders of magnitude make PV cells selective without input plasticity, but sampled synapses rarely show the measured correlations.',
    figure: 'Fig 3—S2',
    values: {
      size: 'paper',
      plastic: 'output',
      rule: 'local',
      schedule: 'fast',
      epochs: 500,
      sigma_IE: 2.2,
      detect_rel: 0.01,
    },
  },
];
