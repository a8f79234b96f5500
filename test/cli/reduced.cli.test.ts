/**
 * `eilab run reduced`: the runner returns the public summary keys, writes its files with --out,
 * runs every preset, and refuses bad input with a clear message (exit 2). The runner is called
 * with a hand-built ResolvedRun (the registered lab, values from the lab's own table).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaults, parseText, validateValues, type ParamValues } from '../../src/model/params';
import { REDUCED_PARAMS, crossCheck } from '../../src/labs/reduced/params';
import { REDUCED_PRESETS } from '../../src/labs/reduced/presets';
import { reducedRunner } from '../../src/cli/runReduced';
import { reducedSummary } from '../../src/labs/reduced/summary';
import { CliError, EXIT, memoryIo } from '../../src/cli/io';
import type { LabInfo } from '../../src/labs/registry';
import { findLab } from '../../src/labs/registry';
import { decodeShareState } from '../../src/state/url';

const LAB = findLab('reduced') as LabInfo;

const KEYS = ['C_EI_int', 'C_EE_ext', 'C_II_ext', 'C_EI_ext'];

function run(values: ParamValues, opts: { preset?: string; seed?: number; outDir?: string } = {}) {
  const io = memoryIo();
  const p = reducedRunner.execute(
    {
      lab: LAB,
      values: { ...defaults(REDUCED_PARAMS), ...values },
      seed: opts.seed ?? 1,
      backend: 'cpu',
      preset: opts.preset ?? null,
      backendExplicit: false,
      warnings: [],
    },
    io,
    opts.outDir,
  );
  return { io, p };
}

async function rejects(values: ParamValues): Promise<CliError> {
  const { p } = run(values);
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(CliError);
  return e as CliError;
}

describe('eilab run reduced', () => {
  it('returns the four correlations, the exact values and C10 as printed (defaults)', async () => {
    const { io, p } = run({});
    const { summary, files } = await p;
    const s = summary as Record<string, unknown>;
    expect(files).toEqual([]);
    for (const k of KEYS) {
      expect(typeof s[k]).toBe('number');
      expect(Number.isFinite(s[k] as number)).toBe(true);
      expect((s.exact as Record<string, number>)[k]).toBe(s[k]);
      expect(typeof (s.c10_as_printed as Record<string, number>)[k]).toBe('number');
    }
    expect(s.stable).toBe(true);
    expect(s.error).toBeNull();
    expect(String(s.link)).toMatch(/^#v=1&/);
    // no NaN anywhere in the JSON
    expect(JSON.stringify(summary)).not.toMatch(/NaN|Infinity/);
    const text = reducedRunner.text(summary);
    for (const k of KEYS) expect(text).toContain(k);
    expect(text).toContain('C10 as printed');
    expect(io.stderr).toContain('eilab: reduced');
  });

  it('simulate mode: simulated values with standard errors, files with --out', async () => {
    const out = mkdtempSync(join(tmpdir(), 'eilab-reduced-'));
    try {
      const { p } = run(
        { mode: 'simulate', T: 1000, sweep: 'r', sweep_points: 3, cluster: true, W: 1 },
        { outDir: out, seed: 3 },
      );
      const { summary, files } = await p;
      const s = summary as Record<string, Record<string, number> | number | null>;
      for (const k of KEYS) {
        expect(s[k]).toBe((s.simulated as Record<string, number>)[k]);
        expect((s.simulated_se as Record<string, number>)[k]).toBeGreaterThan(0);
      }
      expect(files.map((f) => f.split(/[\\/]/).at(-1))).toEqual([
        'summary.json',
        'correlations.csv',
        'sweep.csv',
        'clustering.csv',
      ]);
      const json = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(json.C_EE_ext).toBe(s.C_EE_ext);
      const corr = readFileSync(join(out, 'correlations.csv'), 'utf8').trim().split('\n');
      expect(corr[0]).toBe(
        'quantity,exact,simulated,simulated_se,euler_exact,c10_as_printed,c10_eilab_reading',
      );
      expect(corr.slice(1).map((l) => l.split(',')[0])).toEqual(KEYS);
      const sweep = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n');
      expect(sweep).toHaveLength(4);
      expect(sweep[0].split(',').slice(0, 3)).toEqual(['r', 'stable', 'exact_C_EI_int']);
      // r = 0 is all-shared noise: every between-group correlation is 0 exactly
      const row0 = sweep[1].split(',');
      expect(Number(row0[0])).toBe(0);
      expect(Math.abs(Number(row0[3]))).toBeLessThan(1e-12);
      expect(readFileSync(join(out, 'clustering.csv'), 'utf8')).toMatch(
        /^quantity,optimum,uniform/,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it.each(REDUCED_PRESETS.map((p) => [p.id, p] as const))('preset %s runs', async (_, pr) => {
    for (const k of Object.keys(pr.values))
      expect(
        REDUCED_PARAMS.some((p) => p.name === k),
        `preset sets unknown ${k}`,
      ).toBe(true);
    const values = { ...pr.values, ...(pr.values.mode === 'simulate' ? { T: 500 } : {}) };
    expect(crossCheck({ ...defaults(REDUCED_PARAMS), ...values })).toEqual([]);
    const { summary } = await run(values, { preset: pr.id }).p;
    const s = summary as Record<string, unknown>;
    for (const k of KEYS) expect(Number.isFinite(s[k] as number)).toBe(true);
    expect(s.preset).toBe(pr.id);
    if (pr.values.cluster === true) expect(s.clustering).toHaveProperty('loss');
    if (pr.values.sweep !== undefined) expect(s.sweep).not.toBeNull();
  });

  it('every parameter names its source and has a default in range', () => {
    const names = REDUCED_PARAMS.map((p) => p.name);
    for (const n of [
      'M',
      'a',
      'b',
      'c',
      'd',
      'W_EE',
      'W_EI',
      'W_IE',
      'W_II',
      'sigma_int',
      'sigma_ext',
      'mode',
    ])
      expect(names).toContain(n);
    const { errors } = validateValues(REDUCED_PARAMS, defaults(REDUCED_PARAMS));
    expect(errors).toEqual([]);
    for (const p of REDUCED_PARAMS) expect(p.source.length).toBeGreaterThan(5);
  });

  it('refuses a network without a stationary state, naming the fields', async () => {
    const e = await rejects({ a: 1 });
    expect(e.code).toBe(EXIT.usage);
    expect(e.message).toMatch(/no stationary state/);
    expect(e.message).toMatch(/\ba\b.*W_II/);
    expect(crossCheck({ ...defaults(REDUCED_PARAMS), a: 1 })[0].message).toMatch(/real part/);
  });

  it('refuses zero noise, an unstable Euler step and an impossible sweep', async () => {
    expect((await rejects({ sigma_int: 0, sigma_ext: 0 })).message).toMatch(
      /sigma_int, sigma_ext: there is no noise/,
    );
    // eigenvalues −5 and −1: |1 − 5·0.5| > 1
    const fast = { a: -5, b: 0, c: 0, d: -1, W_EE: 0, W_EI: 0, W_IE: 0, W_II: 0 };
    const dt = await rejects({ mode: 'simulate', dt: 0.5, ...fast });
    expect(dt.message).toMatch(/Euler–Maruyama is unstable at dt = 0.5/);
    expect(crossCheck({ ...defaults(REDUCED_PARAMS), mode: 'simulate', dt: 0.3, ...fast })).toEqual(
      [],
    );
    expect((await rejects({ sweep: 'W' })).message).toMatch(/structure/);
    expect((await rejects({ sweep: 'r', sweep_to: 2 })).message).toMatch(/0 … 1/);
  });

  it('the summary of a network without a stationary state has nulls and a reason, never NaN', () => {
    const s = reducedSummary({ ...defaults(REDUCED_PARAMS), a: 1, cluster: true }, 1);
    expect(s.stable).toBe(false);
    expect(s.error).toMatch(/no stationary state/);
    for (const k of KEYS) expect(s[k as keyof typeof s]).toBeNull();
    expect(s.exact).toBeNull();
    expect(JSON.stringify(s)).not.toMatch(/NaN|Infinity/);
  });

  it('M above the dense Lyapunov limit uses C9 alone', async () => {
    const { summary } = await run({ M: 32 }).p;
    const s = summary as Record<string, unknown>;
    expect(s.exact_method).toBe('C9');
    expect(s.lyapunov_residual).toBeNull();
    for (const k of KEYS) expect(Number.isFinite(s[k] as number)).toBe(true);
  });

  it('bad values are refused by the parameter table', () => {
    const m = REDUCED_PARAMS.find((p) => p.name === 'M')!;
    expect(parseText(m, '1')).toEqual({ error: 'M must be ≥ 2 groups' });
    expect(parseText(m, '2.5')).toHaveProperty('error');
    const mode = REDUCED_PARAMS.find((p) => p.name === 'mode')!;
    expect(parseText(mode, 'fast')).toEqual({ error: 'mode must be one of exact, simulate' });
  });

  it('the share link reproduces the values', async () => {
    const values = { W_EE: 0.5, sigma_ext: 0.2, mode: 'exact' };
    const { summary } = await run(values, { seed: 9 }).p;
    const { state, errors } = decodeShareState(String((summary as { link: string }).link));
    expect(errors).toEqual([]);
    expect(state.lab).toBe('reduced');
    expect(state.seed).toBe(9);
    expect(state.values.W_EE).toBe(0.5);
    expect(state.values.sigma_ext).toBe(0.2);
  });
});
