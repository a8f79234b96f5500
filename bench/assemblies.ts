/**
 * Assemblies lab benchmark (issue #3), run by `npm run bench` after the ISN workloads (or
 * alone: `npm run bench -- --lab assemblies`). Side by side in one run:
 *  A. one pass at the paper size (1728 steady states, 512 Pyr + 64 PV): wall time per steady
 *     state and Euler steps per steady state, CPU and WebGPU; the full pass and the 500-pass
 *     training in the "paper" and "fast" schedules are extrapolated from the measured batch
 *     (stated in the table);
 *  B. the classroom preset trained to the end on each backend (goal: < 30 s on the CPU);
 *  C. "paper" vs "fast" schedule on the classroom size: wall time and end-state measures.
 */
import { defaults, type ParamValues } from '../src/model/params';
import { ASM_PARAMS, asmConfig } from '../src/labs/assemblies/params';
import { ASM_PRESETS } from '../src/labs/assemblies/presets';
import { buildNetwork, type AsmNetwork } from '../src/labs/assemblies/network';
import { CpuAsmEngine } from '../src/labs/assemblies/cpuEngine';
import type { AsmEngine } from '../src/labs/assemblies/engine';
import { runAssemblies, trainConfig } from '../src/labs/assemblies/runner';
import { AsmTrainer } from '../src/labs/assemblies/trainer';
import { asmSummary } from '../src/labs/assemblies/summary';

export interface AsmRow {
  workload: string;
  backend: string;
  measured: string;
  wall_s: number;
  per_unit: string;
  extrapolated?: string;
  note?: string;
}

type EngineFactory = (net: AsmNetwork) => Promise<AsmEngine>;

async function gpuFactory(): Promise<EngineFactory | null> {
  try {
    const { nodeGpu } = await import('../src/engine/webgpu/node');
    const { acquireDevice } = await import('../src/engine/webgpu/device');
    const { createWebGpuAsmEngine } = await import('../src/engine/webgpu/asm/asmEngine');
    const { device, label } = await acquireDevice(await nodeGpu());
    const f: EngineFactory = (net) => createWebGpuAsmEngine(device, net);
    (f as EngineFactory & { label?: string }).label = label;
    return f;
  } catch (e) {
    console.error(`webgpu unavailable: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

function preset(id: string): ParamValues {
  const p = ASM_PRESETS.find((x) => x.id === id)!;
  return { ...defaults(ASM_PARAMS), ...p.values };
}

const fmt = (x: number, d = 3) => String(Number(x.toPrecision(d)));

type Timed = { timing?: { encodeMs: number; waitMs: number } };
const timingOf = (eng: AsmEngine) => ({ ...((eng as Timed).timing ?? { encodeMs: 0, waitMs: 0 }) });
/** Where a WebGPU solve's time went: encoding the step dispatches vs waiting for the GPU. */
function timingSplit(eng: AsmEngine, t0: { encodeMs: number; waitMs: number }): string | undefined {
  const t = (eng as Timed).timing;
  if (!t) return undefined;
  return `encoding ${fmt(t.encodeMs - t0.encodeMs)} ms, waiting for the GPU ${fmt(t.waitMs - t0.waitMs)} ms`;
}

export async function runAsmBench(opts: { quick: boolean; backends: string[] }): Promise<AsmRow[]> {
  const rows: AsmRow[] = [];
  const factories: [string, EngineFactory][] = [];
  if (opts.backends.includes('cpu')) factories.push(['cpu', async (n) => new CpuAsmEngine(n)]);
  if (opts.backends.includes('webgpu')) {
    const g = await gpuFactory();
    if (g) factories.push([`webgpu (${(g as EngineFactory & { label?: string }).label ?? ''})`, g]);
  }

  // A. paper size: a batch of steady states from the initial weights
  const paperNet = buildNetwork(asmConfig(preset('paper')), 1);
  for (const [name, make] of factories) {
    const eng = await make(paperNet);
    // SwiftShader (a CPU Vulkan) runs a step dispatch in milliseconds: measure 64 there
    const soft = /swiftshader/i.test(name);
    const B = name === 'cpu' ? (opts.quick ? 16 : 64) : opts.quick || soft ? 64 : 1728;
    const stim = Int32Array.from({ length: B }, (_, i) => Math.floor((i * paperNet.nS) / B));
    await eng.solve(stim.subarray(0, Math.min(B, 4))); // warm-up (pipelines, JIT)
    const tm0 = timingOf(eng);
    const t0 = performance.now();
    const res = await eng.solve(stim);
    const wall = (performance.now() - t0) / 1000;
    const split = timingSplit(eng, tm0);
    const steps = res.steps.reduce((a, b) => a + b, 0) / B;
    const perState = wall / B;
    // "paper" schedule: 1728 sequential steady states per pass (batch of one); on the GPU a
    // batch of one is dispatch-bound, measured separately below
    const passFast = name === 'cpu' ? perState * paperNet.nS : (wall * paperNet.nS) / B;
    rows.push({
      workload: 'A. paper size, steady states (initial weights)',
      backend: name,
      measured: `${B} stimuli, batch ${name === 'cpu' ? 1 : B}`,
      wall_s: wall,
      per_unit: `${fmt(perState * 1000)} ms/steady state, ${fmt(steps)} Euler steps each`,
      extrapolated: `one pass ${fmt(passFast)} s; 500 passes ${fmt((passFast * 500) / 60)} min (fast schedule${name === 'cpu' ? '; = paper schedule on the CPU' : ''})`,
      note: split,
    });
    if (name !== 'cpu') {
      const one = Int32Array.of(0);
      await eng.solve(one);
      const tm1 = timingOf(eng);
      const t1 = performance.now();
      const n1 = opts.quick ? 2 : 8;
      for (let k = 0; k < n1; k++) await eng.solve(Int32Array.of(k * 97));
      const w1 = (performance.now() - t1) / 1000 / n1;
      const split1 = timingSplit(eng, tm1);
      rows.push({
        workload: 'A. paper size, one stimulus at a time ("paper" schedule)',
        backend: name,
        measured: `${n1} single-stimulus solves`,
        wall_s: w1 * n1,
        per_unit: `${fmt(w1 * 1000)} ms/steady state`,
        extrapolated: `one pass ${fmt(w1 * paperNet.nS)} s; 500 passes ${fmt((w1 * paperNet.nS * 500) / 3600)} h`,
        note: split1,
      });
    }
    eng.dispose();
  }

  // B. the classroom preset trained to the end (training only, then the analyses)
  const cv = preset('classroom');
  for (const [name, make] of factories) {
    const net = buildNetwork(asmConfig(cv), 1);
    const eng = await make(net);
    const t0 = performance.now();
    const soft = /swiftshader/i.test(name);
    const cfg = trainConfig(cv, net.nS, 1);
    const full = cfg.epochs;
    if (soft) cfg.epochs = 2; // extrapolated: SwiftShader is far slower than the CPU engine
    const tr = new AsmTrainer(eng, cfg);
    while (!tr.done) await tr.step();
    const wall = (performance.now() - t0) / 1000;
    rows.push({
      workload: 'B. classroom preset, full training',
      backend: name,
      measured: `${tr.cfg.epochs} passes × ${net.nS} stimuli, batch ${tr.batchSize}`,
      wall_s: wall,
      per_unit: `${fmt((wall / tr.cfg.epochs) * 1000)} ms/pass; final loss ${fmt(tr.history.at(-1)!.loss)}`,
      extrapolated: soft ? `${full} passes ≈ ${fmt((wall / tr.cfg.epochs) * full)} s` : undefined,
      note: name === 'cpu' ? `goal < 30 s: ${wall < 30 ? 'met' : 'NOT met'}` : undefined,
    });
    eng.dispose();
  }

  // C. paper vs fast schedule, classroom size, same seed/passes/learning rate
  // (SwiftShader would take hours for the online schedule's one-stimulus dispatches)
  for (const [name, make] of factories.filter(([n]) => n === 'cpu' || !/swiftshader/i.test(n))) {
    for (const schedule of ['paper', 'fast'] as const) {
      const v = { ...cv, schedule, epochs: opts.quick ? 5 : 20, perturb_cells: 0, samples: 1000 };
      const net = buildNetwork(asmConfig(v), 3);
      const eng = await make(net);
      const r = await runAssemblies(eng, v, 3);
      const s = asmSummary(net, r, v, { backend: name, seed: 3 });
      rows.push({
        workload: `C. classroom, ${schedule} schedule`,
        backend: name,
        measured: `${v.epochs} passes${schedule === 'fast' ? `, batch ${String(cv.batch)}` : ', batch 1'}`,
        wall_s: r.wall.train,
        per_unit: `loss ${fmt(s.loss_final ?? NaN)}, r(out,RS) ${fmt(s.corr_output_rs ?? NaN)}, r(in,RS) ${fmt(s.corr_input_rs ?? NaN)}, r(in,out) ${fmt(s.corr_input_output ?? NaN)}, PV skew ${fmt(s.pv_skew_median_after ?? NaN)}`,
      });
      eng.dispose();
    }
  }
  return rows;
}

export function asmTable(rows: AsmRow[]): string {
  const L = [
    '| workload | backend | measured | wall (s) | per unit | extrapolated / note |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows)
    L.push(
      `| ${r.workload} | ${r.backend} | ${r.measured} | ${fmt(r.wall_s)} | ${r.per_unit} | ${[r.extrapolated, r.note].filter(Boolean).join('; ')} |`,
    );
  return L.join('\n');
}
