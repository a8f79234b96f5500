/**
 * `stp` lab parameters: one Tsodyks–Markram synapse (Keijser & Sprekeler 2022 eqs 11–12),
 * with EI Lab's defaults from ../shared/spec/compartments-keijser2022.md.
 */
import type { CrossError, ParamSpec, ParamValues } from '../../model/params';
import type { Preset } from '../isn/presets';
import type { StpConfig } from './model';

const PAPER = 'Keijser & Sprekeler 2022, eqs 11–12';
const OURS = 'EI Lab default; not given in the paper (shared/spec/compartments-keijser2022.md)';

export const STP_PARAMS: readonly ParamSpec[] = [
  {
    name: 'U',
    label: 'U (baseline release)',
    kind: 'number',
    unit: '',
    min: 0,
    max: 1,
    default: 0.5,
    group: 'Synapse',
    description:
      'baseline release probability u → U between spikes; learned per synapse in the paper',
    source: PAPER,
  },
  {
    name: 'F',
    label: 'F (facilitation)',
    kind: 'number',
    unit: '',
    min: 0,
    max: 1,
    default: 0.2,
    group: 'Synapse',
    description: 'at a spike u ← u + (1 − u)·F, before the release',
    source: OURS,
  },
  {
    name: 'tau_u',
    label: 'τ_u',
    kind: 'number',
    unit: 'ms',
    min: 1,
    max: 5000,
    default: 100,
    group: 'Synapse',
    description: 'recovery of u to U',
    source: OURS,
  },
  {
    name: 'tau_R',
    label: 'τ_R',
    kind: 'number',
    unit: 'ms',
    min: 1,
    max: 5000,
    default: 100,
    group: 'Synapse',
    description: 'recovery of resources R to 1',
    source: OURS,
  },
  {
    name: 'isi',
    label: 'Inter-spike interval',
    kind: 'number',
    unit: 'ms',
    min: 0.1,
    max: 5000,
    default: 10,
    group: 'Protocol',
    description: 'interval between the pulses (10 ms for the paper’s PPR)',
    source: 'Keijser & Sprekeler 2022, Methods (PPR)',
  },
  {
    name: 'n_spikes',
    label: 'Spikes in the train',
    kind: 'int',
    unit: '',
    min: 2,
    max: 100,
    default: 2,
    group: 'Protocol',
    description: '2 = paired pulse; more shows the steady state of a regular train',
    source: OURS,
  },
  {
    name: 'dt',
    label: 'Time step',
    kind: 'number',
    unit: 'ms',
    min: 0.01,
    max: 1,
    default: 0.1,
    group: 'Protocol',
    description: 'the isi is rounded to the step grid',
    source: OURS,
    advanced: true,
  },
];

export function stpConfig(v: ParamValues): StpConfig {
  const n = (k: string) => Number(v[k]);
  return {
    U: n('U'),
    F: n('F'),
    tauU: n('tau_u'),
    tauR: n('tau_R'),
    isi: n('isi'),
    nSpikes: n('n_spikes'),
    dt: n('dt'),
  };
}

export function crossCheck(v: ParamValues): CrossError[] {
  return Number(v.isi) < Number(v.dt)
    ? [
        {
          fields: ['isi', 'dt'],
          message: 'the inter-spike interval must be at least one time step',
        },
      ]
    : [];
}

export const STP_PRESETS: readonly Preset[] = [
  {
    id: 'depressing',
    title: 'Depressing (PV-like)',
    explain:
      'A high baseline release U uses up resources: the second pulse is weaker (PPR ≈ 0.74 at U = 0.3), like Pyr→PV synapses.',
    figure: 'Fig 3 (PPR ≈ 0.73 cluster)',
    values: { U: 0.3 },
  },
  {
    id: 'facilitating',
    title: 'Facilitating (SST-like)',
    explain:
      'No baseline release (U = 0): facilitation alone makes the second pulse stronger (PPR ≈ 1.4), like Pyr→SST synapses.',
    figure: 'Fig 3 (PPR ≈ 1.45 cluster)',
    values: { U: 0 },
  },
  {
    id: 'train',
    title: 'A 20 Hz train',
    explain: 'Ten spikes at 50 ms intervals: efficacy settles to a steady state.',
    figure: 'Eqs 11–12',
    values: { U: 0.3, isi: 50, n_spikes: 10 },
  },
];
