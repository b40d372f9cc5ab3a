/**
 * The supervisor board's figures (web/src/features/board/figures.ts): what counts as breached and
 * breaching soon, per clock state, and the queue and agent sums, as a table of cases and a property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agentLoad, escalations, queueFigures, slaStanding, type Agent, type Case, type Queue } from '../../web/src/features/board/figures.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

type Clock = NonNullable<NonNullable<Case['sla']>['clocks']['resolution']>;
const clock = (over: Partial<Clock>): Clock => ({
  status: 'running',
  targetMinutes: 480,
  elapsedMinutes: 0,
  runningSince: at(-60),
  warnAt: at(300),
  dueAt: at(420),
  metAt: null,
  breachedAt: null,
  generation: 1,
  ...over,
});

function aCase(id: string, over: Partial<Case> = {}, clocks?: Record<string, Clock>): Case {
  return {
    caseId: id,
    type: 'support',
    typeVersion: 1,
    status: 'new',
    statusCategory: 'active',
    priority: 'medium',
    priorityScore: null,
    owner: null,
    queue: 'support',
    requester: { id: 'r' },
    channel: 'web',
    subject: id,
    description: '',
    fields: {},
    reopenCount: 0,
    resolvedAt: null,
    parentId: null,
    mergedInto: null,
    createdAt: at(-120),
    updatedAt: at(-120),
    createdBy: 'r',
    version: 1,
    sla: clocks ? { policyId: 'p', policyVersion: 1, calendarId: 'c', entitlement: null, clocks, nextDueAt: null, escalationLevel: 0 } : null,
    ...over,
  };
}

describe('SLA standing of a case', () => {
  it.each([
    ['no SLA', undefined, 'none'],
    ['running, due later, before its warning point', { resolution: clock({}) }, 'ok'],
    ['running, past its warning point', { resolution: clock({ warnAt: at(-1) }) }, 'soon'],
    ['running, due within the hour though not yet warned', { resolution: clock({ warnAt: at(50), dueAt: at(59) }) }, 'soon'],
    ['running, due time passed but the timer has not run yet', { resolution: clock({ warnAt: at(-30), dueAt: at(-1) }) }, 'breached'],
    ['breached by the timer', { firstResponse: clock({ status: 'breached', breachedAt: at(-10), dueAt: at(-10) }) }, 'breached'],
    ['met', { firstResponse: clock({ status: 'met', metAt: at(-5), dueAt: at(-1) }) }, 'ok'],
    ['paused past its due time', { resolution: clock({ status: 'paused', dueAt: null, warnAt: null }) }, 'ok'],
    ['one clock breached, another fine', { firstResponse: clock({ status: 'breached', breachedAt: at(-10) }), resolution: clock({}) }, 'breached'],
  ] as const)('%s: %s', (_name, clocks, expected) => {
    expect(slaStanding(aCase('C', {}, clocks as Record<string, Clock> | undefined), NOW)).toBe(expected);
  });
});

describe('queue figures', () => {
  it('counts backlog, unassigned, oldest, soon and breached per queue, with routing queues that hold nothing', () => {
    const queues = [
      { queueId: 'support', name: 'Support', offerTimeoutSeconds: 60, version: 1 },
      { queueId: 'empty', offerTimeoutSeconds: 60, version: 1 },
    ] as Queue[];
    const cases = [
      aCase('A', { createdAt: at(-600) }, { resolution: clock({ status: 'breached', breachedAt: at(-5) }) }),
      aCase('B', { owner: 'demo-agent' }, { resolution: clock({ warnAt: at(-1) }) }),
      aCase('C', { queue: 'billing' }),
    ];
    expect(queueFigures(queues, cases, NOW)).toEqual([
      { queueId: 'support', name: 'Support', backlog: 2, unassigned: 1, oldestCreatedAt: at(-600), breachingSoon: 1, breached: 1 },
      { queueId: 'empty', name: 'empty', backlog: 0, unassigned: 0, oldestCreatedAt: null, breachingSoon: 0, breached: 0 },
      { queueId: 'billing', name: 'billing', backlog: 1, unassigned: 1, oldestCreatedAt: at(-120), breachingSoon: 0, breached: 0 },
    ]);
  });

  it('adds up: every case is in exactly one queue row, and soon and breached never overlap', () => {
    const clockArb = fc.record({
      status: fc.constantFrom('running', 'paused', 'met', 'breached', 'stopped') as fc.Arbitrary<Clock['status']>,
      due: fc.integer({ min: -600, max: 600 }),
      warn: fc.integer({ min: -600, max: 600 }),
    });
    const caseArb = fc.record({
      queue: fc.constantFrom('a', 'b', 'c'),
      owned: fc.boolean(),
      clocks: fc.option(fc.array(clockArb, { maxLength: 3 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(caseArb, { maxLength: 30 }), (specs) => {
        const cases = specs.map((s, i) =>
          aCase(
            `C${i}`,
            { queue: s.queue, owner: s.owned ? 'x' : null },
            s.clocks
              ? Object.fromEntries(
                  s.clocks.map((c, j) => [
                    `k${j}`,
                    clock({ status: c.status, dueAt: at(c.due), warnAt: at(c.warn), breachedAt: c.status === 'breached' ? at(c.due) : null }),
                  ]),
                )
              : undefined,
          ),
        );
        const rows = queueFigures([], cases, NOW);
        expect(rows.reduce((n, r) => n + r.backlog, 0)).toBe(cases.length);
        for (const r of rows) expect(r.breachingSoon + r.breached).toBeLessThanOrEqual(r.backlog);
        expect(rows.reduce((n, r) => n + r.breached, 0)).toBe(escalations(cases, NOW).filter((c) => slaStanding(c, NOW) === 'breached').length);
      }),
    );
  });
});

describe('agent load', () => {
  it('sums load and capacity over channels, free never below zero', () => {
    const agent = {
      agentId: 'a',
      skills: {},
      capacity: { web: 2, email: 3 },
      load: { web: 2, chat: 1 },
      presence: 'available',
      idleSince: at(0),
      version: 1,
    } as Agent;
    expect(agentLoad(agent)).toEqual({
      used: 3,
      capacity: 5,
      free: 2,
      channels: [
        { channel: 'chat', used: 1, capacity: 0 },
        { channel: 'email', used: 0, capacity: 3 },
        { channel: 'web', used: 2, capacity: 2 },
      ],
    });
    expect(agentLoad({ ...agent, capacity: { web: 1 }, load: { web: 3 } }).free).toBe(0);
  });
});
