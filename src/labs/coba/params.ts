/**
 * `coba` lab parameters: the Brette et al. 2007 COBA benchmark network
 * (../shared/spec/benchmarks.md).
 */
import type { CrossError, ParamSpec, ParamValues } from '../../model/params';
import type { Preset } from '../isn/presets';

const SPEC = 'Brette et al. 2007, benchmark 1 (shared/spec/benchmarks.md)';

export const COBA_PARAMS: readonly ParamSpec[] = [
  {
    name: 'N',
    label: 'Neurons',
    kind: 'int',
    unit: '',
    min: 50,
    max: 200000,
    default: 4000,
    group: 'Network',
    description:
      '80% E, 20% I; weights scale by 80/(N·p): 4000/N at p = 0.02, 1 at p = 80/N (the same input per neuron)',
    source: SPEC,
  },
  {
    name: 'p',
    label: 'Connection probability',
    kind: 'number',
    unit: '',
    min: 0,
    max: 1,
    default: null,
    nullable: true,
    group: 'Network',
    description:
      'for every pair of populations; auto: 0.02 at N = 4000, else 80/N (80 synapses per neuron on average)',
    source: SPEC,
  },
  {
    name: 'duration',
    label: 'Duration',
    kind: 'number',
    unit: 's',
    min: 0.01,
    max: 600,
    default: 1,
    group: 'Protocol',
    description: 'simulated time',
    source: `${SPEC}: 10 s for the benchmark`,
  },
  {
    name: 'dt',
    label: 'Time step',
    kind: 'number',
    unit: 'ms',
    min: 0.01,
    max: 0.5,
    default: 0.1,
    group: 'Protocol',
    description: 'integration step',
    source: SPEC,
    advanced: true,
  },
];

export function cobaP(v: ParamValues): number {
  const N = Number(v.N);
  return typeof v.p === 'number' ? v.p : N === 4000 ? 0.02 : Math.min(1, 80 / N);
}

export function crossCheck(v: ParamValues): CrossError[] {
  const N = Number(v.N);
  const syn = N * N * cobaP(v);
  return syn > 2 ** 28
    ? [
        {
          fields: ['N', 'p'],
          message: `${syn.toExponential(2)} synapses exceed EI Lab's limit of 2^28`,
        },
      ]
    : [];
}

export const COBA_PRESETS: readonly Preset[] = [
  {
    id: 'benchmark',
    title: 'COBA benchmark',
    explain:
      '4000 conductance-based LIF neurons, p = 0.02, 10 s: the network every simulator is timed on.',
    figure: 'Brette et al. 2007, Fig 2 (benchmark 1)',
    values: { N: 4000, duration: 10 },
  },
  {
    id: 'small',
    title: 'Small COBA',
    explain:
      '1000 neurons with 80 synapses each: the same asynchronous irregular state in a fraction of the time.',
    figure: 'benchmarks.md (scaling)',
    values: { N: 1000, duration: 1 },
  },
];
