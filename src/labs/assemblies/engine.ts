/**
 * The compute interface of the assemblies lab: batched steady states and the PV input/output
 * plasticity step. The CPU reference (cpuEngine.ts) and WebGPU (webgpu/asmEngine.ts)
 * implement it; the trainer (trainer.ts) drives either the same way.
 *
 * A batch is a list of stimulus indices solved from the same weights (stimuli are the batch
 * dimension). The "paper" schedule uses batches of one stimulus (online, as the reference);
 * the "fast" schedule uses mini-batches and one update per mini-batch.
 */
import type { AsmNetwork } from './network';

export interface SolveOptions {
  /** add `perturbDelta` to the afferent drive of E cell `perturbCell` (Fig 4) */
  perturbCell?: number;
  perturbDelta?: number;
  /** override of the convergence criterion max|dh| < dt/τ·maxDr (0.05 in the perturbation experiment) */
  maxDr?: number;
  maxSteps?: number;
}

/** Steady states of a batch: activations h (unclipped); rates are clip(h, 0, r_max). */
export interface SteadyBatch {
  stim: Int32Array;
  hE: Float32Array; // [B × nE]
  hI: Float32Array; // [B × nI]
  steps: Int32Array;
  converged: Uint8Array;
}

export interface UpdateOptions {
  rule: 'local' | 'gradient';
  /** learning rates of the I→E (output) and E→I (input) parameters; 0 = knocked out */
  etaEI: number;
  etaIE: number;
  /** weight decay δ (eqs 8a/b) */
  decay: number;
  /** scale of the summed batch update (1 for one stimulus; see trainer.ts) */
  lrScale: number;
  /** compute the angle (eq 7) between the gradient and the local update */
  angles: boolean;
  /** rescale each PV cell's E inputs to sum J_IE after an input update (local rule) */
  normalizeIE: boolean;
  adam: { beta1: number; beta2: number; eps: number };
  /** adjoint solve tolerance (relative to max|e|) and iteration cap */
  adjointTol: number;
  adjointMaxIter: number;
}

export interface BatchStats {
  n: number;
  converged: number;
  /** Σ over converged stimuli of mean_j (h_E,j − ρ0)² */
  lossSum: number;
  stepsMax: number;
  stepsSum: number;
  /** eq 7 angles (radians) for the batch's summed updates; NaN when not computed */
  angleEI: number;
  angleIE: number;
  /** stimuli whose adjoint system did not converge (gradient rule; excluded from the update) */
  adjointFailed: number;
}

/** The plastic state: weights, their softplus parameters and Adam moments. */
export interface PlasticState {
  wEI: Float32Array;
  wIE: Float32Array;
  vEI: Float32Array;
  vIE: Float32Array;
  mEI: Float32Array;
  sEI: Float32Array;
  mIE: Float32Array;
  sIE: Float32Array;
  adamStep: number;
}

export interface AsmEngine {
  readonly label: string;
  readonly net: AsmNetwork;
  solve(stim: Int32Array, opts?: SolveOptions): Promise<SteadyBatch>;
  /** solve the batch, then apply one update from its converged stimuli */
  trainBatch(stim: Int32Array, upd: UpdateOptions): Promise<BatchStats>;
  readState(): Promise<PlasticState>;
  writeState(s: PlasticState): Promise<void>;
  dispose(): void;
}

export function initialPlasticState(net: AsmNetwork): PlasticState {
  return {
    wEI: net.wEI.slice(),
    wIE: net.wIE.slice(),
    vEI: net.vEI.slice(),
    vIE: net.vIE.slice(),
    mEI: new Float32Array(net.wEI.length),
    sEI: new Float32Array(net.wEI.length),
    mIE: new Float32Array(net.wIE.length),
    sIE: new Float32Array(net.wIE.length),
    adamStep: 0,
  };
}

export function defaultUpdate(over: Partial<UpdateOptions> = {}): UpdateOptions {
  return {
    rule: 'local',
    etaEI: 1e-5,
    etaIE: 1e-5,
    decay: 0.1,
    lrScale: 1,
    angles: false,
    normalizeIE: true,
    adam: { beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    adjointTol: 1e-5,
    adjointMaxIter: 3000,
    ...over,
  };
}
