/**
 * End-to-end: the built app in headless Chromium with WebGPU (SwiftShader).
 *
 * Run: npx vite build && npx vitest run --config vitest.e2e.config.ts
 *
 * Checks: WebGPU works headless and the app uses it (badge); a preset runs from the UI and
 * the live plots update while it runs; "Copy link" gives a link that, opened in a new page
 * and run, gives the same numbers; a malformed link names its bad fields; the exports and
 * the plots' PNG/SVG downloads work under the app's CSP; a lost GPU device (the GPU process
 * crashed through CDP) is recovered and the run ends with the numbers of an uninterrupted
 * run; the plots redraw ≥ 5 times a second during a CPU run; no page logs a console error.
 * It also saves docs/screenshot.png (1280×800) of a converged cross-homeostatic run.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { serveDir, type StaticServer } from './server';
import { CHROMIUM, CHROMIUM_ARGS } from './browser';

const ROOT = resolve(__dirname, '../..');
const DIST = resolve(ROOT, 'dist');
const SCREENSHOT = resolve(ROOT, 'docs/screenshot.png');
const TRIALS = 6;
const RESULT_IDS = ['E', 'I', 'WEE', 'WEI', 'WIE', 'WII'];

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

async function results(page: Page): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of RESULT_IDS)
    out[id] = (await page.getAttribute(`[data-testid=result-${id}]`, 'data-value')) ?? '';
  out.trial = (await page.getAttribute('[data-testid=progress]', 'data-trial')) ?? '';
  return out;
}

/** What the page shows about its run (for failure messages). */
async function diagnose(page: Page): Promise<string> {
  const text = async (sel: string) => (await page.locator(sel).allTextContents()).join(' | ');
  return `progress: ${await text('[data-testid=progress]')}; badge: ${await text('[data-testid=backend-badge]')}; run error: ${await text('[data-testid=run-error]')}; notices: ${await text('[data-testid=notice]')}`;
}

async function waitDone(page: Page, timeout = 90_000): Promise<void> {
  try {
    await page.waitForSelector('[data-testid=progress][data-status=done]', { timeout });
  } catch (e) {
    throw new Error(`the run did not finish: ${await diagnose(page)}`, { cause: e });
  }
}

async function attrNum(page: Page, sel: string, attr: string): Promise<number> {
  return Number((await page.getAttribute(sel, attr)) ?? NaN);
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

describe('EI Lab in Chromium', () => {
  let link = '';
  let first: Record<string, string> = {};
  let pageA: Page;

  it('has WebGPU in headless Chromium (SwiftShader)', async () => {
    const page = await context.newPage();
    await page.goto(server.url + 'spec/isn-soldado-magraner2022.md');
    const adapter = await page.evaluate(
      'navigator.gpu ? navigator.gpu.requestAdapter().then((a) => !!a) : false',
    );
    expect(adapter).toBe(true);
    await page.close();
  });

  it('serves the app under a strict Content-Security-Policy', async () => {
    const html = readFileSync(resolve(DIST, 'index.html'), 'utf8');
    const csp =
      /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/
        .exec(html)?.[1]
        .replace(/&#39;/g, "'") ?? '';
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    // WebAssembly compilation only: JavaScript eval stays forbidden
    expect(csp.replace(/'wasm-unsafe-eval'/g, '')).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline scripts
    // and the page, under it, compiles the CPU backend's WebAssembly kernels (app code reports
    // it: Playwright's evaluate itself is exempt from the page's CSP, so it cannot probe it)
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('html[data-wasm]');
    expect(await page.getAttribute('html', 'data-wasm')).toBe('yes');
    await page.close();
  });

  it('runs a preset on the WebGPU backend with live plots', async () => {
    pageA = await open('run');
    expect(await pageA.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('webgpu');
    await pageA.click('[data-testid=preset-cross-homeostatic]');
    await pageA.fill('[data-testid=field-trials]', String(TRIALS));
    await pageA.waitForSelector('[data-testid=plot-setpoints][data-rev]');
    await pageA.waitForSelector('[data-testid=plot-rates][data-rev]');
    const points0 = await attrNum(pageA, '[data-testid=plot-setpoints]', 'data-points');
    const rev0 = await attrNum(pageA, '[data-testid=plot-rates]', 'data-rev');
    await pageA.click('[data-testid=run]');
    // the within-trial plot redraws while the run goes on
    await pageA
      .waitForFunction(
        (r0) =>
          Number(document.querySelector('[data-testid=plot-rates]')?.getAttribute('data-rev')) >=
          r0 + 2,
        rev0,
        {
          timeout: 60_000,
        },
      )
      .catch(async (e: unknown) => {
        throw new Error(`the rates plot did not update: ${await diagnose(pageA)}`, { cause: e });
      });
    await waitDone(pageA);
    await pageA.waitForFunction(
      (p0) =>
        Number(
          document.querySelector('[data-testid=plot-setpoints]')?.getAttribute('data-points'),
        ) >=
        p0 + 2 * 6,
      points0,
      { timeout: 10_000 },
    );
    first = await results(pageA);
    expect(first.trial).toBe(String(TRIALS));
    for (const id of RESULT_IDS)
      expect(first[id] !== '' && Number.isFinite(Number(first[id])), `${id} = ${first[id]}`).toBe(
        true,
      );
    expect(await pageA.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('webgpu');
  });

  it('copies a link that reproduces the run in a new page', async () => {
    await pageA.click('[data-testid=copy-link]');
    const input = pageA.locator('[data-testid=share-link]');
    await input.waitFor();
    link = await input.inputValue();
    expect(link.startsWith(server.url + '#')).toBe(true);
    expect(link).toContain('preset=cross-homeostatic');
    expect(link).toContain(`trials=${TRIALS}`);
    await pageA.keyboard.press('Escape');

    const pageB = await open('link', link.slice(server.url.length));
    expect(await pageB.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('webgpu');
    expect(await pageB.inputValue('[data-testid=field-trials]')).toBe(String(TRIALS));
    expect(await pageB.getAttribute('[data-testid=preset-cross-homeostatic]', 'aria-pressed')).toBe(
      'true',
    );
    expect(await pageB.locator('[data-testid=link-errors]').count()).toBe(0);
    await pageB.click('[data-testid=run]');
    await waitDone(pageB);
    expect(await results(pageB)).toEqual(first);
    await pageB.close();
  });

  it('exports the summary (JSON) and the history (CSV), and the plots as PNG and SVG', async () => {
    await pageA.click('[data-testid=export-menu]');
    const [json] = await Promise.all([
      pageA.waitForEvent('download'),
      pageA.click('[data-testid=export-json]'),
    ]);
    const summary = JSON.parse(readFileSync((await json.path())!, 'utf8'));
    expect(summary.trials).toBe(TRIALS);
    expect(summary.rule).toBe('cross');
    expect(summary.E_final).toBeCloseTo(Number(first.E), 5);
    expect(summary.W_final.EE).toBeCloseTo(Number(first.WEE), 5);

    await pageA.click('[data-testid=export-menu]');
    const [csv] = await Promise.all([
      pageA.waitForEvent('download'),
      pageA.click('[data-testid=export-history]'),
    ]);
    const lines = readFileSync((await csv.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('trial,network,avgE,avgI,meanE,meanI,W_EE,W_EI,W_IE,W_II');
    expect(lines.length).toBe(TRIALS + 1);

    const plot = pageA.locator('[data-testid=plot-weights]');
    await plot.hover();
    const [png] = await Promise.all([
      pageA.waitForEvent('download', { timeout: 20_000 }),
      plot.locator('[data-title="Download plot as a PNG"]').click(),
    ]);
    expect(png.suggestedFilename()).toMatch(/\.png$/);
    await plot.hover();
    const [svg] = await Promise.all([
      pageA.waitForEvent('download', { timeout: 20_000 }),
      plot.locator('[data-title="Download plot as SVG"]').click(),
    ]);
    expect(svg.suggestedFilename()).toMatch(/\.svg$/);
    expect(readFileSync((await svg.path())!, 'utf8')).toContain('<svg');
  });

  it('names the bad fields of a malformed link and loads safe defaults for them', async () => {
    const page = await open('bad-link', '#v=1&lab=isn&W_EE=abc&trials=-5&W_IE=7');
    const banner = page.locator('[data-testid=link-errors]');
    await banner.waitFor();
    const text = await banner.innerText();
    expect(text).toContain('W_EE');
    expect(text).toContain('trials');
    expect(text).not.toContain('W_IE');
    expect(await page.inputValue('[data-testid=field-W_EE]')).toBe('2.1');
    expect(await page.inputValue('[data-testid=field-trials]')).toBe('500');
    expect(await page.inputValue('[data-testid=field-W_IE]')).toBe('7');
    await page.click('[data-testid=dismiss-link-errors]');
    expect(await banner.count()).toBe(0);
    // an invalid edit is explained under the field and not applied
    await page.fill('[data-testid=field-W_EE]', '-1');
    expect(await page.innerText('[data-testid=error-W_EE]')).toMatch(/W_EE must be ≥ 0/);
    await page.waitForFunction(() => !location.hash.includes('W_EE='));
    await page.close();
  });

  it('recovers from a lost GPU device (GPU process crash) and finishes with the same numbers', async () => {
    await pageA.close();
    // long enough to be still running when the GPU process crashes (the run is in a worker,
    // so it no longer waits for the plots)
    const hash = '#v=1&lab=isn&preset=cross-homeostatic&seed=5&trials=160';
    const ref = await open('lost-reference', hash);
    await ref.click('[data-testid=run]');
    await waitDone(ref);
    const expected = await results(ref);
    await ref.close();

    const page = await open('lost', hash);
    expect(await page.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('webgpu');
    await page.click('[data-testid=run]');
    await page.waitForFunction(
      () =>
        Number(document.querySelector('[data-testid=progress]')?.getAttribute('data-trial')) >= 3,
      null,
      {
        timeout: 60_000,
      },
    );
    expect(await page.getAttribute('[data-testid=progress]', 'data-status')).toBe('running');
    const cdp = await browser.newBrowserCDPSession();
    await cdp.send('Browser.crashGpuProcess' as never);
    await page.waitForSelector('[data-testid=notice]:has-text("device was lost")', {
      timeout: 30_000,
    });
    await page.waitForSelector('[data-testid=notice]:has-text("Recovered")', { timeout: 30_000 });
    await waitDone(page);
    expect(await page.getAttribute('[data-testid=backend-badge]', 'data-kind')).toBe('webgpu');
    expect(await page.locator('[data-testid=run-error]').count()).toBe(0);
    expect(await results(page)).toEqual(expected);
    await page.close();
  });

  it('redraws the live plots ≥ 5 times a second during a CPU run, and pauses', async () => {
    // the run is in a worker and the page only draws (3000 trials: still running after 4 s)
    const page = await open(
      'update-rate',
      '#v=1&lab=isn&preset=cross-homeostatic&seed=1&backend=cpu&trials=3000',
    );
    await page.waitForSelector('[data-testid=plot-rates][data-rev]');
    await page.click('[data-testid=run]');
    const sample = () =>
      page.evaluate(() => ({
        t: performance.now(),
        status: document.querySelector('[data-testid=progress]')?.getAttribute('data-status'),
        revs: [...document.querySelectorAll<HTMLElement>('[data-testid^="plot-"]')].map((e) =>
          Number(e.dataset.rev),
        ),
      }));
    await page.waitForTimeout(500);
    const a = await sample();
    await page.waitForTimeout(3000);
    const b = await sample();
    expect(b.status).toBe('running');
    const rates = b.revs.map((r, k) => ((r - a.revs[k]) * 1000) / (b.t - a.t));
    console.log(`plot redraws per second during the CPU run: ${rates.map((r) => r.toFixed(1))}`);
    expect(rates.length).toBe(4);
    for (const r of rates) expect(r).toBeGreaterThanOrEqual(5);
    await page.click('[data-testid=pause]');
    await page.waitForSelector('[data-testid=progress][data-status=paused]', { timeout: 10_000 });
    const trial = await attrNum(page, '[data-testid=progress]', 'data-trial');
    await page.waitForTimeout(500);
    expect(await attrNum(page, '[data-testid=progress]', 'data-trial')).toBe(trial);
    await page.close();
  });

  it('saves a screenshot of a cross-homeostatic run (CPU, 500 trials)', async () => {
    const page = await open(
      'screenshot',
      '#v=1&lab=isn&preset=cross-homeostatic&seed=1&backend=cpu',
    );
    await page.click('[data-testid=run]');
    await waitDone(page, 120_000);
    await page.waitForTimeout(600); // the last plot frame
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(Number(await page.getAttribute('[data-testid=result-E]', 'data-value'))).toBeGreaterThan(
      0,
    );
    await page.close();
  });

  it('logged no console errors on any page', () => {
    expect(problems).toEqual([]);
  });
});
