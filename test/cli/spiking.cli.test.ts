/**
 * `eilab run cotuning | coba | stp`: the public names of issue #4 (labs, presets, parameters,
 * summary keys), --out files, bad input refused with exit 2. Small sizes: the science is
 * asserted in test/labs.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/cli';
import { EXIT, memoryIo } from '../../src/cli/io';
import { defaults, type ParamValues } from '../../src/model/params';
import { STP_PARAMS } from '../../src/labs/stp/params';
import { createAppStore } from '../../src/state/store';
import { loadHash } from '../../src/state/link';

async function cli(...argv: string[]) {
  const io = memoryIo();
  const code = await runCli(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('eilab run cotuning', () => {
  it('lists the presets and parameters of the issue', async () => {
    const r = await cli('list', '--json');
    const lab = (
      JSON.parse(r.stdout) as {
        labs: { id: string; presets: { id: string }[]; params: { name: string }[] }[];
      }
    ).labs.find((l) => l.id === 'cotuning');
    expect(lab).toBeDefined();
    for (const p of [
      'feedforward',
      'noisy',
      'recurrent-uniform',
      'assemblies',
      'sparse-assemblies',
    ])
      expect(lab?.presets.map((x) => x.id)).toContain(p);
    for (const n of [
      'noise',
      'W',
      'p',
      'R_EE',
      'R_EI',
      'R_IE',
      'R_II',
      'recurrent',
      'learn_time',
      'duration',
    ])
      expect(lab?.params.map((x) => x.name)).toContain(n);
  });

  it('runs a small recurrent network and prints every summary key; --out writes the files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eilab-cot-'));
    try {
      const r = await cli(
        'run',
        'cotuning',
        '--backend',
        'cpu',
        '--json',
        '--out',
        dir,
        '--set',
        'N=200',
        '--set',
        'recurrent=true',
        '--set',
        'W=1',
        '--set',
        'p=0.2',
        '--set',
        'R_EE=4',
        '--set',
        'learn_time=1.5',
        '--set',
        'duration=1',
        '--set',
        'tuning_reps=1',
      );
      expect(r.code).toBe(0);
      const s = JSON.parse(r.stdout) as Record<string, unknown>;
      for (const k of ['D', 'B', 'rate_E', 'rate_I', 'C_in_EI', 'C_out_EE', 'C_out_EI', 'C_out_II'])
        expect(typeof s[k]).toBe('number');
      expect(s.rate_E as number).toBeGreaterThan(0);
      expect(s.simulated_s).toBeCloseTo(1.5, 6);
      expect((s.tuning_mean as number[]).length).toBe(8);
      const hist = readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n');
      expect(hist[0]).toBe('t_s,D,D_code,B,readout_rate_hz');
      expect(hist.length).toBeGreaterThan(10);
      expect(readFileSync(join(dir, 'weights.csv'), 'utf8').split('\n').length).toBe(1 + 200 + 1);
      expect(readFileSync(join(dir, 'raster.csv'), 'utf8')).toMatch(/^t_ms,neuron,type,group\n\d/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same numbers on WebGPU as on the CPU (bit-identical engines)', async () => {
    const args = [
      '--json',
      '--set',
      'N=200',
      '--set',
      'recurrent=true',
      '--set',
      'p=0.3',
      '--set',
      'learn_time=0.3',
      '--set',
      'duration=0.3',
      '--set',
      'tuning_reps=0',
    ];
    const cpu = await cli('run', 'cotuning', '--backend', 'cpu', ...args);
    const gpu = await cli('run', 'cotuning', '--backend', 'webgpu', ...args);
    expect(gpu.code).toBe(0);
    const a = JSON.parse(cpu.stdout) as Record<string, unknown>;
    const b = JSON.parse(gpu.stdout) as Record<string, unknown>;
    expect(String(b.backend)).toMatch(/^webgpu/);
    for (const k of ['D', 'B', 'rate_E', 'rate_I', 'C_in_EI', 'C_out_EE', 'w_group_E', 'w_group_I'])
      expect(b[k]).toEqual(a[k]);
  });

  it('runs sequential ABC over the assembly ratios (preset abc, small) and writes abc.csv', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eilab-abc-'));
    try {
      const r = await cli(
        'run',
        'cotuning',
        '--preset',
        'abc',
        '--json',
        '--out',
        dir,
        '--set',
        'N=160',
        '--set',
        'duration=0.3',
        '--set',
        'abc_steps=2',
        '--set',
        'abc_particles=4',
        '--set',
        'abc_batch=4',
      );
      expect(r.code).toBe(0);
      const s = JSON.parse(r.stdout) as {
        abc: { epsilon: number; accepted: number; posterior_mean: Record<string, number> }[];
      };
      expect(s.abc.length).toBe(2);
      expect(s.abc[1].epsilon).toBeLessThanOrEqual(s.abc[0].epsilon);
      for (const k of ['R_EE', 'R_EI', 'R_IE', 'R_II']) {
        expect(s.abc[1].posterior_mean[k]).toBeGreaterThanOrEqual(1);
        expect(s.abc[1].posterior_mean[k]).toBeLessThanOrEqual(11);
      }
      const csv = readFileSync(join(dir, 'abc.csv'), 'utf8').trim().split('\n');
      expect(csv[0]).toBe('step,epsilon,particle,R_EE,R_EI,R_IE,R_II,weight,loss');
      expect(csv.length).toBe(1 + 2 * 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sweeps the noise fraction and writes sweep.csv (Fig 2a)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eilab-sweep-'));
    try {
      const r = await cli(
        'run',
        'cotuning',
        '--json',
        '--out',
        dir,
        '--set',
        'N=160',
        '--set',
        'learn_time=0.5',
        '--set',
        'duration=0.5',
        '--set',
        'tuning_reps=0',
        '--set',
        'sweep=noise',
        '--set',
        'sweep_from=0.05',
        '--set',
        'sweep_to=0.9',
        '--set',
        'sweep_points=2',
      );
      expect(r.code).toBe(0);
      const s = JSON.parse(r.stdout) as {
        sweep: { value: number; C_in_EI: number }[];
        params: Record<string, unknown>;
      };
      expect(s.sweep.map((p) => p.value)).toEqual([0.05, 0.9]);
      // more private noise, less in-group correlation
      expect(s.sweep[1].C_in_EI).toBeLessThan(s.sweep[0].C_in_EI);
      const csv = readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n');
      expect(csv[0]).toBe('noise,D,D_code,B,rate_E,rate_I,C_in_EI,C_out_EE,C_out_EI,C_out_II');
      expect(csv.length).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const bad = await cli('run', 'cotuning', '--set', 'sweep=noise', '--set', 'sweep_to=2');
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toMatch(/noise sweep runs between 0 and 1/);
  });

  it('refuses N that does not split into the groups, with exit 2', async () => {
    const r = await cli('run', 'cotuning', '--set', 'N=1001');
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/do not split into 8 equal groups/);
  });
});

describe('eilab run coba', () => {
  it('--url with a preset runs the preset’s network (small: 1000 neurons)', async () => {
    const r = await cli(
      'run',
      'coba',
      '--json',
      '--url',
      '#v=1&lab=coba&preset=small&duration=0.05',
    );
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(s.N).toBe(1000);
    expect(s.p).toBeCloseTo(0.08, 12);
    expect(s.duration_s).toBe(0.05);
    expect(s.preset).toBe('small');
  });

  it('reports rates and the simulation and set-up wall times separately', async () => {
    const r = await cli(
      'run',
      'coba',
      '--backend',
      'cpu',
      '--json',
      '--set',
      'N=400',
      '--set',
      'duration=0.2',
    );
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, number>;
    for (const k of ['rate_E', 'rate_I', 'sim_wall_s', 'setup_wall_s'])
      expect(Number.isFinite(s[k])).toBe(true);
    expect(s.p).toBeCloseTo(0.2, 10); // auto: 80/N
    expect(s.synapses).toBeGreaterThan(0.8 * 400 * 80);
    expect(s.synapses).toBeLessThan(1.2 * 400 * 80);
  });
});

describe('eilab run stp', () => {
  it('gives the paired-pulse ratio of the closed form', async () => {
    const r = await cli(
      'run',
      'stp',
      '--json',
      '--set',
      'U=0.3',
      '--set',
      'isi=20',
      '--set',
      'F=0.5',
      '--set',
      'tau_u=50',
      '--set',
      'tau_R=200',
    );
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {
      ppr: number;
      ppr_closed_form: number;
      ppr_vs_U: { U: number; ppr: number }[];
    };
    // u1 = U + (1−U)F, R1 = 1 − u1; after 20 ms: u → U + (u1−U)e^{−20/50}, R → 1 + (R1−1)e^{−20/200}
    const u1 = 0.3 + 0.7 * 0.5;
    const R1 = 1 - u1;
    let u2 = 0.3 + (u1 - 0.3) * Math.exp(-0.4);
    const R2 = 1 + (R1 - 1) * Math.exp(-0.1);
    u2 += (1 - u2) * 0.5;
    expect(s.ppr).toBeCloseTo((u2 * R2) / u1, 5);
    expect(s.ppr_closed_form).toBeCloseTo(s.ppr, 5);
    // PPR falls with U
    for (let i = 1; i < s.ppr_vs_U.length; i++)
      expect(s.ppr_vs_U[i].ppr).toBeLessThan(s.ppr_vs_U[i - 1].ppr);
  });
  it('--url with only a preset runs the preset, as the app loads the link; the link’s values override it', async () => {
    const byUrl = await cli(
      'run',
      'stp',
      '--json',
      '--url',
      'http://127.0.0.1:5173/#v=1&lab=stp&preset=facilitating',
    );
    const byPreset = await cli('run', 'stp', '--json', '--preset', 'facilitating');
    expect(byUrl.code).toBe(0);
    expect(byUrl.stderr).not.toMatch(/warning/);
    const a = JSON.parse(byUrl.stdout) as { preset: string; params: ParamValues; ppr: number };
    const b = JSON.parse(byPreset.stdout) as typeof a;
    expect(a.preset).toBe('facilitating');
    expect(a.params).toEqual(b.params);
    expect(a.params.U).toBe(0);
    expect(a.ppr).toBe(b.ppr);
    expect(a.ppr).toBeGreaterThan(1); // facilitation
    // the values the app loads from the same link
    const store = createAppStore();
    expect(loadHash(store, '#v=1&lab=stp&preset=facilitating')).toEqual([]);
    expect(a.params).toEqual(store.getState().values);

    const o = await cli('run', 'stp', '--json', '--url', '#v=1&lab=stp&preset=train&isi=20');
    expect(o.code).toBe(0);
    const t = JSON.parse(o.stdout) as typeof a;
    expect(t.params).toMatchObject({ U: 0.3, isi: 20, n_spikes: 10 });

    const bad = await cli('run', 'stp', '--json', '--url', '#v=1&lab=stp&preset=facilitation');
    expect(bad.code).toBe(0);
    expect(bad.stderr).toMatch(
      /warning: --url: preset: unknown preset "facilitation" of lab stp \(its presets: depressing, facilitating, train\)/,
    );
    expect((JSON.parse(bad.stdout) as typeof a).params).toEqual(defaults(STP_PARAMS));
  });
  it('refuses U out of range', async () => {
    const r = await cli('run', 'stp', '--set', 'U=1.5');
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/U must be ≤ 1/);
  });
});
