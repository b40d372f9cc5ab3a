/**
 * The timer seam: SLA clocks start and stop through this. In AWS a Step Functions
 * execution per clock (its execution name is the idempotency key); locally,
 * in-process timers with the same contract. Both are chosen at cold start.
 */
export interface TimerRequest {
  /** Unique per armed clock, e.g. `<caseId>-resolution-<version>`; starting it twice is a no-op. */
  readonly name: string;
  readonly fireAt: Date;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface TimerStarter {
  start(timer: TimerRequest): Promise<void>;
  /** Cancel if running; unknown or finished timers are ignored. */
  stop(name: string): Promise<void>;
}

export type TimerTarget = (timer: TimerRequest) => void | Promise<void>;

/** Local timers: fire `target` at `fireAt`, once per name, unless stopped first. */
export class LocalTimerStarter implements TimerStarter {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly started = new Set<string>();

  constructor(
    private readonly target: TimerTarget,
    private readonly now: () => number = Date.now,
  ) {}

  async start(timer: TimerRequest): Promise<void> {
    if (this.started.has(timer.name)) return;
    this.started.add(timer.name);
    const delay = Math.max(0, timer.fireAt.getTime() - this.now());
    const handle = setTimeout(() => {
      this.pending.delete(timer.name);
      void this.target(timer);
    }, delay);
    handle.unref();
    this.pending.set(timer.name, handle);
  }

  async stop(name: string): Promise<void> {
    const handle = this.pending.get(name);
    if (handle) clearTimeout(handle);
    this.pending.delete(name);
  }

  /** Names of timers armed and not yet fired or stopped. */
  running(): string[] {
    return [...this.pending.keys()];
  }
}
