/**
 * The run controls of a spiking lab's session on the worker side (co-tuning, COBA): a run goes
 * on in stretches; between two it lets commands in, waits while paused and ends when stopped;
 * a step (run to the next stop, then pause) pauses it at the next stop. A new start replaces
 * the run going on.
 */

export type ControlCommand =
  { kind: 'pause' } | { kind: 'resume' } | { kind: 'step' } | { kind: 'stop' };

/** A macrotask turn, so that commands (pause, stop, knock-outs) get through between stretches. */
export function turn(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}

export abstract class SteppedSession {
  protected paused = false;
  protected stepping = false;
  protected stopped = false;
  private wake: (() => void) | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly postStatus: (status: 'paused' | 'running') => void) {}

  /** Whether a run is going on (a paused one too). */
  protected get active(): boolean {
    return this.running !== null;
  }

  protected control(c: ControlCommand): void {
    switch (c.kind) {
      case 'pause':
        if (this.running && !this.paused) {
          this.paused = true;
          this.postStatus('paused');
        }
        break;
      case 'resume':
      case 'step':
        if (this.running) {
          this.stepping = c.kind === 'step';
          if (this.paused) {
            this.paused = false;
            this.postStatus('running');
            this.wake?.();
          }
        }
        break;
      case 'stop':
        this.stopped = true;
        this.paused = false;
        this.wake?.();
        break;
    }
  }

  /** Wait for the current run to end (tests). */
  async idle(): Promise<void> {
    await this.running;
  }

  /** Start a run, after stopping the one going on; `begin` resets the lab's own state and
   *  returns the run. */
  protected async launch(begin: () => Promise<void>): Promise<void> {
    if (this.running) {
      this.control({ kind: 'stop' });
      await this.running;
    }
    this.stopped = false;
    this.paused = false;
    this.stepping = false;
    this.running = begin().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  /** Awaited between two stretches of the run. */
  protected async waitIfPaused(): Promise<void> {
    await turn();
    while (this.paused && !this.stopped) {
      await new Promise<void>((res) => (this.wake = res));
      this.wake = null;
    }
  }

  /** At a stop of the run (a sample): a step ends here. */
  protected stepStop(): void {
    if (this.stepping) {
      this.stepping = false;
      this.paused = true;
      this.postStatus('paused');
    }
  }
}
