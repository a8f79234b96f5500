/**
 * The run summary of the ISN lab (the CLI's summary.json and --json line, the app's export)
 * and the CSV exports (history, monitor trace, per-unit averages).
 *
 * Rates are the running trial averages the rules use (Avg ← Avg + (trial mean − Avg)/2,
 * before the max(1,·) rectification), population means for the multi-unit model;
 * weights are class means. For a batch (starts grid/random) the top-level values are
 * network 0's. Convergence uses the authors' criterion: |E − E_set| < 1% E_set and
 * |I − I_set| < 1% I_set (spec, "100 random initial conditions").
 */
import type { ParamValues } from '../../model/params';
import { classMeans, N_MONITOR, pulseSteps } from '../../model/rateNetwork';
import type { IsnRunResult } from './runner';
import { summarizeTrial } from './runner';
import type { TwoPopWeights } from './experiment';
import { resolvedAlphas } from './params';
import {
  fixedPoint,
  isParadoxical,
  neuralJacobian,
  neuronParamsFrom,
  type Complex,
} from './analytics';

export interface StartSummary {
  W0: TwoPopWeights;
  W_final: TwoPopWeights;
  E_final: number;
  I_final: number;
  converged: boolean;
}

export interface IsnSummary {
  lab: 'isn';
  model: string;
  rule: string;
  trials: number;
  seed: number;
  backend: string;
  alpha_E: number;
  alpha_I: number;
  E_set: number;
  I_set: number;
  /** running trial averages after the last trial (network 0, population means) */
  E_final: number;
  I_final: number;
  /** class-mean weights after the last trial (network 0) */
  W_final: TwoPopWeights;
  /** network 0 meets the 1% criterion */
  converged: boolean;
  /** multi-unit only: per-unit running averages of network 0 */
  E_units_final?: number[];
  I_units_final?: number[];
  /** batches only */
  networks?: number;
  converged_fraction?: number;
  starts?: StartSummary[];
  /** two-population only, at the final weights (with the constant drive E_drive) */
  fixed_point?: { E: number; I: number; upState: boolean };
  paradoxical?: boolean;
  eigenvalues?: Complex[];
  neural_stable?: boolean;
  /** I_opto ≠ 0: means of network 0's last-trial trace (null when the window holds no sample) */
  E_pre_opto?: number | null;
  I_pre_opto?: number | null;
  E_during_opto?: number | null;
  I_during_opto?: number | null;
  paradoxical_effect_observed?: boolean | null;
  /** all parameter values of the run (defaults included) */
  params: ParamValues;
}

/** A float32 readout value as a JSON-friendly number (7 significant digits). */
export function r7(x: number): number {
  return Number.isFinite(x) ? Number(Math.fround(x).toPrecision(7)) : x;
}

function rw(w: TwoPopWeights): TwoPopWeights {
  return { EE: r7(w.EE), EI: r7(w.EI), IE: r7(w.IE), II: r7(w.II) };
}

/** The authors' convergence criterion (1% of each set point). */
export function isConverged(E: number, I: number, Eset: number, Iset: number): boolean {
  return Math.abs(E - Eset) < 0.01 * Math.abs(Eset) && Math.abs(I - Iset) < 0.01 * Math.abs(Iset);
}

/**
 * Mean of monitor channel `ch` of network `net` over trial-relative steps [from, to) of the last
 * trial; NaN when no sample falls in the range.
 */
export function monitorMean(
  result: IsnRunResult,
  ch: number,
  from: number,
  to: number,
  net = 0,
): number {
  const p = result.setup.baseProtocol;
  const mon = Math.max(1, Math.min(p.monitorCount, result.setup.config.batch));
  let s = 0;
  let n = 0;
  for (let k = 0; k < result.final.samples; k++) {
    const step = k * p.recordEvery;
    if (step < from || step >= to) continue;
    s += result.final.monitor[(k * mon + net) * N_MONITOR + ch];
    n++;
  }
  return n > 0 ? s / n : NaN;
}

/** Trial-relative opto windows: [pre from, onset) (250 ms) and the last half of [onset, end). */
export function optoWindows(
  values: ParamValues,
  dtMs: number,
): { pre: [number, number]; during: [number, number] } {
  const [a, b] = pulseSteps(Number(values.opto_onset_ms), Number(values.opto_duration_ms), dtMs);
  const pre: [number, number] = [Math.max(0, a - Math.round(250 / dtMs)), a];
  const during: [number, number] = [a + Math.floor((b - a) / 2), b];
  return { pre, during };
}

export function isnSummary(
  result: IsnRunResult,
  values: ParamValues,
  meta: { backend?: string; seed?: number } = {},
): IsnSummary {
  const { setup, final } = result;
  const c = setup.config;
  const multi = values.model === 'multi-unit';
  const rec = summarizeTrial(setup, final, Math.max(0, result.trialsRun - 1));
  const Eset = Number(values.E_set);
  const Iset = Number(values.I_set);
  const { alphaE, alphaI } = resolvedAlphas(values);
  const E = rec.avgE[0];
  const I = rec.avgI[0];
  const out: IsnSummary = {
    lab: 'isn',
    model: String(values.model),
    rule: String(values.rule),
    trials: result.trialsRun,
    seed: meta.seed ?? c.seed,
    backend: meta.backend ?? 'unknown',
    alpha_E: alphaE,
    alpha_I: alphaI,
    E_set: Eset,
    I_set: Iset,
    E_final: r7(E),
    I_final: r7(I),
    W_final: rw(rec.W[0]),
    converged: isConverged(E, I, Eset, Iset),
    params: { ...values },
  };
  const N = c.nE + c.nI;
  if (multi) {
    out.E_units_final = Array.from(final.avg.subarray(0, c.nE), r7);
    out.I_units_final = Array.from(final.avg.subarray(c.nE, N), r7);
  }
  if (c.batch > 1) {
    const starts: StartSummary[] = [];
    let conv = 0;
    for (let b = 0; b < c.batch; b++) {
      const ok = isConverged(rec.avgE[b], rec.avgI[b], Eset, Iset);
      if (ok) conv++;
      starts.push({
        W0: rw(setup.starts[b]),
        W_final: rw(rec.W[b]),
        E_final: r7(rec.avgE[b]),
        I_final: r7(rec.avgI[b]),
        converged: ok,
      });
    }
    out.networks = c.batch;
    out.converged_fraction = conv / c.batch;
    out.starts = starts;
  }
  if (!multi) {
    const p = neuronParamsFrom(values);
    const w = rec.W[0];
    const fp = fixedPoint(p, w, Number(values.E_drive), 0);
    const jac = neuralJacobian(p, w);
    out.fixed_point = { E: fp.E, I: fp.I, upState: fp.upState };
    out.paradoxical = isParadoxical(p, w);
    out.eigenvalues = jac.eig;
    out.neural_stable = jac.eig.every((e) => e.re < 0);
  }
  if (Number(values.I_opto) !== 0) {
    const { pre, during } = optoWindows(values, c.dtMs);
    const nz = (x: number) => (Number.isFinite(x) ? r7(x) : null);
    const Epre = monitorMean(result, 0, pre[0], pre[1]);
    const Ipre = monitorMean(result, 1, pre[0], pre[1]);
    const Edur = monitorMean(result, 0, during[0], during[1]);
    const Idur = monitorMean(result, 1, during[0], during[1]);
    out.E_pre_opto = nz(Epre);
    out.I_pre_opto = nz(Ipre);
    out.E_during_opto = nz(Edur);
    out.I_during_opto = nz(Idur);
    out.paradoxical_effect_observed =
      Number.isFinite(Ipre) && Number.isFinite(Idur) ? Idur < Ipre : null;
  }
  return out;
}

function csvNum(x: number): string {
  return Number.isFinite(x) ? String(r7(x)) : '';
}

/** One row per recorded trial and network: running averages, window means, class-mean weights. */
export function historyCsv(result: IsnRunResult): string {
  const lines = ['trial,network,avgE,avgI,meanE,meanI,W_EE,W_EI,W_IE,W_II'];
  for (const h of result.history)
    for (let b = 0; b < h.avgE.length; b++) {
      const w = h.W[b];
      lines.push(
        [h.trial, b, h.avgE[b], h.avgI[b], h.meanE[b], h.meanI[b], w.EE, w.EI, w.IE, w.II]
          .map((v, k) => (k < 2 ? String(v) : csvNum(v)))
          .join(','),
      );
    }
  return lines.join('\n') + '\n';
}

/** Network 0's last trial: population-mean E and I rates and the mean inputs onto E and I units. */
export function monitorCsv(result: IsnRunResult): string {
  const p = result.setup.baseProtocol;
  const dt = result.setup.config.dtMs;
  const mon = Math.max(1, Math.min(p.monitorCount, result.setup.config.batch));
  const m = result.final.monitor;
  const lines = ['time_ms,E,I,exc_onto_E,inh_onto_E,exc_onto_I,inh_onto_I'];
  for (let k = 0; k < result.final.samples; k++) {
    const o = k * mon * N_MONITOR;
    lines.push(
      [r7(k * p.recordEvery * dt), m[o], m[o + 1], m[o + 2], m[o + 3], m[o + 4], m[o + 5]]
        .map(csvNum)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * Network 0's units after the last trial: running average, last-trial window mean and the
 * summed incoming excitatory and inhibitory weights (Figs 5D–E, 6D–E).
 */
export function unitsCsv(result: IsnRunResult): string {
  const c = result.setup.config;
  const N = c.nE + c.nI;
  const w = result.final.weights;
  const lines = ['unit,type,index,avg,trial_mean,W_exc_in,W_inh_in'];
  for (let u = 0; u < N; u++) {
    let exc = 0;
    let inh = 0;
    for (let j = 0; j < N; j++) {
      if (j === u && !c.selfConnections) continue;
      if (j < c.nE) exc += w[u * N + j];
      else inh += w[u * N + j];
    }
    const isE = u < c.nE;
    lines.push(
      [
        String(u),
        isE ? 'E' : 'I',
        String(isE ? u : u - c.nE),
        csvNum(result.final.avg[u]),
        csvNum(result.final.trialMean[u]),
        csvNum(exc),
        csvNum(inh),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** Class-mean weights of network b of the final readout. */
export function finalClassMeans(result: IsnRunResult, b = 0): TwoPopWeights {
  return classMeans(result.setup.config, result.final.weights, b);
}
