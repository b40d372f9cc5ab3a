/**
 * The timer's decisions, pure: properties over arbitrary clocks, generations,
 * instants and ladders (fast-check), with a round-the-clock calendar so the
 * oracle for business minutes is plain addition; and the arming plan.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CalendarRules } from '#core/sla/calendar.js';
import type { SlaSetup } from '#core/sla/case-sla.js';
import type { ClockState, EscalationRung, SlaPolicy, SlaState } from '#core/sla/state.js';
import { decideCheck, executionName, firstStep, raisedPriority, type TimedCase, type TimerInput } from '#core/sla/timer-steps.js';
import { armingPlan } from '#services/sla-timers.js';

const ALWAYS: CalendarRules = {
  timeZone: 'UTC',
  week: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]]),
  ) as CalendarRules['week'],
  closures: [],
};
const MINUTE = 60_000;
const T0 = Date.parse('2030-01-07T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const setupWith = (escalation: EscalationRung[]): SlaSetup => ({
  policy: {
    policyId: 'p',
    version: 1,
    name: 'p',
    calendarId: 'always',
    match: {},
    targets: { resolution: 60 },
    warningPercent: 75,
    pauses: [],
    escalation,
    publishedAt: iso(T0),
    publishedBy: 't',
  } as SlaPolicy,
  calendar: { ...ALWAYS, calendarId: 'always' },
});

const running = (generation: number, startMs: number, target: number): ClockState => ({
  status: 'running',
  targetMinutes: target,
  elapsedMinutes: 0,
  runningSince: iso(startMs),
  warnAt: iso(startMs + Math.floor(target * 0.75) * MINUTE),
  dueAt: iso(startMs + target * MINUTE),
  metAt: null,
  breachedAt: null,
  generation,
});

const caseWith = (clock: ClockState, extra: Partial<TimedCase> = {}, escalationLevel = 0): TimedCase => ({
  caseId: 'CASE-1',
  statusCategory: 'active',
  priority: 'medium',
  queue: 'support',
  sla: {
    policyId: 'p',
    policyVersion: 1,
    calendarId: 'always',
    entitlement: null,
    clocks: { resolution: clock },
    nextDueAt: clock.dueAt,
    escalationLevel,
  },
  ...extra,
});

const rungs = fc
  .array(
    fc
      .record({
        afterMinutes: fc.integer({ min: 0, max: 600 }),
        action: fc.constantFrom('alertSupervisor', 'notifyCustomer', 'raisePriority', 'reassign'),
      })
      .map((r) =>
        r.action === 'reassign' ? { ...r, queue: 'escalations' } : r.action === 'raisePriority' ? { ...r, priority: 'urgent' as const } : r,
      ),
    { maxLength: 5 },
  )
  .map((list) => [...list].sort((a, b) => a.afterMinutes - b.afterMinutes) as EscalationRung[]);

describe('decideCheck', () => {
  it('never acts for a timer armed for another generation', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: -600, max: 6000 }),
        fc.constantFrom('warning', 'breach'),
        (gen, armed, offset, kind) => {
          fc.pre(gen !== armed);
          const clock = running(gen, T0, 60);
          const timer: TimerInput = {
            caseId: 'CASE-1',
            clock: 'resolution',
            generation: armed,
            next: { kind, rung: 0, at: kind === 'warning' ? clock.warnAt! : clock.dueAt! },
          };
          const decision = decideCheck({ case: caseWith(clock), timer, now: new Date(T0 + offset * MINUTE), setup: setupWith([]), acted: false });
          expect(decision.act).toBeUndefined();
          expect(decision.next).toMatchObject({ done: true, reason: expect.stringMatching(/^stale/) });
        },
      ),
    );
  });

  it('never acts before its instant (it waits again for the same step), nor twice, nor on a closed case', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 2000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom('warning', 'breach'),
        fc.constantFrom('resolved', 'closed'),
        (target, early, kind, closed) => {
          const clock = running(1, T0, target);
          const at = kind === 'warning' ? clock.warnAt! : clock.dueAt!;
          const timer: TimerInput = { caseId: 'CASE-1', clock: 'resolution', generation: 1, next: { kind, rung: 0, at } };
          const before = decideCheck({
            case: caseWith(clock),
            timer,
            now: new Date(Date.parse(at) - early * 1000),
            setup: setupWith([]),
            acted: false,
          });
          expect(before).toEqual({ act: undefined, next: { done: false, kind, rung: 0, at } });
          const again = decideCheck({
            case: caseWith(clock),
            timer,
            now: new Date(Date.parse(at) + early * 1000),
            setup: setupWith([]),
            acted: true,
          });
          expect(again.act).toBeUndefined();
          const shut = decideCheck({
            case: caseWith(clock, { statusCategory: closed }),
            timer,
            now: new Date(Date.parse(at) + early * 1000),
            setup: setupWith([]),
            acted: false,
          });
          expect(shut).toEqual({ act: undefined, next: { done: true, reason: `case is ${closed}` } });
        },
      ),
    );
  });

  it('breaches at the due instant however late it fires, and puts the rungs at breach + afterMinutes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 0, max: 10_000 }), rungs, (target, lateMinutes, ladder) => {
        const clock = running(4, T0, target);
        const setup = setupWith(ladder);
        const timer: TimerInput = { caseId: 'CASE-1', clock: 'resolution', generation: 4, next: { kind: 'breach', rung: 0, at: clock.dueAt! } };
        const decision = decideCheck({
          case: caseWith(clock),
          timer,
          now: new Date(Date.parse(clock.dueAt!) + lateMinutes * MINUTE),
          setup,
          acted: false,
        });
        expect(decision.act?.kind).toBe('breach');
        const breached = decision.act?.kind === 'breach' ? decision.act.after.clocks.resolution! : undefined;
        expect(breached).toMatchObject({ status: 'breached', breachedAt: clock.dueAt, generation: 5, elapsedMinutes: target });
        expect(decision.next).toEqual({ done: true, reason: 'breached' });

        // The breached generation's execution starts at the first rung and walks the ladder in order.
        const sla = (decision.act as { after: SlaState }).after;
        let step = firstStep('resolution', breached!, sla, setup);
        const instants: string[] = [];
        let level = 0;
        while (step) {
          instants.push(step.at);
          const check = decideCheck({
            case: caseWith(breached!, {}, level),
            timer: { caseId: 'CASE-1', clock: 'resolution', generation: 5, next: step },
            now: new Date(step.at),
            setup,
            acted: false,
          });
          expect(check.act?.kind).toBe('escalation');
          level += 1;
          step = check.next.done ? undefined : check.next;
        }
        expect(instants).toEqual(ladder.map((r) => iso(Date.parse(clock.dueAt!) + r.afterMinutes * MINUTE)));
      }),
    );
  });

  it('skips a warning that fires once the clock is already due, and a rung another path climbed', () => {
    const clock = running(1, T0, 60);
    const warning = decideCheck({
      case: caseWith(clock),
      timer: { caseId: 'CASE-1', clock: 'resolution', generation: 1, next: { kind: 'warning', rung: 0, at: clock.warnAt! } },
      now: new Date(clock.dueAt!),
      setup: setupWith([]),
      acted: false,
    });
    expect(warning).toEqual({ act: undefined, next: { done: false, kind: 'breach', rung: 0, at: clock.dueAt } });

    const breached: ClockState = {
      ...clock,
      status: 'breached',
      warnAt: null,
      dueAt: null,
      runningSince: null,
      breachedAt: clock.dueAt,
      generation: 2,
    };
    const ladder: EscalationRung[] = [
      { afterMinutes: 0, action: 'alertSupervisor' },
      { afterMinutes: 30, action: 'notifyCustomer' },
    ];
    const climbed = decideCheck({
      case: caseWith(breached, {}, 1),
      timer: { caseId: 'CASE-1', clock: 'resolution', generation: 2, next: { kind: 'escalation', rung: 1, at: clock.dueAt! } },
      now: new Date(clock.dueAt!),
      setup: setupWith(ladder),
      acted: false,
    });
    expect(climbed).toEqual({ act: undefined, next: { done: false, kind: 'escalation', rung: 2, at: iso(Date.parse(clock.dueAt!) + 30 * MINUTE) } });
  });

  it('only raises priority, never lowers it', () => {
    expect(raisedPriority('low', 'urgent')).toBe('urgent');
    expect(raisedPriority('urgent', 'high')).toBe('urgent');
    expect(raisedPriority('medium', undefined)).toBe('high');
    expect(raisedPriority('urgent', undefined)).toBe('urgent');
  });
});

describe('armingPlan', () => {
  const setup = setupWith([{ afterMinutes: 0, action: 'alertSupervisor' }]);
  const base = { caseId: 'CASE-9', statusCategory: 'active' as const };
  const slaOf = (clock: ClockState, level = 0): SlaState => ({
    policyId: 'p',
    policyVersion: 1,
    calendarId: 'always',
    entitlement: null,
    clocks: { resolution: clock },
    nextDueAt: clock.dueAt,
    escalationLevel: level,
  });

  it('starts the running generation and stops the one the event says came before', () => {
    const plan = armingPlan({ ...base, sla: slaOf(running(3, T0, 60)) }, { resolution: { generation: 2 } }, setup);
    expect(plan.stop).toEqual([executionName('CASE-9', 'resolution', 2)]);
    expect(plan.start).toEqual([
      {
        name: 'CASE-9-resolution-3',
        input: { caseId: 'CASE-9', clock: 'resolution', generation: 3, next: { kind: 'warning', rung: 0, at: iso(T0 + 45 * MINUTE) } },
      },
    ]);
  });

  it('keeps a breached clock with rungs left on its ladder, and stops everything of a resolved case', () => {
    const breached: ClockState = {
      ...running(3, T0, 60),
      status: 'breached',
      warnAt: null,
      dueAt: null,
      breachedAt: iso(T0 + 60 * MINUTE),
      generation: 4,
    };
    expect(armingPlan({ ...base, sla: slaOf(breached) }, undefined, setup).start.map((s) => s.input.next)).toEqual([
      { kind: 'escalation', rung: 1, at: iso(T0 + 60 * MINUTE) },
    ]);
    expect(armingPlan({ ...base, sla: slaOf(breached, 1) }, undefined, setup)).toEqual({ start: [], stop: ['CASE-9-resolution-4'] });
    expect(armingPlan({ ...base, statusCategory: 'resolved', sla: slaOf(breached) }, undefined, setup)).toEqual({
      start: [],
      stop: ['CASE-9-resolution-4'],
    });
    const paused: ClockState = { ...running(5, T0, 60), status: 'paused', warnAt: null, dueAt: null, runningSince: null };
    expect(armingPlan({ ...base, sla: slaOf(paused) }, { resolution: { generation: 4 } }, setup)).toEqual({
      start: [],
      stop: ['CASE-9-resolution-4', 'CASE-9-resolution-5'],
    });
  });
});
