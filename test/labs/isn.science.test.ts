/**
 * The ISN lab's scientific claims (Soldado-Magraner et al. 2022), simulated on the CPU
 * reference backend through the same runner and summary the app and the CLI use.
 *
 * Where the paper's protocol is too slow for CI on a 2-core machine, the shortened variant is
 * stated next to the test with the reason and the evidence that it is faithful.
 */
import { describe, expect, it } from 'vitest';
import { defaults, type ParamValues } from '../../src/model/params';
import { ISN_PARAMS } from '../../src/labs/isn/params';
import { findPreset } from '../../src/labs/isn/presets';
import { runIsn, type IsnRunResult } from '../../src/labs/isn/runner';
import { CpuBackend } from '../../src/engine/cpu/cpuBackend';
import { isnSummary, isConverged, type IsnSummary } from '../../src/labs/isn/summary';
import {
  balanceLines,
  fixedPoint,
  isParadoxical,
  neuronParamsFrom,
  paradoxicalResponse,
  type W4,
} from '../../src/labs/isn/analytics';
import { START_GRID } from '../../src/labs/isn/experiment';

const backend = new CpuBackend();
const D = defaults(ISN_PARAMS);
const P = neuronParamsFrom(D);

async function run(
  over: ParamValues,
  seed = 1,
  readEvery = 1,
): Promise<{ v: ParamValues; r: IsnRunResult; s: IsnSummary }> {
  const v = { ...D, ...over };
  const r = await runIsn(backend, v, seed, { readEvery });
  return { v, r, s: isnSummary(r, v, { backend: 'cpu', seed }) };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const report = (label: string, data: unknown) =>
  console.log(`[isn science] ${label}: ${JSON.stringify(data)}`);

describe('paradoxical effect (Fig 1B–C), paper protocol', () => {
  it('in the ISN regime (preset paradoxical, W_EE·g_E = 5) extra drive onto I lowers I', async () => {
    const { s } = await run(findPreset('paradoxical')!.values);
    report('ISN opto', {
      E_pre: s.E_pre_opto,
      E_during: s.E_during_opto,
      I_pre: s.I_pre_opto,
      I_during: s.I_during_opto,
    });
    expect(s.paradoxical).toBe(true);
    expect(s.paradoxical_effect_observed).toBe(true);
    expect(s.I_during_opto!).toBeLessThan(s.I_pre_opto!);
    expect(s.E_during_opto!).toBeLessThan(s.E_pre_opto!);
    // and by the amounts the analysis predicts (E 5 → 2.954, I 10 → 4.615), within the noise
    const w: W4 = { EE: 5, EI: 1.52, IE: 10, II: 2.25 };
    const pre = fixedPoint(P, w);
    const during = fixedPoint(P, w, 0, 7);
    expect(rel(s.E_pre_opto!, pre.E)).toBeLessThan(0.02);
    expect(rel(s.I_pre_opto!, pre.I)).toBeLessThan(0.02);
    expect(rel(s.E_during_opto!, during.E)).toBeLessThan(0.03);
    expect(rel(s.I_during_opto!, during.I)).toBeLessThan(0.03);
  });

  it('outside it (W_EE·g_E = 0.5, kept active by a constant drive onto E) the same drive raises I', async () => {
    // weights on the balance lines for (5, 14) with E_drive chosen so the Up state exists
    // without recurrent amplification: E_drive = E_set/g_E + θ_E + W_EI·I_set − W_EE·E_set
    const WEE = 0.5;
    const WEI = 1.5;
    const WIE = 10;
    const WII = balanceLines(P, 5, 14).WII(WIE);
    const Edrive = 5 / P.gE + P.thetaE + WEI * 14 - WEE * 5;
    const w: W4 = { EE: WEE, EI: WEI, IE: WIE, II: WII };
    expect(isParadoxical(P, w)).toBe(false);
    expect(paradoxicalResponse(P, w, 7).dI).toBeGreaterThan(0);
    const { s } = await run({
      rule: 'none',
      trials: 1,
      W_EE: WEE,
      W_EI: WEI,
      W_IE: WIE,
      W_II: WII,
      E_drive: Edrive,
      I_opto: 7,
    });
    report('non-ISN opto', {
      E_pre: s.E_pre_opto,
      E_during: s.E_during_opto,
      I_pre: s.I_pre_opto,
      I_during: s.I_during_opto,
    });
    expect(s.paradoxical).toBe(false);
    expect(s.paradoxical_effect_observed).toBe(false);
    expect(s.I_during_opto!).toBeGreaterThan(s.I_pre_opto! + 0.1);
    expect(s.E_during_opto!).toBeLessThan(s.E_pre_opto!);
    const during = fixedPoint(P, w, Edrive, 7);
    expect(rel(s.I_pre_opto!, 14)).toBeLessThan(0.01);
    expect(rel(s.I_during_opto!, during.I)).toBeLessThan(0.01);
  });
});

describe('two-population plasticity from the reference weights (Figs 2B–C, 4B–C), paper protocol', () => {
  it('cross-homeostatic reaches E = 5 ± 0.5 and I = 14 ± 1 within 500 trials; homeostatic does not', async () => {
    const cross = (await run(findPreset('cross-homeostatic')!.values)).s;
    const homeo = (await run(findPreset('homeostatic')!.values)).s;
    report('cross 500 trials', { E: cross.E_final, I: cross.I_final, W: cross.W_final });
    report('homeostatic 500 trials', { E: homeo.E_final, I: homeo.I_final, W: homeo.W_final });
    expect(cross.trials).toBe(500);
    expect(Math.abs(cross.E_final - 5)).toBeLessThan(0.5);
    expect(Math.abs(cross.I_final - 14)).toBeLessThan(1);
    // the converged weights lie on the balance lines (eqs 4–5) within the residual error
    const L = balanceLines(P, cross.E_final, cross.I_final);
    expect(Math.abs(cross.W_final.EI - L.WEI(cross.W_final.EE))).toBeLessThan(0.01);
    expect(cross.paradoxical).toBe(true);
    expect(cross.neural_stable).toBe(true);
    expect(Math.abs(homeo.E_final - 5) < 0.5 && Math.abs(homeo.I_final - 14) < 1).toBe(false);
  });
});

describe('simulation vs analysis', () => {
  // noise off, no plasticity, one 2 s trial: the last-500-ms mean is the Up-state fixed point.
  // Only weight sets whose Up state the kick reaches are listed (the reference initial
  // weights have an Up state with I ≈ 0.8 that the kick does not reach: trial 1 is silent).
  const sets: [string, W4, number][] = [
    ['ISN demo (Fig 1B)', { EE: 5, EI: 1.52, IE: 10, II: 2.25 }, 0],
    ['Fig 3B (W_IE 12)', { EE: 5, EI: 1.52, IE: 12, II: 2.25 }, 0],
    [
      'on the balance lines (Fig 2E)',
      { EE: 5, EI: balanceLines(P, 5, 14).WEI(5), IE: 10, II: balanceLines(P, 5, 14).WII(10) },
      0,
    ],
    ['after cross-homeostasis', { EE: 4.5025, EI: 0.98371, IE: 5.6454, II: 0.1 }, 0],
    ['strong weights', { EE: 8, EI: 2.5, IE: 15, II: 3 }, 0],
    [
      'non-ISN with a drive',
      { EE: 0.5, EI: 1.5, IE: 10, II: balanceLines(P, 5, 14).WII(10) },
      28.3,
    ],
  ];
  it.each(sets)('steady state equals the analytic fixed point: %s', async (_name, w, Edrive) => {
    const { r } = await run({
      rule: 'none',
      trials: 1,
      noise_sigma: 0,
      W_EE: w.EE,
      W_EI: w.EI,
      W_IE: w.IE,
      W_II: w.II,
      E_drive: Edrive,
    });
    const fp = fixedPoint(P, w, Edrive);
    expect(fp.upState).toBe(true);
    const E = r.history[0].meanE[0];
    const I = r.history[0].meanI[0];
    expect(rel(E, fp.E)).toBeLessThan(1e-3);
    expect(rel(I, fp.I)).toBeLessThan(1e-3);
    // and the rates at the end of the trial
    expect(rel(r.final.rates[0], fp.E)).toBeLessThan(1e-3);
    expect(rel(r.final.rates[1], fp.I)).toBeLessThan(1e-3);
  });
});

describe('multi-start (Figs 2D, 4D–E)', () => {
  // Shortened protocol (CI): trials of 300 ms with the kick at 50 ms and the activity window
  // over the last 200 ms (paper: 2 s, kick at 250 ms, last 500 ms). The Up state settles
  // within ~20 ms of the kick, so the window sees the same steady state; on the full 81-point
  // grid this variant gave about the same converged counts as the paper protocol (500 trials:
  // 14/81 both; 1000: 47 vs 44; 2000: 76/81 vs 79/81, all 81 within 5% in both), at 1/6.7
  // of the cost. Convergence needs ~2000 trials at the paper's α (5e-4): at 500 trials only
  // 17% meet the authors' 1% criterion. The full grid at 2000 trials takes ~90 s here, so the
  // test runs a balanced third of it: the 27 points with (i_EE + i_EI + i_IE + i_II) mod 3 = 0
  // (an orthogonal array of strength 3: every combination of values of any three weights
  // occurs once). Measured: cross 24/27 converged (1%), 27/27 within 5%; homeostatic 0/27.
  // ~15–20 s per rule on an idle 2-core machine.
  const SHORT = { trial_ms: 300, kick_onset_ms: 50, window_ms: 200 };
  const TRIALS = 2000;
  const starts: W4[] = [];
  START_GRID.W_EE.forEach((EE, a) =>
    START_GRID.W_EI.forEach((EI, b) =>
      START_GRID.W_IE.forEach((IE, c) =>
        START_GRID.W_II.forEach((II, d) => {
          if ((a + b + c + d) % 3 === 0) starts.push({ EE, EI, IE, II });
        }),
      ),
    ),
  );

  async function fraction(
    rule: string,
  ): Promise<{ converged: number; within5: number; n: number }> {
    let converged = 0;
    let within5 = 0;
    for (const w of starts) {
      const { s } = await run(
        { ...SHORT, rule, trials: TRIALS, W_EE: w.EE, W_EI: w.EI, W_IE: w.IE, W_II: w.II },
        1,
        TRIALS,
      );
      if (isConverged(s.E_final, s.I_final, 5, 14)) converged++;
      if (rel(s.E_final, 5) < 0.05 && rel(s.I_final, 14) < 0.05) within5++;
    }
    return {
      converged: converged / starts.length,
      within5: within5 / starts.length,
      n: starts.length,
    };
  }

  let crossFraction = NaN;
  it('cross-homeostatic brings almost every start to the set points (1% criterion)', async () => {
    expect(starts).toHaveLength(27);
    const f = await fraction('cross');
    report(`cross, ${TRIALS} trials, 27 grid starts`, f);
    crossFraction = f.converged;
    expect(f.converged).toBeGreaterThanOrEqual(0.8);
    expect(f.within5).toBeGreaterThanOrEqual(0.95);
  });

  it('homeostatic brings (almost) none there', async () => {
    const f = await fraction('homeostatic');
    report(`homeostatic, ${TRIALS} trials, 27 grid starts`, f);
    expect(f.converged).toBeLessThanOrEqual(0.05);
    expect(f.within5).toBeLessThanOrEqual(0.1);
    if (Number.isFinite(crossFraction)) expect(crossFraction).toBeGreaterThan(f.converged + 0.7);
  });
});

describe('multi-unit model (Figs 5–6)', () => {
  // Shortened variant (CI). The paper's 80 E / 20 I network with the two-term rule at α = 1e-5
  // and 2 s trials costs ≈0.4–1 s per trial on this CPU. Run once here (seed 1, 1000 trials,
  // ~17 min): population means at the set points from trial ~200, every unit within 3% from
  // trial 200 and within 1.6% from trial 250 to 1000 (sd of units 0.01 Hz E, 0.06 Hz I).
  // The test keeps that behaviour at ~1/50 of the cost:
  //  - N_E = 24, N_I = 6 (same 4:1 ratio; 11× fewer synapses). Smaller networks (16/4) kept
  //    the means but let single I units wander by ±10–20% (few presynaptic partners), so 24/6
  //    is the smallest size that converged as smoothly as 80/20 (32/8 did too, at twice the cost);
  //  - initial weights N(0.333, 0.073²): the mean ×80/24 so each unit's summed input keeps the
  //    paper's mean (80·0.1 = 24·0.333), the s.d. ×√(80/24) so its spread is kept too;
  //  - α ×80/24: the rule changes a unit's summed input by Σ_j α·r_j·err·r_j, which scales with
  //    the number of inputs: two-term 3.33e-5 (paper 1e-5), cross 6.67e-5 (paper 2e-5);
  //  - trials of 500 ms, kick at 50 ms, activity window = last 300 ms (paper: 2 s, kick at
  //    250 ms, last 500 ms): the Up state settles within tens of ms of the kick, so the window
  //    sees the same steady state; 300 trials (two-term), 250 (cross, as in Fig 5).
  // With these settings (seeds 1 and 3) two-term put every unit within 2.2% at trial 300.
  // The weight floors follow N automatically (floor / number of presynaptic partners).
  const SMALL = {
    model: 'multi-unit',
    N_E: 24,
    N_I: 6,
    w_init_mean: 0.3333,
    w_init_sd: 0.073,
    trial_ms: 500,
    kick_onset_ms: 50,
    window_ms: 300,
  };
  let twoTerm: Promise<{ s: IsnSummary; r: IsnRunResult }> | null = null;
  const runTwoTerm = () =>
    (twoTerm ??= run({
      ...SMALL,
      rule: 'two-term',
      alpha_E: 3.33e-5,
      alpha_I: 3.33e-5,
      trials: 300,
    }));
  const sd = (a: number[]) => {
    const m = a.reduce((x, y) => x + y, 0) / a.length;
    return Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / a.length);
  };
  const maxDev = (a: number[], set: number) => Math.max(...a.map((x) => rel(x, set)));

  it('two-term puts every unit within 10% of its set point', async () => {
    const { s } = await runTwoTerm();
    const E = s.E_units_final!;
    const I = s.I_units_final!;
    report('two-term multi-unit', {
      E_mean: s.E_final,
      I_mean: s.I_final,
      maxDevE: maxDev(E, 5),
      maxDevI: maxDev(I, 14),
      sdE: sd(E),
      sdI: sd(I),
    });
    expect(E).toHaveLength(24);
    expect(I).toHaveLength(6);
    for (const x of E) expect(Math.abs(x - 5)).toBeLessThan(0.5);
    for (const x of I) expect(Math.abs(x - 14)).toBeLessThan(1.4);
  });

  it('cross-homeostatic brings the population means to the set points while the units spread', async () => {
    const { s } = await run({
      ...SMALL,
      rule: 'cross',
      alpha_E: 6.67e-5,
      alpha_I: 6.67e-5,
      trials: 250,
    });
    const tt = (await runTwoTerm()).s;
    const E = s.E_units_final!;
    const I = s.I_units_final!;
    report('cross multi-unit', {
      E_mean: s.E_final,
      I_mean: s.I_final,
      maxDevE: maxDev(E, 5),
      maxDevI: maxDev(I, 14),
      sdE: sd(E),
      sdI: sd(I),
    });
    // the rule zeroes the mean error of the rectified averages max(1, ·): E's mean is at its set
    // point; I's mean sits a little below because silent I units count as 1 Hz in the rule
    expect(rel(s.E_final, 5)).toBeLessThan(0.05);
    expect(rel(s.I_final, 14)).toBeLessThan(0.1);
    const Irect = I.reduce((a, x) => a + Math.max(1, x), 0) / I.length;
    expect(rel(Irect, 14)).toBeLessThan(0.05);
    // single units do not converge: far from their set points, and far more spread than with two-term
    expect(maxDev(E, 5)).toBeGreaterThan(0.3);
    expect(sd(E)).toBeGreaterThan(5 * sd(tt.E_units_final!));
    expect(sd(I)).toBeGreaterThan(5 * sd(tt.I_units_final!));
  });
});
