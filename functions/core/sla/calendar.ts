/**
 * Business calendars: when the clock of an SLA counts. A calendar is a time zone,
 * working periods per weekday in wall time (several a day: 08:00-12:00 and
 * 13:00-17:00), public holidays from `date-holidays` by country/region, and custom
 * closures (single dates or ranges). Business minutes are the minutes whose local
 * wall time falls in a working period of a working day.
 *
 * The maths walks by working intervals, not by minutes: each local day becomes at
 * most a handful of UTC intervals, so a year-long span costs a few hundred steps.
 * Across a DST change the wall-time period maps to a shorter or longer UTC
 * interval (the repeated hour of an autumn night counts twice, the skipped hour of
 * a spring night never), exactly as a minute-by-minute count of wall times would.
 */
import Holidays from 'date-holidays';
import { IANAZone } from 'luxon';
import * as z from 'zod';
import { Slug } from '../case-type.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const WallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a wall time HH:mm from 00:00 to 24:00');
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export const PeriodSchema = z
  .object({ start: WallTime, end: WallTime })
  .strict()
  .refine((p) => minutesOf(p.start) < minutesOf(p.end), { message: 'a period ends after it starts', path: ['end'] });
export type Period = z.infer<typeof PeriodSchema>;

const DayPeriods = z
  .array(PeriodSchema)
  .max(12)
  .default([])
  .superRefine((periods, ctx) => {
    const sorted = [...periods].sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
    for (let i = 1; i < sorted.length; i++) {
      if (minutesOf(sorted[i]!.start) < minutesOf(sorted[i - 1]!.end)) ctx.addIssue({ code: 'custom', message: 'periods of a day may not overlap' });
    }
  });

const IsoDate = z.iso.date();

export const ClosureSchema = z
  .object({ from: IsoDate, to: IsoDate.optional(), name: z.string().trim().min(1).max(120).optional() })
  .strict()
  .refine((c) => c.to === undefined || c.to >= c.from, { message: 'a closure ends on or after it starts', path: ['to'] });
export type Closure = z.infer<typeof ClosureSchema>;

export const HOLIDAY_TYPES = ['public', 'bank', 'school', 'optional', 'observance'] as const;

export const CalendarInputSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    timeZone: z.string().refine((tz) => IANAZone.isValidZone(tz), { message: 'an IANA time zone such as Europe/London' }),
    week: z.object(Object.fromEntries(WEEKDAYS.map((d) => [d, DayPeriods])) as Record<Weekday, typeof DayPeriods>).strict(),
    holidays: z
      .object({
        country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as GB'),
        /** A state or region code of date-holidays, such as ENG for England. */
        region: z
          .string()
          .regex(/^[A-Z0-9]{1,5}$/)
          .optional(),
        types: z.array(z.enum(HOLIDAY_TYPES)).min(1).default(['public', 'bank']),
      })
      .strict()
      .refine((h) => new Holidays().getCountries()[h.country] !== undefined, { message: 'a country date-holidays knows', path: ['country'] })
      .refine((h) => h.region === undefined || new Holidays().getStates(h.country)?.[h.region] !== undefined, {
        message: 'a region date-holidays knows for this country',
        path: ['region'],
      })
      .optional(),
    closures: z.array(ClosureSchema).max(500).default([]),
  })
  .strict()
  .refine((c) => WEEKDAYS.some((d) => c.week[d].length > 0), { message: 'a calendar needs at least one working period', path: ['week'] });
export type CalendarInput = z.infer<typeof CalendarInputSchema>;

export interface Calendar extends CalendarInput {
  readonly calendarId: string;
  readonly version: number;
  readonly publishedAt: string;
  readonly publishedBy: string;
}

export const CalendarIdSchema = Slug;

/** The shape the maths needs: a stored calendar or its input alone. */
export type CalendarRules = Pick<CalendarInput, 'timeZone' | 'week' | 'holidays' | 'closures'>;

const MINUTE = 60_000;
const DAY = 86_400_000;
/** No clock runs longer than this: a calendar with no working time ahead must not loop forever. */
const MAX_DAYS_AHEAD = 366 * 10;

/** Plain UTC interval [start, end) in epoch ms. */
type Interval = readonly [number, number];

interface Compiled {
  readonly zone: IANAZone;
  /** Periods per UTC weekday index (0 = Sunday), in minutes after local midnight. */
  readonly periods: readonly (readonly (readonly [number, number])[])[];
  readonly closedDays: (day: number) => boolean;
  readonly dayCache: Map<number, readonly Interval[]>;
}

const compiled = new WeakMap<CalendarRules, Compiled>();
/** Per country/region/types/year: date -> the holiday's name. */
const holidayCache = new Map<string, Map<string, string>>();

function holidaysOf(rules: NonNullable<CalendarRules['holidays']>, year: number): Map<string, string> {
  const key = `${rules.country}/${rules.region ?? ''}/${[...rules.types].sort().join(',')}/${year}`;
  let days = holidayCache.get(key);
  if (!days) {
    const source = rules.region ? new Holidays(rules.country, rules.region) : new Holidays(rules.country);
    days = new Map(
      source
        .getHolidays(year)
        .filter((h) => (rules.types as readonly string[]).includes(h.type))
        .map((h) => [h.date.slice(0, 10), h.name] as const),
    );
    holidayCache.set(key, days);
  }
  return days;
}

/** Why a date (YYYY-MM-DD, the calendar's wall calendar) has no working time though its weekday may: a closure or a holiday, by name. */
export function closedBecause(calendar: CalendarRules, isoDate: string): { kind: 'closure' | 'holiday'; name: string | null } | undefined {
  const closure = (calendar.closures ?? []).find((c) => isoDate >= c.from && isoDate <= (c.to ?? c.from));
  if (closure) return { kind: 'closure', name: closure.name ?? null };
  const holiday = calendar.holidays === undefined ? undefined : holidaysOf(calendar.holidays, Number(isoDate.slice(0, 4))).get(isoDate);
  return holiday === undefined ? undefined : { kind: 'holiday', name: holiday };
}

/** Day number (days since 1970-01-01 of the wall calendar) to YYYY-MM-DD. */
const isoDay = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/** Published versions never change: their compiled days outlive the object they were read into. */
const compiledVersions = new Map<string, Compiled>();
const versionKeyOf = (calendar: CalendarRules) => {
  const c = calendar as Partial<Calendar>;
  return c.calendarId !== undefined && c.version !== undefined ? `${c.calendarId}@${c.version}` : undefined;
};

function compile(calendar: CalendarRules): Compiled {
  const hit = compiled.get(calendar);
  if (hit) return hit;
  const key = versionKeyOf(calendar);
  const known = key === undefined ? undefined : compiledVersions.get(key);
  if (known) {
    compiled.set(calendar, known);
    return known;
  }
  // WEEKDAYS starts on Monday; Date#getUTCDay starts on Sunday.
  const periods = [6, 0, 1, 2, 3, 4, 5].map((i) =>
    [...(calendar.week[WEEKDAYS[i]!] ?? [])].map((p) => [minutesOf(p.start), minutesOf(p.end)] as const).sort((a, b) => a[0] - b[0]),
  );
  const closures = (calendar.closures ?? []).map((c) => [c.from, c.to ?? c.from] as const);
  const closedDays = (day: number) => {
    const iso = isoDay(day);
    if (closures.some(([from, to]) => iso >= from && iso <= to)) return true;
    return calendar.holidays !== undefined && holidaysOf(calendar.holidays, Number(iso.slice(0, 4))).has(iso);
  };
  const result: Compiled = { zone: IANAZone.create(calendar.timeZone), periods, closedDays, dayCache: new Map() };
  compiled.set(calendar, result);
  if (key !== undefined) compiledVersions.set(key, result);
  return result;
}

/** Offset of the zone at `t`, in ms. */
const offsetAt = (zone: IANAZone, t: number) => zone.offset(t) * MINUTE;

/**
 * The UTC stretches around one local day where the offset is constant: at most
 * two (offset changes are months apart, a day's window is under three days).
 */
function constantOffsetSegments(zone: IANAZone, lo: number, hi: number): { from: number; to: number; offset: number }[] {
  const first = offsetAt(zone, lo);
  const last = offsetAt(zone, hi);
  if (first === last) return [{ from: lo, to: hi, offset: first }];
  // Binary search for the first instant with the new offset (transitions fall on whole seconds).
  let a = lo;
  let b = hi;
  while (b - a > 1000) {
    const mid = Math.floor((a + b) / 2000) * 1000;
    if (offsetAt(zone, mid) === first) a = mid;
    else b = mid;
  }
  return [
    { from: lo, to: b, offset: first },
    { from: b, to: hi, offset: last },
  ];
}

/** The working intervals of local day `day` (days since epoch of the wall calendar), in UTC, sorted. */
function dayIntervals(c: Compiled, day: number): readonly Interval[] {
  const cached = c.dayCache.get(day);
  if (cached) return cached;
  let out: Interval[] = [];
  const periods = c.periods[(((day + 4) % 7) + 7) % 7]!; // 1970-01-01 was a Thursday
  if (periods.length > 0 && !c.closedDays(day)) {
    const wallMidnight = day * DAY;
    // Offsets lie within -12h..+14h, so wall times of this day happen within this UTC window.
    const segments = constantOffsetSegments(c.zone, wallMidnight - 14 * 3_600_000, wallMidnight + DAY + 12 * 3_600_000);
    for (const [s, e] of periods) {
      for (const seg of segments) {
        const from = Math.max(wallMidnight + s * MINUTE - seg.offset, seg.from);
        const to = Math.min(wallMidnight + e * MINUTE - seg.offset, seg.to);
        if (from < to) out.push([from, to]);
      }
    }
    out.sort((x, y) => x[0] - y[0]);
    // A period across an autumn change yields two pieces that may touch or overlap: merge them.
    out = out.reduce<Interval[]>((merged, iv) => {
      const prev = merged.at(-1);
      if (prev && iv[0] <= prev[1]) merged[merged.length - 1] = [prev[0], Math.max(prev[1], iv[1])];
      else merged.push(iv);
      return merged;
    }, []);
  }
  if (c.dayCache.size > 5000) c.dayCache.clear();
  c.dayCache.set(day, out);
  return out;
}

/** The wall-calendar day number `t` falls on in the calendar's zone. */
const localDay = (c: Compiled, t: number) => Math.floor((t + offsetAt(c.zone, t)) / DAY);

const toMs = (t: Date | string): number => {
  const ms = typeof t === 'string' ? Date.parse(t) : t.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Not an instant: ${String(t)}`);
  return ms;
};

/** Business minutes between two instants (negative when `b` is before `a`); fractional for instants off the minute. */
export function businessMinutesBetween(calendar: CalendarRules, a: Date | string, b: Date | string): number {
  const from = toMs(a);
  const to = toMs(b);
  if (to < from) return -businessMinutesBetween(calendar, b, a);
  const c = compile(calendar);
  let total = 0;
  // One day of margin each side: a zone shifting back over midnight revisits the previous day.
  const last = localDay(c, to) + 1;
  for (let day = localDay(c, from) - 1; day <= last; day++) {
    for (const [s, e] of dayIntervals(c, day)) {
      const lo = Math.max(s, from);
      const hi = Math.min(e, to);
      if (lo < hi) total += hi - lo;
    }
  }
  return total / MINUTE;
}

/**
 * The instant `minutes` business minutes after `start`: the earliest instant by
 * which that much working time has passed (so it can be the end of a working
 * period, 12:00 rather than 13:00). Zero minutes is `start` itself.
 */
export function addBusinessMinutes(calendar: CalendarRules, start: Date | string, minutes: number): Date {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`Cannot add ${minutes} business minutes`);
  const from = toMs(start);
  // Whole milliseconds: a fraction of one left over by float maths must not spill into the next working day.
  let remaining = Math.round(minutes * MINUTE);
  if (remaining === 0) return new Date(from);
  const c = compile(calendar);
  const first = localDay(c, from) - 1;
  for (let day = first; day <= first + MAX_DAYS_AHEAD; day++) {
    for (const [s, e] of dayIntervals(c, day)) {
      const lo = Math.max(s, from);
      if (lo >= e) continue;
      if (e - lo >= remaining) return new Date(lo + remaining);
      remaining -= e - lo;
    }
  }
  throw new RangeError(`The calendar has no working time for ${minutes} business minutes within ${MAX_DAYS_AHEAD} days`);
}

/** Whether `t` is inside working time. */
export function isBusinessTime(calendar: CalendarRules, t: Date | string): boolean {
  const ms = toMs(t);
  const c = compile(calendar);
  const day = localDay(c, ms);
  return [day - 1, day, day + 1].some((d) => dayIntervals(c, d).some(([s, e]) => ms >= s && ms < e));
}
