/**
 * A co-tuning study as the lab's parameters describe it, the same from the CLI and the app:
 *  1. ABC over the four assembly ratios when `abc_steps` > 0 (abcRun.ts; the network of the
 *     steps below then has the posterior mean's ratios),
 *  2. a sweep when `sweep` is set — the noise fraction or the coupling W (Fig 2), one assembly
 *     ratio R_EE, R_EI, R_IE or R_II with the others fixed (Fig 4), or the connection
 *     probability p at a fixed W·p (Fig 5: "coupling scaled by 1/p") — every value from the
 *     same seed, one batched run on WebGPU through `many`; the run below then has the last
 *     value,
 *  3. the protocol itself (runner.ts): learning, measurements, the tuning test.
 */
import type { AbcStep } from '../../analysis/abc';
import type { ParamValues } from '../../model/params';
import { runCotuningAbc } from './abcRun';
import type { CotuningConfig } from './network';
import { cotuningConfig, cotuningProtocol } from './params';
import {
  runCotuning,
  runCotuningMany,
  type CotuningHooks,
  type CotuningProtocol,
  type CotuningResult,
  type ManySimFactory,
  type SimFactory,
} from './runner';

/** What a sweep can vary (the `sweep` parameter's values other than none). */
export const SWEEP_PARAMS = ['noise', 'W', 'R_EE', 'R_EI', 'R_IE', 'R_II', 'p'] as const;
export type SweepParam = (typeof SWEEP_PARAMS)[number];

/**
 * The configuration of one sweep value: the noise fraction c as is; W, the assembly ratios
 * and p with recurrence on; p at the base W·p (Giannakakis Fig 5 scales the coupling by 1/p,
 * so the mean recurrent input per neuron stays the same).
 */
export function sweptConfig(cfg: CotuningConfig, param: SweepParam, x: number): CotuningConfig {
  switch (param) {
    case 'noise':
      return { ...cfg, noise: x };
    case 'W':
      return { ...cfg, W: x, recurrent: true };
    case 'p':
      return { ...cfg, p: x, W: (cfg.W * cfg.p) / x, recurrent: true };
    default:
      return { ...cfg, R: { ...cfg.R, [param.slice(2)]: x }, recurrent: true };
  }
}

/** The x-axis label of a sweep of `param`. */
export function sweepLabel(param: string): string {
  switch (param) {
    case 'noise':
      return 'noise fraction c';
    case 'W':
      return 'coupling W';
    case 'p':
      return 'connection probability p (W·p fixed)';
    default:
      return param.startsWith('R_') ? `assembly ratio ${param} (w_in/w_out)` : param;
  }
}

export interface SweepPoint {
  value: number;
  D: number | null;
  D_code: number | null;
  B: number | null;
  rate_E: number;
  rate_I: number;
  C_in_EI: number;
  C_out_EE: number;
  C_out_EI: number;
  C_out_II: number;
}

export interface StudyHooks {
  onAbcStep?: (s: AbcStep) => void;
  /** the sweep's points, all at once when the (batched) sweep ends, with its wall time */
  onSweep?: (points: SweepPoint[], wallSeconds: number) => void;
  /** entering a phase (the app's progress) */
  onPhase?: (phase: 'abc' | 'sweep' | 'run', detail: string) => void;
  /** the protocol's own hooks (step 3) */
  run?: CotuningHooks;
  /** stop between phases */
  shouldStop?: () => boolean;
}

export interface StudyResult {
  cfg: CotuningConfig;
  protocol: CotuningProtocol;
  abc: AbcStep[];
  sweep: SweepPoint[];
  result: CotuningResult;
}

const fin = (y: number) => (Number.isFinite(y) ? y : null);

export async function runCotuningStudy(
  v: ParamValues,
  seed: number,
  makeSim: SimFactory,
  makeMany: ManySimFactory | undefined,
  hooks: StudyHooks = {},
): Promise<StudyResult> {
  const cfg = cotuningConfig(v);
  const protocol = cotuningProtocol(v);
  const abcSteps = Number(v.abc_steps ?? 0);
  let abc: AbcStep[] = [];
  if (abcSteps > 0) {
    hooks.onPhase?.('abc', `ABC: ${abcSteps} steps of ${Number(v.abc_particles)} particles`);
    abc = await runCotuningAbc(
      cfg,
      {
        steps: abcSteps,
        particles: Number(v.abc_particles),
        eps0: Number(v.abc_eps0),
        batch: Number(v.abc_batch),
        duration: protocol.duration,
      },
      seed,
      makeSim,
      { onStep: hooks.onAbcStep },
      makeMany,
    );
    const last = abc[abc.length - 1];
    if (last) {
      const [EE, EI, IE, II] = last.mean;
      cfg.R = { EE, EI, IE, II };
    }
  }
  const sweep: SweepPoint[] = [];
  const param = String(v.sweep) as SweepParam | 'none';
  if (param !== 'none' && SWEEP_PARAMS.includes(param) && !hooks.shouldStop?.()) {
    const n = Number(v.sweep_points);
    const a = Number(v.sweep_from);
    const b = Number(v.sweep_to);
    const xs = Array.from({ length: n }, (_, i) => (n > 1 ? a + ((b - a) * i) / (n - 1) : a));
    hooks.onPhase?.('sweep', `sweep of ${String(v.sweep)}: ${n} values from ${a} to ${b}`);
    const t0 = performance.now();
    const results = await runCotuningMany(
      xs.map((x) => ({
        cfg: sweptConfig(cfg, param, x),
        seed,
      })),
      { ...protocol, tuningReps: 0 },
      makeSim,
      makeMany,
    );
    results.forEach((res, i) =>
      sweep.push({
        value: xs[i],
        D: fin(res.D),
        D_code: fin(res.D_code),
        B: fin(res.B),
        rate_E: res.rate_E,
        rate_I: res.rate_I,
        C_in_EI: res.correlations.C_in_EI,
        C_out_EE: res.correlations.C_out_EE,
        C_out_EI: res.correlations.C_out_EI,
        C_out_II: res.correlations.C_out_II,
      }),
    );
    hooks.onSweep?.(sweep, (performance.now() - t0) / 1000);
    // the study's own run: the last value
    Object.assign(cfg, sweptConfig(cfg, param, b));
  }
  hooks.onPhase?.('run', 'learning');
  const result = await runCotuning(cfg, protocol, seed, makeSim, hooks.run);
  return { cfg, protocol, abc, sweep, result };
}

/** The sweep as CSV (the CLI's sweep.csv and the app's export). */
export function sweepCsv(param: string, sweep: readonly SweepPoint[]): string {
  const L = [`${param},D,D_code,B,rate_E,rate_I,C_in_EI,C_out_EE,C_out_EI,C_out_II`];
  for (const p of sweep)
    L.push(
      [
        p.value,
        p.D,
        p.D_code,
        p.B,
        p.rate_E,
        p.rate_I,
        p.C_in_EI,
        p.C_out_EE,
        p.C_out_EI,
        p.C_out_II,
      ].join(','),
    );
  return L.join('\n') + '\n';
}
