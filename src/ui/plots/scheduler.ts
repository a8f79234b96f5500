/**
 * One redraw loop for all live plots. The simulation runs in a worker (app/simWorker.ts), so
 * the main thread is free to draw: a round redraws every plot whose data changed, as soon as
 * new data has arrived and the previous round is done (at most every MIN_INTERVAL_MS). A round
 * spreads over animation frames when it is long (about FRAME_BUDGET_MS of drawing per frame,
 * so input and paint get a turn), and a short pause after it (a tenth of its drawing time, at
 * most MAX_GAP_MS) leaves room for the rest of the page (and for the simulation slices of the
 * in-page fallback runner). Each Plotly.react costs ~15–30 ms on a slow core.
 */
const MIN_INTERVAL_MS = 50;
const FRAME_BUDGET_MS = 50;
const MAX_GAP_MS = 4;

const dirty = new Map<object, () => void>();
/** the jobs of the round in progress, not yet drawn */
let round: [object, () => void][] = [];
let roundStart = 0;
let roundWork = 0;
let scheduled = false;
let nextAllowed = 0;
let timer: ReturnType<typeof setTimeout> | null = null;

function frame(): void {
  scheduled = false;
  timer = null;
  if (round.length === 0) {
    round = [...dirty.entries()];
    dirty.clear();
    roundStart = performance.now();
    roundWork = 0;
  }
  const t0 = performance.now();
  while (round.length > 0) {
    const [, job] = round.shift()!;
    job();
    if (performance.now() - t0 >= FRAME_BUDGET_MS) break;
  }
  const t1 = performance.now();
  roundWork += t1 - t0;
  if (round.length > 0) {
    scheduled = true;
    timer = setTimeout(frame, 0);
    return;
  }
  nextAllowed =
    t1 + Math.max(MIN_INTERVAL_MS - (t1 - roundStart), Math.min(MAX_GAP_MS, 0.05 * roundWork));
  if (dirty.size > 0) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  timer = setTimeout(frame, Math.max(0, nextAllowed - performance.now()));
}

/** Ask for `draw` to run in the next plot round (one call per owner per round). */
export function requestDraw(owner: object, draw: () => void): void {
  const queued = round.find((j) => j[0] === owner);
  if (queued)
    queued[1] = draw; // not drawn yet in this round: it will draw the newest data
  else dirty.set(owner, draw);
  if (round.length === 0) schedule();
}

export function cancelDraw(owner: object): void {
  dirty.delete(owner);
  round = round.filter((j) => j[0] !== owner);
  if (dirty.size === 0 && round.length === 0 && timer !== null && scheduled) {
    clearTimeout(timer);
    timer = null;
    scheduled = false;
  }
}
