import Holidays from 'date-holidays';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  CalendarInputSchema,
  WEEKDAYS,
  addBusinessMinutes,
  businessMinutesBetween,
  isBusinessTime,
  type CalendarRules,
  type Period,
} from '#core/sla/calendar.js';

const MINUTE = 60_000;

/** The obviously-correct definition: a minute counts when its local wall time is in a working period of a working day. */
function oracleWorks(cal: CalendarRules): (ms: number) => boolean {
  const holidays = new Map<number, Set<string>>();
  const holidaysIn = (year: number) => {
    if (!cal.holidays) return new Set<string>();
    let set = holidays.get(year);
    if (!set) {
      const h = cal.holidays.region ? new Holidays(cal.holidays.country, cal.holidays.region) : new Holidays(cal.holidays.country);
      set = new Set(
        h
          .getHolidays(year)
          .filter((x) => (cal.holidays!.types as string[]).includes(x.type))
          .map((x) => x.date.slice(0, 10)),
      );
      holidays.set(year, set);
    }
    return set;
  };
  return (ms) => {
    const local = DateTime.fromMillis(ms, { zone: cal.timeZone });
    const date = local.toISODate()!;
    if (holidaysIn(local.year).has(date)) return false;
    if ((cal.closures ?? []).some((c) => date >= c.from && date <= (c.to ?? c.from))) return false;
    const tod = local.hour * 60 + local.minute;
    const periods = cal.week[WEEKDAYS[local.weekday - 1]!] ?? [];
    return periods.some((p) => tod >= toMin(p.start) && tod < toMin(p.end));
  };
}
const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function oracleBetween(cal: CalendarRules, a: number, b: number): number {
  const works = oracleWorks(cal);
  let n = 0;
  for (let t = a; t < b; t += MINUTE) if (works(t)) n++;
  return n;
}

function oracleAdd(cal: CalendarRules, a: number, minutes: number): number {
  const works = oracleWorks(cal);
  let t = a;
  let left = minutes;
  while (left > 0) {
    if (works(t)) left--;
    t += MINUTE;
  }
  return t;
}

// Instants near the spring and autumn changes of each zone, and a year boundary.
const ANCHORS: Record<string, string[]> = {
  'Europe/London': ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-12-31T12:00:00Z'],
  'America/New_York': ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2027-01-01T05:00:00Z'],
  'Australia/Sydney': ['2026-04-04T16:00:00Z', '2026-10-03T16:00:00Z', '2026-12-31T13:00:00Z'],
};
const HOLIDAYS: Record<string, CalendarRules['holidays']> = {
  'Europe/London': { country: 'GB', region: 'ENG', types: ['public', 'bank'] },
  'America/New_York': { country: 'US', types: ['public'] },
  'Australia/Sydney': { country: 'AU', region: 'NSW', types: ['public'] },
};

/** Periods of a day: sorted cut points paired up, biased towards the small hours where clocks change. */
const dayPeriods: fc.Arbitrary<Period[]> = fc
  .uniqueArray(fc.oneof(fc.integer({ min: 0, max: 1440 }), fc.integer({ min: 50, max: 200 }), fc.constantFrom(0, 480, 720, 780, 1020, 1440)), {
    maxLength: 6,
  })
  .map((points) => {
    const sorted = [...points].sort((a, b) => a - b);
    const periods: Period[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) periods.push({ start: hhmm(sorted[i]!), end: hhmm(sorted[i + 1]!) });
    return periods;
  });

const calendarArb: fc.Arbitrary<CalendarRules> = fc
  .record({
    timeZone: fc.constantFrom(...Object.keys(ANCHORS)),
    week: fc.tuple(...WEEKDAYS.map(() => dayPeriods)),
    withHolidays: fc.boolean(),
    closures: fc.array(fc.record({ day: fc.integer({ min: -5, max: 5 }), len: fc.integer({ min: 0, max: 2 }) }), { maxLength: 2 }),
    anchor: fc.integer({ min: 0, max: 2 }),
  })
  .filter((r) => r.week.some((d) => d.length > 0))
  .map((r) => {
    const anchor = Date.parse(ANCHORS[r.timeZone]![r.anchor]!);
    const iso = (days: number) => new Date(anchor + days * 86_400_000).toISOString().slice(0, 10);
    return {
      timeZone: r.timeZone,
      week: Object.fromEntries(WEEKDAYS.map((d, i) => [d, r.week[i]!])) as CalendarRules['week'],
      ...(r.withHolidays ? { holidays: HOLIDAYS[r.timeZone] } : {}),
      closures: r.closures.map((c) => ({ from: iso(c.day), to: iso(c.day + c.len) })),
      anchorMs: anchor,
    } as CalendarRules & { anchorMs: number };
  });

/** Working minutes in a plain week (no holidays or closures). */
const weeklyMinutes = (cal: CalendarRules) =>
  Object.values(cal.week)
    .flat()
    .reduce((sum, p) => {
      const [sh, sm] = p.start.split(':').map(Number) as [number, number];
      const [eh, em] = p.end.split(':').map(Number) as [number, number];
      return sum + (eh * 60 + em) - (sh * 60 + sm);
    }, 0);

/** A minute-aligned instant within three days of the calendar's anchor. */
const near = (cal: CalendarRules) => (offset: number) => (cal as CalendarRules & { anchorMs: number }).anchorMs + offset * MINUTE;
const offsetArb = fc.integer({ min: -3 * 1440, max: 3 * 1440 });

const london: CalendarRules = CalendarInputSchema.parse({
  name: 'London office',
  timeZone: 'Europe/London',
  week: {
    mon: [
      { start: '08:00', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ],
    tue: [
      { start: '08:00', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ],
    wed: [
      { start: '08:00', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ],
    thu: [
      { start: '08:00', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ],
    fri: [
      { start: '08:00', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ],
  },
  holidays: { country: 'GB', region: 'ENG' },
  closures: [{ from: '2026-12-24', name: 'Christmas Eve' }],
});

describe('business calendar: examples', () => {
  it('skips the lunch break, the weekend, holidays and closures', () => {
    // Wed 23 Dec 16:00 + 2h: 1h that day; 24 Dec closed, 25 Christmas, 26-27 weekend, 28 Boxing Day substitute.
    expect(addBusinessMinutes(london, '2026-12-23T16:00:00Z', 120).toISOString()).toBe('2026-12-29T09:00:00.000Z');
    expect(businessMinutesBetween(london, '2026-12-23T16:00:00Z', '2026-12-29T09:00:00Z')).toBe(120);
    // 11:00 + 90 min: one hour to noon, lunch, half an hour after.
    expect(addBusinessMinutes(london, '2026-11-25T11:00:00Z', 90).toISOString()).toBe('2026-11-25T13:30:00.000Z');
    // A deadline lands on the end of a period, not the start of the next one.
    expect(addBusinessMinutes(london, '2026-11-25T11:00:00Z', 60).toISOString()).toBe('2026-11-25T12:00:00.000Z');
    expect(isBusinessTime(london, '2026-11-25T12:30:00Z')).toBe(false);
    expect(isBusinessTime(london, '2026-07-01T07:30:00Z')).toBe(true); // 08:30 BST
  });

  it('follows wall time across a DST change', () => {
    // Friday 27 Mar 2026 is GMT, Monday 30 Mar BST: 16:30 GMT Fri + 60 min = half an hour each side = 08:30 BST Mon = 07:30Z.
    expect(addBusinessMinutes(london, '2026-03-27T16:30:00Z', 60).toISOString()).toBe('2026-03-30T07:30:00.000Z');
    expect(businessMinutesBetween(london, '2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z')).toBe(2 * 480);
  });

  it('counts a year of working time across the year boundary', () => {
    const year = businessMinutesBetween(london, '2026-06-01T00:00:00Z', '2027-06-01T00:00:00Z');
    // 261 weekdays minus 8 bank holidays on weekdays minus the closure: about 252 days of 8 hours.
    expect(year / 480).toBeGreaterThan(245);
    expect(year / 480).toBeLessThan(256);
    expect(Number.isInteger(year / 480)).toBe(true);
    expect(addBusinessMinutes(london, '2026-06-01T00:00:00Z', year).getTime()).toBeLessThanOrEqual(Date.parse('2027-06-01T00:00:00Z'));
  });

  it('rejects calendars that cannot be worked', () => {
    const bad = CalendarInputSchema.safeParse({
      name: 'x',
      timeZone: 'Mars/Olympus',
      week: { mon: [{ start: '12:00', end: '09:00' }] },
      holidays: { country: 'XX' },
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['timeZone', 'week.mon.0.end', 'holidays.country']));
    expect(CalendarInputSchema.safeParse({ name: 'x', timeZone: 'UTC', week: {} }).success).toBe(false);
    expect(
      CalendarInputSchema.safeParse({
        name: 'x',
        timeZone: 'UTC',
        week: {
          mon: [
            { start: '08:00', end: '12:00' },
            { start: '11:00', end: '13:00' },
          ],
        },
      }).success,
    ).toBe(false);
  });
});

describe('business calendar: properties against a minute-by-minute oracle', () => {
  it('businessMinutesBetween counts the working minutes, around DST changes, holidays and closures', () => {
    fc.assert(
      fc.property(calendarArb, offsetArb, fc.integer({ min: 0, max: 3 * 1440 }), (cal, offset, span) => {
        const a = near(cal)(offset);
        expect(businessMinutesBetween(cal, new Date(a), new Date(a + span * MINUTE))).toBe(oracleBetween(cal, a, a + span * MINUTE));
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('addBusinessMinutes lands where the n-th working minute ends', () => {
    fc.assert(
      fc.property(calendarArb, offsetArb, fc.integer({ min: 0, max: 1500 }), (cal, offset, n) => {
        const a = near(cal)(offset);
        // Some generated calendars work only a few minutes a week: keep the oracle's walk bounded
        // (the filter may use the fast count: the assertion below is what checks it).
        fc.pre(businessMinutesBetween(cal, new Date(a), new Date(a + 5 * 1440 * MINUTE)) >= n);
        expect(addBusinessMinutes(cal, new Date(a), n).getTime()).toBe(oracleAdd(cal, a, n));
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});

describe('business calendar: algebra over long spans', () => {
  const instant = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') });

  it('between(a, add(a, n)) == n, and add is the earliest such instant', () => {
    fc.assert(
      fc.property(calendarArb, instant, fc.integer({ min: 0, max: 200_000 }), (cal, a, wanted) => {
        // At most five years of this calendar's working time: a week of one working minute
        // cannot hold 200,000 minutes inside the ten years the calendar searches.
        const n = Math.min(wanted, weeklyMinutes(cal) * 52 * 5);
        const due = addBusinessMinutes(cal, new Date(a), n);
        expect(businessMinutesBetween(cal, new Date(a), due)).toBeCloseTo(n, 6);
        if (n > 0) expect(isBusinessTime(cal, new Date(due.getTime() - 1))).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it('between is additive over a split, and add(a, between(a, b)) is not after b', () => {
    fc.assert(
      fc.property(calendarArb, instant, instant, instant, (cal, x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        const ab = businessMinutesBetween(cal, new Date(a), new Date(b));
        expect(ab + businessMinutesBetween(cal, new Date(b), new Date(c))).toBeCloseTo(businessMinutesBetween(cal, new Date(a), new Date(c)), 6);
        expect(businessMinutesBetween(cal, new Date(b), new Date(a))).toBeCloseTo(-ab, 6);
        const back = addBusinessMinutes(cal, new Date(a), ab).getTime();
        expect(back).toBeLessThanOrEqual(b);
        expect(businessMinutesBetween(cal, new Date(back), new Date(b))).toBeCloseTo(0, 6);
      }),
      { numRuns: 80 },
    );
  });
});
