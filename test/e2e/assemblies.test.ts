/**
 * End-to-end: the assemblies lab (Mackwood, Naumann & Sprekeler 2021) in the built app, in
 * headless Chromium.
 *
 * Run: npx vite build && npx vitest run --config vitest.e2e.config.ts
 *
 * Checks: a link to the classroom preset restores the lab, its values and the view; the run
 * (CPU, in the worker) updates the live loss plot while it trains and ends with the analyses
 * (finite r values, exports); a click on a Pyr cell perturbs it and "at random" runs the
 * perturbation experiment; the stimulus explorer follows its sliders; two conditions run side
 * by side; "Copy link" round-trips; a malformed link names its bad fields; on WebGPU
 * (SwiftShader) the lab acquires the GPU and the explorer solves on it; no console errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { serveDir, type StaticServer } from './server';
import { CHROMIUM, CHROMIUM_ARGS } from './browser';
import { encodeShareState } from '../../src/state/url';
import { labOf, presetValues } from '../../src/state/store';

const ROOT = resolve(__dirname, '../..');
const DIST = resolve(ROOT, 'dist');
const EPOCHS = 4;
const PERTURB = 6;

/** The share link of the classroom preset with a short run (CPU: SwiftShader's GPU is slow). */
const CLASSROOM =
  '#' +
  encodeShareState({
    lab: 'assemblies',
    preset: 'classroom',
    seed: 3,
    values: {
      ...presetValues(labOf('assemblies'), 'classroom'),
      epochs: EPOCHS,
      perturb_cells: PERTURB,
      samples: 500,
    },
    view: null,
    backend: 'cpu',
  });

let server: StaticServer;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];

function watch(page: Page, name: string): Page {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${name}: console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
  return page;
}

async function open(name: string, hash = ''): Promise<Page> {
  const page = watch(await context.newPage(), name);
  await page.goto(server.url + hash);
  await page.waitForSelector('[data-testid=backend-badge][data-kind]:not([data-kind=""])', {
    timeout: 30_000,
  });
  return page;
}

async function diagnose(page: Page): Promise<string> {
  const text = async (sel: string) => (await page.locator(sel).allTextContents()).join(' | ');
  return `progress: ${await text('[data-testid=progress]')}; badge: ${await text('[data-testid=backend-badge]')}; run error: ${await text('[data-testid=run-error]')}; notices: ${await text('[data-testid=notice]')}`;
}

async function attrNum(page: Page, sel: string, attr: string): Promise<number> {
  return Number((await page.getAttribute(sel, attr)) ?? NaN);
}

/** Wait until a plot has drawn at least `points` points and at least revision `rev`. */
async function waitPlot(page: Page, id: string, points = 1, rev = 1, timeout = 30_000) {
  await page
    .waitForFunction(
      ([sel, p, r]) => {
        const el = document.querySelector(sel as string) as HTMLElement | null;
        return (
          !!el &&
          Number(el.dataset.points) >= (p as number) &&
          Number(el.dataset.rev) >= (r as number)
        );
      },
      [`[data-testid=plot-${id}]`, points, rev] as const,
      { timeout },
    )
    .catch(async (e: unknown) => {
      throw new Error(`plot ${id} did not draw: ${await diagnose(page)}`, { cause: e });
    });
}

async function download(page: Page, click: () => Promise<void>): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), click()]);
  return readFileSync((await d.path())!, 'utf8');
}

beforeAll(async () => {
  if (!existsSync(resolve(DIST, 'index.html')))
    throw new Error('dist/ is missing: run `npx vite build` first');
  server = await serveDir(DIST);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the assemblies lab in Chromium', () => {
  let page: Page;

  it('opens a link to the classroom preset with its lab, values and view', async () => {
    page = await open('classroom', CLASSROOM);
    expect(await page.inputValue('.lab-select')).toBe('assemblies');
    expect(await page.innerText('.lab-title')).toMatch(/assemblies/i);
    expect(await page.innerText('.citation')).toContain('eLife');
    expect(await page.getAttribute('[data-testid=preset-classroom]', 'aria-pressed')).toBe('true');
    expect(await page.inputValue('[data-testid=field-epochs]')).toBe(String(EPOCHS));
    expect(await page.inputValue('#param-size')).toBe('classroom');
    expect(await page.getAttribute('[data-testid=tab-overview]', 'aria-selected')).toBe('true');
    expect(await page.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('cpu');
    expect(await page.locator('[data-testid=link-errors]').count()).toBe(0);
    // every parameter names its source
    expect(await page.getAttribute('#param-epochs', 'title')).toMatch(/Source: .*Table 1/);
  });

  it('trains in the worker with a live loss plot and ends with the analyses', async () => {
    await waitPlot(page, 'asm-loss', 0, 1);
    await page.click('[data-testid=run]');
    // the loss plot updates while the run goes on
    await page
      .waitForFunction(
        () =>
          Number(
            document.querySelector('[data-testid=plot-asm-loss]')?.getAttribute('data-points'),
          ) >= 1 &&
          document.querySelector('[data-testid=progress]')?.getAttribute('data-status') ===
            'running',
        null,
        { timeout: 40_000 },
      )
      .catch(async (e: unknown) => {
        throw new Error(`no live loss: ${await diagnose(page)}`, { cause: e });
      });
    const rev0 = await attrNum(page, '[data-testid=plot-asm-loss]', 'data-rev');
    await page
      .waitForSelector('[data-testid=progress][data-status=done]', { timeout: 55_000 })
      .catch(async (e: unknown) => {
        throw new Error(`the run did not finish: ${await diagnose(page)}`, { cause: e });
      });
    await waitPlot(page, 'asm-loss', EPOCHS, rev0 + 1);
    expect(await attrNum(page, '[data-testid=progress]', 'data-trial')).toBe(EPOCHS);
    const loss = await attrNum(page, '[data-testid=result-asm-loss]', 'data-value');
    expect(Number.isFinite(loss) && loss > 0).toBe(true);
    await waitPlot(page, 'asm-wei', 64 * 8);
    await waitPlot(page, 'asm-selectivity-live', 8);
    expect(await page.locator('[data-testid=run-error]').count()).toBe(0);
  });

  it('shows the analyses with finite r values and exports them', async () => {
    await page.click('[data-testid=tab-analyses]');
    for (const id of ['r_output_rs', 'p_output_rs', 'r_input_rs', 'r_input_output', 'mw_p']) {
      const v = await attrNum(page, `[data-testid=asm-stat-${id}]`, 'data-value');
      expect(Number.isFinite(v), `${id} = ${v}`).toBe(true);
    }
    const r = await attrNum(page, '[data-testid=asm-stat-r_output_rs]', 'data-value');
    expect(Math.abs(r)).toBeLessThanOrEqual(1);
    for (const id of ['asm-rs-output', 'asm-rs-input', 'asm-in-out', 'asm-selectivity'])
      await waitPlot(page, id, 8);
    await waitPlot(page, 'asm-perturb-binned', 2);
    // the plot's data as CSV, the run's summary as JSON
    const csv = await download(page, () => page.click('[data-testid=export-asm-rs-output-csv]'));
    expect(csv.split('\n')[0]).toBe('weight,rs');
    expect(csv.trim().split('\n').length).toBeGreaterThan(10);
    await page.click('[data-testid=export-menu]');
    const summary = JSON.parse(
      await download(page, () => page.click('[data-testid=export-summary]')),
    );
    expect(summary.lab).toBe('assemblies');
    expect(summary.epochs_run).toBe(EPOCHS);
    expect(summary.corr_output_rs).toBeCloseTo(r, 10);
    expect(summary.values.perturb_cells).toBe(PERTURB);
    // the plot as SVG (Plotly's modebar)
    const plot = page.locator('[data-testid=plot-asm-rs-output]');
    await plot.hover();
    const svg = await download(page, () =>
      plot.locator('[data-title="Download plot as SVG"]').click(),
    );
    expect(svg).toContain('<svg');
  });

  it('perturbs a clicked Pyr cell, and runs the perturbation experiment', async () => {
    await page.click('[data-testid=tab-perturb]');
    await waitPlot(page, 'asm-cellmap', 64);
    const area = page.locator('[data-testid=plot-asm-cellmap] .nsewdrag').first();
    const box = (await area.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.4);
    await waitPlot(page, 'asm-probe-rf', 20);
    const cell = Number(await page.inputValue('[data-testid=asm-perturb-cell]'));
    expect(Number.isInteger(cell) && cell >= 0 && cell < 64).toBe(true);
    expect(await page.locator('[data-testid=plot-asm-cellmap] .gtitle').textContent()).toContain(
      `Influence of Pyr ${cell}`,
    );
    await page.click('[data-testid=asm-perturb-random]');
    await waitPlot(page, 'asm-random-binned', 2, 1, 45_000);
    await waitPlot(page, 'asm-random-outweight', PERTURB);
  });

  it('solves the steady state of the stimulus the explorer’s sliders pick', async () => {
    await page.click('[data-testid=tab-explore]');
    await waitPlot(page, 'asm-explore-pyr', 64);
    await waitPlot(page, 'asm-explore-pv', 8);
    const title = async () =>
      (await page.locator('[data-testid=plot-asm-explore-pyr] .gtitle').textContent()) ?? '';
    const before = await title();
    const slider = page.locator('[data-testid=asm-stim-2]');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      (t0) =>
        document.querySelector('[data-testid=plot-asm-explore-pyr] .gtitle')?.textContent !== t0,
      before,
      { timeout: 20_000 },
    );
    expect(await title()).toMatch(/stimulus \d+ \(\d, \d, \d\)/);
    expect(await title()).not.toBe(before);
  });

  it('runs two conditions side by side from the same seed', async () => {
    await page.click('[data-testid=tab-compare]');
    await page.uncheck('[data-testid=asm-cond-ko-output]');
    await page.uncheck('[data-testid=asm-cond-ko-input]');
    await page.click('[data-testid=asm-compare-run]');
    await page
      .waitForFunction(
        () =>
          document.querySelectorAll('[data-testid=asm-compare-table] thead th[data-state=done]')
            .length === 2,
        null,
        { timeout: 55_000 },
      )
      .catch(async (e: unknown) => {
        throw new Error(`the comparison did not finish: ${await diagnose(page)}`, { cause: e });
      });
    const both = await page.getAttribute(
      '[data-testid=asm-compare-both-corr_output_rs]',
      'data-value',
    );
    expect(Number.isFinite(Number(both)) && both !== '').toBe(true);
    expect(
      await page.getAttribute('[data-testid=asm-compare-neither-epochs_run]', 'data-value'),
    ).toBe('0');
    expect(await page.getAttribute('[data-testid=asm-compare-both-epochs_run]', 'data-value')).toBe(
      String(EPOCHS),
    );
    await waitPlot(page, 'asm-compare-loss', EPOCHS);
  });

  it('copies a link that restores the lab, the values and the view', async () => {
    await page.click('[data-testid=tab-explore]');
    await page.click('[data-testid=copy-link]');
    const input = page.locator('[data-testid=share-link]');
    await input.waitFor();
    const link = await input.inputValue();
    await page.keyboard.press('Escape');
    expect(link).toContain('lab=assemblies');
    expect(link).toContain('preset=classroom');
    expect(link).toContain('view=explore');
    expect(link).toContain(`epochs=${EPOCHS}`);
    await page.close();

    const other = await open('link', link.slice(server.url.length));
    expect(await other.inputValue('.lab-select')).toBe('assemblies');
    expect(await other.inputValue('[data-testid=field-epochs]')).toBe(String(EPOCHS));
    expect(await other.inputValue('[data-testid=field-perturb_cells]')).toBe(String(PERTURB));
    expect(await other.getAttribute('[data-testid=tab-explore]', 'aria-selected')).toBe('true');
    expect(await other.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('cpu');
    expect(await other.locator('[data-testid=link-errors]').count()).toBe(0);
    await waitPlot(other, 'asm-explore-pyr', 64);
    await other.close();
  });

  it('names the bad fields of a malformed assemblies link', async () => {
    const bad = await open(
      'bad-link',
      '#v=1&lab=assemblies&epochs=abc&size=huge&eta=0.001&view=nope&W_EE=2',
    );
    const banner = bad.locator('[data-testid=link-errors]');
    await banner.waitFor();
    const text = await banner.innerText();
    expect(text).toContain('epochs');
    expect(text).toContain('size');
    expect(text).toContain('view');
    expect(text).toContain('W_EE'); // an ISN parameter is not one of this lab's
    expect(text).not.toContain('eta');
    expect(await bad.inputValue('.lab-select')).toBe('assemblies');
    expect(await bad.inputValue('[data-testid=field-epochs]')).toBe('500');
    expect(await bad.inputValue('#param-size')).toBe('paper');
    expect(await bad.inputValue('[data-testid=field-eta]')).toBe('0.001');
    expect(await bad.getAttribute('[data-testid=tab-overview]', 'aria-selected')).toBe('true');
    await bad.close();
  });

  it('acquires WebGPU for the lab and solves the explorer’s stimulus on it', async () => {
    const gpu = await open('webgpu', '#v=1&lab=assemblies&size=classroom&view=explore');
    expect(await gpu.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('webgpu');
    await waitPlot(gpu, 'asm-explore-pyr', 64, 1, 45_000);
    expect(await gpu.locator('[data-testid=plot-asm-explore-pyr]').textContent()).toContain(
      'network after 0 passes',
    );
    await gpu.close();
  });

  it('logged no console errors on any page', () => {
    expect(problems).toEqual([]);
  });
});
