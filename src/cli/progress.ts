/**
 * A progress bar on stderr, drawn only when stderr is a terminal (stdout stays clean for
 * --json). At most ~10 redraws per second; cleared when done.
 */
import type { CliIo } from './io';

export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export function progressBar(io: CliIo, label: string): Progress {
  if (!io.errIsTTY) return { update() {}, finish() {} };
  const start = Date.now();
  let last = 0;
  let drawn = false;
  const width = Math.max(10, Math.min(40, (io.columns ?? 80) - label.length - 40));
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const fill = Math.round(frac * width);
      const el = (now - start) / 1000;
      const eta = frac > 0 && frac < 1 ? ` eta ${Math.ceil((el * (1 - frac)) / frac)}s` : '';
      io.err(
        `\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total}${eta}\u001b[K`,
      );
      drawn = true;
    },
    finish() {
      if (drawn) io.err('\r\u001b[K');
    },
  };
}
