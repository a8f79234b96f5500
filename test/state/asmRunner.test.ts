/**
 * The assemblies lab's runner without a browser: the page's side (asmClient.ts) and the
 * worker's side (asmHost.ts → asmSession.ts) joined by a MessageChannel, which
 * structured-clones every message as a Worker would. Classroom size, a few passes, CPU.
 */
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { cpuAsmBackend, type AsmAcquireFn } from '../../src/app/asmBackend';
import { createAsmClient, type AsmClient, type AsmPortLike } from '../../src/app/asmClient';
import { hostAsm } from '../../src/app/asmHost';
import { shapeOf } from '../../src/app/asmSession';
import type { SimPort } from '../../src/app/simProtocol';
import { createAsmStore, type AsmStore } from '../../src/state/asmStore';
import { createAppStore, type AppStore } from '../../src/state/store';

const cpuAcquire: AsmAcquireFn = async () => cpuAsmBackend('CPU (test)', 'test');

function classroom(epochs = 3): AppStore {
  const app = createAppStore();
  const s = app.getState();
  s.selectLab('assemblies');
  s.applyPreset('classroom');
  expect(s.editParam('epochs', String(epochs))).toBe(true);
  expect(app.getState().editParam('perturb_cells', '4')).toBe(true);
  expect(app.getState().editParam('samples', '300')).toBe(true);
  return app;
}

const open: (() => void)[] = [];

/**
 * The host rests 1 ms between slices (restMs): under Node a MessageChannel turn (restMs 0)
 * lets the host's own messages starve the page's port, which would then hear nothing until
 * the run ends; a browser interleaves them.
 */
function connect(app: AppStore): { client: AsmClient; asm: AsmStore } {
  const ch = new MessageChannel();
  const stop = hostAsm(ch.port2 as unknown as SimPort, { acquire: cpuAcquire, restMs: 1 });
  const asm = createAsmStore();
  const client = createAsmClient(app, asm, {
    connect: () => ch.port1 as unknown as AsmPortLike,
  });
  open.push(() => {
    client.dispose();
    stop();
    ch.port1.close();
    ch.port2.close();
  });
  return { client, asm };
}

afterEach(() => {
  while (open.length) open.pop()!();
});

async function waitFor(cond: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const finite = (x: number | null | undefined) => typeof x === 'number' && Number.isFinite(x);

describe('assemblies runner (page ↔ worker messages)', () => {
  it('trains the classroom network to the end and produces the analyses', async () => {
    const app = classroom(3);
    const { client, asm } = connect(app);
    await client.init();
    expect(asm.getState().backend.label).toBe('CPU (test)');
    expect(asm.getState().shape).toMatchObject({ nE: 64, nI: 8, nS: 216, passes: 3 });
    await client.start();
    await client.idle;
    const s = asm.getState();
    expect(s.progress.status).toBe('done');
    expect(s.progress.stage).toBe('done');
    expect(s.progress.pass).toBe(3);
    expect(s.history.map((p) => p.pass)).toEqual([0, 1, 2]);
    for (const p of s.history) {
      expect(p.loss).toBeGreaterThan(0);
      expect(p.convergedFraction).toBeGreaterThan(0.9);
    }
    // the loss falls with learning
    expect(s.history[2].loss).toBeLessThan(s.history[0].loss);
    // selectivity at the start and at the end (and maybe between)
    expect(s.selectivity[0].pass).toBe(0);
    expect(s.selectivity[s.selectivity.length - 1].pass).toBe(3);
    expect(s.selectivity[0].I.length).toBe(8);
    // sorted weights
    const w = s.weights!;
    expect(w.pass).toBe(3);
    expect(w.wEI.length).toBe(64 * 8);
    expect([...w.pvOrder].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // analyses: finite numbers
    const a = s.analysis!;
    expect(a.output.w.length).toBeGreaterThan(10);
    for (const c of [a.output.c, a.input.c, a.reciprocal.c]) {
      expect(finite(c.r)).toBe(true);
      expect(finite(c.p)).toBe(true);
    }
    expect(finite(a.selectivity.U)).toBe(true);
    expect(finite(a.selectivity.p)).toBe(true);
    expect(a.sampling.outputRs.length).toBe(300);
    expect(finite(a.sampling.frac.outputRs)).toBe(true);
    expect(a.pairs.length).toBeGreaterThan(0);
    expect(a.pairs[0].rE.length).toBe(216);
    expect(a.perturbation.before?.cells.length).toBe(4);
    expect(finite(a.perturbation.after?.slope)).toBe(true);
    expect(finite(a.expectedR2.before) && finite(a.expectedR2.after)).toBe(true);
    expect(a.summary.epochs_run).toBe(3);
    expect(a.summary.backend).toBe('CPU (test)');
    expect(finite(a.summary.corr_output_rs)).toBe(true);
    // Fig 1f for the example pair's Pyr cell
    expect(s.tuning?.cell).toBe(a.pairs[0].e);
    expect(s.tuning?.after.exc.length).toBe(36);
    // exports
    const sum = JSON.parse((await client.exportFile('summary'))!.text);
    expect(sum.epochs_run).toBe(3);
    expect(sum.values.epochs).toBe(3);
    const hist = (await client.exportFile('history'))!.text.trim().split('\n');
    expect(hist.length).toBe(4);
    expect((await client.exportFile('perturbation'))!.text).toContain('before,');
  });

  it('pauses within a pass and resumes to the end', async () => {
    const app = classroom(4);
    app.getState().editParam('perturb_cells', '0');
    const { client, asm } = connect(app);
    await client.init();
    void client.start();
    await waitFor(() => asm.getState().history.length >= 1);
    client.pause();
    await waitFor(() => asm.getState().progress.status === 'paused');
    const pass = asm.getState().progress.pass;
    expect(pass).toBeGreaterThanOrEqual(1);
    expect(pass).toBeLessThan(4);
    await new Promise((r) => setTimeout(r, 300));
    expect(asm.getState().progress.pass).toBe(pass);
    expect(asm.getState().history.length).toBe(pass);
    // one pass, then pause again
    await client.step();
    expect(asm.getState().progress.status).toBe('paused');
    expect(asm.getState().progress.pass).toBe(pass + 1);
    await client.start();
    await client.idle;
    expect(asm.getState().progress.status).toBe('done');
    expect(asm.getState().history.map((p) => p.pass)).toEqual([0, 1, 2, 3]);
    expect(asm.getState().analysis?.perturbation.after).toBeNull();
  });

  it('serves perturbation, stimulus explorer and tuning requests', async () => {
    const app = classroom(2);
    app.getState().editParam('perturb_cells', '2');
    const { client, asm } = connect(app);
    await client.init();
    // before any run: the initial network
    await client.request({ type: 'explore', idx: [1, 2, 3] });
    const e = asm.getState().explore!;
    expect(e.stim).toBe((1 * 6 + 2) * 6 + 3);
    expect(e.pass).toBe(0);
    expect(e.rE.length).toBe(64);
    expect(e.rI.length).toBe(8);
    expect(e.converged).toBe(true);
    await client.request({ type: 'perturbCell', cell: 5 });
    const p = asm.getState().probe!;
    expect(p.cell).toBe(5);
    expect(Number.isNaN(p.influence[5])).toBe(true);
    const others = [...p.influence].filter((x, j) => j !== 5);
    expect(others.every(Number.isFinite)).toBe(true);
    expect(others.some((x) => x !== 0)).toBe(true);
    await expect(client.request({ type: 'perturbCell', cell: 64 })).rejects.toThrow(
      /does not exist/,
    );
    await expect(client.request({ type: 'tuning', cell: 3 })).rejects.toThrow(/Run to the end/);
    await client.start();
    await client.idle;
    await client.request({ type: 'tuning', cell: 7 });
    expect(asm.getState().tuning?.cell).toBe(7);
    await client.request({ type: 'perturbRandom' });
    const r = asm.getState().probeRandom!;
    expect(r.pass).toBe(2);
    expect(r.cells.length).toBe(2);
    expect(finite(r.slope)).toBe(true);
    expect(asm.getState().busy).toBeNull();
  });

  it('compares conditions from the same seed', async () => {
    const app = classroom(2);
    const { client, asm } = connect(app);
    await client.init();
    await client.request({ type: 'compare', conditions: ['both', 'neither'], perturb: false });
    const c = asm.getState().compare!;
    expect(c.running).toBe(false);
    expect(c.rows.map((r) => [r.id, r.state])).toEqual([
      ['both', 'done'],
      ['neither', 'done'],
    ]);
    expect(c.rows[0].loss.length).toBe(2);
    expect(c.rows[1].loss.length).toBe(0);
    expect(c.rows[0].summary?.plastic).toBe('both');
    expect(c.rows[1].summary?.plastic).toBe('none');
    expect(c.rows[1].summary?.perturb_slope_after).toBeNull();
    // same seed: the same initial network
    expect(c.rows[0].summary?.loss_initial).toBe(c.rows[1].summary?.loss_initial);
    expect(finite(c.rows[0].summary?.corr_output_rs)).toBe(true);
  });

  it('resets on a parameter change and follows the lab', async () => {
    const app = classroom(2);
    app.getState().editParam('perturb_cells', '0');
    const { client, asm } = connect(app);
    await client.init();
    await client.step();
    expect(asm.getState().history.length).toBe(1);
    const epoch = asm.getState().epoch;
    app.getState().editParam('epochs', '5');
    await waitFor(() => asm.getState().epoch > epoch);
    expect(asm.getState().history).toEqual([]);
    expect(asm.getState().progress).toMatchObject({ status: 'idle', pass: 0, passes: 5 });
    expect(shapeOf(app.getState().values).passes).toBe(5);
  });

  it('reports the angle between the gradient and the local update (eq 7)', async () => {
    const app = classroom(1);
    app.getState().editParam('perturb_cells', '0');
    app.getState().editParam('angles', true);
    const { client, asm } = connect(app);
    await client.init();
    await client.step();
    const p = asm.getState().history[0];
    expect(p.angleEI).toBeGreaterThan(0);
    expect(p.angleEI).toBeLessThan(Math.PI);
    expect(p.angleIE).toBeGreaterThan(0);
    expect(p.angleIE).toBeLessThan(Math.PI);
  });

  it('falls back to a host on the page when the worker cannot start', async () => {
    const app = classroom(1);
    app.getState().editParam('perturb_cells', '0');
    const asm = createAsmStore();
    const client = createAsmClient(app, asm, {
      connect: () => {
        throw new Error('no workers here');
      },
      inPage: () => {
        const ch = new MessageChannel();
        hostAsm(ch.port2 as unknown as SimPort, { acquire: cpuAcquire, restMs: 1 });
        return ch.port1 as unknown as AsmPortLike;
      },
    });
    open.push(() => client.dispose());
    await client.init();
    await client.start();
    await client.idle;
    expect(asm.getState().progress.status).toBe('done');
    expect(asm.getState().analysis?.summary.epochs_run).toBe(1);
  });
});

describe('assemblies runner: a lost GPU device', () => {
  it('recovers the run from the last pass boundary and ends exactly as an uninterrupted run', async () => {
    // a "webgpu" backend whose engines are the CPU reference, so both runs are bit-exact
    let lose: ((reason: string) => void) | null = null;
    let made = 0;
    const fakeGpu: AsmAcquireFn = async (_pref, opts) => {
      made++;
      lose = opts.onDeviceLost ?? null;
      return { ...cpuAsmBackend(`fake GPU ${made}`, null), kind: 'webgpu' };
    };
    const run = async (acquire: AsmAcquireFn, loseAtPass: number | null) => {
      const app = classroom(5);
      expect(app.getState().editParam('perturb_cells', '0')).toBe(true);
      const ch = new MessageChannel();
      const stop = hostAsm(ch.port2 as unknown as SimPort, { acquire, restMs: 1 });
      const asm = createAsmStore();
      const client = createAsmClient(app, asm, {
        connect: () => ch.port1 as unknown as AsmPortLike,
      });
      open.push(() => {
        client.dispose();
        stop();
        ch.port1.close();
        ch.port2.close();
      });
      await client.init();
      void client.start();
      if (loseAtPass !== null) {
        await waitFor(() => asm.getState().history.length >= loseAtPass);
        // mid-pass: let the next pass start, then lose the device
        await new Promise((r) => setTimeout(r, 30));
        lose!('test: device lost');
      }
      await waitFor(() => asm.getState().progress.status === 'done', 120_000);
      return asm.getState();
    };
    const clean = await run(cpuAcquire, null);
    const lost = await run(fakeGpu, 2);
    expect(made).toBe(2); // a second backend was acquired after the loss
    expect(lost.history.map((p) => p.pass)).toEqual([0, 1, 2, 3, 4]);
    expect(lost.history.map((p) => p.loss)).toEqual(clean.history.map((p) => p.loss));
    // the loss surfacing first as a failed batch (a rejected readback), then device.lost
    let broken = false;
    const failingGpu: AsmAcquireFn = async (_pref, opts) => {
      made++;
      lose = (reason) => {
        broken = true;
        setTimeout(() => opts.onDeviceLost?.(reason), 20);
      };
      const base = cpuAsmBackend(`fake GPU ${made}`, null);
      return {
        ...base,
        kind: 'webgpu',
        createEngine: async (net) => {
          const e = await base.createEngine(net);
          const train = e.trainBatch.bind(e);
          e.trainBatch = (stim, upd) =>
            broken ? Promise.reject(new Error('mapAsync: device lost')) : train(stim, upd);
          return e;
        },
      };
    };
    const lost2 = await run(async (pref, opts) => {
      const b = await failingGpu(pref, opts);
      if (made > 3) broken = false; // the re-acquired device works
      return b;
    }, 2);
    expect(lost2.progress.runError).toBeNull();
    expect(lost2.history.map((p) => p.loss)).toEqual(clean.history.map((p) => p.loss));
    expect(lost.analysis?.summary.corr_output_rs).toBe(clean.analysis?.summary.corr_output_rs);
    expect(lost.analysis?.summary.loss_final).toBe(clean.analysis?.summary.loss_final);
    expect(lost.analysis?.summary.loss_final).not.toBeNull();
  }, 240_000);
});
