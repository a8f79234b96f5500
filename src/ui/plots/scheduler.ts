/**
 * One redraw loop for all live plots: dirty plots are drawn together in one animation frame,
 * and the next frame with plot work waits at least MIN_INTERVAL_MS in all and at least half
 * the time the last batch took, so plotting takes at most about two thirds of the main thread
 * (the simulation slices and input get the rest) while updating ≥ 10 times a second when
 * drawing is cheap (each Plotly.react costs ~15 ms of fixed overhead on a slow core).
 */
const MIN_INTERVAL_MS = 80;

const dirty = new Map<object, () => void>();
let scheduled = false;
let nextAllowed = 0;
let timer: ReturnType<typeof setTimeout> | null = null;

function flush(): void {
  scheduled = false;
  const t0 = performance.now();
  const jobs = [...dirty.values()];
  dirty.clear();
  for (const job of jobs) job();
  const t1 = performance.now();
  nextAllowed = t1 + Math.max(MIN_INTERVAL_MS - (t1 - t0), 0.5 * (t1 - t0));
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  const wait = Math.max(0, nextAllowed - performance.now());
  timer = setTimeout(() => {
    timer = null;
    requestAnimationFrame(flush);
  }, wait);
}

/** Ask for `draw` to run in the next plot frame (one call per owner per frame). */
export function requestDraw(owner: object, draw: () => void): void {
  dirty.set(owner, draw);
  schedule();
}

export function cancelDraw(owner: object): void {
  dirty.delete(owner);
  if (dirty.size === 0 && timer !== null && scheduled) {
    clearTimeout(timer);
    timer = null;
    scheduled = false;
  }
}
