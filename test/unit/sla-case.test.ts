import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarInputSchema, businessMinutesBetween, type CalendarRules } from '#core/sla/calendar.js';
import { elapsedAt } from '#core/sla/clock.js';
import { openSla, slaOnPolicyChange, slaOnStaffReply, slaOnTransition, type Place, type SlaSetup } from '#core/sla/case-sla.js';
import { SlaPolicyInputSchema, type SlaPolicy, type SlaState } from '#core/sla/state.js';

const day = [
  { start: '09:00', end: '12:30' },
  { start: '13:30', end: '18:00' },
];
const calendar: CalendarRules & { calendarId: string } = {
  ...CalendarInputSchema.parse({
    name: 'NY',
    timeZone: 'America/New_York',
    week: { mon: day, tue: day, wed: day, thu: day, fri: day },
    holidays: { country: 'US' },
  }),
  calendarId: 'ny',
};
const policyOf = (id: string, resolution: number, version = 1): SlaPolicy => ({
  ...SlaPolicyInputSchema.parse({ name: id, calendarId: 'ny', targets: { firstResponse: 30, resolution } }),
  policyId: id,
  version,
  publishedAt: '2026-01-01T00:00:00Z',
  publishedBy: 'admin',
});

const PLACES: Place[] = [
  { status: 'new', category: 'active' },
  { status: 'in_review', category: 'active' },
  { status: 'waiting_on_customer', category: 'waiting' },
  { status: 'blocked', category: 'waiting' },
];

type Step = { kind: 'move'; to: number } | { kind: 'reply' } | { kind: 'retarget'; minutes: number };
const stepArb: fc.Arbitrary<[Step, number]> = fc.tuple(
  fc.oneof(
    fc.integer({ min: 0, max: PLACES.length - 1 }).map((to): Step => ({ kind: 'move', to })),
    fc.constant<Step>({ kind: 'reply' }),
    fc.integer({ min: 60, max: 20_000 }).map((minutes): Step => ({ kind: 'retarget', minutes })),
  ),
  fc.integer({ min: 1, max: 4 * 24 * 60 }),
);

describe('SLA on a case: the resolution clock counts exactly the working time spent in states that do not pause it', () => {
  it('for any sequence of moves, replies and policy changes (oracle: business minutes of the active stretches)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-01T00:00:00Z') }),
        fc.array(stepArb, { minLength: 1, maxLength: 25 }),
        (start, steps) => {
          let now = new Date(Math.floor(start / 60_000) * 60_000).toISOString();
          let setup: SlaSetup = { policy: policyOf('p', 2000), calendar };
          let place = PLACES[0]!;
          let sla: SlaState = openSla(setup, null, place, now).after;
          let oracle = 0;
          let activeSince: string | null = now;
          let version = 1;
          for (const [step, gap] of steps) {
            const next = new Date(Date.parse(now) + gap * 60_000).toISOString();
            if (step.kind === 'move') {
              const to = PLACES[step.to]!;
              sla = slaOnTransition(sla, setup, place, to, [], next)?.after ?? sla;
              if (activeSince && to.category === 'waiting') {
                oracle += businessMinutesBetween(calendar, activeSince, next);
                activeSince = null;
              } else if (!activeSince && to.category === 'active') {
                activeSince = next;
              }
              place = to;
            } else if (step.kind === 'reply') {
              sla = slaOnStaffReply(sla, setup, next)?.after ?? sla;
            } else {
              setup = { policy: policyOf('p', step.minutes, ++version), calendar };
              sla = slaOnPolicyChange(sla, setup, place, next)?.after ?? sla;
              expect(sla.clocks.resolution!.targetMinutes).toBe(step.minutes);
            }
            now = next;
            const total = oracle + (activeSince ? businessMinutesBetween(calendar, activeSince, now) : 0);
            expect(elapsedAt(sla.clocks.resolution!, calendar, now)).toBeCloseTo(total, 6);
            // The listing key is the earliest deadline of a running clock, and only while one runs.
            const running = Object.values(sla.clocks).filter((c) => c?.status === 'running');
            expect(sla.nextDueAt === null).toBe(running.length === 0);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
