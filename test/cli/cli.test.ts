/**
 * The eilab CLI: in-process through runCli (memoryIo), and once as the real command
 * (node bin/eilab.mjs) to check the tsx wiring, stdout/stderr separation and exit codes.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/cli';
import { CliError, EXIT, memoryIo } from '../../src/cli/io';
import { CpuBackend } from '../../src/engine/cpu/cpuBackend';
import { defaults } from '../../src/model/params';
import { ISN_PARAMS } from '../../src/labs/isn/params';
import { ISN_PRESETS } from '../../src/labs/isn/presets';
import { encodeShareState, defaultShareState } from '../../src/state/url';

const ROOT = resolve(__dirname, '../..');

async function cli(...argv: string[]) {
  const io = memoryIo();
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);

describe('eilab list', () => {
  it('lists labs, presets and parameters with units, ranges, defaults and sources', async () => {
    const r = await cli('list');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Lab isn');
    for (const p of ISN_PRESETS) {
      expect(r.stdout).toContain(p.id);
      expect(r.stdout).toContain(p.explain);
    }
    for (const p of ISN_PARAMS) expect(r.stdout).toContain(p.name);
    expect(r.stdout).toMatch(/E_set\s+0 … 100 Hz\s+default 5/);
    expect(r.stdout).toContain('Soldado-Magraner et al. 2022, Methods');
  });

  it('--json prints the same as one JSON document', async () => {
    const r = await cli('list', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      labs: {
        id: string;
        presets: { id: string; explain: string }[];
        params: {
          name: string;
          default: unknown;
          unit?: string;
          min?: number;
          max?: number;
          source: string;
        }[];
      }[];
    };
    expect(j.labs.map((l) => l.id)).toEqual([
      'isn',
      'assemblies',
      'cotuning',
      'reduced',
      'coba',
      'stp',
    ]);
    const isn = j.labs[0];
    expect(isn.presets.map((p) => p.id)).toEqual(ISN_PRESETS.map((p) => p.id));
    expect(isn.params).toHaveLength(ISN_PARAMS.length);
    const eset = isn.params.find((p) => p.name === 'E_set')!;
    expect(eset).toMatchObject({ default: 5, unit: 'Hz', min: 0, max: 100 });
    expect(isn.params.find((p) => p.name === 'alpha_E')).toMatchObject({
      default: null,
      nullable: true,
    });
  });
});

describe('eilab run', () => {
  it('cross-homeostatic preset: --json puts the summary on the last stdout line; E → 5 ± 0.5, I → 14 ± 1', async () => {
    const r = await cli(
      'run',
      'isn',
      '--preset',
      'cross-homeostatic',
      '--set',
      'trials=500',
      '--json',
    );
    expect(r.code).toBe(0);
    const s = lastJson(r.stdout);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(s.lab).toBe('isn');
    expect(s.rule).toBe('cross');
    expect(s.trials).toBe(500);
    expect(s.seed).toBe(1);
    expect(s.backend).toBe('cpu');
    expect(s.preset).toBe('cross-homeostatic');
    expect(Math.abs((s.E_final as number) - 5)).toBeLessThan(0.5);
    expect(Math.abs((s.I_final as number) - 14)).toBeLessThan(1);
    const W = s.W_final as Record<string, number>;
    for (const k of ['EE', 'EI', 'IE', 'II']) expect(Number.isFinite(W[k])).toBe(true);
    expect(s.paradoxical).toBe(true);
    expect((s.fixed_point as { upState: boolean }).upState).toBe(true);
    // progress and the banner go to stderr, never to stdout
    expect(r.stderr).toContain('eilab: isn');
  });

  it('--out writes summary.json, history.csv and monitor.csv (units.csv for multi-unit)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eilab-'));
    try {
      const r = await cli('run', 'isn', '--preset', 'paradoxical', '--out', join(dir, 'a'));
      expect(r.code).toBe(0);
      const s = JSON.parse(readFileSync(join(dir, 'a', 'summary.json'), 'utf8'));
      expect(s.paradoxical_effect_observed).toBe(true);
      expect(s.I_during_opto).toBeLessThan(s.I_pre_opto);
      const hist = readFileSync(join(dir, 'a', 'history.csv'), 'utf8')
        .trimEnd()
        .split('\n');
      expect(hist[0]).toBe('trial,network,avgE,avgI,meanE,meanI,W_EE,W_EI,W_IE,W_II');
      expect(hist).toHaveLength(2);
      const mon = readFileSync(join(dir, 'a', 'monitor.csv'), 'utf8')
        .trimEnd()
        .split('\n');
      expect(mon[0]).toBe('time_ms,E,I,exc_onto_E,inh_onto_E,exc_onto_I,inh_onto_I');
      expect(mon.length).toBe(2001); // 2 s at one sample per ms
      // the trace holds the opto dip: I at 1400 ms is below I at 900 ms
      const at = (t: number) =>
        mon
          .slice(1)
          .map((l) => l.split(',').map(Number))
          .find((row) => row[0] === t)!;
      expect(at(1400)[2]).toBeLessThan(at(900)[2]);
      expect(existsSync(join(dir, 'a', 'units.csv'))).toBe(false);
      expect(r.stderr).toContain('summary.json');

      const m = await cli(
        'run',
        'isn',
        '--set',
        'model=multi-unit',
        '--set',
        'N_E=8',
        '--set',
        'N_I=2',
        '--set',
        'trials=2',
        '--set',
        'trial_ms=300',
        '--set',
        'window_ms=100',
        '--out',
        join(dir, 'b'),
        '--json',
      );
      expect(m.code).toBe(0);
      const units = readFileSync(join(dir, 'b', 'units.csv'), 'utf8')
        .trimEnd()
        .split('\n');
      expect(units[0]).toBe('unit,type,index,avg,trial_mean,W_exc_in,W_inh_in');
      expect(units).toHaveLength(11);
      const ms = lastJson(m.stdout);
      expect(ms.E_units_final).toHaveLength(8);
      expect(ms.I_units_final).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad --set names the parameter, exits 2 and prints no stack trace', async () => {
    for (const [arg, name] of [
      ['W_EE=abc', 'W_EE'],
      ['W_EE=101', 'W_EE'],
      ['trials=1.5', 'trials'],
      ['rule=hebbian', 'rule'],
      ['plastic_EE=maybe', 'plastic_EE'],
      ['W_XX=1', 'W_XX'],
      ['noequals', 'NAME=VALUE'],
    ]) {
      const r = await cli('run', 'isn', '--set', arg);
      expect(r.code, arg).toBe(2);
      expect(r.stderr).toContain(name);
      expect(r.stdout).toBe('');
      noStack(r.stderr);
    }
    const x = await cli('run', 'isn', '--set', 'window_ms=5000');
    expect(x.code).toBe(2);
    expect(x.stderr).toMatch(/window_ms.*trial_ms|trial_ms.*window_ms/);
  });

  it('bad input elsewhere: unknown lab (2), unknown preset, bad seed, bad backend, malformed link, unknown option or command', async () => {
    const cases: [string[], RegExp][] = [
      [['run', 'nolab'], /unknown lab "nolab"/],
      [['run', 'isn', '--preset', 'nope'], /unknown preset "nope"/],
      [['run', 'isn', '--seed', 'x1'], /--seed/],
      [['run', 'isn', '--seed=-3'], /--seed/],
      [['run', 'isn', '--seed', '4294967296'], /--seed/],
      [['run', 'isn', '--backend', 'tpu'], /--backend/],
      [['run', 'isn', '--url', 'not a link'], /--url/],
      [['run', 'isn', '--url', 'https://example.org/eilab/'], /--url/],
      [['run', 'isn', '--url', '#v=1&lab=other&W_EE=3'], /lab "other"/],
      [['run', 'isn', '--frobnicate'], /frobnicate/],
      [['run'], /which lab/],
      [['frob'], /unknown command/],
    ];
    for (const [argv, msg] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
      noStack(r.stderr);
    }
  });

  it('--url applies a share link (full address or hash) and round-trips its parameters; --preset and --set override it', async () => {
    const values = {
      ...defaults(ISN_PARAMS),
      rule: 'none',
      trials: 3,
      W_EE: 5,
      W_EI: 1.52,
      W_IE: 10,
      W_II: 2.25,
      E_set: 6,
      noise_sigma: 0,
    };
    const hash = encodeShareState({ ...defaultShareState('isn'), seed: 42, values });
    for (const link of [`http://127.0.0.1:5173/#${hash}`, `#${hash}`, hash]) {
      const r = await cli('run', 'isn', '--url', link, '--json');
      expect(r.code).toBe(0);
      const s = lastJson(r.stdout);
      expect(s.seed).toBe(42);
      expect(s.params).toEqual(values);
      expect(s.trials).toBe(3);
      // the summary's own link reproduces the same parameters
      expect(String(s.link)).toContain('W_EE=5');
      expect(String(s.link)).toContain('seed=42');
    }
    const o = await cli(
      'run',
      'isn',
      '--url',
      `#${hash}`,
      '--preset',
      'paradoxical',
      '--set',
      'W_II=2',
      '--seed',
      '7',
      '--json',
    );
    expect(o.code).toBe(0);
    const s = lastJson(o.stdout);
    const p = s.params as Record<string, unknown>;
    expect(p.trials).toBe(1); // from the preset
    expect(p.I_opto).toBe(7); // from the preset
    expect(p.E_set).toBe(6); // from the link
    expect(p.W_II).toBe(2); // from --set
    expect(s.seed).toBe(7);
  });

  it('problems inside a link are warnings on stderr; the run goes on', async () => {
    const r = await cli('run', 'isn', '--url', '#v=1&lab=isn&trials=2&W_EE=abc&bogus=1', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: --url: W_EE/);
    expect(r.stderr).toMatch(/warning: --url: bogus/);
    const s = lastJson(r.stdout);
    expect((s.params as Record<string, unknown>).W_EE).toBe(2.1);
    expect(s.trials).toBe(2);
  });

  it('a blow-up exits 3 with a message', async () => {
    // valid parameters cannot overflow (rates are clipped, α ≤ 1), so a backend that
    // returns a non-finite rate stands in for a numerical failure
    const io = memoryIo();
    io.createBackend = async () => {
      const cpu = new CpuBackend();
      return {
        label: 'cpu',
        backend: {
          kind: 'cpu',
          label: 'CPU (NaN after trial 2)',
          dispose: () => cpu.dispose(),
          createRateSimulation(c, p) {
            const sim = cpu.createRateSimulation(c, p);
            let trials = 0;
            const read = sim.read.bind(sim);
            const endTrial = sim.endTrial.bind(sim);
            return Object.assign(sim, {
              endTrial: () => {
                trials++;
                endTrial();
              },
              read: async () => {
                const r = await read();
                if (trials >= 2) r.rates[1] = NaN;
                return r;
              },
            });
          },
        },
      };
    };
    const code = await runCli(['run', 'isn', '--set', 'trials=5', '--json'], io);
    expect(code).toBe(3);
    expect(io.stderr).toMatch(/blew up: non-finite rate \(NaN\) in trial 1, network 0, I unit 0/);
    expect(io.stdout).toBe('');
    noStack(io.stderr);
  });

  it('an unavailable WebGPU backend exits 4 with a message', async () => {
    const io = memoryIo();
    io.createBackend = async (kind) => {
      expect(kind).toBe('webgpu');
      throw new CliError(
        'WebGPU backend unavailable: no adapter (use --backend cpu)',
        EXIT.backend,
      );
    };
    expect(await runCli(['run', 'isn', '--backend', 'webgpu'], io)).toBe(4);
    expect(io.stderr).toContain('WebGPU backend unavailable');
  });

  it('help texts', async () => {
    const h = await cli('--help');
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('eilab run <lab>');
    const rh = await cli('run', '--help');
    expect(rh.code).toBe(0);
    expect(rh.stdout).toContain('--preset');
    expect(rh.stdout).toContain('--url');
    const none = await cli();
    expect(none.code).toBe(2);
  });
});

describe('the real command', () => {
  it('node bin/eilab.mjs list / run --json: clean stdout, exit codes', () => {
    const list = spawnSync(process.execPath, ['bin/eilab.mjs', 'list', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout).labs[0].id).toBe('isn');

    const run = spawnSync(
      process.execPath,
      ['bin/eilab.mjs', 'run', 'isn', '--preset', 'paradoxical', '--json'],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    const s = JSON.parse(lines[lines.length - 1]);
    expect(s.paradoxical_effect_observed).toBe(true);

    const bad = spawnSync(process.execPath, ['bin/eilab.mjs', 'run', 'nolab'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('unknown lab');
    noStack(bad.stderr);
  });
});
