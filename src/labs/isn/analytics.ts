/**
 * ISN lab analytics: closed-form results for the two-population rate model
 * (Soldado-Magraner et al. 2022, eqs 1–5; spec: shared/spec/isn-soldado-magraner2022.md).
 *
 *  - the Up-state fixed point of eqs 1–2 without noise (both populations above threshold),
 *  - the balance lines of eqs 4–5 (weights whose fixed point is the set point),
 *  - the Jacobian of the neural subsystem and its eigenvalues,
 *  - the paradoxical condition W_EE·g_E − 1 > 0 and the linear response to a drive onto I,
 *  - the linearised trial-averaged weight dynamics at the set point (plasticity subsystem)
 *    and stability maps over the free weights (W_EE, W_IE) (Figs 2F–H, 4H).
 *
 * Pure functions; no rates are clipped at E_max/I_max here (the analytic model is the linear
 * active region of eq 3).
 */
import type { ParamValues } from '../../model/params';

export interface NeuronParams {
  /** time constants (ms) */
  tauE: number;
  tauI: number;
  /** thresholds θ of f(x) = g·max(0, x − θ) (eq 3) */
  thetaE: number;
  thetaI: number;
  /** gains g (eq 3) */
  gE: number;
  gI: number;
}

/** The four weights (magnitudes; W_XY is from Y onto X, W_EI and W_II enter with a minus sign). */
export interface W4 {
  EE: number;
  EI: number;
  IE: number;
  II: number;
}

export interface Complex {
  re: number;
  im: number;
}

export type PlasticRule = 'homeostatic' | 'cross' | 'two-term';

/** The neuron parameters of the ISN lab's table (tau_E, tau_I, theta_E, theta_I, g_E, g_I). */
export function neuronParamsFrom(values: ParamValues): NeuronParams {
  return {
    tauE: Number(values.tau_E),
    tauI: Number(values.tau_I),
    thetaE: Number(values.theta_E),
    thetaI: Number(values.theta_I),
    gE: Number(values.g_E),
    gI: Number(values.g_I),
  };
}

/** The initial (single-start) weights of the ISN lab's table. */
export function weightsFrom(values: ParamValues): W4 {
  return {
    EE: Number(values.W_EE),
    EI: Number(values.W_EI),
    IE: Number(values.W_IE),
    II: Number(values.W_II),
  };
}

/** Eigenvalues of a real 2×2 matrix [[a, b], [c, d]] (largest real part first). */
export function eig2(a: number, b: number, c: number, d: number): Complex[] {
  const tr = a + d;
  const det = a * d - b * c;
  const disc = (tr * tr) / 4 - det;
  if (!Number.isFinite(disc))
    return [
      { re: NaN, im: NaN },
      { re: NaN, im: NaN },
    ];
  if (disc >= 0) {
    const s = Math.sqrt(disc);
    // numerically stable pair: λ1 = tr/2 ± s, λ2 = det/λ1
    const l1 = tr / 2 + (tr >= 0 ? s : -s);
    const l2 = l1 !== 0 ? det / l1 : tr / 2 - (tr >= 0 ? s : -s);
    const [hi, lo] = l1 >= l2 ? [l1, l2] : [l2, l1];
    return [
      { re: hi, im: 0 },
      { re: lo, im: 0 },
    ];
  }
  const s = Math.sqrt(-disc);
  return [
    { re: tr / 2, im: s },
    { re: tr / 2, im: -s },
  ];
}

/**
 * The matrix A = ∂F/∂(E, I) of F(E, I) = −(E, I) + g·(net input − θ) in the active region,
 * i.e. τ·(dE/dt, dI/dt) = A·(E, I) + const:
 *   A = [[g_E·W_EE − 1, −g_E·W_EI], [g_I·W_IE, −1 − g_I·W_II]].
 */
function activeMatrix(p: NeuronParams, w: W4): [number, number, number, number] {
  return [p.gE * w.EE - 1, -p.gE * w.EI, p.gI * w.IE, -1 - p.gI * w.II];
}

/**
 * The Up-state fixed point: the solution of eqs 1–2 without noise with both populations in
 * the linear part of f (x ≥ θ):
 *   E = g_E·(W_EE·E − W_EI·I + extE − θ_E),  I = g_I·(W_IE·E − W_II·I + extI − θ_I).
 * upState is false when the system is singular, when E ≤ 0 or I ≤ 0, or when an input is
 * below threshold (the active-region assumption fails); E and I are then still the solution
 * of the linear system (NaN when it is singular). Stability is a separate question
 * (neuralJacobian).
 */
export function fixedPoint(
  p: NeuronParams,
  w: W4,
  extE = 0,
  extI = 0,
): { E: number; I: number; upState: boolean } {
  const [a, b, c, d] = activeMatrix(p, w);
  // A·(E, I) = −g·(ext − θ)
  const r1 = -p.gE * (extE - p.thetaE);
  const r2 = -p.gI * (extI - p.thetaI);
  const det = a * d - b * c;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return { E: NaN, I: NaN, upState: false };
  const E = (r1 * d - b * r2) / det;
  const I = (a * r2 - c * r1) / det;
  const xE = w.EE * E - w.EI * I + extE;
  const xI = w.IE * E - w.II * I + extI;
  const upState =
    Number.isFinite(E) &&
    Number.isFinite(I) &&
    E > 0 &&
    I > 0 &&
    p.gE > 0 &&
    p.gI > 0 &&
    xE > p.thetaE &&
    xI > p.thetaI;
  return { E, I, upState };
}

/**
 * Balance lines (eqs 4–5): the W_EI and W_II that put the Up-state fixed point at
 * (E_set, I_set) for given W_EE and W_IE:
 *   W_EI = (W_EE·E_set + extE − θ_E − E_set/g_E)/I_set,  W_II = (W_IE·E_set + extI − θ_I − I_set/g_I)/I_set.
 * (extE/extI = 0 is the paper's form; a constant drive shifts the lines, Fig 2I.)
 */
export function balanceLines(
  p: NeuronParams,
  Eset: number,
  Iset: number,
  extE = 0,
  extI = 0,
): { WEI: (WEE: number) => number; WII: (WIE: number) => number } {
  return {
    WEI: (WEE: number) => (WEE * Eset + extE - p.thetaE - Eset / p.gE) / Iset,
    WII: (WIE: number) => (WIE * Eset + extI - p.thetaI - Iset / p.gI) / Iset,
  };
}

/**
 * Jacobian of eqs 1–2 (per ms) with both rates in the active region:
 *   J = [[(g_E·W_EE − 1)/τ_E, −g_E·W_EI/τ_E], [g_I·W_IE/τ_I, −(1 + g_I·W_II)/τ_I]].
 * In the active region J does not depend on the rates. eig: largest real part first.
 */
export function neuralJacobian(
  p: NeuronParams,
  w: W4,
): { J: [[number, number], [number, number]]; eig: Complex[] } {
  const [a, b, c, d] = activeMatrix(p, w);
  const J: [[number, number], [number, number]] = [
    [a / p.tauE, b / p.tauE],
    [c / p.tauI, d / p.tauI],
  ];
  return { J, eig: eig2(J[0][0], J[0][1], J[1][0], J[1][1]) };
}

/** Paradoxical (inhibition-stabilised) regime: the E subnetwork alone is unstable, W_EE·g_E − 1 > 0. */
export function isParadoxical(p: NeuronParams, w: W4): boolean {
  return w.EE * p.gE - 1 > 0;
}

/**
 * Change of the active-region fixed point when an extra drive dI is added to the input of I
 * (linear response; exact as long as both populations stay above threshold):
 *   A·(ΔE, ΔI) = (0, −g_I·dI)  ⇒  ΔI = −a11·g_I·dI/det(A) with a11 = g_E·W_EE − 1,
 * so for a neurally stable network (det A > 0) I falls exactly when W_EE·g_E > 1.
 */
export function paradoxicalResponse(
  p: NeuronParams,
  w: W4,
  dI: number,
): { dE: number; dI: number } {
  const [a, b, c, d] = activeMatrix(p, w);
  const det = a * d - b * c;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return { dE: NaN, dI: NaN };
  const r2 = -p.gI * dI;
  return { dE: (-b * r2) / det, dI: (a * r2) / det };
}

/**
 * Prefactor matrix P (4×2): ∂ΔW/∂(E, I) of the rule's averaged update at the set point, rows
 * EE, EI, IE, II; the error terms vanish there, so only the derivatives of the errors remain.
 * Eqs 6 (homeostatic), 7 (cross), 8 (two-term = their sum).
 */
export function plasticityPrefactors(
  rule: PlasticRule,
  alphaE: number,
  alphaI: number,
  Eset: number,
  Iset: number,
): [number, number][] {
  const homeo: [number, number][] = [
    [-alphaE * Eset, 0], // ΔW_EE = +α_E E (E_set − E)
    [alphaE * Iset, 0], // ΔW_EI = −α_E I (E_set − E)
    [0, -alphaI * Eset], // ΔW_IE = +α_I E (I_set − I)
    [0, alphaI * Iset], // ΔW_II = −α_I I (I_set − I)
  ];
  const cross: [number, number][] = [
    [0, -alphaE * Eset], // ΔW_EE = +α_E E (I_set − I)
    [0, alphaE * Iset], // ΔW_EI = −α_E I (I_set − I)
    [alphaI * Eset, 0], // ΔW_IE = −α_I E (E_set − E)
    [-alphaI * Iset, 0], // ΔW_II = +α_I I (E_set − E)
  ];
  if (rule === 'homeostatic') return homeo;
  if (rule === 'cross') return cross;
  return homeo.map((r, k) => [r[0] + cross[k][0], r[1] + cross[k][1]]);
}

/**
 * D = ∂(E*, I*)/∂W (2×4, columns EE, EI, IE, II) of the Up-state fixed point, by implicit
 * differentiation of F(E, I; W) = 0: D = −A⁻¹·∂F/∂W, with
 *   ∂F/∂W = [[g_E·E, −g_E·I, 0, 0], [0, 0, g_I·E, −g_I·I]].
 * Returns null when A is singular.
 */
export function fixedPointSensitivity(
  p: NeuronParams,
  w: W4,
  E: number,
  I: number,
): number[][] | null {
  const [a, b, c, d] = activeMatrix(p, w);
  const det = a * d - b * c;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return null;
  // A⁻¹ = [[d, −b], [−c, a]]/det
  const inv = [
    [d / det, -b / det],
    [-c / det, a / det],
  ];
  const dF = [
    [p.gE * E, -p.gE * I, 0, 0],
    [0, 0, p.gI * E, -p.gI * I],
  ];
  const D = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ];
  for (let r = 0; r < 2; r++)
    for (let k = 0; k < 4; k++) D[r][k] = -(inv[r][0] * dF[0][k] + inv[r][1] * dF[1][k]);
  return D;
}

/**
 * Linearisation of the trial-averaged weight dynamics dW/dt = ΔW(E*(W), I*(W)) at a set
 * point: the 4×4 Jacobian is P·D (P: plasticityPrefactors, D: fixedPointSensitivity at
 * (E_set, I_set)); it has rank 2 (a plane of fixed points: the balance lines), and its
 * non-zero eigenvalues are those of the 2×2 D·P, returned here (largest real part first).
 * The weights w should lie on the balance lines (fixed point = set point); the rates used
 * in D are E_set and I_set. Units: per trial (α per trial). NaN when A is singular.
 * The max(1,·) rectification is inactive at set points above 1.
 */
export function plasticityJacobian(
  p: NeuronParams,
  w: W4,
  rule: PlasticRule,
  alphaE: number,
  alphaI: number,
  Eset: number,
  Iset: number,
): { eig: Complex[]; DP: [[number, number], [number, number]] } {
  const D = fixedPointSensitivity(p, w, Eset, Iset);
  if (!D)
    return {
      eig: [
        { re: NaN, im: NaN },
        { re: NaN, im: NaN },
      ],
      DP: [
        [NaN, NaN],
        [NaN, NaN],
      ],
    };
  const P = plasticityPrefactors(rule, alphaE, alphaI, Eset, Iset);
  const DP: [[number, number], [number, number]] = [
    [0, 0],
    [0, 0],
  ];
  for (let r = 0; r < 2; r++)
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += D[r][k] * P[k][c];
      DP[r][c] = s;
    }
  return { eig: eig2(DP[0][0], DP[0][1], DP[1][0], DP[1][1]), DP };
}

export interface StabilityMapOptions {
  kind: 'neural' | 'plasticity';
  p: NeuronParams;
  /** plasticity maps: the rule (default cross) */
  rule?: PlasticRule;
  /** plasticity maps: α_I/α_E (default 1); α_E is 1 (the sign of the eigenvalues does not depend on the scale) */
  alphaRatio?: number;
  Eset: number;
  Iset: number;
  /** [min, max, n] of the free weights (n ≥ 1 points, both ends included) */
  WEE: [number, number, number];
  WIE: [number, number, number];
  /** constant drives (0 in the paper; Fig 2I adds one to E) */
  extE?: number;
  extI?: number;
}

export interface StabilityMap {
  /** W_EE values (columns) */
  x: number[];
  /** W_IE values (rows) */
  y: number[];
  /** z[row = W_IE index][column = W_EE index]: max real part of the eigenvalues; NaN where not valid */
  z: number[][];
  /** max real part < 0 (false where not valid) */
  stable: boolean[][];
}

function linspace(min: number, max: number, n: number): number[] {
  const m = Math.max(1, Math.floor(n));
  if (m === 1) return [min];
  return Array.from({ length: m }, (_, k) => min + ((max - min) * k) / (m - 1));
}

/**
 * Stability over the free weights (W_EE, W_IE), with W_EI and W_II on the balance lines so the
 * fixed point is the set point (Figs 2F–H, 4H). 'neural': max Re of the neural Jacobian's
 * eigenvalues (per ms); 'plasticity': max Re of the plasticity subsystem's non-zero
 * eigenvalues (α_E = 1, α_I = alphaRatio). A point is invalid (NaN) when a balance-line weight
 * is negative, a set point is not positive, or the fixed point is singular.
 * Layout as Plotly's heatmap expects: z[y index][x index].
 */
export function stabilityMap(opts: StabilityMapOptions): StabilityMap {
  const { p, Eset, Iset } = opts;
  const extE = opts.extE ?? 0;
  const extI = opts.extI ?? 0;
  const x = linspace(opts.WEE[0], opts.WEE[1], opts.WEE[2]);
  const y = linspace(opts.WIE[0], opts.WIE[1], opts.WIE[2]);
  const lines = balanceLines(p, Eset, Iset, extE, extI);
  const rule = opts.rule ?? 'cross';
  const ratio = opts.alphaRatio ?? 1;
  const z: number[][] = [];
  const stable: boolean[][] = [];
  for (const WIE of y) {
    const zr: number[] = [];
    const sr: boolean[] = [];
    for (const WEE of x) {
      const w: W4 = { EE: WEE, EI: lines.WEI(WEE), IE: WIE, II: lines.WII(WIE) };
      let v = NaN;
      if (Eset > 0 && Iset > 0 && w.EI >= 0 && w.II >= 0 && w.EE >= 0 && w.IE >= 0) {
        const eig =
          opts.kind === 'neural'
            ? neuralJacobian(p, w).eig
            : plasticityJacobian(p, w, rule, 1, ratio, Eset, Iset).eig;
        v = Math.max(eig[0].re, eig[1].re);
      }
      zr.push(v);
      sr.push(Number.isFinite(v) && v < 0);
    }
    z.push(zr);
    stable.push(sr);
  }
  return { x, y, z, stable };
}

/** The neural and plasticity maps together and where both are stable (the overlap of Fig 2F). */
export function jointStability(opts: Omit<StabilityMapOptions, 'kind'>): {
  neural: StabilityMap;
  plasticity: StabilityMap;
  both: boolean[][];
} {
  const neural = stabilityMap({ ...opts, kind: 'neural' });
  const plasticity = stabilityMap({ ...opts, kind: 'plasticity' });
  const both = neural.stable.map((row, i) => row.map((s, j) => s && plasticity.stable[i][j]));
  return { neural, plasticity, both };
}
