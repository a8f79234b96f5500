/**
 * The reduced model's results row: the four stationary correlations (exact unless simulated).
 */
import type { ReducedSummary } from '../../labs/reduced/summary';
import { redStore } from '../../state/redStore';
import { ComputeResults, type ComputeNum } from './ComputeResults';

const NUMS: ComputeNum<ReducedSummary>[] = [
  {
    id: 'C_EI_int',
    label: 'C_EI int',
    title: 'Internal-noise E–I correlation within a group (exact unless simulated)',
    value: (r) => r.C_EI_int,
  },
  {
    id: 'C_EE_ext',
    label: 'C_EE ext',
    title: 'External-noise E–E correlation between groups',
    value: (r) => r.C_EE_ext,
  },
  {
    id: 'C_II_ext',
    label: 'C_II ext',
    title: 'External-noise I–I correlation between groups',
    value: (r) => r.C_II_ext,
  },
  {
    id: 'C_EI_ext',
    label: 'C_EI ext',
    title: 'External-noise E–I correlation between groups',
    value: (r) => r.C_EI_ext,
  },
];

export function RedResults() {
  return <ComputeResults store={redStore} nums={NUMS} />;
}
