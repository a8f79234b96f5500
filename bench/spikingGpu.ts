/**
 * `npm run bench -- --lab spiking-gpu`: the WebGPU spiking engine's strategies on this
 * machine's GPU, side by side in one run, to place the fused/phased crossover
 * (src/engine/spiking/webgpu/strategy.ts) and the batch throughput of sweeps and ABC on a
 * measurement rather than a guess.
 *
 *  A. COBA (Brette et al. 2007; p = 80/N) for N = 1k … 100k, fused and resident at 256 and
 *     1024 threads per workgroup (resident where the network fits one workgroup's registers
 *     and memory) and phased: wall time per simulated second;
 *  B. the co-tuning network (1000 E + 1 read-out, plastic read-out) fused, resident, phased;
 *  C. batches of B co-tuning networks (different seeds) in one run: network-seconds
 *     simulated per wall second, the figure a sweep or an ABC population gets.
 *
 * Each row prints as one JSON line as soon as it is measured (a long run that is stopped
 * keeps what it measured). Flags: --quick (shorter runs), --max-n N (largest COBA size).
 */
import { compileNetwork, type CompiledNet } from '../src/model/spiking/build';
import { cobaSpec } from '../src/labs/coba/network';
import { cotuningSpec, DEFAULT_COTUNING } from '../src/labs/cotuning/network';
import type { WebGpuSpikingOptions } from '../src/engine/spiking/webgpu/engine';

export interface GpuRow {
  workload: string;
  strategy: string;
  N: number;
  batch: number;
  steps: number;
  wall_s: number;
  wall_per_sim_s: number;
  x_real_time: number;
  rate_E: number;
  note?: string;
}

export async function runSpikingGpuBench(opts: {
  quick: boolean;
  maxN: number;
}): Promise<{ rows: GpuRow[]; device: string; notes: string[] }> {
  const { nodeGpu } = await import('../src/engine/webgpu/node');
  const { acquireDevice } = await import('../src/engine/webgpu/device');
  const { createWebGpuSpikingSim } = await import('../src/engine/spiking/webgpu/engine');
  const { device } = await acquireDevice(await nodeGpu());
  const info = device.adapterInfo;
  const deviceName = [info?.vendor, info?.architecture, info?.description]
    .filter(Boolean)
    .join(' ');
  const rows: GpuRow[] = [];
  const notes: string[] = [];

  async function time(
    workload: string,
    nets: CompiledNet[],
    N: number,
    steps: number,
    o: WebGpuSpikingOptions,
    label: string,
  ): Promise<void> {
    let sim;
    try {
      sim = await createWebGpuSpikingSim(device, nets, o);
    } catch (e) {
      notes.push(`${workload} N ${N} ${label}: ${e instanceof Error ? e.message : String(e)}`);
      console.log(JSON.stringify({ workload, N, strategy: label, error: String(e) }));
      return;
    }
    await sim.run(200); // warm-up: pipelines, first submits
    const mon = { rateBin: 10 ** 9 };
    const mons = nets.map(() => mon);
    const recs = nets.map((_, b) => sim.newRecording(mon, b));
    const rec = recs[0];
    const t0 = performance.now();
    await sim.run(steps, mons, recs);
    const wall = (performance.now() - t0) / 1000;
    const simS = (steps * nets[0].dt) / 1000;
    const nE = nets[0].populations[0].n;
    const row: GpuRow = {
      workload,
      strategy: `${sim.strategy}${sim.strategy === 'phased' ? '' : ` ${sim.fusedWorkgroupSize}`}`,
      N,
      batch: nets.length,
      steps,
      wall_s: wall,
      wall_per_sim_s: wall / simS / nets.length,
      x_real_time: (simS * nets.length) / wall,
      rate_E: rec.rateCounts[0].data[0] / nE / simS,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
    sim.dispose?.();
  }

  const steps = opts.quick ? 1000 : 5000;
  for (const N of [1000, 4000, 10000, 30000, 100000].filter((n) => n <= opts.maxN)) {
    const net = compileNetwork(cobaSpec({ N, p: 80 / N, dt: 0.1 }), 1);
    const s = N > 10000 ? steps / 5 : steps;
    // resident only where the network fits one workgroup (else a note says why)
    for (const strategy of ['fused', 'resident'] as const)
      for (const wg of [256, 1024])
        await time(
          'COBA (p = 80/N)',
          [net],
          N,
          s,
          { strategy, fusedWorkgroupSize: wg },
          `${strategy} ${wg}`,
        );
    // phased pays per dispatch: fewer steps suffice for its rate
    await time('COBA (p = 80/N)', [net], N, Math.min(s, 1000), { strategy: 'phased' }, 'phased');
  }
  const cot = (seed: number, recurrent: boolean) =>
    compileNetwork(
      cotuningSpec({ ...DEFAULT_COTUNING, noise: 0.2, recurrent, W: 2, p: 0.95 }),
      seed,
    );
  for (const recurrent of [false, true]) {
    const w = recurrent ? 'co-tuning recurrent' : 'co-tuning feedforward';
    for (const strategy of ['fused', 'resident'] as const)
      for (const wg of [256, 1024])
        await time(
          w,
          [cot(1, recurrent)],
          1001,
          steps,
          { strategy, fusedWorkgroupSize: wg },
          `${strategy} ${wg}`,
        );
    await time(
      w,
      [cot(1, recurrent)],
      1001,
      Math.min(steps, 1000),
      { strategy: 'phased' },
      'phased',
    );
  }
  for (const B of opts.quick ? [8, 32] : [8, 32, 132, 264]) {
    const nets = Array.from({ length: B }, (_, i) => cot(i + 1, true));
    for (const strategy of ['fused', 'resident'] as const)
      for (const wg of [256, 1024])
        await time(
          `co-tuning recurrent, batch of ${B}`,
          nets,
          1001,
          steps,
          { strategy, fusedWorkgroupSize: wg },
          `${strategy} ${wg}`,
        );
  }
  return { rows, device: deviceName, notes };
}

export function spikingGpuTable(rows: GpuRow[]): string {
  const f = (x: number, d = 3) => String(Number(x.toPrecision(d)));
  const L = [
    '| workload | strategy | N | batch | steps | wall (s) | wall / simulated s (per network) | × real time (all networks) | rate E (Hz) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows)
    L.push(
      `| ${r.workload} | ${r.strategy} | ${r.N} | ${r.batch} | ${r.steps} | ${f(r.wall_s)} | ${f(r.wall_per_sim_s)} | ${f(r.x_real_time)} | ${f(r.rate_E)} |`,
    );
  return L.join('\n');
}
