/**
 * `npm run bench`: wall time of the ISN lab's workloads on the CPU reference backend and on
 * WebGPU, side by side in one run, and the ratios. Results print as a table and as JSON, and
 * (with --write) replace the generated section of BENCHMARKS.md.
 *
 * Workloads (issue #2, §7):
 *  A. one two-population network, 500 trials of 2 s at dt 0.1 ms = 10⁷ Euler steps (CPU)
 *  B. a batch of 1024 multi-start two-population networks (grid/random box), T trials,
 *     on WebGPU and on the CPU: steps·networks per second; per-network cost vs A
 *  C. the 80E/20I multi-unit network: time per 2 s trial on each backend
 *
 * Flags: --quick (fewer trials, for a smoke run), --write (update BENCHMARKS.md),
 *        --backends cpu,webgpu, --batch-trials N.
 */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Backend } from '../src/engine/backend';
import { CpuBackend } from '../src/engine/cpu/cpuBackend';
import { defaults, type ParamValues } from '../src/model/params';
import { ISN_PARAMS } from '../src/labs/isn/params';
import { IsnRun } from '../src/labs/isn/runner';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    backends: { type: 'string', default: 'cpu,webgpu' },
    'batch-trials': { type: 'string' },
  },
});

interface Row {
  workload: string;
  backend: string;
  networks: number;
  steps: number;
  wall_s: number;
  steps_per_s: number;
  note?: string;
}

const base = defaults(ISN_PARAMS);
const rows: Row[] = [];

async function timeRun(
  backend: Backend,
  values: ParamValues,
  trials: number,
  seed = 1,
): Promise<{ wall: number; run: IsnRun }> {
  const run = new IsnRun(backend, { ...values, trials }, seed, { readEvery: trials });
  // warm-up: compile pipelines / JIT on one short trial of a throwaway run
  const warm = new IsnRun(
    backend,
    { ...values, trials: 1, trial_ms: 100, window_ms: 50 },
    seed,
    {},
  );
  await warm.runTrials();
  warm.dispose();
  const t0 = performance.now();
  await run.runTrials();
  await run.result();
  const wall = (performance.now() - t0) / 1000;
  return { wall, run };
}

async function main(): Promise<void> {
  const want = new Set(String(flags.backends).split(','));
  const backends: Backend[] = [];
  let gpuLabel = 'not measured';
  if (want.has('cpu')) backends.push(new CpuBackend());
  if (want.has('webgpu')) {
    try {
      const { nodeGpu } = await import('../src/engine/webgpu/node');
      const { acquireBackend } = await import('../src/engine/acquire');
      const { backend } = await acquireBackend('webgpu', { gpu: await nodeGpu() });
      backends.push(backend);
      gpuLabel = backend.label;
    } catch (e) {
      console.error(
        `WebGPU unavailable, measuring the CPU only: ${e instanceof Error ? e.message : e}`,
      );
    }
  }
  const quick = flags.quick;
  const trialsA = quick ? 50 : 500;
  const batchTrials = Number(flags['batch-trials'] ?? (quick ? 1 : 5));
  const stepsPerTrial = 20000;

  for (const be of backends) {
    // A: one network, 500 trials
    if (be.kind === 'cpu' || !quick) {
      const { wall } = await timeRun(be, { ...base, rule: 'cross' }, trialsA);
      const steps = trialsA * stepsPerTrial;
      rows.push({
        workload: `A two-pop, ${trialsA} trials`,
        backend: be.kind,
        networks: 1,
        steps,
        wall_s: wall,
        steps_per_s: steps / wall,
      });
    }
    // B: 1024 networks
    const vB = { ...base, rule: 'cross', starts: 'random', n_starts: 1024 };
    const { wall: wB } = await timeRun(be, vB, batchTrials);
    const stepsB = batchTrials * stepsPerTrial;
    rows.push({
      workload: `B 1024 two-pop networks, ${batchTrials} trials`,
      backend: be.kind,
      networks: 1024,
      steps: stepsB,
      wall_s: wB,
      steps_per_s: (stepsB * 1024) / wB,
    });
    // C: multi-unit 80E/20I
    const trialsC = quick ? 1 : 3;
    const { wall: wC } = await timeRun(
      be,
      { ...base, model: 'multi-unit', rule: 'two-term' },
      trialsC,
    );
    rows.push({
      workload: `C multi-unit 80E/20I, ${trialsC} trials`,
      backend: be.kind,
      networks: 1,
      steps: trialsC * stepsPerTrial,
      wall_s: wC,
      steps_per_s: (trialsC * stepsPerTrial) / wC,
    });
  }
  for (const be of backends) be.dispose();

  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
  console.log(`machine: ${machine}`);
  console.log(`WebGPU adapter: ${gpuLabel}`);
  console.log('workload | backend | networks | steps/network | wall (s) | steps·networks/s');
  for (const r of rows)
    console.log(
      `${r.workload} | ${r.backend} | ${r.networks} | ${r.steps} | ${r.wall_s.toFixed(3)} | ${r.steps_per_s.toExponential(3)}`,
    );
  const ratios = computeRatios();
  for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v}`);
  console.log(JSON.stringify({ machine, gpu: gpuLabel, rows, ratios }));
  if (flags.write) writeMarkdown(machine, gpuLabel, ratios);
}

function computeRatios(): Record<string, string> {
  const out: Record<string, string> = {};
  const a = rows.find((r) => r.workload.startsWith('A') && r.backend === 'cpu');
  const bGpu = rows.find((r) => r.workload.startsWith('B') && r.backend === 'webgpu');
  const bCpu = rows.find((r) => r.workload.startsWith('B') && r.backend === 'cpu');
  if (a && bGpu)
    out['B webgpu per-network throughput / A cpu single network'] =
      `${(bGpu.steps_per_s / a.steps_per_s).toFixed(2)}×`;
  if (bCpu && bGpu)
    out['B webgpu / B cpu (same batch)'] = `${(bGpu.steps_per_s / bCpu.steps_per_s).toFixed(2)}×`;
  const cG = rows.find((r) => r.workload.startsWith('C') && r.backend === 'webgpu');
  const cC = rows.find((r) => r.workload.startsWith('C') && r.backend === 'cpu');
  if (cG && cC) out['C webgpu / C cpu'] = `${(cG.steps_per_s / cC.steps_per_s).toFixed(2)}×`;
  return out;
}

function writeMarkdown(machine: string, gpu: string, ratios: Record<string, string>): void {
  const file = path.resolve(import.meta.dirname, '..', 'BENCHMARKS.md');
  const begin = '<!-- bench:isn:begin -->';
  const end = '<!-- bench:isn:end -->';
  const table = [
    begin,
    `Generated by \`npm run bench -- --write\` on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `- Machine: ${machine}`,
    `- WebGPU adapter: ${gpu}`,
    '',
    '| workload | backend | networks | steps per network | wall (s) | steps·networks/s |',
    '|---|---|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.workload} | ${r.backend} | ${r.networks} | ${r.steps} | ${r.wall_s.toFixed(3)} | ${r.steps_per_s.toExponential(3)} |`,
    ),
    '',
    ...Object.entries(ratios).map(([k, v]) => `- ${k}: **${v}**`),
    end,
  ].join('\n');
  let md = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  if (md.includes(begin) && md.includes(end))
    md = md.slice(0, md.indexOf(begin)) + table + md.slice(md.indexOf(end) + end.length);
  else md += `\n${table}\n`;
  fs.writeFileSync(file, md);
  console.log(`wrote ${file}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
