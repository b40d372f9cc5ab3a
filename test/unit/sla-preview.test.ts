import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarInputSchema, businessMinutesBetween, type CalendarRules } from '#core/sla/calendar.js';
import { pauseClock, resumeClock, startClock } from '#core/sla/clock.js';
import { previewDeadlines } from '#core/sla/preview.js';

const day = [
  { start: '08:00', end: '12:00' },
  { start: '13:00', end: '17:00' },
];
const calendar: CalendarRules = CalendarInputSchema.parse({
  name: 'London',
  timeZone: 'Europe/London',
  week: { mon: day, tue: day, wed: day, thu: day, fri: day },
  holidays: { country: 'GB', region: 'ENG' },
  closures: [{ from: '2026-12-24', name: 'Christmas Eve' }],
});

const instant = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-06-30T00:00:00Z') });
const MINUTE = 60_000;

describe('SLA deadline preview', () => {
  it('gives the deadlines a clock started then gets, whatever the start, target and warning percent', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 99 }), (t, target, warningPercent) => {
        const start = new Date(t).toISOString();
        const clock = startClock(target, { calendar, warningPercent, now: start });
        const preview = previewDeadlines({ policy: { targets: { resolution: target }, warningPercent }, calendar, start });
        expect(preview.clocks.resolution).toEqual({ targetMinutes: target, warnAt: clock.warnAt, dueAt: clock.dueAt, pausedMinutes: 0 });
      }),
      { numRuns: 150 },
    );
  });

  it('with a pause, gives the deadline of a clock paused and resumed then; the pause took what the calendar counts in it', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 7 * 24 * 60 }),
        fc.integer({ min: 1, max: 7 * 24 * 60 }),
        (t, target, after, length) => {
          const start = new Date(t).toISOString();
          const from = new Date(t + after * MINUTE).toISOString();
          const to = new Date(t + (after + length) * MINUTE).toISOString();
          let clock = startClock(target, { calendar, warningPercent: 75, now: start });
          const preview = previewDeadlines({ policy: { targets: { resolution: target } }, calendar, start, pauses: [{ from, to }] });
          // A pause that begins after the deadline changes nothing.
          if (clock.dueAt! <= from) {
            expect(preview.clocks.resolution?.dueAt).toBe(clock.dueAt);
            return;
          }
          clock = resumeClock(pauseClock(clock, { calendar, warningPercent: 75, now: from }), { calendar, warningPercent: 75, now: to });
          expect(preview.clocks.resolution?.dueAt).toBe(clock.dueAt);
          expect(preview.clocks.resolution?.pausedMinutes).toBeCloseTo(businessMinutesBetween(calendar, from, to), 6);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('accounts for every day from the start to the last deadline: closed days by name, and their minutes add up to the target', () => {
    // Wednesday 23 December 2026, 16:00 in London: Christmas Eve closed, Christmas and Boxing Day (and its substitute) bank holidays.
    const preview = previewDeadlines({ policy: { targets: { firstResponse: 480 } }, calendar, start: '2026-12-23T16:00:00Z' });
    expect(preview.clocks.firstResponse?.dueAt).toBe('2026-12-29T16:00:00.000Z');
    expect(preview.days.map((d) => [d.date, d.weekday, d.closed?.kind ?? null, d.businessMinutes])).toEqual([
      ['2026-12-23', 'wed', null, 60],
      ['2026-12-24', 'thu', 'closure', 0],
      ['2026-12-25', 'fri', 'holiday', 0],
      ['2026-12-26', 'sat', 'holiday', 0],
      ['2026-12-27', 'sun', null, 0],
      ['2026-12-28', 'mon', 'holiday', 0],
      ['2026-12-29', 'tue', null, 420],
    ]);
    expect(preview.days[1]!.closed?.name).toBe('Christmas Eve');
    expect(preview.daysTruncated).toBe(false);
  });
});
