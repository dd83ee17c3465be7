/**
 * Polls until told to stop, waiting longer after each unchanged answer (back-off) and starting over quickly when
 * something changed or the tab becomes visible again. Used by 支付信息 to see finance's reconciliation without a reload.
 */
export interface PollerOptions {
  /** First and reset delay, ms. */
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** Injected for tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** The tick answers true to stop, 'changed' to poll again soon, or false (nothing new) to back off. */
export type Tick = () => Promise<boolean | 'changed'>;

export function nextDelay(current: number, factor: number, max: number): number {
  return Math.min(max, Math.round(current * factor));
}

export class Poller {
  private delay: number;
  private handle: unknown;
  private stopped = true;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly tick: Tick,
    options: PollerOptions = {},
  ) {
    this.initialMs = options.initialMs ?? 3000;
    this.maxMs = options.maxMs ?? 60_000;
    this.factor = options.factor ?? 1.6;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.delay = this.initialMs;
  }

  get running(): boolean {
    return !this.stopped;
  }

  get currentDelayMs(): number {
    return this.delay;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.delay = this.initialMs;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer(this.handle);
  }

  /** Poll right now (tab visible again, user pressed 刷新) and restart the back-off. */
  poke(): void {
    if (this.stopped) return;
    this.clearTimer(this.handle);
    this.delay = this.initialMs;
    void this.run();
  }

  private schedule(): void {
    this.handle = this.setTimer(() => void this.run(), this.delay);
  }

  private async run(): Promise<void> {
    let outcome: boolean | 'changed';
    try {
      outcome = await this.tick();
    } catch {
      outcome = false; // a failed poll (network, 5xx) backs off like an unchanged one
    }
    if (this.stopped) return;
    if (outcome === true) {
      this.stop();
      return;
    }
    this.delay = outcome === 'changed' ? this.initialMs : nextDelay(this.delay, this.factor, this.maxMs);
    this.schedule();
  }
}
