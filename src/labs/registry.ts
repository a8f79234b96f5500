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
import { COTUNING_PARAMS, crossCheck as cotuningCrossCheck } from './cotuning/params';
import { COTUNING_PRESETS } from './cotuning/presets';
import { COBA_PARAMS, COBA_PRESETS, crossCheck as cobaCrossCheck } from './coba/params';
import { REDUCED_PARAMS, crossCheck as reducedCrossCheck } from './reduced/params';
import { REDUCED_PRESETS } from './reduced/presets';
import { STP_PARAMS, STP_PRESETS, crossCheck as stpCrossCheck } from './stp/params';

export interface LabInfo {
  id: string;
  title: string;
  paper: string;
  /** path of the paper text and the spec, relative to the repository's parent */
  spec: string;
  params: readonly ParamSpec[];
  presets: readonly Preset[];
  crossCheck: (v: ParamValues) => CrossError[];
  /** the browser app has a page for it (otherwise the lab runs from the command line) */
  app: boolean;
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
    app: true,
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
    app: true,
  },
  {
    id: 'cotuning',
    title: 'E/I co-tuning from plasticity, noise and recurrent assemblies (spiking)',
    paper:
      'Giannakakis E, Vinogradov O, Buendía V, Levina A (2023). Recurrent connectivity structure controls the emergence of co-tuned excitation and inhibition',
    spec: 'shared/spec/cotuning-giannakakis2023.md',
    params: COTUNING_PARAMS,
    presets: COTUNING_PRESETS,
    crossCheck: cotuningCrossCheck,
    app: true,
  },
  {
    id: 'reduced',
    title: 'Reduced linear model of E/I co-tuning: exact and simulated correlations',
    paper:
      'Giannakakis E, Vinogradov O, Buendía V, Levina A (2023). Recurrent connectivity structure controls the emergence of co-tuned excitation and inhibition (Methods IV D, Appendix C)',
    spec: 'shared/spec/cotuning-giannakakis2023.md',
    params: REDUCED_PARAMS,
    presets: REDUCED_PRESETS,
    crossCheck: reducedCrossCheck,
    app: true,
  },
  {
    id: 'coba',
    title: 'COBA benchmark network (conductance-based LIF, Brette et al. 2007)',
    paper:
      'Brette R, Rudolph M, Carnevale T, et al. (2007). Simulation of networks of spiking neurons: a review of tools and strategies. J Comput Neurosci 23:349–398 (benchmark 1)',
    spec: 'shared/spec/benchmarks.md',
    params: COBA_PARAMS,
    presets: COBA_PRESETS,
    crossCheck: cobaCrossCheck,
    app: true,
  },
  {
    id: 'stp',
    title: 'Tsodyks–Markram short-term plasticity: paired-pulse ratio',
    paper:
      'Keijser J, Sprekeler H (2022). Optimizing interneuron circuits for compartment-specific feedback inhibition. PLoS Comput Biol 18(4):e1009933 (eqs 11–12)',
    spec: 'shared/spec/compartments-keijser2022.md',
    params: STP_PARAMS,
    presets: STP_PRESETS,
    crossCheck: stpCrossCheck,
    app: true,
  },
];

/** The labs with a page in the browser app (the lab picker lists these). */
export const APP_LABS: readonly LabInfo[] = LABS.filter((l) => l.app);

export function findLab(id: string): LabInfo | undefined {
  return LABS.find((l) => l.id === id);
}
