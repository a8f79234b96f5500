/**
 * End-to-end: the reduced linear model (Giannakakis et al. 2023, Appendix C) and the
 * paired-pulse protocol (stp) in the built app, in headless Chromium: a link to a preset restores it; Run computes in the worker and shows
 * exactly the correlations the same computation gives in Node; the sweep and the clustering
 * search draw their figures; a link to a non-stationary network is refused with a message.
 *
 * Run: npx vite build && npx vitest run --config vitest.e2e.config.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchApp, points, type AppInBrowser } from './browser';
import { encodeShareState } from '../../src/state/url';
import { labOf, presetValues } from '../../src/state/store';
import { defaults, type ParamValues } from '../../src/model/params';
import { REDUCED_PARAMS } from '../../src/labs/reduced/params';
import { reducedSummary } from '../../src/labs/reduced/summary';
import { stpResult } from '../../src/labs/stp/summary';

let app: AppInBrowser;

const link = (preset: string, extra: ParamValues = {}, view: string | null = null) =>
  '#' +
  encodeShareState({
    lab: 'reduced',
    preset,
    seed: 4,
    values: { ...presetValues(labOf('reduced'), preset), ...extra },
    view,
    backend: 'auto',
  });

/** Open the link, press Run and wait for the computation's end. */
async function run(hash: string): Promise<Page> {
  const page = await app.open('reduced', hash);
  await page.click('[data-testid=run]');
  await page.waitForSelector(
    '[data-testid=progress][data-status=done], [data-testid=progress][data-status=error]',
    { timeout: 60_000 },
  );
  return page;
}

beforeAll(async () => {
  app = await launchApp();
});

afterAll(async () => {
  await app?.close();
});

describe('the reduced model in Chromium', () => {
  it('computes the homogeneous preset: exactly the Node numbers, C10 beside them', async () => {
    const page = await run(link('homogeneous'));
    expect(await page.inputValue('.lab-select')).toBe('reduced');
    const ref = reducedSummary(
      { ...defaults(REDUCED_PARAMS), ...presetValues(labOf('reduced'), 'homogeneous') },
      4,
    );
    for (const k of ['C_EI_int', 'C_EE_ext', 'C_II_ext', 'C_EI_ext'] as const)
      expect(Number(await page.getAttribute(`[data-testid=result-${k}]`, 'data-value'))).toBe(
        ref[k],
      );
    // exact, C10 as printed and EI Lab's reading of C10: 3 × 4 bars; the eigenvalues
    expect(await points(page, 'red-corr')).toBe(12);
    expect(await points(page, 'red-eig')).toBeGreaterThanOrEqual(2);
    await page.close();
  });

  it('draws a coupling sweep and the clustering search', async () => {
    const sweep = await run(link('strong-coupling', { sweep_points: 11 }, 'sweep'));
    expect(await points(sweep, 'red-sweep')).toBeGreaterThanOrEqual(4 * 11);
    await sweep.close();
    const cl = await run(link('clustering', {}, 'clustering'));
    expect(await points(cl, 'red-cluster')).toBe(8);
    await cl.close();
  });

  it('refuses a link to a network without a stationary state, and says why', async () => {
    const page = await app.open('refused', link('homogeneous', { structure: 'manual', a: 2 }));
    await page.waitForSelector('[data-testid=link-errors]', { timeout: 30_000 });
    expect(await page.innerText('[data-testid=link-errors]')).toMatch(/no stationary state/);
    // the safe defaults were loaded instead
    expect(await page.inputValue('[data-testid=field-a]')).toBe('0');
    await page.close();
  });

  it('computes the paired-pulse protocol (stp lab): the Node numbers, the train and PPR over U', async () => {
    for (const preset of ['depressing', 'facilitating']) {
      const values = presetValues(labOf('stp'), preset);
      const page = await run(
        '#' +
          encodeShareState({ lab: 'stp', preset, seed: 1, values, view: null, backend: 'auto' }),
      );
      expect(await page.inputValue('.lab-select')).toBe('stp');
      const ref = stpResult(values);
      expect(Number(await page.getAttribute('[data-testid=result-ppr]', 'data-value'))).toBe(
        ref.ppr,
      );
      expect(
        Number(await page.getAttribute('[data-testid=result-ppr_closed_form]', 'data-value')),
      ).toBe(ref.ppr_closed_form);
      // depressing below 1, facilitating above (Keijser & Sprekeler's PV and SST synapses)
      expect(ref.ppr < 1).toBe(preset === 'depressing');
      expect(await points(page, 'stp-train')).toBe(ref.efficacy.length + 2);
      expect(await points(page, 'stp-ppr')).toBe(22);
      await page.close();
    }
  });

  it('logged no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
