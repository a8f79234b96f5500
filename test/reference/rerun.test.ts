// The Brian2 reference data is re-runnable: the cheapest reference scripts (stp_ppr.py, about
// 3 s; lif_trace.py, about 5 s) are run again with Debian's Brian2 (/usr/bin/python3, installed
// by scripts/setup-test.sh) into a temporary directory, and their output must equal the
// committed JSON (numbers within 1e-12 relative). The loader's shapes are checked on every file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT,
  loadCobaBench,
  loadLifTrace,
  loadNetworkStats,
  loadPlasticity,
  loadReference,
  loadStpPpr,
  type ReferenceName,
} from './load';

const PYTHON = '/usr/bin/python3';
const REL = 1e-12;

/** Paths where a and b differ (numbers: relative difference above REL). */
function differences(a: unknown, b: unknown, path = '$', out: string[] = []): string[] {
  if (out.length >= 10) return out;
  if (typeof a === 'number' && typeof b === 'number') {
    const scale = Math.max(Math.abs(a), Math.abs(b));
    if (Math.abs(a - b) > REL * scale) out.push(`${path}: ${a} vs ${b}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: length ${a.length} vs ${b.length}`);
    else a.forEach((x, i) => differences(x, b[i], `${path}[${i}]`, out));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) out.push(`${path}: keys ${ka.join()} vs ${kb.join()}`);
    else
      for (const k of ka)
        differences(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          `${path}.${k}`,
          out,
        );
  } else if (a !== b) {
    out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  return out;
}

describe('Brian2 reference scripts are re-runnable', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eilab-ref-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('/usr/bin/python3 imports Brian2 2.5.1', () => {
    const r = spawnSync(PYTHON, ['-c', 'import brian2; print(brian2.__version__)'], {
      encoding: 'utf8',
    });
    const msg = `${PYTHON} cannot import brian2 (install Debian's python3-brian: bash scripts/setup-test.sh)\n${r.error ?? ''}${r.stderr ?? ''}`;
    expect(r.status, msg).toBe(0);
    expect(r.stdout.trim()).toBe(loadStpPpr().versions.brian2);
  });

  for (const name of ['stp_ppr', 'lif_trace'] as ReferenceName[]) {
    it(`${name}.py reproduces test/reference/${name}.json`, () => {
      const r = spawnSync(PYTHON, [`scripts/reference/${name}.py`, '--out', dir], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 110_000,
      });
      expect(r.status, `${name}.py failed:\n${r.error ?? ''}${r.stderr}`).toBe(0);
      const diff = differences(loadReference(name, dir), loadReference(name));
      expect(diff, diff.join('\n')).toEqual([]);
    });
  }
});

describe('reference files match the loader types', () => {
  it('lif_trace', () => {
    const ref = loadLifTrace();
    const n = ref.params.n_steps;
    for (const c of [ref.cases.subthreshold, ref.cases.spiking]) {
      expect(c.V_mV).toHaveLength(n);
      expect(c.gE_nS).toHaveLength(n);
      expect(c.gI_nS).toHaveLength(n);
      expect(c.inputE.weights).toHaveLength(ref.params.nE_trains);
      expect(c.inputI.weights).toHaveLength(ref.params.nI_trains);
      expect(c.inputE.spike_train).toHaveLength(c.inputE.spike_step.length);
      expect(c.V_before_reset_mV).toHaveLength(c.spike_steps.length);
      for (const k of c.spike_steps) expect(c.V_mV[k]).toBe(ref.params.Vreset_mV);
    }
    expect(ref.cases.subthreshold.spike_steps).toHaveLength(0);
    expect(ref.cases.spiking.rate_Hz).toBeGreaterThanOrEqual(10);
    expect(ref.cases.spiking.rate_Hz).toBeLessThanOrEqual(30);
  });

  it('plasticity', () => {
    const ref = loadPlasticity();
    const nSyn = ref.params.n_pre * ref.params.n_post;
    expect(ref.synapses.w0).toHaveLength(nSyn);
    for (const c of Object.values(ref.cases)) {
      expect(c.weights).toHaveLength(ref.params.n_steps / ref.params.checkpoint_every_steps + 1);
      for (const w of c.weights) expect(w).toHaveLength(nSyn);
      expect(c.weights[0]).toEqual(ref.synapses.w0);
      expect(c.numpy_contract_max_rel_diff).toBeLessThan(1e-12);
    }
    expect(ref.cases.triplet_norm.norm?.target).toBe(5 * ref.params.n_pre);
  });

  it('stp_ppr', () => {
    const ref = loadStpPpr();
    const { U_values, isi_ms, train_U, train_Hz, train_n_spikes } = ref.params;
    expect(ref.sets).toHaveLength(2);
    for (const s of ref.sets) {
      expect(s.paired.ppr).toHaveLength(U_values.length);
      for (const row of s.paired.ppr) expect(row).toHaveLength(isi_ms.length);
      expect(s.trains).toHaveLength(train_U.length);
      for (const row of s.trains) {
        expect(row).toHaveLength(train_Hz.length);
        for (const mu of row) expect(mu).toHaveLength(train_n_spikes);
      }
    }
    // Keijser & Sprekeler defaults (F 0.2, tau 100 ms): PPR(10 ms) ≈ 1.4 at U = 0, ≈ 0.1 at U = 1
    const b = isi_ms.indexOf(10);
    expect(ref.sets[0].paired.ppr[0][b]).toBeCloseTo(1.41, 2);
    expect(ref.sets[0].paired.ppr[U_values.length - 1][b]).toBeCloseTo(0.095, 3);
  });

  it('network_stats', () => {
    const ref = loadNetworkStats();
    for (const c of ['uniform', 'assemblies'] as const) {
      expect(ref.per_seed[c]).toHaveLength(ref.params.seeds.length);
      expect(ref.summary[c].rate_E_Hz.mean).toBeGreaterThan(5);
      expect(ref.summary[c].rate_E_Hz.mean).toBeLessThan(30);
    }
    // assemblies decorrelate the groups
    expect(ref.summary.assemblies.C_out_EE.mean).toBeLessThan(ref.summary.uniform.C_out_EE.mean);
  });

  it('coba_bench', () => {
    const ref = loadCobaBench();
    expect(ref.N).toBe(4000);
    expect(ref.rate_E).toBeGreaterThan(0);
    expect(ref.sim_wall_s).toBeGreaterThan(0);
  });
});
