/**
 * ISN lab parameters (Soldado-Magraner, Seay, Laje & Buonomano 2022, PNAS).
 * Values and their sources: ../shared/spec/isn-soldado-magraner2022.md.
 */
import type { CrossError, ParamSpec, ParamValues } from '../../model/params';

const PAPER = 'Soldado-Magraner et al. 2022';
const CODE = 'authors’ MATLAB code (saraysoldado/Paradoxical2022)';
const OURS = 'EI Lab default; not given in the paper';

export const ISN_PARAMS: readonly ParamSpec[] = [
  // ── model and rule ──
  { name: 'model', label: 'Model', kind: 'enum', options: ['two-pop', 'multi-unit'], default: 'two-pop', group: 'Model',
    description: 'Two-population rate model (Figs 1–4) or the multi-unit model with N_E E and N_I I units (Figs 5–6)', source: `${PAPER}, Methods and SI` },
  { name: 'rule', label: 'Plasticity rule', kind: 'enum', options: ['homeostatic', 'cross', 'two-term', 'none'], default: 'cross', group: 'Plasticity',
    description: 'Rule family: homeostatic (eq 6), cross-homeostatic (eq 7), two-term (eq 8) or none', source: `${PAPER}, eqs 6–8` },
  { name: 'plasticity_mode', label: 'Update schedule', kind: 'enum', options: ['trial', 'online'], default: 'trial', group: 'Plasticity', advanced: true,
    description: 'trial: one update per trial from trial-averaged rates; online: every step with low-passed sensors (Fig S4)', source: `${PAPER}, Methods; Fig S4` },
  { name: 'trials', label: 'Trials', kind: 'int', unit: 'trials', min: 1, max: 100000, default: 500, group: 'Protocol',
    description: 'Number of trials (each a fresh kick into the Up state, then one weight update)', source: `${PAPER}, Figs 2, 4 (500 trials shown)` },
  // ── initial weights (two-population) ──
  { name: 'W_EE', label: 'W_EE (E→E)', kind: 'number', unit: '', min: 0, max: 100, default: 2.1, group: 'Weights',
    description: 'Initial weight onto E from E', source: `${PAPER}, Figs 2B/4B` },
  { name: 'W_EI', label: 'W_EI (I→E)', kind: 'number', unit: '', min: 0, max: 100, default: 3, group: 'Weights',
    description: 'Initial weight onto E from I (enters with a minus sign)', source: `${PAPER}, Figs 2B/4B` },
  { name: 'W_IE', label: 'W_IE (E→I)', kind: 'number', unit: '', min: 0, max: 100, default: 4, group: 'Weights',
    description: 'Initial weight onto I from E', source: `${PAPER}, Figs 2B/4B` },
  { name: 'W_II', label: 'W_II (I→I)', kind: 'number', unit: '', min: 0, max: 100, default: 1.5, group: 'Weights',
    description: 'Initial weight onto I from I (legends print 2; the authors’ code uses 1.5)', source: `${CODE}` },
  // ── set points and learning rates ──
  { name: 'E_set', label: 'E set point', kind: 'number', unit: 'Hz', min: 0, max: 100, default: 5, group: 'Plasticity',
    description: 'Excitatory set point', source: `${PAPER}, Methods (ex vivo data)` },
  { name: 'I_set', label: 'I set point', kind: 'number', unit: 'Hz', min: 0, max: 250, default: 14, group: 'Plasticity',
    description: 'Inhibitory set point', source: `${PAPER}, Methods (ex vivo data)` },
  { name: 'alpha_E', label: 'α_E', kind: 'number', unit: '', min: 0, max: 1, default: null, nullable: true, group: 'Plasticity',
    description: 'Learning rate of weights onto E; empty = the paper’s value for the rule and model (two-pop: homeostatic 1e-4, cross 5e-4; multi-unit: cross 2e-5, two-term 1e-5; online: 5e-7 per step)', source: `${PAPER}, Figs 2, 4–6 legends` },
  { name: 'alpha_I', label: 'α_I', kind: 'number', unit: '', min: 0, max: 1, default: null, nullable: true, group: 'Plasticity',
    description: 'Learning rate of weights onto I; empty = the same as α_E’s paper value', source: `${PAPER}, Figs 2, 4–6 legends` },
  { name: 'plastic_EE', label: 'W_EE plastic', kind: 'bool', default: true, group: 'Knock-outs', description: 'Plasticity on for E→E (off = knocked out / clamped at its value)', source: OURS },
  { name: 'plastic_EI', label: 'W_EI plastic', kind: 'bool', default: true, group: 'Knock-outs', description: 'Plasticity on for I→E', source: OURS },
  { name: 'plastic_IE', label: 'W_IE plastic', kind: 'bool', default: true, group: 'Knock-outs', description: 'Plasticity on for E→I', source: OURS },
  { name: 'plastic_II', label: 'W_II plastic', kind: 'bool', default: true, group: 'Knock-outs', description: 'Plasticity on for I→I', source: OURS },
  { name: 'weight_floor', label: 'Weight floor', kind: 'number', unit: '', min: 0, max: 10, default: 0.1, group: 'Plasticity', advanced: true,
    description: 'Floor of every weight (multi-unit: per synapse floor/number of presynaptic partners)', source: CODE },
  // ── inputs and perturbations ──
  { name: 'I_opto', label: 'Opto drive to I', kind: 'number', unit: '', min: -1000, max: 1000, default: 0, group: 'Perturbation',
    description: 'Extra ("optogenetic") drive to every I unit during the opto window', source: `${PAPER}, Fig 1B–C (I_ext = 7)` },
  { name: 'opto_onset_ms', label: 'Opto onset', kind: 'number', unit: 'ms', min: 0, max: 100000, default: 1000, group: 'Perturbation',
    description: 'Start of the opto window within each trial', source: OURS },
  { name: 'opto_duration_ms', label: 'Opto duration', kind: 'number', unit: 'ms', min: 0, max: 100000, default: 500, group: 'Perturbation',
    description: 'Length of the opto window', source: OURS },
  { name: 'pert_target', label: 'Perturb population', kind: 'enum', options: ['none', 'E', 'I'], default: 'none', group: 'Perturbation',
    description: 'Population to drive or silence in the perturbation window', source: OURS },
  { name: 'pert_mode', label: 'Perturbation', kind: 'enum', options: ['drive', 'silence'], default: 'drive', group: 'Perturbation',
    description: 'drive: add the amplitude to the input; silence: hold the rate at 0', source: OURS },
  { name: 'pert_amp', label: 'Perturbation amplitude', kind: 'number', unit: '', min: -1000, max: 1000, default: 5, group: 'Perturbation',
    description: 'Input added in drive mode', source: OURS },
  { name: 'pert_onset_ms', label: 'Perturbation onset', kind: 'number', unit: 'ms', min: 0, max: 100000, default: 1000, group: 'Perturbation', description: 'Start within each trial', source: OURS },
  { name: 'pert_duration_ms', label: 'Perturbation duration', kind: 'number', unit: 'ms', min: 0, max: 100000, default: 300, group: 'Perturbation', description: 'Length of the window', source: OURS },
  { name: 'pert_from_trial', label: 'Perturb from trial', kind: 'int', unit: 'trial', min: 0, max: 100000, default: 0, group: 'Perturbation', description: 'First trial (0-based) with the perturbation', source: OURS },
  { name: 'pert_to_trial', label: 'Perturb to trial', kind: 'int', unit: 'trial', min: 0, max: 100000, default: 100000, group: 'Perturbation', description: 'Trial after the last one with the perturbation', source: OURS },
  { name: 'scale_class', label: 'Scale weight class', kind: 'enum', options: ['none', 'EE', 'EI', 'IE', 'II'], default: 'none', group: 'Perturbation',
    description: 'Weight class multiplied by scale_factor before trial scale_at_trial', source: OURS },
  { name: 'scale_factor', label: 'Scale factor', kind: 'number', unit: '×', min: 0, max: 100, default: 1.2, group: 'Perturbation', description: 'Multiplier (Fig 3B raises W_IE 10 → 12: 1.2)', source: `${PAPER}, Fig 3B` },
  { name: 'scale_at_trial', label: 'Scale at trial', kind: 'int', unit: 'trial', min: 0, max: 100000, default: 100, group: 'Perturbation', description: 'Trial (0-based) before which the class is scaled', source: OURS },
  { name: 'E_drive', label: 'Constant drive to E', kind: 'number', unit: '', min: -1000, max: 1000, default: 0, group: 'Inputs', advanced: true,
    description: 'Constant external input to every E unit (0 in the paper; needed to put a non-ISN network in an active state)', source: OURS },
  { name: 'kick_amp', label: 'Kick amplitude', kind: 'number', unit: '', min: 0, max: 1000, default: 7, group: 'Inputs', advanced: true, description: 'Step input to E that starts the Up state', source: CODE },
  { name: 'kick_onset_ms', label: 'Kick onset', kind: 'number', unit: 'ms', min: 0, max: 100000, default: 250, group: 'Inputs', advanced: true, description: 'Onset of the kick in each trial', source: CODE },
  { name: 'kick_ms', label: 'Kick duration', kind: 'number', unit: 'ms', min: 0, max: 10000, default: 10, group: 'Inputs', advanced: true, description: 'Kick length (inclusive: 10 ms = 101 steps)', source: CODE },
  { name: 'noise_sigma', label: 'Noise σ', kind: 'number', unit: 'Hz·s^½', min: 0, max: 1000, default: 10, group: 'Inputs',
    description: 'σ of the OU input noise (θ = 1/ms); per step η ← η − 0.1η + σ√dt·ξ (σ = 10 gives innovation s.d. 0.1)', source: `${PAPER}, Methods` },
  // ── neurons ──
  { name: 'tau_E', label: 'τ_E', kind: 'number', unit: 'ms', min: 0.1, max: 1000, default: 10, group: 'Neurons', advanced: true, description: 'E time constant', source: `${PAPER}, Methods` },
  { name: 'tau_I', label: 'τ_I', kind: 'number', unit: 'ms', min: 0.1, max: 1000, default: 2, group: 'Neurons', advanced: true, description: 'I time constant', source: `${PAPER}, Methods` },
  { name: 'theta_E', label: 'θ_E', kind: 'number', unit: '', min: -1000, max: 1000, default: 4.8, group: 'Neurons', advanced: true, description: 'E threshold (eq 3)', source: `${PAPER}, Methods` },
  { name: 'theta_I', label: 'θ_I', kind: 'number', unit: '', min: -1000, max: 1000, default: 25, group: 'Neurons', advanced: true, description: 'I threshold (eq 3)', source: `${PAPER}, Methods` },
  { name: 'g_E', label: 'g_E', kind: 'number', unit: '', min: 0, max: 100, default: 1, group: 'Neurons', advanced: true, description: 'E gain (eq 3)', source: `${PAPER}, Methods` },
  { name: 'g_I', label: 'g_I', kind: 'number', unit: '', min: 0, max: 100, default: 4, group: 'Neurons', advanced: true, description: 'I gain (eq 3)', source: `${PAPER}, Methods` },
  { name: 'E_max', label: 'E max', kind: 'number', unit: 'Hz', min: 1, max: 10000, default: 100, group: 'Neurons', advanced: true, description: 'Upper clip of E rates', source: CODE },
  { name: 'I_max', label: 'I max', kind: 'number', unit: 'Hz', min: 1, max: 10000, default: 250, group: 'Neurons', advanced: true, description: 'Upper clip of I rates', source: CODE },
  // ── time ──
  { name: 'dt_ms', label: 'dt', kind: 'number', unit: 'ms', min: 0.001, max: 1, default: 0.1, group: 'Protocol', advanced: true, description: 'Euler step', source: CODE },
  { name: 'trial_ms', label: 'Trial length', kind: 'number', unit: 'ms', min: 10, max: 100000, default: 2000, group: 'Protocol', advanced: true, description: 'Length of one trial', source: CODE },
  { name: 'window_ms', label: 'Averaging window', kind: 'number', unit: 'ms', min: 0.1, max: 100000, default: 500, group: 'Protocol', advanced: true, description: 'Per-trial activity = mean over the last window of the trial', source: CODE },
  // ── multi-unit ──
  { name: 'N_E', label: 'N_E', kind: 'int', unit: 'units', min: 1, max: 2048, default: 80, group: 'Multi-unit', advanced: true, description: 'E units (multi-unit model)', source: `${PAPER}, SI (80E/20I)` },
  { name: 'N_I', label: 'N_I', kind: 'int', unit: 'units', min: 1, max: 2048, default: 20, group: 'Multi-unit', advanced: true, description: 'I units (multi-unit model)', source: `${PAPER}, SI (80E/20I)` },
  { name: 'w_init_mean', label: 'Initial weight mean', kind: 'number', unit: '', min: 0, max: 100, default: 0.1, group: 'Multi-unit', advanced: true, description: 'Multi-unit initial weights ~ N(mean, sd²) per synapse, floored', source: CODE },
  { name: 'w_init_sd', label: 'Initial weight s.d.', kind: 'number', unit: '', min: 0, max: 100, default: 0.04, group: 'Multi-unit', advanced: true, description: 'Multi-unit initial weight s.d.', source: CODE },
  // ── multi-start batch ──
  { name: 'starts', label: 'Initial conditions', kind: 'enum', options: ['single', 'grid', 'random'], default: 'single', group: 'Multi-start',
    description: 'single: the weights above; grid: the authors’ 3⁴ grid (Figs 2D, 4D–E); random: a seeded uniform box around it; grid/random run as one batch', source: `${CODE} (removed basin-of-attraction code)` },
  { name: 'n_starts', label: 'Random starts', kind: 'int', unit: 'networks', min: 1, max: 65536, default: 100, group: 'Multi-start', description: 'Number of random initial conditions', source: `${PAPER}, Figs 2D, 4D (100)` },
];

export type IsnRule = 'homeostatic' | 'cross' | 'two-term' | 'none';

/** The paper's learning rates when α is left empty (null). */
export function paperAlpha(model: string, rule: string, mode = 'trial'): number {
  if (mode === 'online') return 5e-7; // Fig S4: α per step
  if (model === 'multi-unit') return rule === 'two-term' ? 1e-5 : 2e-5;
  if (rule === 'homeostatic') return 1e-4;
  if (rule === 'two-term') return 1e-4;
  return 5e-4;
}

export function resolvedAlphas(v: ParamValues): { alphaE: number; alphaI: number } {
  const a = paperAlpha(String(v.model), String(v.rule), String(v.plasticity_mode));
  return {
    alphaE: v.alpha_E === null || v.alpha_E === undefined ? a : Number(v.alpha_E),
    alphaI: v.alpha_I === null || v.alpha_I === undefined ? a : Number(v.alpha_I),
  };
}

/** Cross-field checks that a per-field range cannot express; each names its fields. */
export function crossCheck(v: ParamValues): CrossError[] {
  const errs: CrossError[] = [];
  if (Number(v.window_ms) > Number(v.trial_ms))
    errs.push({ fields: ['window_ms', 'trial_ms'], message: 'window_ms must not exceed trial_ms' });
  if (Number(v.dt_ms) > Number(v.tau_I) || Number(v.dt_ms) > Number(v.tau_E))
    errs.push({ fields: ['dt_ms', 'tau_E', 'tau_I'], message: 'dt_ms must not exceed τ_E or τ_I (forward Euler is unstable there)' });
  const steps = Math.round(Number(v.trial_ms) / Number(v.dt_ms));
  if (steps > 10_000_000) errs.push({ fields: ['trial_ms', 'dt_ms'], message: 'trial_ms/dt_ms gives more than 10⁷ steps per trial' });
  if (v.model === 'multi-unit' && v.starts === 'grid')
    errs.push({ fields: ['starts'], message: 'the grid of initial conditions is for the two-population model' });
  return errs;
}
