/**
 * The paired-pulse protocol's results for a parameter set (the CLI's `eilab run stp` and the
 * app's page): every spike's efficacy from the spiking engine (CPU reference), the closed form
 * of the first two, and the PPR over U at this interval.
 */
import type { ParamValues } from '../../model/params';
import { closedFormTrain, simulateTrain } from './model';
import { stpConfig } from './params';

export interface StpResult {
  /** efficacy u·R of the second spike over the first */
  ppr: number;
  ppr_closed_form: number;
  /** efficacy of every spike of the train */
  efficacy: number[];
  /** the closed form's efficacies of the first two spikes */
  efficacy_closed_form: number[];
  /** PPR at this isi for U = 0, 0.05, …, 1 */
  ppr_vs_U: { U: number; ppr: number }[];
}

export function stpResult(v: ParamValues): StpResult {
  const c = stpConfig(v);
  const eff = simulateTrain(c);
  const cf = closedFormTrain({ ...c, nSpikes: 2 });
  const curve = Array.from({ length: 21 }, (_, i) => {
    const U = i / 20;
    const e = simulateTrain({ ...c, U, nSpikes: 2 });
    return { U, ppr: e[1] / e[0] };
  });
  return {
    ppr: eff[1] / eff[0],
    ppr_closed_form: cf[1] / cf[0],
    efficacy: eff,
    efficacy_closed_form: cf,
    ppr_vs_U: curve,
  };
}
