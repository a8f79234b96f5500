/**
 * One batched WebGPU simulation seen as B independent simulations, so that a lab protocol
 * written for one network (SpikingSimLike) runs unchanged on each network of a batch: a
 * sweep's points or an ABC population become one GPU run (issue #4: "batched, many networks
 * per dispatch").
 *
 * The views meet at run(): a batched run starts once every view still in use has asked for
 * steps, and runs the fewest steps asked for; views that asked for more stay waiting for the
 * rest. Protocols that stop at the same steps (the same protocol for every point) therefore
 * share every dispatch. A view's `release()` says its protocol is over, so the others no
 * longer wait for it (its network is then carried along, unrecorded). A network that blows up
 * fails its own view only; the others run on.
 */
import type { CompiledNet } from '../../../model/spiking/build';
import type { MonitorSpec, Recording } from '../monitor';
import type { SpikingSimLike } from '../sim';
import type { WebGpuSpikingSim } from './engine';

export interface BatchView extends SpikingSimLike {
  /** this view's protocol is over: the other views stop waiting for it */
  release(): void;
}

interface Pending {
  n: number;
  mon: MonitorSpec | undefined;
  rec: Recording | undefined;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export function batchViews(sim: WebGpuSpikingSim): BatchView[] {
  const B = sim.B;
  const live = new Set<number>(Array.from({ length: B }, (_, b) => b));
  const pending = new Map<number, Pending>();
  let running = false;

  const maybeRun = () => {
    if (running || pending.size === 0 || pending.size < live.size) return;
    running = true;
    const m = Math.min(...[...pending.values()].map((p) => p.n));
    const mons = Array.from({ length: B }, (_, b) => pending.get(b)?.mon);
    const recs = Array.from({ length: B }, (_, b) => pending.get(b)?.rec);
    void sim
      .run(m, mons, recs)
      .then(
        () => null,
        (e: unknown) => e,
      )
      .then((err) => {
        running = false;
        for (const [b, p] of [...pending]) {
          const failed = sim.failure(b);
          if (err && !(err instanceof Error && err.name === 'BlowUpError')) {
            pending.delete(b);
            p.reject(err);
          } else if (failed) {
            pending.delete(b);
            live.delete(b);
            p.reject(failed);
          } else if ((p.n -= m) === 0) {
            pending.delete(b);
            p.resolve();
          }
        }
        maybeRun();
      });
  };

  return Array.from({ length: B }, (_, b): BatchView => {
    const ctl = sim.network(b);
    const net: CompiledNet = sim.nets[b];
    return {
      net,
      label: sim.label,
      run(n: number, mon?: MonitorSpec, rec?: Recording): Promise<void> {
        if (!live.has(b))
          return Promise.reject(new Error(`network ${b}'s view was released or failed`));
        if (pending.has(b)) return Promise.reject(new Error(`network ${b} is already running`));
        if (!Number.isInteger(n) || n < 0)
          return Promise.reject(new RangeError(`steps must be a non-negative integer (got ${n})`));
        if (n === 0) return Promise.resolve();
        return new Promise<void>((resolve, reject) => {
          pending.set(b, { n, mon, rec, resolve, reject });
          maybeRun();
        });
      },
      newRecording: (mon) => sim.newRecording(mon, b),
      setRate: (source, rate, from, to) => ctl.setRate(source, rate, from, to),
      setIext: (i, pA) => ctl.setIext(i, pA),
      setSilenced: (i, on) => ctl.setSilenced(i, on),
      setProjectionEnabled: (p, on) => ctl.setProjectionEnabled(p, on),
      setPlastic: (p, on) => ctl.setPlastic(p, on),
      readWeights: (p) => sim.readWeights(p, b),
      release() {
        live.delete(b);
        maybeRun();
      },
      // the batch is disposed by its owner, not by one view
      dispose() {},
    };
  });
}
