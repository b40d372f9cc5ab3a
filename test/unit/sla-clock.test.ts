import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarInputSchema, businessMinutesBetween, type CalendarRules } from '#core/sla/calendar.js';
import { breachClock, completeClock, elapsedAt, pauseClock, resumeClock, retargetClock, startClock, type ClockContext } from '#core/sla/clock.js';
import { openSla, slaOnPolicyChange, slaOnRequesterComment, slaOnStaffReply, slaOnTransition, type SlaSetup } from '#core/sla/case-sla.js';
import { chooseEntitlement, choosePolicy, type Entitlement } from '#core/sla/policy.js';
import { SlaPolicyInputSchema, type ClockState, type SlaPolicy } from '#core/sla/state.js';

const week = {
  mon: [
    { start: '08:00', end: '12:00' },
    { start: '13:00', end: '17:00' },
  ],
};
const calendar: CalendarRules & { calendarId: string } = {
  ...CalendarInputSchema.parse({
    name: 'London',
    timeZone: 'Europe/London',
    week: { ...week, tue: week.mon, wed: week.mon, thu: week.mon, fri: week.mon },
    holidays: { country: 'GB', region: 'ENG' },
  }),
  calendarId: 'london',
};
const policy = (id: string, input: Record<string, unknown>, version = 1): SlaPolicy => ({
  ...SlaPolicyInputSchema.parse({ name: id, calendarId: 'london', ...input }),
  policyId: id,
  version,
  publishedAt: '2026-01-01T00:00:00Z',
  publishedBy: 'admin',
});
const gold = policy('support-gold', {
  match: { caseType: 'support', entitlementLevel: 'gold' },
  targets: { firstResponse: 60, nextResponse: 120, resolution: 960 },
});
const ctxAt = (now: string, warningPercent = 75): ClockContext => ({ calendar, warningPercent, now });

const instant = fc
  .integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-06-30T00:00:00Z') })
  .map((t) => new Date(t).toISOString());
/** A clock's life as operations at increasing instants. */
const ops = fc.array(
  fc.tuple(fc.constantFrom('pause', 'resume', 'retarget'), fc.integer({ min: 1, max: 7 * 24 * 60 }), fc.integer({ min: 1, max: 5000 })),
  { minLength: 1, maxLength: 12 },
);

const apply = (clock: ClockState, op: string, now: string, target: number) =>
  op === 'pause' ? pauseClock(clock, ctxAt(now)) : op === 'resume' ? resumeClock(clock, ctxAt(now)) : retargetClock(clock, target, ctxAt(now));

describe('SLA clock properties', () => {
  it('pause, resume and retarget never change the business time counted (oracle: sum of running segments)', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 5000 }), ops, (start, target, steps) => {
        let clock = startClock(target, ctxAt(start));
        let now = start;
        let oracle = 0;
        let runningFrom: string | null = start;
        for (const [op, gap, newTarget] of steps) {
          const next = new Date(Date.parse(now) + gap * 60_000).toISOString();
          const before = elapsedAt(clock, calendar, next);
          clock = apply(clock, op, next, newTarget);
          expect(elapsedAt(clock, calendar, next)).toBeCloseTo(before, 6);
          if (runningFrom && clock.status === 'paused') {
            oracle += businessMinutesBetween(calendar, runningFrom, next);
            runningFrom = null;
          } else if (!runningFrom && clock.status === 'running') {
            runningFrom = next;
          }
          now = next;
        }
        const total = oracle + (runningFrom ? businessMinutesBetween(calendar, runningFrom, now) : 0);
        expect(elapsedAt(clock, calendar, now)).toBeCloseTo(total, 6);
      }),
      { numRuns: 150 },
    );
  });

  it('a running clock is due exactly when its elapsed time reaches the target, and warns at the threshold', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 5000 }), ops, fc.integer({ min: 1, max: 99 }), (start, target, steps, percent) => {
        let clock = startClock(target, ctxAt(start, percent));
        let now = start;
        for (const [op, gap, newTarget] of steps) {
          now = new Date(Date.parse(now) + gap * 60_000).toISOString();
          clock =
            op === 'pause'
              ? pauseClock(clock, ctxAt(now, percent))
              : op === 'resume'
                ? resumeClock(clock, ctxAt(now, percent))
                : retargetClock(clock, newTarget, ctxAt(now, percent));
        }
        if (clock.status !== 'running') {
          expect(clock.dueAt).toBeNull();
          return;
        }
        const due = clock.dueAt!;
        expect(elapsedAt(clock, calendar, due)).toBeCloseTo(Math.max(clock.targetMinutes, clock.elapsedMinutes), 6);
        if (clock.warnAt) expect(elapsedAt(clock, calendar, clock.warnAt)).toBeCloseTo((clock.targetMinutes * percent) / 100, 6);
        // Met just before the deadline, breached just after.
        if (clock.elapsedMinutes < clock.targetMinutes) expect(completeClock(clock, ctxAt(due)).status).toBe('met');
        const late = new Date(Date.parse(due) + 60_000).toISOString();
        if (elapsedAt(clock, calendar, late) > clock.targetMinutes) {
          expect(completeClock(clock, ctxAt(late))).toMatchObject({ status: 'breached', breachedAt: due });
          expect(breachClock(clock, ctxAt(late))).toMatchObject({ status: 'breached', breachedAt: due });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('every re-arm bumps the generation', () => {
    const started = startClock(60, ctxAt('2026-11-23T09:00:00Z'));
    const paused = pauseClock(started, ctxAt('2026-11-23T09:30:00Z'));
    const resumed = resumeClock(paused, ctxAt('2026-11-24T09:00:00Z'));
    expect([started.generation, paused.generation, resumed.generation]).toEqual([1, 2, 3]);
    expect(resumed).toMatchObject({ elapsedMinutes: 30, dueAt: '2026-11-24T09:30:00.000Z' });
  });
});

describe('SLA on a case', () => {
  const setup: SlaSetup = { policy: gold, calendar };
  const open = { status: 'new', category: 'active' as const };
  const waiting = { status: 'waiting-on-customer', category: 'waiting' as const };
  const resolved = { status: 'resolved', category: 'resolved' as const };

  it('starts firstResponse and resolution, pauses resolution while waiting over a weekend, and meets it on resolution', () => {
    const started = openSla(setup, { id: 'ENT-1', level: 'gold' }, open, '2026-11-27T16:00:00Z'); // Friday 16:00 GMT
    expect(started.action).toBe('SlaStarted');
    expect(started.after.clocks.firstResponse).toMatchObject({ status: 'running', dueAt: '2026-11-27T17:00:00.000Z' });
    expect(started.after.clocks.resolution).toMatchObject({ status: 'running', dueAt: '2026-12-01T16:00:00.000Z' });
    expect(started.after.nextDueAt).toBe('2026-11-27T17:00:00.000Z');
    const replied = slaOnStaffReply(started.after, setup, '2026-11-27T16:30:00Z')!;
    expect(replied).toMatchObject({ action: 'SlaMet' });
    expect(replied.after.clocks.firstResponse).toMatchObject({ status: 'met', elapsedMinutes: 30 });
    const paused = slaOnTransition(replied.after, setup, open, waiting, [], '2026-11-27T16:45:00Z')!;
    expect(paused.action).toBe('SlaPaused');
    expect(paused.after.clocks.resolution).toMatchObject({ status: 'paused', elapsedMinutes: 45, dueAt: null });
    const resumed = slaOnTransition(paused.after, setup, waiting, open, [], '2026-11-30T10:00:00Z')!;
    expect(resumed.action).toBe('SlaResumed');
    expect(resumed.after.clocks.resolution).toMatchObject({ status: 'running', elapsedMinutes: 45, runningSince: '2026-11-30T10:00:00Z' });
    const done = slaOnTransition(resumed.after, setup, open, resolved, [], '2026-11-30T11:00:00Z')!;
    expect(done.action).toBe('SlaMet');
    expect(done.after.clocks.resolution).toMatchObject({ status: 'met', elapsedMinutes: 105 });
    expect(done.after.nextDueAt).toBeNull();
  });

  it('a requester comment after a staff reply starts nextResponse; the next staff reply meets it', () => {
    const started = openSla(setup, null, open, '2026-11-23T09:00:00Z');
    expect(slaOnRequesterComment(started.after, setup, open, '2026-11-23T09:10:00Z')).toBeUndefined();
    const replied = slaOnStaffReply(started.after, setup, '2026-11-23T09:20:00Z')!;
    const asked = slaOnRequesterComment(replied.after, setup, open, '2026-11-23T10:00:00Z')!;
    expect(asked.after.clocks.nextResponse).toMatchObject({ status: 'running', dueAt: '2026-11-23T12:00:00.000Z' });
    expect(slaOnRequesterComment(asked.after, setup, open, '2026-11-23T10:05:00Z')).toBeUndefined();
    expect(slaOnStaffReply(asked.after, setup, '2026-11-23T10:30:00Z')!.after.clocks.nextResponse).toMatchObject({ status: 'met' });
  });

  it('workflow timer effects are honoured', () => {
    const started = openSla(setup, null, open, '2026-11-23T09:00:00Z');
    const stopped = slaOnTransition(
      started.after,
      setup,
      open,
      { status: 'triage', category: 'active' },
      [{ kind: 'timer', action: 'pause', clock: 'resolution' }],
      '2026-11-23T09:30:00Z',
    )!;
    expect(stopped.after.clocks.resolution!.status).toBe('paused');
    const resumed = slaOnTransition(
      stopped.after,
      setup,
      open,
      open,
      [{ kind: 'timer', action: 'resume', clock: 'resolution' }],
      '2026-11-23T10:30:00Z',
    )!;
    expect(resumed.after.clocks.resolution).toMatchObject({ status: 'running', elapsedMinutes: 30 });
  });

  it('a policy change keeps elapsed time and moves the deadline', () => {
    const started = openSla(setup, null, open, '2026-11-23T09:00:00Z');
    const urgent = policy('support-urgent', { match: { caseType: 'support', priority: 'urgent' }, targets: { firstResponse: 15, resolution: 240 } });
    const moved = slaOnPolicyChange(started.after, { policy: urgent, calendar }, open, '2026-11-23T10:00:00Z')!;
    expect(moved.action).toBe('SlaRecomputed');
    expect(moved.after.clocks.resolution).toMatchObject({ elapsedMinutes: 60, targetMinutes: 240, dueAt: '2026-11-23T14:00:00.000Z' });
    // firstResponse was already over its new 15-minute target: due in the past, so a timer fires at once.
    expect(moved.after.clocks.firstResponse!.dueAt).toBe('2026-11-23T10:00:00.000Z');
    expect(moved.after.policyId).toBe('support-urgent');
  });
});

describe('policy and entitlement choice', () => {
  const basic = policy('support-basic', { match: { caseType: 'support' }, targets: { resolution: 2400 } });
  const urgentAny = policy('urgent-any', { match: { priority: 'urgent' }, targets: { resolution: 120 } });
  const goldAny = policy('gold-any', { match: { entitlementLevel: 'gold' }, targets: { resolution: 480 } });

  it('the most specific match wins: level, then type, then priority', () => {
    const all = [basic, urgentAny, goldAny, gold];
    expect(choosePolicy(all, { caseType: 'support', priority: 'urgent', entitlementLevel: 'gold' })!.policyId).toBe('support-gold');
    expect(choosePolicy(all, { caseType: 'claims', priority: 'urgent', entitlementLevel: 'gold' })!.policyId).toBe('gold-any');
    expect(choosePolicy(all, { caseType: 'support', priority: 'urgent', entitlementLevel: null })!.policyId).toBe('support-basic');
    expect(choosePolicy(all, { caseType: 'claims', priority: 'urgent', entitlementLevel: null })!.policyId).toBe('urgent-any');
    expect(choosePolicy(all, { caseType: 'claims', priority: 'low', entitlementLevel: null })).toBeUndefined();
  });

  it('asset before customer; expired and exhausted ones are passed over with a reason', () => {
    const ent = (id: string, kind: 'customer' | 'asset', extra: Partial<Entitlement> = {}): Entitlement => ({
      entitlementId: id,
      holder: { kind, id: kind === 'asset' ? 'A-1' : 'rita' },
      level: 'gold',
      validFrom: '2026-01-01T00:00:00Z',
      validTo: '2027-01-01T00:00:00Z',
      consumed: 0,
      createdAt: '2026-01-01T00:00:00Z',
      createdBy: 'admin',
      ...extra,
    });
    const now = '2026-11-27T10:00:00Z';
    expect(chooseEntitlement([ent('E-A', 'asset')], [ent('E-C', 'customer')], now).chosen!.entitlementId).toBe('E-A');
    const choice = chooseEntitlement(
      [ent('E-A', 'asset', { allowance: 2, consumed: 2 })],
      [ent('E-C', 'customer', { validTo: '2026-06-01T00:00:00Z' })],
      now,
    );
    expect(choice.chosen).toBeNull();
    expect(choice.notes.join('\n')).toMatch(/E-A .*exhausted \(2 of 2/);
    expect(choice.notes.join('\n')).toMatch(/E-C .*expired/);
  });
});
