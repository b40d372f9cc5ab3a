/**
 * One SLA clock's state transitions, as pure functions of (clock, calendar, now).
 *
 * The invariant everything here keeps: the business time a clock has counted,
 * `elapsedAt(clock, now)`, only ever grows with `now` while the clock runs and
 * stands still otherwise; pausing, resuming and re-targeting never change it.
 * Deadlines are derived from it: `dueAt` is where the remaining minutes run out
 * counting from `runningSince`, `warnAt` where the warning threshold is crossed.
 * Every re-arm bumps `generation`, so a timer armed for an older deadline is stale.
 */
import { addBusinessMinutes, businessMinutesBetween, type CalendarRules } from './calendar.js';
import type { ClockState } from './state.js';

export interface ClockContext {
  readonly calendar: CalendarRules;
  /** Percent of the target at which the warning falls due. */
  readonly warningPercent: number;
  /** ISO instant of the change. */
  readonly now: string;
}

const isLive = (c: ClockState) => c.status === 'running' || c.status === 'paused';
export const isRunning = (c: ClockState | undefined): c is ClockState => c?.status === 'running';
export { isLive };

/** Business minutes counted by `now`. */
export function elapsedAt(clock: ClockState, calendar: CalendarRules, now: string): number {
  if (clock.status !== 'running' || !clock.runningSince) return clock.elapsedMinutes;
  return wholeMilliseconds(clock.elapsedMinutes + Math.max(0, businessMinutesBetween(calendar, clock.runningSince, now)));
}

/**
 * Instants are whole milliseconds, so business time is too. Summing segments in
 * fractional minutes drifts by a few 1e-13: at the very deadline a clock read
 * 2298.0000000000005 of 2298 minutes and a reply there counted as a breach.
 */
const wholeMilliseconds = (minutes: number): number => Math.round(minutes * 60_000) / 60_000;

/** Deadlines of a running clock from its segment start, elapsed and target. */
function armed(clock: ClockState, ctx: ClockContext): ClockState {
  const since = clock.runningSince ?? ctx.now;
  const left = Math.max(0, clock.targetMinutes - clock.elapsedMinutes);
  const warnMinutes = (clock.targetMinutes * ctx.warningPercent) / 100;
  return {
    ...clock,
    status: 'running',
    runningSince: since,
    dueAt: addBusinessMinutes(ctx.calendar, since, left).toISOString(),
    // A clock already past its warning threshold (it was warned before, or re-targeted below it) arms no warning.
    warnAt: clock.elapsedMinutes < warnMinutes ? addBusinessMinutes(ctx.calendar, since, warnMinutes - clock.elapsedMinutes).toISOString() : null,
    generation: clock.generation + 1,
  };
}

/** A fresh clock, running from `now` (or paused from the start, when the case sits in a pausing state). */
export function startClock(targetMinutes: number, ctx: ClockContext, paused = false, previous?: ClockState): ClockState {
  const base: ClockState = {
    status: 'paused',
    targetMinutes,
    elapsedMinutes: 0,
    runningSince: null,
    warnAt: null,
    dueAt: null,
    metAt: null,
    breachedAt: null,
    generation: previous?.generation ?? 0,
  };
  return paused ? { ...base, generation: base.generation + 1 } : armed({ ...base, runningSince: ctx.now }, ctx);
}

/** Stop counting, keeping what was counted; disarms the deadlines. */
export function pauseClock(clock: ClockState, ctx: ClockContext): ClockState {
  if (clock.status !== 'running') return clock;
  return {
    ...clock,
    status: 'paused',
    elapsedMinutes: elapsedAt(clock, ctx.calendar, ctx.now),
    runningSince: null,
    warnAt: null,
    dueAt: null,
    generation: clock.generation + 1,
  };
}

/** Count again from `now`, with deadlines for what is left. */
export function resumeClock(clock: ClockState, ctx: ClockContext): ClockState {
  if (clock.status !== 'paused') return clock;
  return armed({ ...clock, runningSince: ctx.now }, ctx);
}

/**
 * The clock's goal was reached at `now` (a reply, a resolution): met if within
 * the target, breached (at its due instant) if not. A clock already met,
 * breached or stopped stays as it is.
 */
export function completeClock(clock: ClockState, ctx: ClockContext): ClockState {
  if (!isLive(clock)) return clock;
  const elapsed = elapsedAt(clock, ctx.calendar, ctx.now);
  const done = { ...clock, elapsedMinutes: elapsed, runningSince: null, warnAt: null, dueAt: null, generation: clock.generation + 1 };
  if (elapsed <= clock.targetMinutes) return { ...done, status: 'met', metAt: ctx.now };
  return { ...done, status: 'breached', breachedAt: clock.dueAt ?? ctx.now };
}

/** The clock ran out (its timer fired at or after `dueAt`): breached, counting stops. */
export function breachClock(clock: ClockState, ctx: ClockContext): ClockState {
  if (clock.status !== 'running') return clock;
  const elapsed = elapsedAt(clock, ctx.calendar, ctx.now);
  if (elapsed < clock.targetMinutes) return clock;
  return {
    ...clock,
    status: 'breached',
    elapsedMinutes: elapsed,
    runningSince: null,
    warnAt: null,
    dueAt: null,
    breachedAt: clock.dueAt ?? ctx.now,
    generation: clock.generation + 1,
  };
}

/** Stop without judging (a workflow `timer: stop` effect). */
export function stopClock(clock: ClockState, ctx: ClockContext): ClockState {
  if (!isLive(clock)) return clock;
  return {
    ...clock,
    status: 'stopped',
    elapsedMinutes: elapsedAt(clock, ctx.calendar, ctx.now),
    runningSince: null,
    warnAt: null,
    dueAt: null,
    generation: clock.generation + 1,
  };
}

/** A met clock counts on again when the case reopens (the goal turned out not to be reached); breached stays breached. */
export function reopenClock(clock: ClockState, ctx: ClockContext, paused: boolean): ClockState {
  if (clock.status !== 'met') return clock;
  const reopened: ClockState = { ...clock, status: 'paused', metAt: null };
  return paused ? { ...reopened, generation: clock.generation + 1 } : armed({ ...reopened, runningSince: ctx.now }, ctx);
}

/**
 * A new target (priority, type or policy changed): what was counted is kept, the
 * deadlines move. A running clock folds its segment in first, so the deadline is
 * computed from `now` and the same elapsed time.
 */
export function retargetClock(clock: ClockState, targetMinutes: number, ctx: ClockContext): ClockState {
  if (!isLive(clock)) return clock;
  if (clock.status === 'paused') return { ...clock, targetMinutes, generation: clock.generation + 1 };
  return armed({ ...clock, targetMinutes, elapsedMinutes: elapsedAt(clock, ctx.calendar, ctx.now), runningSince: ctx.now }, ctx);
}
