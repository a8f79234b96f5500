/**
 * `eilab run assemblies`: the public names of issue #3 (lab, presets, parameters, summary
 * keys), files written with --out, bad input refused with exit 2.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/cli';
import { EXIT, memoryIo } from '../../src/cli/io';

async function cli(...argv: string[]) {
  const io = memoryIo();
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const KEYS = [
  'corr_output_rs',
  'corr_input_rs',
  'corr_input_output',
  'frac_sig_output_rs',
  'frac_sig_input_rs',
  'frac_sig_input_output',
  'pv_skew_median_before',
  'pv_skew_median_after',
  'perturb_slope_before',
  'perturb_slope_after',
  'loss_final',
  'converged_fraction',
];

describe('eilab run assemblies', () => {
  it('lists the lab, its presets and its parameters', async () => {
    const r = await cli('list');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Lab assemblies');
    for (const p of [
      'paper',
      'classroom',
      'ko-output',
      'ko-input',
      'neither',
      'gradient',
      'heavy-tail',
    ])
      expect(r.stdout).toContain(p);
    for (const p of ['size', 'schedule', 'epochs', 'plastic', 'rule', 'eta', 'rho0'])
      expect(r.stdout).toMatch(new RegExp(`\\b${p}\\b`));
  });

  it('runs the classroom preset and prints every summary key, with files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'eilab-asm-'));
    try {
      const r = await cli(
        'run',
        'assemblies',
        '--preset',
        'classroom',
        '--set',
        'epochs=3',
        '--set',
        'perturb_cells=4',
        '--set',
        'samples=300',
        '--seed',
        '5',
        '--json',
        '--out',
        out,
      );
      expect(r.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
      expect(r.code).toBe(EXIT.ok);
      const s = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      for (const k of KEYS) {
        expect(s).toHaveProperty(k);
        expect(typeof s[k]).toBe('number');
        expect(Number.isFinite(s[k] as number)).toBe(true);
      }
      expect(s.epochs_run).toBe(3);
      expect(s.n_E).toBe(64);
      expect(s.n_I).toBe(8);
      expect(s.n_stimuli).toBe(216);
      expect(String(s.link)).toMatch(/^#v=\d+&.*lab=assemblies/);
      const hist = readFileSync(join(out, 'history.csv'), 'utf8').trim().split('\n');
      expect(hist).toHaveLength(4);
      expect(readFileSync(join(out, 'synapses.csv'), 'utf8')).toMatch(
        /^pathway,pyr,pv,weight,rs\noutput,/,
      );
      expect(readFileSync(join(out, 'perturbation.csv'), 'utf8')).toContain('after,');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('the same seed reproduces the run exactly; the text summary is readable', async () => {
    const args = [
      'run',
      'assemblies',
      '--preset',
      'classroom',
      '--set',
      'epochs=1',
      '--set',
      'perturb_cells=0',
      '--set',
      'samples=100',
    ];
    const a = await cli(...args, '--json');
    const b = await cli(...args, '--json');
    const strip = (t: string) => {
      const j = JSON.parse(t.trim().split('\n').at(-1)!) as Record<string, unknown>;
      delete j.wall_s;
      return j;
    };
    expect(strip(b.stdout)).toEqual(strip(a.stdout));
    const t = await cli(...args);
    expect(t.stdout).toMatch(/Pearson r: output–RS/);
    expect(t.stdout).toMatch(/PV selectivity/);
  }, 120_000);

  it('refuses bad input with exit 2 and a clear message', async () => {
    const r1 = await cli('run', 'assemblies', '--set', 'size=huge');
    expect(r1.code).toBe(EXIT.usage);
    expect(r1.stderr).toMatch(/size must be one of paper, medium, classroom/);
    const r2 = await cli('run', 'assemblies', '--set', 'schedule=slow');
    expect(r2.code).toBe(EXIT.usage);
    const r3 = await cli('run', 'assemblies', '--set', 'e_axis=12', '--set', 'n_pv=7000');
    expect(r3.code).toBe(EXIT.usage);
    expect(r3.stderr).toMatch(/n_pv/);
    const r4 = await cli('run', 'assemblies', '--preset', 'ko-outptu');
    expect(r4.code).toBe(EXIT.usage);
    expect(r4.stderr).toMatch(/did you mean "ko-output"/);
  });
});
