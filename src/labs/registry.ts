/**
 * The lab registry: each lab (one per paper) plugs in here with its parameter table, presets,
 * cross-field checks and paper reference. The app's lab picker, the URL codec and the CLI
 * all read this one list.
 */
import type { CrossError, ParamSpec, ParamValues } from '../model/params';
import { ISN_PARAMS, crossCheck as isnCrossCheck } from './isn/params';
import { ISN_PRESETS, type Preset } from './isn/presets';
import { ASM_PARAMS, crossCheck as asmCrossCheck } from './assemblies/params';
import { ASM_PRESETS } from './assemblies/presets';

export interface LabInfo {
  id: string;
  title: string;
  paper: string;
  /** path of the paper text and the spec, relative to the repository's parent */
  spec: string;
  params: readonly ParamSpec[];
  presets: readonly Preset[];
  crossCheck: (v: ParamValues) => CrossError[];
}

export const LABS: readonly LabInfo[] = [
  {
    id: 'isn',
    title: 'Inhibition-stabilised network: paradoxical effect and (cross-)homeostasis',
    paper:
      'Soldado-Magraner S, Seay MJ, Laje R, Buonomano DV (2022). Paradoxical self-sustained dynamics emerge from orchestrated excitatory and inhibitory homeostatic plasticity rules. PNAS 119(43):e2200621119',
    spec: 'shared/spec/isn-soldado-magraner2022.md',
    params: ISN_PARAMS,
    presets: ISN_PRESETS,
    crossCheck: isnCrossCheck,
  },
  {
    id: 'assemblies',
    title: 'E/I assemblies from PV input and output plasticity',
    paper:
      'Mackwood O, Naumann LB, Sprekeler H (2021). Learning excitatory-inhibitory neuronal assemblies in recurrent networks. eLife 10:e59715',
    spec: 'shared/spec/assemblies-mackwood2021.md',
    params: ASM_PARAMS,
    presets: ASM_PRESETS,
    crossCheck: asmCrossCheck,
  },
];

export function findLab(id: string): LabInfo | undefined {
  return LABS.find((l) => l.id === id);
}
