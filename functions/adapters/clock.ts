/**
 * Where "now" comes from. In AWS it is always the system clock. The local platform
 * may install an adjustable clock, so a demo or a test can run an eight-hour SLA
 * in seconds without sleeping: handlers, consumers and the local timer runner all
 * read the time through here, so they agree on it.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

let current: Clock = systemClock;

/** The clock in use. */
export const clock = (): Clock => current;

/** The current instant as an ISO string, as every stored timestamp is written. */
export const nowIso = (): string => current.now().toISOString();

/** Install a clock for this process (the local platform and tests; never in AWS). */
export function useClock(next: Clock): void {
  current = next;
}

export type ClockListener = (now: Date) => void;

/**
 * System time shifted by an offset that can be moved forward (never back, so
 * stored timestamps stay ordered). Listeners hear every jump, so waiting timers
 * can wake up at once instead of sleeping for the real duration.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  private readonly listeners = new Set<ClockListener>();

  constructor(private readonly system: () => number = Date.now) {}

  now(): Date {
    return new Date(this.system() + this.offsetMs);
  }

  /** Jump forward to `instant`; a jump into the past is refused. */
  set(instant: Date): Date {
    const delta = instant.getTime() - this.now().getTime();
    if (delta < 0) throw new RangeError(`The clock only moves forward: ${instant.toISOString()} is before ${this.now().toISOString()}`);
    return this.advance(delta);
  }

  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Cannot advance the clock by ${ms} ms`);
    this.offsetMs += ms;
    const now = this.now();
    for (const listener of this.listeners) listener(now);
    return now;
  }

  onChange(listener: ClockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
