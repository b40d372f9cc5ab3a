/**
 * When a policy's deadlines fall for a case opened at a given instant, under a business
 * calendar, with optional stretches in which the clocks stand still (waiting on the
 * customer): what an admin wants to see before publishing a policy or a calendar.
 *
 * The same maths as a running clock (clock.ts): a clock counts business minutes from its
 * start, stands still through a pause and goes on after it, so a deadline is where the
 * target runs out across the running stretches; the warning where `warningPercent` of it
 * does. The day-by-day account says why: which days count and for how long, and which
 * are closed for a holiday or a closure.
 */
import { DateTime } from 'luxon';
import { CLOCKS } from '../case-type.js';
import { addBusinessMinutes, businessMinutesBetween, closedBecause, WEEKDAYS, type CalendarRules, type Period, type Weekday } from './calendar.js';
import { DEFAULT_WARNING_PERCENT, type ClockName, type SlaPolicyInput } from './state.js';

export interface PreviewPause {
  readonly from: string;
  readonly to: string;
  /** The clocks that stand still; absent: every clock. */
  readonly clocks?: readonly ClockName[] | undefined;
}

export interface PreviewInput {
  readonly policy: Pick<SlaPolicyInput, 'targets'> & { readonly warningPercent?: number | undefined };
  readonly calendar: CalendarRules;
  /** ISO instant the clocks start. */
  readonly start: string;
  readonly pauses?: readonly PreviewPause[];
}

export interface ClockPreview {
  /** Business minutes. */
  readonly targetMinutes: number;
  readonly warnAt: string;
  readonly dueAt: string;
  /** Business minutes the pauses took out of this clock before its deadline. */
  readonly pausedMinutes: number;
}

export interface PreviewDay {
  /** YYYY-MM-DD in the calendar's time zone. */
  readonly date: string;
  readonly weekday: Weekday;
  /** The weekday's working periods (wall time); empty on a day off. */
  readonly periods: readonly Period[];
  /** Set when the periods do not apply: a holiday or a closure. */
  readonly closed: { readonly kind: 'closure' | 'holiday'; readonly name: string | null } | null;
  /** Business minutes of this day between the start and the last deadline (pauses not taken out). */
  readonly businessMinutes: number;
}

export interface Preview {
  readonly timeZone: string;
  readonly warningPercent: number;
  readonly clocks: Partial<Record<ClockName, ClockPreview>>;
  /** From the start's day to the last deadline's day, at most MAX_DAYS of them. */
  readonly days: readonly PreviewDay[];
  readonly daysTruncated: boolean;
}

/** The account of days stops here: a long resolution target spans months, and the deadlines say the rest. */
export const MAX_DAYS = 62;

type Interval = readonly [number, number];

const MINUTE = 60_000;
/** Instants are whole milliseconds, so business time is too (float sums drift by 1e-13). */
const wholeMilliseconds = (minutes: number): number => Math.round(minutes * MINUTE) / MINUTE;

/** Pauses that apply to `clock`, from the start on, merged and sorted. */
function pausesFor(pauses: readonly PreviewPause[], clock: ClockName, start: number): Interval[] {
  const own = pauses
    .filter((p) => p.clocks === undefined || p.clocks.includes(clock))
    .map((p) => [Math.max(start, Date.parse(p.from)), Date.parse(p.to)] as const)
    .filter(([a, b]) => a < b)
    .sort((x, y) => x[0] - y[0]);
  return own.reduce<Interval[]>((merged, iv) => {
    const prev = merged.at(-1);
    if (prev && iv[0] <= prev[1]) merged[merged.length - 1] = [prev[0], Math.max(prev[1], iv[1])];
    else merged.push(iv);
    return merged;
  }, []);
}

/** Where `minutes` business minutes run out from `start`, skipping the paused stretches; and how much the pauses took before it. */
function runOut(calendar: CalendarRules, start: number, minutes: number, paused: readonly Interval[]): { at: Date; pausedMinutes: number } {
  let from = start;
  let left = minutes;
  let pausedMinutes = 0;
  for (const [a, b] of paused) {
    if (b <= from) continue;
    if (a > from) {
      const available = businessMinutesBetween(calendar, new Date(from), new Date(a));
      if (available >= left) return { at: addBusinessMinutes(calendar, new Date(from), left), pausedMinutes };
      left -= available;
    }
    pausedMinutes += businessMinutesBetween(calendar, new Date(Math.max(from, a)), new Date(b));
    from = Math.max(from, b);
  }
  return { at: addBusinessMinutes(calendar, new Date(from), left), pausedMinutes };
}

/**
 * Each clock's warning and deadline, and the days between. Throws a RangeError when the
 * calendar has no working time to reach a deadline (see addBusinessMinutes).
 */
export function previewDeadlines(input: PreviewInput): Preview {
  const start = Date.parse(input.start);
  if (!Number.isFinite(start)) throw new RangeError(`Not an instant: ${input.start}`);
  const warningPercent = input.policy.warningPercent ?? DEFAULT_WARNING_PERCENT;
  const pauses = input.pauses ?? [];
  const clocks: Partial<Record<ClockName, ClockPreview>> = {};
  let last = start;
  for (const clock of CLOCKS) {
    const target = input.policy.targets[clock];
    if (target === undefined) continue;
    const paused = pausesFor(pauses, clock, start);
    const due = runOut(input.calendar, start, target, paused);
    const warn = runOut(input.calendar, start, (target * warningPercent) / 100, paused);
    clocks[clock] = {
      targetMinutes: target,
      warnAt: warn.at.toISOString(),
      dueAt: due.at.toISOString(),
      pausedMinutes: wholeMilliseconds(due.pausedMinutes),
    };
    last = Math.max(last, due.at.getTime());
  }

  const days: PreviewDay[] = [];
  let day = DateTime.fromMillis(start, { zone: input.calendar.timeZone }).startOf('day');
  let daysTruncated = false;
  while (day.toMillis() <= last) {
    if (days.length === MAX_DAYS) {
      daysTruncated = true;
      break;
    }
    const next = day.plus({ days: 1 }).startOf('day');
    const weekday = WEEKDAYS[day.weekday - 1]!;
    const date = day.toISODate()!;
    const from = Math.max(start, day.toMillis());
    const to = Math.min(last, next.toMillis());
    days.push({
      date,
      weekday,
      periods: input.calendar.week[weekday] ?? [],
      closed: closedBecause(input.calendar, date) ?? null,
      businessMinutes: from < to ? wholeMilliseconds(businessMinutesBetween(input.calendar, new Date(from), new Date(to))) : 0,
    });
    day = next;
  }
  return { timeZone: input.calendar.timeZone, warningPercent, clocks, days, daysTruncated };
}
