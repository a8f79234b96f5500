/**
 * Reduced-model lab parameters (Giannakakis, Vinogradov, Buendía & Levina 2023, Methods IV D,
 * Appendix C). Equations and our reading of them: model.ts; spec:
 * ../shared/spec/cotuning-giannakakis2023.md ("Reduced linear model").
 */
import type { CrossError, NumberParam, ParamSpec, ParamValues } from '../../model/params';
import {
  assemblyCoupling,
  eulerStability,
  homogeneousCode,
  homogeneousPrinted,
  stability,
  type ReducedCoefficients,
  type Structure,
} from './model';

const PAPER = 'Giannakakis et al. 2023';
const CODE =
  'authors’ code (MGiannakakis/Network_Assemblies_and_STDP, Reduced Model/compute_correlations.cpp)';
const OURS = 'EI Lab default; not given in the paper';
const HOM = `${PAPER}, Appendix C2 (homogeneous network at W = 1; W = 1 is an EI Lab choice)`;

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

const MANUAL = ' (used when structure = manual)';
const ASM = ' (used when structure = assemblies)';

export const REDUCED_PARAMS: readonly ParamSpec[] = [
  {
    name: 'mode',
    label: 'Mode',
    kind: 'enum',
    options: ['exact', 'simulate'],
    default: 'exact',
    group: 'Run',
    description:
      'exact: stationary correlations from the moment equations C9 and the Lyapunov equation AΣ + ΣAᵀ + Q = 0; simulate: Euler–Maruyama simulation, with batch-means standard errors, compared with the exact values',
    source: `${PAPER}, Appendix C1 (exact); ${CODE} (simulate)`,
  },
  {
    name: 'M',
    label: 'Groups M',
    kind: 'int',
    unit: 'groups',
    min: 2,
    max: 64,
    default: 8,
    group: 'Model',
    description:
      'Number of groups (E/I pairs x_i, y_i). The full 2M-dimensional Lyapunov equation is solved for M ≤ 16; above, the exact values come from C9 alone',
    source: `${PAPER}, Results ("M = 8 mesoscopic units")`,
  },
  {
    name: 'structure',
    label: 'Coupling structure',
    kind: 'enum',
    options: ['manual', 'homogeneous-printed', 'homogeneous-code', 'assemblies'],
    default: 'manual',
    group: 'Model',
    description:
      'manual: the coefficients a … W_II below; homogeneous-printed: Appendix C2 as printed (a = W − 1, b = −W, c = W, d = −W − 1, W_EE = W_IE = W, W_EI = W_II = −W); homogeneous-code: the authors’ code’s homogeneous network, every connection ±W/(M−1) in-group included (a = W/(M−1) − 1, b = −W/(M−1), c = W/(M−1), d = −W/(M−1) − 1, same W_XY), for which eq C10 was derived; assemblies: strengths r_XY at coupling W (a = W r_EE − 1, b = −W r_EI, c = W r_IE, d = −W r_II − 1, W_EE = W(1 − r_EE), W_EI = −W(1 − r_EI), W_IE = W(1 − r_IE), W_II = −W(1 − r_II))',
    source: `${PAPER}, Appendix C2–C3; ${CODE}`,
  },
  num(
    'W',
    'Coupling W',
    '',
    -50,
    50,
    1,
    'Model',
    'Coupling strength of the homogeneous and assembly structures, of the clustering search (eq C12) and the variable of sweep = W (unused when structure = manual)',
    OURS,
  ),
  num(
    'a',
    'a (x_i → x_i)',
    '1/τ',
    -100,
    100,
    0,
    'Coefficients',
    `In-group E→E coefficient, leak included${MANUAL}`,
    HOM,
  ),
  num(
    'b',
    'b (y_i → x_i)',
    '1/τ',
    -100,
    100,
    -1,
    'Coefficients',
    `In-group I→E coefficient (signed: negative is inhibitory)${MANUAL}`,
    HOM,
  ),
  num(
    'c',
    'c (x_i → y_i)',
    '1/τ',
    -100,
    100,
    1,
    'Coefficients',
    `In-group E→I coefficient${MANUAL}`,
    HOM,
  ),
  num(
    'd',
    'd (y_i → y_i)',
    '1/τ',
    -100,
    100,
    -2,
    'Coefficients',
    `In-group I→I coefficient, leak included${MANUAL}`,
    HOM,
  ),
  num(
    'W_EE',
    'W_EE (x_j → x_i)',
    '1/τ',
    -100,
    100,
    1,
    'Coefficients',
    `Between-group E→E coupling, shared by the M − 1 other groups (each x_j enters with W_EE/(M−1))${MANUAL}`,
    HOM,
  ),
  num(
    'W_EI',
    'W_EI (y_j → x_i)',
    '1/τ',
    -100,
    100,
    -1,
    'Coefficients',
    `Between-group I→E coupling (signed)${MANUAL}`,
    HOM,
  ),
  num(
    'W_IE',
    'W_IE (x_j → y_i)',
    '1/τ',
    -100,
    100,
    1,
    'Coefficients',
    `Between-group E→I coupling${MANUAL}`,
    HOM,
  ),
  num(
    'W_II',
    'W_II (y_j → y_i)',
    '1/τ',
    -100,
    100,
    -1,
    'Coefficients',
    `Between-group I→I coupling (signed)${MANUAL}`,
    HOM,
  ),
  num(
    'r_EE',
    'r_EE',
    '',
    0,
    1,
    0.125,
    'Assemblies',
    `Assembly strength of the x → x pathway (eq 4: in-group share of its input; 1/M is uniform)${ASM}`,
    `${PAPER}, eq 4 (uniform r = 1/M)`,
  ),
  num(
    'r_EI',
    'r_EI',
    '',
    0,
    1,
    0.125,
    'Assemblies',
    `Assembly strength of the y → x pathway (W_EI, b)${ASM}`,
    `${PAPER}, eq 4 (uniform r = 1/M)`,
  ),
  num(
    'r_IE',
    'r_IE',
    '',
    0,
    1,
    0.125,
    'Assemblies',
    `Assembly strength of the x → y pathway (W_IE, c)${ASM}`,
    `${PAPER}, eq 4 (uniform r = 1/M)`,
  ),
  num(
    'r_II',
    'r_II',
    '',
    0,
    1,
    0.125,
    'Assemblies',
    `Assembly strength of the y → y pathway${ASM}`,
    `${PAPER}, eq 4 (uniform r = 1/M)`,
  ),
  num(
    'sigma_int',
    'σ_int',
    '1/√τ',
    0,
    100,
    0.05,
    'Noise',
    'Internal noise amplitude: private white noise on every x_i and y_i (variance σ_int² per unit time)',
    `${CODE} (total noise 0.1, split evenly: EI Lab choice); correlations depend only on σ_int/σ_ext`,
  ),
  num(
    'sigma_ext',
    'σ_ext',
    '1/√τ',
    0,
    100,
    0.05,
    'Noise',
    'External noise amplitude: one white noise η_i per group, shared by x_i and y_i',
    `${CODE} (total noise 0.1, split evenly: EI Lab choice)`,
  ),
  num(
    'dt',
    'dt',
    'τ',
    1e-5,
    1,
    0.01,
    'Simulation',
    'Euler–Maruyama step (simulate mode)',
    `${CODE} (dt = 0.01)`,
  ),
  num(
    'T',
    'Length',
    'τ',
    1,
    1e6,
    10000,
    'Simulation',
    'Measured length after the burn-in (simulate mode)',
    OURS,
  ),
  num(
    'burn_in',
    'Burn-in',
    'τ',
    0,
    1e5,
    100,
    'Simulation',
    'Discarded relaxation from x = y = 0 before measuring (the authors relax for a fifth of the run)',
    OURS,
  ),
  {
    name: 'batches',
    label: 'Batches',
    kind: 'int',
    unit: '',
    min: 2,
    max: 1000,
    default: 20,
    group: 'Simulation',
    advanced: true,
    description: 'Equal batches of the measured stretch for the batch-means standard errors',
    source: OURS,
  },
  {
    name: 'cluster',
    label: 'Optimal clustering',
    kind: 'bool',
    default: false,
    group: 'Analyses',
    description:
      'Also search the assembly strengths r_EE … r_II ∈ [0, 1] that minimise eq C12 at coupling W and the noise above (Fig 8); Nelder–Mead from the best points of a grid',
    source: `${PAPER}, Appendix C3 (eq C12, Fig 8)`,
  },
  {
    name: 'sweep',
    label: 'Sweep',
    kind: 'enum',
    options: ['none', 'W', 'r'],
    default: 'none',
    group: 'Analyses',
    description:
      'W: vary the coupling of the chosen structure; r: vary the noise ratio r = σ_int/(σ_int + σ_ext) (as printed in Appendix C2) at fixed σ_int + σ_ext. Each point gives the exact, C10 as printed and (simulate mode) simulated correlations',
    source: `${PAPER}, Appendix C2 (C10–C11); Fig 2d–e analogue`,
  },
  num(
    'sweep_from',
    'Sweep from',
    '',
    -50,
    50,
    null,
    'Analyses',
    'First value of the swept variable (auto: 0)',
    OURS,
    { nullable: true },
  ),
  num(
    'sweep_to',
    'Sweep to',
    '',
    -50,
    50,
    null,
    'Analyses',
    'Last value of the swept variable (auto: 10 for W, 1 for r)',
    OURS,
    { nullable: true },
  ),
  {
    name: 'sweep_points',
    label: 'Sweep points',
    kind: 'int',
    unit: '',
    min: 2,
    max: 401,
    default: 21,
    group: 'Analyses',
    description: 'Evenly spaced values of the swept variable, both ends included',
    source: OURS,
  },
];

/** The model coefficients for the values (the structure applied). */
export function coefficientsFromValues(v: ParamValues, W = Number(v.W)): ReducedCoefficients {
  const M = Number(v.M);
  const noise = { M, sigmaInt: Number(v.sigma_int), sigmaExt: Number(v.sigma_ext) };
  switch (v.structure as Structure) {
    case 'homogeneous-printed':
      return { ...noise, ...homogeneousPrinted(W) };
    case 'homogeneous-code':
      return { ...noise, ...homogeneousCode(M, W) };
    case 'assemblies':
      return {
        ...noise,
        ...assemblyCoupling(W, {
          r_EE: Number(v.r_EE),
          r_EI: Number(v.r_EI),
          r_IE: Number(v.r_IE),
          r_II: Number(v.r_II),
        }),
      };
    default:
      return {
        ...noise,
        a: Number(v.a),
        b: Number(v.b),
        c: Number(v.c),
        d: Number(v.d),
        W_EE: Number(v.W_EE),
        W_EI: Number(v.W_EI),
        W_IE: Number(v.W_IE),
        W_II: Number(v.W_II),
      };
  }
}

/** The sweep's range: explicit ends or the defaults for the variable. */
export function sweepRange(v: ParamValues): { from: number; to: number; points: number } {
  const isR = v.sweep === 'r';
  return {
    from: v.sweep_from == null ? 0 : Number(v.sweep_from),
    to: v.sweep_to == null ? (isR ? 1 : 10) : Number(v.sweep_to),
    points: Number(v.sweep_points),
  };
}

/** Most Euler–Maruyama steps one run may take (all sweep points together). */
export const MAX_SIM_STEPS = 2e8;

const COEFF_FIELDS = ['a', 'b', 'c', 'd', 'W_EE', 'W_EI', 'W_IE', 'W_II'];

export function crossCheck(v: ParamValues): CrossError[] {
  const errs: CrossError[] = [];
  const sInt = Number(v.sigma_int);
  const sExt = Number(v.sigma_ext);
  if (!(sInt + sExt > 0))
    errs.push({
      fields: ['sigma_int', 'sigma_ext'],
      message:
        'there is no noise (σ_int = σ_ext = 0): the stationary state is x = y = 0 and the correlations are undefined',
    });
  const structure = String(v.structure);
  const coeffFields =
    structure === 'manual'
      ? COEFF_FIELDS
      : structure === 'assemblies'
        ? ['W', 'r_EE', 'r_EI', 'r_IE', 'r_II']
        : ['W'];
  const p = coefficientsFromValues(v);
  const st = stability(p);
  if (!st.stable)
    errs.push({
      fields: [...coeffFields, 'M'],
      message: `${st.message} (structure ${structure})`,
    });
  const simulate = v.mode === 'simulate';
  const dt = Number(v.dt);
  if (simulate && st.stable) {
    const em = eulerStability(p, dt);
    if (!em.stable)
      errs.push({
        fields: ['dt', ...coeffFields],
        message: `Euler–Maruyama is unstable at dt = ${dt} (|1 + λ·dt| reaches ${em.maxAbs.toPrecision(4)}); lower dt`,
      });
  }
  const batches = Number(v.batches);
  if (simulate && Number(v.T) / dt < batches)
    errs.push({
      fields: ['T', 'dt', 'batches'],
      message: 'T/dt must give at least one step per batch',
    });
  if (v.sweep !== 'none') {
    const { from, to, points } = sweepRange(v);
    if (!(to > from))
      errs.push({ fields: ['sweep_from', 'sweep_to'], message: 'sweep_to must exceed sweep_from' });
    if (v.sweep === 'r' && (from < 0 || to > 1))
      errs.push({
        fields: ['sweep_from', 'sweep_to'],
        message: 'the noise ratio r = σ_int/(σ_int + σ_ext) lies in 0 … 1',
      });
    if (v.sweep === 'W' && structure === 'manual')
      errs.push({
        fields: ['sweep', 'structure'],
        message:
          'sweep = W varies the coupling W of a structure: choose structure homogeneous-printed, homogeneous-code or assemblies',
      });
    if (simulate && ((Number(v.T) + Number(v.burn_in)) / dt) * points > MAX_SIM_STEPS)
      errs.push({
        fields: ['T', 'burn_in', 'dt', 'sweep_points'],
        message: `the sweep would take more than ${MAX_SIM_STEPS.toExponential(0)} Euler–Maruyama steps; shorten T or use fewer points`,
      });
  } else if (simulate && (Number(v.T) + Number(v.burn_in)) / dt > MAX_SIM_STEPS)
    errs.push({
      fields: ['T', 'burn_in', 'dt'],
      message: `more than ${MAX_SIM_STEPS.toExponential(0)} Euler–Maruyama steps; shorten T or raise dt`,
    });
  if (v.cluster === true && !(Number(v.W) !== 0))
    errs.push({
      fields: ['cluster', 'W'],
      message:
        'the clustering search needs a coupling W ≠ 0 (at W = 0 the loss does not depend on r)',
    });
  return errs;
}
