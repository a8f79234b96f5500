/**
 * End-to-end: the COBA lab (Brette et al. 2007, benchmark 1) in the built app, in headless
 * Chromium.
 *
 * Run: npx vite build && npx vitest run --config vitest.e2e.config.ts test/e2e/coba.test.ts
 *
 * Checks: a link restores the lab and its values; Run simulates the network in the worker
 * (CPU) and ends with exactly the rates the Node CPU engine gives for the same parameters and
 * seed, the raster, rates and V plots drawn and exported; the same link on WebGPU (SwiftShader,
 * in the worker) gives the same rates; a larger network draws live while it runs, "Step 100
 * ms" pauses at 0.1 s, a pause holds, Reset clears; a bad link is named and gets the defaults;
 * a link that names only a preset loads the preset's values; no console errors.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchApp, points, value, waitStatus, type AppInBrowser } from './browser';
import { encodeShareState } from '../../src/state/url';
import { defaults, type ParamValues } from '../../src/model/params';
import { COBA_PARAMS } from '../../src/labs/coba/params';
import { runCoba } from '../../src/labs/coba/run';
import { CpuSpikingSim } from '../../src/engine/spiking/cpu/cpuSim';

/** 400 neurons (p auto = 0.2), 0.2 s: 20 bins of 10 ms. */
const SMALL: ParamValues = { ...defaults(COBA_PARAMS), N: 400, duration: 0.2 };
const SEED = 3;

const link = (values: ParamValues, backend: 'auto' | 'cpu' | 'webgpu', seed = SEED) =>
  '#' + encodeShareState({ lab: 'coba', preset: null, seed, values, view: null, backend });

let app: AppInBrowser;
const open = (name: string, hash: string) => app.open(name, hash);

async function attr(page: Page, sel: string, name: string): Promise<number> {
  return Number(await page.getAttribute(sel, name));
}

async function downloaded(page: Page, testId: string): Promise<string> {
  const [dl] = await Promise.all([
    page.waitForEvent('download', { timeout: 20_000 }),
    page.click(`[data-testid=${testId}]`),
  ]);
  return readFileSync((await dl.path())!, 'utf8');
}

/** What the Node CPU engine gives (the CLI's run). */
async function nodeRates(values: ParamValues, seed: number) {
  return runCoba(values, seed, (net) => new CpuSpikingSim(net));
}

beforeAll(async () => {
  app = await launchApp();
});

afterAll(async () => {
  await app?.close();
});

describe('the COBA lab in Chromium', () => {
  it('runs a link’s network to exactly the Node CPU engine’s rates, with its plots and exports', async () => {
    const page = await open('cpu', link(SMALL, 'cpu'));
    expect(await page.inputValue('.lab-select')).toBe('coba');
    expect(await page.innerText('.citation')).toContain('Brette');
    expect(await page.inputValue('[data-testid=field-N]')).toBe('400');
    expect(await page.inputValue('[data-testid=field-duration]')).toBe('0.2');
    expect(await page.locator('[data-testid=link-errors]').count()).toBe(0);

    await page.click('[data-testid=run]');
    await waitStatus(page, 'done');
    expect(await page.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('cpu');
    const ref = await nodeRates(SMALL, SEED);
    expect(await value(page, 'rate_E')).toBe(ref.rate_E);
    expect(await value(page, 'rate_I')).toBe(ref.rate_I);
    expect(ref.rate_E).toBeGreaterThan(5);
    for (const k of ['sim_wall_s', 'setup_wall_s']) expect(await value(page, k)).toBeGreaterThan(0);
    expect(await value(page, 'synapses')).toBe(ref.synapses);
    expect(await attr(page, '[data-testid=progress]', 'data-done')).toBe(2000);
    expect(await page.innerText('[data-testid=progress]')).toMatch(
      /sim 0\.20\/0\.2 s · wall .* s.*× real time/,
    );

    // every spike of the 400 neurons, 20 bins × E and I, V of three neurons
    const spikes = Math.round(ref.countE + ref.countI);
    expect(await points(page, 'coba-raster')).toBe(spikes);
    expect(await points(page, 'coba-rates')).toBe(40);
    expect(await points(page, 'coba-v')).toBeGreaterThanOrEqual(3 * 2000);

    const rates = (await downloaded(page, 'export-coba-rates-csv')).trim().split('\n');
    expect(rates[0]).toBe('t_s,rate_E_Hz,rate_I_Hz');
    expect(rates).toHaveLength(21);
    const meanE = rates.slice(1).reduce((a, r) => a + Number(r.split(',')[1]), 0) / 20;
    expect(meanE).toBeCloseTo(ref.rate_E, 9);
    const raster = (await downloaded(page, 'export-coba-raster-csv')).trim().split('\n');
    expect(raster[0]).toBe('t_s,neuron,population');
    expect(raster).toHaveLength(spikes + 1);
    const v = (await downloaded(page, 'export-coba-v-csv')).trim().split('\n');
    expect(v[0]).toBe('t_s,V_E0_mV,V_E1_mV,V_I320_mV');
    const summary = JSON.parse(await downloaded(page, 'export-coba-summary')) as Record<
      string,
      unknown
    >;
    expect(summary).toMatchObject({ lab: 'coba', N: 400, p: 0.2, rate_E: ref.rate_E, seed: 3 });
    for (const k of ['sim_wall_s', 'setup_wall_s', 'wall_per_sim_s'])
      expect(summary[k] as number).toBeGreaterThan(0);
    expect(String(summary.link)).toContain('lab=coba');
    await page.close();
  });

  it('runs the same link on WebGPU (SwiftShader) in the worker to the same rates', async () => {
    const page = await open('webgpu', link(SMALL, 'webgpu'));
    await page.click('[data-testid=run]');
    await waitStatus(page, 'done', 140_000);
    expect(await page.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('webgpu');
    const ref = await nodeRates(SMALL, SEED);
    expect(await value(page, 'rate_E')).toBe(ref.rate_E);
    expect(await value(page, 'rate_I')).toBe(ref.rate_I);
    await page.close();
  });

  it('draws live while a larger network runs; Step pauses at 100 ms; pause holds; Reset clears', async () => {
    const page = await open(
      'live',
      link({ ...defaults(COBA_PARAMS), N: 4000, duration: 20 }, 'auto', 1),
    );
    // auto: no GPU but SwiftShader here, so the CPU reference, and the badge says why
    await page.click('[data-testid=step]');
    await waitStatus(page, 'paused');
    expect(await page.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('cpu');
    expect(await page.innerText('[data-testid=backend-badge]')).toMatch(/CPU implementation/);
    expect(await attr(page, '[data-testid=progress]', 'data-done')).toBe(1000);
    await page.click('[data-testid=run]');
    await waitStatus(page, 'running');
    const rev = await attr(page, '[data-testid=plot-coba-raster]', 'data-rev');
    await page.waitForFunction(
      (r) =>
        Number(
          document.querySelector('[data-testid=plot-coba-raster]')?.getAttribute('data-rev'),
        ) >=
        r + 3,
      rev,
      { timeout: 30_000 },
    );
    expect(await page.isVisible('[data-testid=speed]')).toBe(true);
    expect(await points(page, 'coba-rates')).toBeGreaterThan(2 * 10);
    await page.click('[data-testid=pause]');
    await waitStatus(page, 'paused', 10_000);
    const held = await attr(page, '[data-testid=progress]', 'data-done');
    await page.waitForTimeout(500);
    expect(await attr(page, '[data-testid=progress]', 'data-done')).toBe(held);
    await page.click('[data-testid=reset]');
    await waitStatus(page, 'idle', 10_000);
    expect(await attr(page, '[data-testid=progress]', 'data-done')).toBe(0);
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=plot-coba-rates]')?.getAttribute('data-points') ===
        '0',
      null,
      { timeout: 10_000 },
    );
    await page.close();
  });

  it('names the bad fields of a link and loads safe values; a preset-only link loads the preset', async () => {
    const bad = await open('bad', '#v=1&lab=coba&N=10&duration=0.5');
    await bad.waitForSelector('[data-testid=link-errors]', { timeout: 30_000 });
    expect(await bad.innerText('[data-testid=link-errors]')).toMatch(/N must be ≥ 50/);
    expect(await bad.inputValue('[data-testid=field-N]')).toBe('4000');
    expect(await bad.inputValue('[data-testid=field-duration]')).toBe('0.5');
    await bad.close();

    const preset = await open('preset', '#v=1&lab=coba&preset=small');
    expect(await preset.locator('[data-testid=link-errors]').count()).toBe(0);
    expect(await preset.inputValue('[data-testid=field-N]')).toBe('1000');
    expect(await preset.getAttribute('[data-testid=preset-small]', 'aria-pressed')).toBe('true');
    await preset.close();

    const stp = await open('stp', '#v=1&lab=stp&preset=facilitating');
    expect(await stp.inputValue('.lab-select')).toBe('stp');
    expect(await stp.inputValue('[data-testid=field-U]')).toBe('0');
    await stp.close();
  });

  it('logged no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
