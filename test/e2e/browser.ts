/**
 * What the labs' end-to-end tests share: the built app (dist/, from `npx vite build`) served on
 * 127.0.0.1, Debian's Chromium (headless, WebGPU on SwiftShader) through playwright-core, pages
 * whose console errors and page errors are collected, and reading a page's run: its status, a
 * plot's points, a result's exact value.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { serveDir, type StaticServer } from './server';

const DIST = resolve(__dirname, '../../dist');
/** Debian's Chromium (never a downloaded browser). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless Chromium's default GPU path is SwiftShader; --enable-unsafe-webgpu exposes WebGPU on it. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];

export interface AppInBrowser {
  /** open the app at `hash` and wait until it can run; `name` labels its console errors */
  open(name: string, hash: string): Promise<Page>;
  /** the console and page errors of every page opened */
  problems: string[];
  close(): Promise<void>;
}

export async function launchApp(): Promise<AppInBrowser> {
  if (!existsSync(resolve(DIST, 'index.html')))
    throw new Error('dist/ is missing: run `npx vite build` first');
  const server: StaticServer = await serveDir(DIST);
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  const context: BrowserContext = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    acceptDownloads: true,
  });
  const problems: string[] = [];
  return {
    problems,
    async open(name, hash) {
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`${name}: console error: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
      await page.goto(server.url + hash);
      await page.waitForSelector('[data-testid=run]:not([disabled])', { timeout: 30_000 });
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Wait for the run's status (the results row's data-status); on a timeout, say what it shows. */
export async function waitStatus(page: Page, want: string, timeout = 90_000): Promise<void> {
  await page
    .waitForSelector(`[data-testid=progress][data-status=${want}]`, { timeout })
    .catch(async (e: unknown) => {
      const now = await page.getAttribute('[data-testid=progress]', 'data-status');
      const text = await page.locator('[data-testid=results]').innerText();
      throw new Error(`status ${want} not reached (${now}): ${text}`, { cause: e });
    });
}

/** The points a plot draws (once it has drawn). */
export async function points(page: Page, id: string): Promise<number> {
  await page.waitForSelector(`[data-testid=plot-${id}][data-rev]`, { timeout: 30_000 });
  return Number(await page.getAttribute(`[data-testid=plot-${id}]`, 'data-points'));
}

/** A result's exact value (data-value). */
export async function value(page: Page, id: string): Promise<number> {
  return Number(await page.getAttribute(`[data-testid=result-${id}]`, 'data-value'));
}
