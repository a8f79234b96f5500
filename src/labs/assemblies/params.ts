/**
 * Assemblies lab parameters (Mackwood, Naumann & Sprekeler 2021, eLife 10:e59715).
 * Values and their sources: ../shared/spec/assemblies-mackwood2021.md (Table 1 of the paper
 * and the authors' simulator owenmackwood/ei-assemblies).
 */
import type { CrossError, NumberParam, ParamSpec, ParamValues } from '../../model/params';
import { PAPER_CONFIG, type AsmConfig } from './network';

const PAPER = 'Mackwood et al. 2021';
const TABLE = `${PAPER}, Table 1`;
const CODE = 'authors’ simulator (owenmackwood/ei-assemblies)';
const OURS = 'EI Lab default; not given in the paper';

const num = (
  name: string,
  label: string,
  unit: string,
  min: number,
  max: number,
  def: number | null,
  group: string,
  description: string,
  source: string,
  extra: Partial<NumberParam> = {},
): NumberParam => ({
  name,
  label,
  kind: 'number',
  unit,
  min,
  max,
  default: def,
  group,
  description,
  source,
  ...extra,
});

const TABLE_ROWS: readonly ParamSpec[] = [
  {
    name: 'size',
    label: 'Network size',
    kind: 'enum',
    options: ['paper', 'medium', 'classroom'],
    default: 'paper',
    group: 'Network',
    description:
      'paper: 512 Pyr (8³ preferred stimuli), 64 PV, 12³ = 1728 stimuli; medium: 216 Pyr (6³), 27 PV, 6³ stimuli (reproduces Fig 4 in minutes on a CPU); classroom: 64 Pyr (4³), 8 PV, 6³ = 216 stimuli (learns in seconds)',
    source: `${TABLE}; classroom: EI Lab`,
  },
  {
    name: 'plastic',
    label: 'Plastic synapses',
    kind: 'enum',
    options: ['both', 'input', 'output', 'none'],
    default: 'both',
    group: 'Plasticity',
    description:
      'both: PV input (Pyr→PV) and output (PV→Pyr) plastic; input: output plasticity knocked out (Fig 2); output: input plasticity knocked out (Fig 3); none',
    source: `${PAPER}, Figs 1–3`,
  },
  {
    name: 'rule',
    label: 'Rule',
    kind: 'enum',
    options: ['local', 'gradient'],
    default: 'local',
    group: 'Plasticity',
    description:
      'local: the approximate rules (eqs 4, 8a/b); gradient: the exact steady-state gradient (eqs 15a/b) with Adam (Fig 1—S2)',
    source: `${PAPER}, Methods, Appendix 1`,
  },
  {
    name: 'schedule',
    label: 'Schedule',
    kind: 'enum',
    options: ['paper', 'fast'],
    default: 'paper',
    group: 'Protocol',
    description:
      'paper: one update after each stimulus in shuffled order (the reference protocol); fast: mini-batches of stimuli solved in parallel, one update per mini-batch',
    source: `${CODE} (paper); EI Lab (fast)`,
  },
  {
    name: 'epochs',
    label: 'Passes',
    kind: 'int',
    unit: 'passes',
    min: 0,
    max: 5000,
    default: 500,
    group: 'Protocol',
    description: 'Passes over all stimuli (each stimulus once per pass, in random order)',
    source: `${TABLE} (N_trials = 500)`,
  },
  {
    name: 'batch',
    label: 'Mini-batch',
    kind: 'int',
    unit: 'stimuli',
    min: 1,
    max: 100000,
    default: null,
    nullable: true,
    group: 'Protocol',
    advanced: true,
    description:
      'Stimuli per update in the fast schedule (auto: all N_S stimuli of a pass with the local rules, one update per pass; min(N_S, 216) with the gradient rules); the summed update keeps the learning rate per stimulus',
    source: OURS,
  },
  num(
    'eta',
    'Learning rate η',
    '',
    0,
    1,
    null,
    'Plasticity',
    'Learning rate of both plastic pathways (auto: 1e-5 for the local rules, 1e-3 for the gradient rules with Adam; classroom size 2e-3 and 0.05, medium 5e-4 and 0.02: EI Lab choices for ~30 passes)',
    TABLE,
    { nullable: true },
  ),
  num(
    'rho0',
    'Target ρ0',
    'Hz',
    0,
    100,
    1,
    'Plasticity',
    'Homeostatic target of the Pyr activations (eq 3)',
    TABLE,
  ),
  num(
    'decay',
    'Weight decay δ',
    '',
    0,
    10,
    0.1,
    'Plasticity',
    'Weight-dependent decay of both pathways (eqs 8a/b)',
    TABLE,
    { advanced: true },
  ),
  {
    name: 'angles',
    label: 'Gradient angles',
    kind: 'bool',
    default: false,
    group: 'Plasticity',
    advanced: true,
    description:
      'Also compute the exact gradient while following the local rule and plot the angle between them (eq 7, Fig 1g); costs an adjoint solve per stimulus',
    source: `${PAPER}, eq 7`,
  },
  num(
    'sigma_IE',
    'σ of log Pyr→PV weights',
    '',
    0,
    5,
    0.65,
    'Network',
    'Spread of the initial log-normal Pyr→PV weights; 2.2 spans ~5 orders of magnitude (heavy tail, Fig 3—S2)',
    `${TABLE}; heavy tail: spec`,
  ),
  num(
    'sigma',
    'σ of log PV weights',
    '',
    0,
    5,
    0.65,
    'Network',
    'Spread of the log-normal PV→Pyr and PV→PV weights',
    TABLE,
    { advanced: true },
  ),
  {
    name: 'leak',
    label: 'Leak term',
    kind: 'enum',
    options: ['h', 'r'],
    default: 'h',
    group: 'Model',
    advanced: true,
    description:
      'h: eq 1 as printed (−h); r: the reference code’s −r, with which silent cells’ activations keep drifting down while the solver runs',
    source: `${PAPER}, eq 1; ${CODE}`,
  },
  {
    name: 'e_axis',
    label: 'Pyr cells per axis',
    kind: 'int',
    unit: '',
    min: 2,
    max: 12,
    default: null,
    nullable: true,
    group: 'Network',
    advanced: true,
    description: 'N_E = e_axis³ (auto: 8 paper, 6 medium, 4 classroom)',
    source: TABLE,
  },
  {
    name: 's_axis',
    label: 'Stimuli per axis',
    kind: 'int',
    unit: '',
    min: 2,
    max: 16,
    default: null,
    nullable: true,
    group: 'Network',
    advanced: true,
    description: 'N_S = s_axis³ (auto: 12 paper, 6 medium and classroom)',
    source: TABLE,
  },
  {
    name: 'n_pv',
    label: 'PV cells',
    kind: 'int',
    unit: '',
    min: 1,
    max: 1000,
    default: null,
    nullable: true,
    group: 'Network',
    advanced: true,
    description: 'N_I (auto: N_E/8)',
    source: CODE,
  },
  num(
    'p',
    'Connection probability',
    '',
    0.05,
    1,
    0.6,
    'Network',
    'Connection probability of all pathways (fixed in-degree)',
    TABLE,
    { advanced: true },
  ),
  num('J_EE', 'Σ Pyr→Pyr weight', '', 0, 20, 2, 'Network', 'Total E→E weight per Pyr cell', TABLE, {
    advanced: true,
  }),
  num(
    'J_IE',
    'Σ Pyr→PV weight',
    '',
    0.01,
    50,
    5,
    'Network',
    'Total E→I weight per PV cell (kept by the row normalisation)',
    TABLE,
    { advanced: true },
  ),
  num(
    'J_EI',
    'Σ PV→Pyr weight',
    '',
    0.01,
    20,
    1,
    'Network',
    'Total initial I→E weight per Pyr cell',
    TABLE,
    { advanced: true },
  ),
  num('J_II', 'Σ PV→PV weight', '', 0, 20, 1, 'Network', 'Total I→I weight per PV cell', TABLE, {
    advanced: true,
  }),
  num(
    'kappa',
    'Tuning width κ',
    '',
    0.05,
    20,
    1,
    'Stimuli',
    'von Mises width of the afferent tuning',
    TABLE,
    { advanced: true },
  ),
  num(
    'peak',
    'Peak afferent drive',
    'Hz',
    0,
    500,
    50,
    'Stimuli',
    'Maximum stimulus-specific input',
    TABLE,
    { advanced: true },
  ),
  num('bg', 'Background input', 'Hz', 0, 100, 5, 'Stimuli', 'Constant input to all cells', TABLE, {
    advanced: true,
  }),
  num('tau_E', 'τ_E', 'ms', 1, 1000, 50, 'Model', 'Pyr time constant', TABLE, { advanced: true }),
  num('tau_I', 'τ_I', 'ms', 1, 1000, 25, 'Model', 'PV time constant', TABLE, { advanced: true }),
  num('dt', 'dt', 'ms', 0.01, 10, 1, 'Model', 'Euler time step', TABLE, { advanced: true }),
  {
    name: 'max_steps',
    label: 'Max Euler steps',
    kind: 'int',
    unit: 'steps',
    min: 10,
    max: 100000,
    default: 1500,
    group: 'Model',
    advanced: true,
    description:
      'A stimulus not converged after this many steps is reported and left out of the update',
    source: CODE,
  },
  num(
    'max_dr',
    'Convergence threshold',
    'Hz',
    1e-6,
    100,
    0.5,
    'Model',
    'Converged when max|dh| < dt/τ·max_dr over unclipped cells of both populations',
    CODE,
    { advanced: true },
  ),
  num(
    'detect',
    'Detection threshold θ',
    '',
    0,
    10,
    1e-4,
    'Analysis',
    'Synapses weaker than this are invisible to the sampling analyses',
    TABLE,
    { advanced: true },
  ),
  num(
    'detect_rel',
    'Relative detection threshold',
    '',
    0,
    1,
    null,
    'Analysis',
    'If set, θ = detect_rel × the strongest weight of the pathway (Fig 3—S2 uses ~1e-2)',
    `${PAPER}, Appendix 1`,
    { nullable: true, advanced: true },
  ),
  {
    name: 'sample_n',
    label: 'Synapses per sample',
    kind: 'int',
    unit: '',
    min: 3,
    max: 10000,
    default: 100,
    group: 'Analysis',
    advanced: true,
    description: 'Connections drawn per sample in the sampling experiment (Figs 2e–f, 3e)',
    source: TABLE,
  },
  {
    name: 'samples',
    label: 'Samples',
    kind: 'int',
    unit: '',
    min: 1,
    max: 1000000,
    default: 10000,
    group: 'Analysis',
    advanced: true,
    description: 'Repetitions of the sampling experiment',
    source: `${PAPER}, Fig 2f`,
  },
  {
    name: 'perturb_cells',
    label: 'Perturbed Pyr cells',
    kind: 'int',
    unit: '',
    min: 0,
    max: 4096,
    default: 90,
    group: 'Analysis',
    advanced: true,
    description:
      'Pyr cells perturbed one at a time in the perturbation experiment (Fig 4; at most N_E)',
    source: `${PAPER}, Methods`,
  },
  num(
    'perturb_delta',
    'Perturbation ΔI',
    'Hz',
    0.01,
    1000,
    10,
    'Analysis',
    'Extra afferent drive of the perturbed cell',
    TABLE,
    { advanced: true },
  ),
  num(
    'perturb_max_dr',
    'Perturbation convergence threshold',
    'Hz',
    1e-6,
    100,
    0.05,
    'Analysis',
    'Tighter steady-state criterion in the perturbation experiment',
    CODE,
    { advanced: true },
  ),
];

const GROUPS = ['Network', 'Plasticity', 'Protocol', 'Stimuli', 'Model', 'Analysis'];

/** The table, each group's parameters together (the CLI listing and the form follow it). */
export const ASM_PARAMS: readonly ParamSpec[] = [...TABLE_ROWS].sort(
  (a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group),
);

export const SIZES = {
  paper: { eAxis: 8, sAxis: 12 },
  medium: { eAxis: 6, sAxis: 6 },
  classroom: { eAxis: 4, sAxis: 6 },
} as const;

/** The network configuration the values describe. */
export function asmConfig(v: ParamValues): AsmConfig {
  const size = SIZES[(v.size as keyof typeof SIZES) ?? 'paper'] ?? SIZES.paper;
  const eAxis = v.e_axis == null ? size.eAxis : Number(v.e_axis);
  const sAxis = v.s_axis == null ? size.sAxis : Number(v.s_axis);
  const nI = v.n_pv == null ? Math.max(1, Math.floor(eAxis ** 3 / 8)) : Number(v.n_pv);
  return {
    ...PAPER_CONFIG,
    eAxis,
    sAxis,
    nI,
    tauE: Number(v.tau_E),
    tauI: Number(v.tau_I),
    dt: Number(v.dt),
    leak: v.leak === 'r' ? 'r' : 'h',
    maxDr: Number(v.max_dr),
    maxSteps: Number(v.max_steps),
    kappa: Number(v.kappa),
    peak: Number(v.peak),
    bgE: Number(v.bg),
    bgI: Number(v.bg),
    p: Number(v.p),
    J_EE: Number(v.J_EE),
    J_IE: Number(v.J_IE),
    J_EI: Number(v.J_EI),
    J_II: Number(v.J_II),
    sigma: Number(v.sigma),
    sigmaIE: Number(v.sigma_IE),
    rho0: Number(v.rho0),
  };
}

/** η for the values: the explicit one, or the paper's for the rule (Table 1). */
export function learningRate(v: ParamValues): number {
  if (v.eta != null) return Number(v.eta);
  // the classroom size trains in ~30 passes of 8 updates instead of 500 passes of 1728
  if (v.size === 'classroom') return v.rule === 'gradient' ? 0.05 : 2e-3;
  // medium: 2e-3 made the training unstable; 5e-4 reproduces Fig 4 in 30 passes
  if (v.size === 'medium') return v.rule === 'gradient' ? 0.02 : 5e-4;
  return v.rule === 'gradient' ? 1e-3 : 1e-5;
}

export function batchSize(v: ParamValues, nS: number): number {
  // auto, local rules: the whole pass. At the paper size on an H100 that trains 500 passes
  // in 26 s (8 mini-batches of 216: 172 s; BENCHMARKS.md) and reaches the paper's end state
  // (Figs 1–4). Gradient rules keep mini-batches of ≤ 216: Adam's step grows with √batch,
  // and one Adam step per pass was not tried at the paper size.
  if (v.batch == null) return v.rule === 'gradient' ? Math.min(nS, 216) : nS;
  return Math.min(nS, Number(v.batch));
}

export function crossCheck(v: ParamValues): CrossError[] {
  const errs: CrossError[] = [];
  const c = asmConfig(v);
  const nE = c.eAxis ** 3;
  if (c.nI > nE * 4)
    errs.push({ fields: ['n_pv', 'e_axis'], message: 'n_pv must not exceed 4 × the Pyr cells' });
  if (c.dt >= c.tauI || c.dt >= c.tauE)
    errs.push({
      fields: ['dt', 'tau_E', 'tau_I'],
      message: 'dt must be smaller than τ_E and τ_I (forward Euler)',
    });
  const N = nE + c.nI;
  if (N > 8192)
    errs.push({
      fields: ['e_axis', 'n_pv'],
      message: `${N} cells is more than the lab's 8192 (the weight matrix alone would be ${((N * N * 4) / 2 ** 20).toFixed(0)} MiB)`,
    });
  if (Math.round(c.p * c.nI) < 1 || Math.round(c.p * nE) < 1)
    errs.push({ fields: ['p'], message: 'p is too small: every cell needs at least one input' });
  return errs;
}
