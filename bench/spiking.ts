/**
 * Spiking benchmarks (issue #4; models in ../shared/spec/benchmarks.md), side by side in one
 * run:
 *  - COBA (Brette et al. 2007) at N = 4000, p = 0.02: EI Lab's CPU backend (and WebGPU when
 *    available) against Brian2 2.5.1 C++ standalone from Debian (`scripts/reference/coba_bench.py`
 *    run with /usr/bin/python3): simulation-loop wall time per simulated second, set-up
 *    separately, and the mean rates so that equal work is seen to be done;
 *  - scaling: N = 1k … 100k with p = 80/N (fixed expected synapses per neuron);
 *  - the co-tuning network (1000 neurons, 1008 Poisson trains, plastic read-out with triplet
 *    STDP, Vogels iSTDP and competitive normalisation), feedforward and recurrent, per simulated
 *    second, against the same model in Brian2 C++ standalone
 *    (`scripts/reference/cotuning_bench.py`; also the read-out neuron's rate).
 * The ratios in the table are EI Lab wall time over Brian2's (< 1: EI Lab faster).
 */
import { execFileSync } from 'node:child_process';
import { compileNetwork } from '../src/model/spiking/build';
import { CpuSpikingSim } from '../src/engine/spiking/cpu/cpuSim';
import { cobaSpec } from '../src/labs/coba/network';
import { cotuningSpec, DEFAULT_COTUNING } from '../src/labs/cotuning/network';
import type { SpikingSimLike } from '../src/engine/spiking/sim';

export interface SpikingRow {
  workload: string;
  backend: string;
  N: number;
  synapses: number | null;
  sim_s: number;
  setup_wall_s: number;
  sim_wall_s: number;
  wall_per_sim_s: number;
  rate_E: number | null;
  rate_I: number | null;
  /** the co-tuning read-out neuron's rate (Hz) */
  rate_readout?: number | null;
  note?: string;
}

function cobaCpu(N: number, p: number, duration: number, seed = 1): SpikingRow {
  const t0 = performance.now();
  const net = compileNetwork(cobaSpec({ N, p, dt: 0.1 }), seed);
  const sim = new CpuSpikingSim(net);
  const t1 = performance.now();
  const steps = Math.round(duration * 10000);
  const mon = { rateBin: steps };
  const rec = sim.newRecording(mon);
  sim.run(steps, mon, rec);
  const t2 = performance.now();
  const nE = net.populations[0].n;
  const nI = net.populations[1].n;
  return {
    workload: 'COBA',
    backend: 'EI Lab cpu',
    N,
    synapses: net.projections.reduce((a, x) => a + x.nSyn, 0),
    sim_s: duration,
    setup_wall_s: (t1 - t0) / 1000,
    sim_wall_s: (t2 - t1) / 1000,
    wall_per_sim_s: (t2 - t1) / 1000 / duration,
    rate_E: rec.rateCounts[0].data[0] / nE / duration,
    rate_I: rec.rateCounts[1].data[0] / nI / duration,
  };
}

type Factory = (net: ReturnType<typeof compileNetwork>) => Promise<SpikingSimLike>;

async function gpuFactory(): Promise<{ factory: Factory; label: string } | string> {
  try {
    const { nodeGpu } = await import('../src/engine/webgpu/node');
    const { acquireDevice } = await import('../src/engine/webgpu/device');
    const { createWebGpuSpikingSim } = await import('../src/engine/spiking/webgpu/engine');
    const { device } = await acquireDevice(await nodeGpu());
    const name = device.adapterInfo?.description || device.adapterInfo?.vendor || 'adapter';
    return {
      factory: (net) => createWebGpuSpikingSim(device, [net]),
      label: `EI Lab webgpu (${name})`,
    };
  } catch (e) {
    return `WebGPU unavailable: ${e instanceof Error ? e.message : String(e)}`;
  }
}

async function timeGpu(
  workload: string,
  net: ReturnType<typeof compileNetwork>,
  duration: number,
  g: { factory: Factory; label: string },
  N: number,
): Promise<SpikingRow> {
  const t0 = performance.now();
  const sim = await g.factory(net);
  await sim.run(100); // warm-up: pipelines, first submit
  const t1 = performance.now();
  const steps = Math.round(duration * 10000);
  const mon = { rateBin: 10 ** 9 };
  const rec = sim.newRecording(mon);
  await sim.run(steps, mon, rec);
  const t2 = performance.now();
  sim.dispose?.();
  return {
    workload,
    backend: g.label,
    N,
    synapses: net.projections.reduce((a, x) => a + x.nSyn, 0),
    sim_s: duration,
    setup_wall_s: (t1 - t0) / 1000,
    sim_wall_s: (t2 - t1) / 1000,
    wall_per_sim_s: (t2 - t1) / 1000 / duration,
    rate_E: rec.rateCounts[0].data[0] / net.populations[0].n / duration,
    rate_I: rec.rateCounts[1].data[0] / net.populations[1].n / duration,
    ...(net.populations[2]?.name === 'readout' && {
      rate_readout: (rec.rateCounts[2].data[0] ?? 0) / duration,
    }),
  };
}

/** Runs a Brian2 benchmark script with /usr/bin/python3 and parses the JSON line it prints last. */
function brian2Json(script: string, args: string[]): Record<string, number | string | boolean> {
  const out = execFileSync('/usr/bin/python3', [`scripts/reference/${script}`, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 1800_000,
  });
  const line = out.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Record<string, number | string | boolean>;
}

const brian2Unavailable = (e: unknown) =>
  `Brian2 unavailable: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;

function cobaBrian2(N: number, p: number, duration: number): SpikingRow | string {
  try {
    const j = brian2Json('coba_bench.py', [
      '--N',
      String(N),
      '--p',
      String(p),
      '--duration',
      String(duration),
    ]);
    return {
      workload: 'COBA',
      backend: `Brian2 ${j.brian2} C++ standalone`,
      N,
      synapses: Number(j.n_synapses) || null,
      sim_s: duration,
      setup_wall_s: Number(j.setup_wall_s),
      sim_wall_s: Number(j.sim_wall_s),
      wall_per_sim_s: Number(j.sim_wall_s) / duration,
      rate_E: Number(j.rate_E),
      rate_I: Number(j.rate_I),
    };
  } catch (e) {
    return brian2Unavailable(e);
  }
}

/** The co-tuning workload's name (EI Lab's and Brian2's rows are matched by it and by N). */
const cotuningWorkload = (recurrent: boolean) =>
  recurrent
    ? 'co-tuning, recurrent p 0.95 + plastic read-out'
    : 'co-tuning, feedforward + plastic read-out';

/** The `cotuningCpu` network in Brian2 C++ standalone (scripts/reference/cotuning_bench.py). */
export function cotuningBrian2(duration: number, recurrent: boolean): SpikingRow | string {
  try {
    const j = brian2Json('cotuning_bench.py', [
      '--duration',
      String(duration),
      ...(recurrent ? ['--recurrent'] : []),
    ]);
    return {
      workload: cotuningWorkload(recurrent),
      backend: `Brian2 ${j.brian2} C++ standalone`,
      N: Number(j.N),
      synapses: Number(j.n_synapses),
      sim_s: duration,
      setup_wall_s: Number(j.setup_wall_s),
      sim_wall_s: Number(j.sim_wall_s),
      wall_per_sim_s: Number(j.sim_wall_s) / duration,
      rate_E: Number(j.rate_E),
      rate_I: Number(j.rate_I),
      rate_readout: Number(j.rate_readout),
    };
  } catch (e) {
    return brian2Unavailable(e);
  }
}

export function cotuningCpu(duration: number, recurrent: boolean): SpikingRow {
  const cfg = { ...DEFAULT_COTUNING, noise: 0.2, recurrent, W: 2, p: 0.95 };
  const t0 = performance.now();
  const net = compileNetwork(cotuningSpec(cfg), 1);
  const sim = new CpuSpikingSim(net);
  const t1 = performance.now();
  const steps = Math.round(duration * 10000);
  const mon = { rateBin: steps };
  const rec = sim.newRecording(mon);
  sim.run(steps, mon, rec);
  const t2 = performance.now();
  return {
    workload: cotuningWorkload(recurrent),
    backend: 'EI Lab cpu',
    N: 1001,
    synapses: net.projections.reduce((a, x) => a + x.nSyn, 0),
    sim_s: duration,
    setup_wall_s: (t1 - t0) / 1000,
    sim_wall_s: (t2 - t1) / 1000,
    wall_per_sim_s: (t2 - t1) / 1000 / duration,
    rate_E: rec.rateCounts[0].data[0] / net.populations[0].n / duration,
    rate_I: rec.rateCounts[1].data[0] / net.populations[1].n / duration,
    rate_readout: rec.rateCounts[2].data[0] / duration,
  };
}

export async function runSpikingBench(opts: {
  quick: boolean;
  backends: string[];
  brian2: boolean;
}): Promise<{ rows: SpikingRow[]; notes: string[] }> {
  const rows: SpikingRow[] = [];
  const notes: string[] = [];
  const want = new Set(opts.backends);
  const dur = opts.quick ? 1 : 10;
  // COBA at the benchmark size, both simulators in the same command
  cobaCpu(1000, 0.08, 0.1); // JIT warm-up
  if (want.has('cpu')) rows.push(cobaCpu(4000, 0.02, dur));
  if (opts.brian2) {
    const b = cobaBrian2(4000, 0.02, dur);
    if (typeof b === 'string') notes.push(b);
    else rows.push(b);
  }
  // scaling with p = 80/N
  const sizes = opts.quick ? [1000, 10000] : [1000, 4000, 10000, 30000, 100000];
  for (const N of sizes) {
    const d = N >= 30000 ? (opts.quick ? 0.1 : 0.5) : opts.quick ? 0.5 : 2;
    if (want.has('cpu'))
      rows.push({ ...cobaCpu(N, 80 / N, d), workload: 'COBA scaling (p = 80/N)' });
    if (opts.brian2) {
      const b = cobaBrian2(N, 80 / N, d);
      if (typeof b === 'string') notes.push(b);
      else rows.push({ ...b, workload: 'COBA scaling (p = 80/N)' });
    }
  }
  // the co-tuning network with plastic read-out, both simulators
  for (const recurrent of [false, true]) {
    const d = opts.quick ? 1 : 5;
    if (want.has('cpu')) rows.push(cotuningCpu(d, recurrent));
    if (opts.brian2) {
      const b = cotuningBrian2(d, recurrent);
      if (typeof b === 'string') notes.push(b);
      else rows.push(b);
    }
  }
  if (want.has('webgpu')) {
    const g = await gpuFactory();
    if (typeof g === 'string') notes.push(g);
    else {
      const d = opts.quick ? 0.2 : 1;
      rows.push(
        await timeGpu(
          'COBA',
          compileNetwork(cobaSpec({ N: 4000, p: 0.02, dt: 0.1 }), 1),
          d,
          g,
          4000,
        ),
      );
      for (const N of opts.quick ? [1000] : [1000, 10000])
        rows.push(
          await timeGpu(
            'COBA scaling (p = 80/N)',
            compileNetwork(cobaSpec({ N, p: 80 / N, dt: 0.1 }), 1),
            N > 4000 ? d / 5 : d,
            g,
            N,
          ),
        );
      for (const recurrent of [false, true]) {
        const cfg = { ...DEFAULT_COTUNING, noise: 0.2, recurrent, W: 2, p: 0.95 };
        rows.push(
          await timeGpu(
            cotuningWorkload(recurrent),
            compileNetwork(cotuningSpec(cfg), 1),
            d,
            g,
            1001,
          ),
        );
      }
    }
  }
  return { rows, notes };
}

const fmt = (x: number | null, d = 3) =>
  x === null || !Number.isFinite(x) ? '–' : String(Number(x.toPrecision(d)));

export function spikingTable(rows: SpikingRow[]): string {
  const L = [
    '| workload | backend | N | synapses | simulated (s) | set-up (s) | loop (s) | wall / simulated s | × real time | rate E (Hz) | rate I (Hz) | rate read-out (Hz) | vs Brian2 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const b = rows.find(
      (x) => x.backend.startsWith('Brian2') && x.N === r.N && x.workload === r.workload,
    );
    const ratio =
      b && !r.backend.startsWith('Brian2') ? fmt(r.wall_per_sim_s / b.wall_per_sim_s) : '–';
    L.push(
      `| ${r.workload} | ${r.backend} | ${r.N} | ${r.synapses ?? '–'} | ${r.sim_s} | ${fmt(r.setup_wall_s)} | ${fmt(r.sim_wall_s)} | ${fmt(r.wall_per_sim_s)} | ${fmt(1 / r.wall_per_sim_s)} | ${fmt(r.rate_E)} | ${fmt(r.rate_I)} | ${fmt(r.rate_readout ?? null)} | ${ratio} |`,
    );
  }
  return L.join('\n');
}
