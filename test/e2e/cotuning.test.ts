/**
 * End-to-end: the co-tuning lab (Giannakakis et al. 2023) in the built app, in headless
 * Chromium.
 *
 * Run: npx vite build && npx vitest run --config vitest.e2e.config.ts
 *
 * Checks: a link restores the lab and its values; "Step sample" runs to the first sample of D
 * and B and pauses; a knock-out (freeze E plasticity) thrown in while paused holds the E
 * weights from then on; the run ends with the measurement window's raster, the currents, the
 * tuning test and the correlations drawn; the D/B data exports as CSV; the same link on
 * WebGPU (SwiftShader, in the worker) ends with exactly the CPU's D and B (the engines are
 * bit-identical); no console errors.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, points, value, waitStatus, type AppInBrowser } from './browser';
import { encodeShareState } from '../../src/state/url';

/** 200 neurons in 4 groups, 2 s of learning (samples every 0.1 s), a 0.5 s window. */
const link = (backend: 'cpu' | 'webgpu', tuningReps: number) =>
  '#' +
  encodeShareState({
    lab: 'cotuning',
    preset: null,
    seed: 5,
    values: { N: 200, M: 4, learn_time: 2, duration: 0.5, tuning_reps: tuningReps },
    view: null,
    backend,
  });

let app: AppInBrowser;
const open = (name: string, hash: string) => app.open(name, hash);

beforeAll(async () => {
  app = await launchApp();
});

afterAll(async () => {
  await app?.close();
});

describe('the co-tuning lab in Chromium', () => {
  let cpuD = NaN;
  let cpuB = NaN;

  it('steps to the first sample, takes a knock-out while paused, and runs to the analyses', async () => {
    const page = await open('cpu', link('cpu', 1));
    expect(await page.inputValue('.lab-select')).toBe('cotuning');
    expect(await page.innerText('.citation')).toContain('Giannakakis');
    expect(await page.inputValue('[data-testid=field-N]')).toBe('200');

    await page.click('[data-testid=step]');
    await waitStatus(page, 'paused');
    expect(await page.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('cpu');
    // one sample: D, D (code) and B
    expect(await points(page, 'cot-db')).toBe(3);

    await page.click('[data-testid=cot-freeze-E]');
    expect(await page.getAttribute('[data-testid=cot-freeze-E]', 'aria-pressed')).toBe('true');
    await page.click('[data-testid=run]');
    await waitStatus(page, 'done');
    // the knock-out went into the events parameter, and so into the link (at the step it took)
    expect(await page.inputValue('[data-testid=field-events]')).toBe('freeze-E@0.1');
    const sharedHash = await page.evaluate(() => location.hash);
    expect(decodeURIComponent(sharedHash)).toContain('events=freeze-E@0.1');

    // 20 samples × 3 curves; D and B finite in [−1, 1]
    expect(await points(page, 'cot-db')).toBe(60);
    cpuD = await value(page, 'D');
    cpuB = await value(page, 'B');
    expect(Math.abs(cpuD)).toBeLessThanOrEqual(1);
    expect(Math.abs(cpuB)).toBeLessThanOrEqual(1);
    expect(await value(page, 'rate_E')).toBeGreaterThan(0);

    // the E weights of every group stay where they were at the knock-out (first sample)
    const [dl] = await Promise.all([
      page.waitForEvent('download', { timeout: 20_000 }),
      page.click('[data-testid=export-cot-wevolution-csv]'),
    ]);
    const rows = readFileSync((await dl.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(rows[0]).toBe(
      't_s,wE_group1,wI_group1,wE_group2,wI_group2,wE_group3,wI_group3,wE_group4,wI_group4',
    );
    expect(rows).toHaveLength(21);
    const first = rows[1].split(',').map(Number);
    const last = rows[20].split(',').map(Number);
    for (const c of [1, 3, 5, 7]) expect(last[c]).toBe(first[c]);
    expect(last[2]).not.toBe(first[2]); // I plasticity went on

    await page.click('[data-testid=tab-activity]');
    expect(await points(page, 'cot-raster')).toBeGreaterThan(50);
    expect(await points(page, 'cot-currents')).toBeGreaterThan(100);
    await page.click('[data-testid=tab-tuning]');
    expect(await points(page, 'cot-tuning')).toBe(8); // 4 bars + 4 weights
    expect(await points(page, 'cot-corr')).toBe(4);
    // Appendix B: one point per read-out input (200) and the identity line's two
    expect(await points(page, 'cot-convergence')).toBe(202);
    await page.close();

    // the page's own link, opened afresh and run without touching a button, is the same run
    const again = await open('shared', sharedHash);
    await again.click('[data-testid=run]');
    await waitStatus(again, 'done');
    expect(await value(again, 'D')).toBe(cpuD);
    expect(await value(again, 'B')).toBe(cpuB);
    await again.close();
  });

  it('runs the same link on WebGPU (SwiftShader) in the worker to the same D and B', async () => {
    expect(Number.isFinite(cpuD)).toBe(true);
    // without the freeze and the tuning test: run both back ends here
    const cpu = await open('cpu2', link('cpu', 0));
    await cpu.click('[data-testid=run]');
    await waitStatus(cpu, 'done');
    const d = await value(cpu, 'D');
    const b = await value(cpu, 'B');
    await cpu.close();

    const gpu = await open('webgpu', link('webgpu', 0));
    await gpu.click('[data-testid=run]');
    await waitStatus(gpu, 'done', 140_000);
    expect(await gpu.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('webgpu');
    expect(await value(gpu, 'D')).toBe(d);
    expect(await value(gpu, 'B')).toBe(b);
    await gpu.close();
  });

  it('runs a noise sweep on WebGPU as one batched run in the worker (Fig 2a)', async () => {
    const page = await open(
      'sweep',
      '#' +
        encodeShareState({
          lab: 'cotuning',
          preset: null,
          seed: 2,
          values: {
            N: 200,
            M: 4,
            learn_time: 0.3,
            duration: 0.2,
            tuning_reps: 0,
            sweep: 'noise',
            sweep_from: 0,
            sweep_to: 0.6,
            sweep_points: 3,
          },
          view: 'study',
          backend: 'webgpu',
        }),
    );
    await page.click('[data-testid=run]');
    await waitStatus(page, 'done', 140_000);
    expect(await page.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('webgpu');
    expect(await points(page, 'cot-sweep')).toBe(15); // 5 curves × 3 values
    // the other tabs show the full run at the sweep's last value, and say so
    await page.click('[data-testid=tab-overview]');
    await points(page, 'cot-db');
    expect(await page.locator('[data-testid=plot-cot-db] .gtitle').textContent()).toContain(
      'c = 0.6',
    );
    await page.close();
  });

  it('runs a small ABC and draws the posterior and the particles (Fig 3c)', async () => {
    const page = await open(
      'abc',
      '#' +
        encodeShareState({
          lab: 'cotuning',
          preset: 'abc',
          seed: 3,
          values: {
            N: 200,
            p: 0.5,
            duration: 0.3,
            abc_steps: 2,
            abc_particles: 4,
            abc_batch: 4,
            readout: false,
            recurrent: true,
            noise: 0.2,
            W: 8,
          },
          view: 'study',
          backend: 'cpu',
        }),
    );
    await page.click('[data-testid=run]');
    await waitStatus(page, 'done');
    expect(await points(page, 'cot-abc')).toBe(8); // 4 ratios × 2 steps
    expect(await points(page, 'cot-abc-particles')).toBe(16); // 4 ratios × 4 particles
    // no read-out: its D, B and rate are not shown (no "NaN"), the ABC distance is; plasticity
    // cannot be frozen, the recurrent pathways can be blocked
    const results = await page.innerText('[data-testid=results]');
    expect(results).not.toContain('NaN');
    expect(await page.locator('[data-testid=result-D]').count()).toBe(0);
    expect(await value(page, 'abc_distance')).toBeGreaterThanOrEqual(0);
    expect(await page.locator('[data-testid=cot-freeze-E]').count()).toBe(0);
    expect(await page.locator('[data-testid=cot-block-EE]').count()).toBe(1);
    await page.close();
  });

  it('logged no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
