/**
 * Who is told what of a domain event live (`functions/core/live.ts`): a table of
 * callers and events, and properties over generated ones that hold the same rules as
 * the API: no case a caller may not see, no field a caller may not know of, no value
 * of a field they may not read, no internal note to a requester, offers only to the agent offered.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maySeeCase } from '#core/access.js';
import { isStaff, type Caller, type Role } from '#core/caller.js';
import type { AuditEvent, FieldChange } from '#core/audit-event.js';
import type { Sensitivity } from '#core/case-type.js';
import { accessFor } from '#core/visibility.js';
import { audienceOf, instantOfLiveId, isLiveEvent, liveIdOf, liveMessageFor, type LiveEntry, type LiveScope, type OfferDetail } from '#core/live.js';

const type = {
  fields: [
    { name: 'topic', sensitivity: 'public' as const },
    { name: 'note', sensitivity: 'internal' as const },
    { name: 'score', sensitivity: 'restricted' as const },
  ],
  clearance: ['supervisor' as Role],
};

const callers = {
  rita: { sub: 'rita', roles: ['requester'] },
  remy: { sub: 'remy', roles: ['requester'] },
  agent: { sub: 'agent-1', roles: ['agent'] },
  agent2: { sub: 'agent-2', roles: ['agent'] },
  supervisor: { sub: 'sup', roles: ['supervisor'] },
  fraudAgent: { sub: 'frida', roles: ['agent'], teams: ['fraud'] },
} satisfies Record<string, Caller>;

function audit(action: AuditEvent['action'], changes: FieldChange[] = [], extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    eventId: 'CASE-1/2',
    caseId: 'CASE-1',
    seq: 2,
    action,
    at: '2026-12-03T08:00:00.000Z',
    actor: { sub: 'agent-1', name: 'Alex', roles: ['agent'] },
    channel: 'web',
    correlationId: 'c-1',
    caseVersion: 2,
    changes,
    prevHash: 'a',
    hash: 'b',
    ...extra,
  } as AuditEvent;
}

const scope = (extra: Partial<LiveScope> = {}): LiveScope => ({ requesterId: 'rita', type, ...extra });
const entry = (event: string, a: AuditEvent, s: LiveScope = scope()): LiveEntry => ({
  id: liveIdOf(1_764_748_800_000, a.eventId + event),
  event,
  caseId: a.caseId,
  source: { kind: 'audit', audit: a },
  scope: s,
});
const offer = (agentId: string, s: LiveScope = scope()): LiveEntry => ({
  id: liveIdOf(1_764_748_800_000, 'offer'),
  event: 'CaseOffered',
  caseId: 'CASE-1',
  source: {
    kind: 'offer',
    offer: {
      offerId: 'CASE-1.2',
      caseId: 'CASE-1',
      agentId,
      queue: 'q',
      channel: 'phone',
      offeredAt: '2026-12-03T08:00:00.000Z',
      deadline: '2026-12-03T08:00:30.000Z',
    },
  },
  scope: s,
});

const fraud = scope({ access: { teams: ['fraud'] } });
const fieldChange = (name: string, sensitivity: Sensitivity, after: unknown): FieldChange => ({
  field: `fields.${name}`,
  before: null,
  after: sensitivity === 'restricted' ? null : after,
  sensitivity,
});

type Who = keyof typeof callers;
const cases: [string, LiveEntry, Who[]][] = [
  ['a new case', entry('CaseCreated', audit('CaseCreated')), ['rita', 'agent', 'agent2', 'supervisor', 'fraudAgent']],
  [
    'a status change',
    entry('StatusChanged', audit('Transitioned', [{ field: 'status', before: 'open', after: 'waiting' }])),
    ['rita', 'agent', 'agent2', 'supervisor', 'fraudAgent'],
  ],
  [
    'the status of a new case (in its CaseCreated already)',
    entry('StatusChanged', audit('CaseCreated', [{ field: 'status', before: null, after: 'open' }])),
    [],
  ],
  [
    'a public comment',
    entry('CommentAdded', audit('CommentAdded', [], { target: { kind: 'comment', id: 'c1' }, visibility: 'public' })),
    ['rita', 'agent', 'agent2', 'supervisor', 'fraudAgent'],
  ],
  [
    'an internal comment',
    entry('CommentAdded', audit('CommentAdded', [], { target: { kind: 'comment', id: 'c2' }, visibility: 'internal' })),
    ['agent', 'agent2', 'supervisor', 'fraudAgent'],
  ],
  [
    'an update of an internal field only',
    entry('CaseUpdated', audit('CaseUpdated', [fieldChange('note', 'internal', 'x')])),
    ['agent', 'agent2', 'supervisor', 'fraudAgent'],
  ],
  [
    'an update of a public field',
    entry('CaseUpdated', audit('CaseUpdated', [fieldChange('topic', 'public', 'x')])),
    ['rita', 'agent', 'agent2', 'supervisor', 'fraudAgent'],
  ],
  ['an SLA breach', entry('SlaBreached', audit('SlaBreached')), ['agent', 'agent2', 'supervisor', 'fraudAgent']],
  ['an offer to agent-1', offer('agent-1'), ['agent']],
  ['an offer made to a requester id (never a staff member)', offer('rita'), []],
  ['a fraud case', entry('CaseCreated', audit('CaseCreated'), fraud), ['rita', 'fraudAgent']],
  ['an offer of a fraud case to an agent outside the team', offer('agent-1', fraud), []],
];

describe('who is told of an event', () => {
  it.each(cases)('%s', (_what, e, told) => {
    const got = (Object.keys(callers) as Who[]).filter((who) => liveMessageFor(callers[who], e) !== undefined);
    expect(got).toEqual(told);
  });

  it('tells requesters of public fields only, staff without clearance that a restricted field changed, never its value', () => {
    const e = entry(
      'CaseUpdated',
      audit('CaseUpdated', [
        fieldChange('topic', 'public', 'Lost'),
        fieldChange('note', 'internal', 'n'),
        fieldChange('score', 'restricted', 's'),
        { field: 'priorityScore', before: null, after: { inputs: [{ field: 'score', value: 9 }] } },
      ]),
    );
    expect(liveMessageFor(callers.rita, e)!.detail.changes).toEqual([{ field: 'fields.topic', before: null, after: 'Lost' }]);
    expect(liveMessageFor(callers.agent, e)!.detail.changes).toEqual([
      { field: 'fields.topic', before: null, after: 'Lost' },
      { field: 'fields.note', before: null, after: 'n' },
      { field: 'fields.score', before: null, after: null },
      { field: 'priorityScore', before: null, after: null },
    ]);
    expect(liveMessageFor(callers.rita, e)!.detail.actor).toBeUndefined();
    expect(liveMessageFor(callers.agent, e)!.detail.actor).toEqual({ sub: 'agent-1', name: 'Alex' });
  });

  it('sends the offer to its agent with the deadline, and nobody learns of it from the audience of the case', () => {
    expect(liveMessageFor(callers.agent, offer('agent-1'))).toMatchObject({
      type: 'event',
      event: 'CaseOffered',
      caseId: 'CASE-1',
      detail: { offer: { offerId: 'CASE-1.2', agentId: 'agent-1', deadline: '2026-12-03T08:00:30.000Z' } },
    });
    expect(audienceOf(offer('agent-1'))).toEqual({ staff: false, people: ['agent-1'] });
    expect(audienceOf(entry('CaseCreated', audit('CaseCreated')))).toEqual({ staff: true, people: ['rita'] });
  });

  it("tells the offer's agent, and only them, that it ended, at the time it ended", () => {
    const base = offer('agent-1');
    const closed: LiveEntry = {
      ...base,
      event: 'OfferClosed',
      source: { kind: 'offer', offer: { ...(base.source as { offer: OfferDetail }).offer, closedAt: '2026-12-03T08:00:12.000Z' } },
    };
    expect(liveMessageFor(callers.agent, closed)).toMatchObject({
      event: 'OfferClosed',
      caseId: 'CASE-1',
      detail: { at: '2026-12-03T08:00:12.000Z', offer: { offerId: 'CASE-1.2', agentId: 'agent-1' } },
    });
    expect(audienceOf(closed)).toEqual({ staff: false, people: ['agent-1'] });
    expect(liveMessageFor(callers.agent, offer('agent-2'))).toBeUndefined();
    expect(
      liveMessageFor(callers.agent, {
        ...closed,
        source: { kind: 'offer', offer: { ...(closed.source as { offer: OfferDetail }).offer, agentId: 'agent-2' } },
      }),
    ).toBeUndefined();
  });
});

describe('properties', () => {
  const roleSets = fc.subarray(['requester', 'agent', 'supervisor', 'admin', 'integration'] as Role[]);
  const callerArb = fc.record({ sub: fc.constantFrom('rita', 'remy', 'agent-1', 'sup'), roles: roleSets, teams: fc.subarray(['fraud', 'legal']) });
  const sensitivity = fc.constantFrom<Sensitivity>('public', 'internal', 'restricted');
  const changeArb = fc.oneof(
    fc
      .record({ name: fc.constantFrom('topic', 'note', 'score', 'gone'), sensitivity, value: fc.string() })
      .map(({ name, sensitivity: s, value }) => fieldChange(name, s, `v-${value}`)),
    fc
      .record({ field: fc.constantFrom('status', 'owner', 'priorityScore', 'sla', 'handoff', 'tasks'), value: fc.string() })
      .map(({ field, value }) => ({ field, before: null, after: `v-${value}` })),
  );
  const entryArb = fc.record({
    event: fc.constantFrom('CaseCreated', 'CaseUpdated', 'StatusChanged', 'Assigned', 'CommentAdded', 'SlaBreached', 'SlaStarted'),
    action: fc.constantFrom<AuditEvent['action']>('CaseCreated', 'CaseUpdated', 'Transitioned', 'CommentAdded', 'SlaBreached'),
    // One change per field, as an audit event has.
    changes: fc.uniqueArray(changeArb, { maxLength: 5, selector: (c) => c.field }),
    visibility: fc.constantFrom<'public' | 'internal'>('public', 'internal'),
    teams: fc.option(fc.subarray(['fraud', 'legal'], { minLength: 1 }), { nil: undefined }),
    requesterId: fc.constantFrom('rita', 'remy'),
  });

  it('never tells a caller of a case they may not see, nor a field they may not know of, nor a value they may not read', () => {
    fc.assert(
      fc.property(callerArb, entryArb, (caller, g) => {
        const s = scope({ requesterId: g.requesterId, ...(g.teams ? { access: { teams: g.teams } } : {}) });
        const e = entry(
          g.event,
          audit(g.action, g.changes, g.action === 'CommentAdded' ? { target: { kind: 'comment', id: 'c' }, visibility: g.visibility } : {}),
          s,
        );
        const message = liveMessageFor(caller, e);
        if (!message) return;
        expect(maySeeCase(caller, { requester: { id: g.requesterId } }, s.access)).toBe(true);
        for (const change of message.detail.changes ?? []) {
          if (!change.field.startsWith('fields.')) {
            if (!isStaff(caller)) expect(['status', 'owner']).toContain(change.field);
            continue;
          }
          const name = change.field.slice('fields.'.length);
          const original = g.changes.find((c) => c.field === change.field) as FieldChange;
          const access = accessFor(
            type.fields.find((f) => f.name === name)?.sensitivity ?? original.sensitivity ?? 'internal',
            type.clearance,
            caller,
          );
          expect(access).not.toBe('hidden');
          if (access === 'redacted') expect([null, '[redacted]']).toContain(change.after);
        }
        if (!isStaff(caller)) {
          expect(g.event.startsWith('Sla')).toBe(false);
          if (g.action === 'CommentAdded') expect(g.visibility).toBe('public');
          expect(message.detail.actor).toBeUndefined();
        }
      }),
    );
  });

  it('offers reach the agent offered and nobody else', () => {
    fc.assert(
      fc.property(callerArb, fc.constantFrom('rita', 'agent-1', 'sup'), (caller, agentId) => {
        const told = liveMessageFor(caller, offer(agentId)) !== undefined;
        expect(told).toBe(caller.sub === agentId && isStaff(caller));
      }),
    );
  });

  it('live ids sort as their instants do, and name them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9_999_999_999_999 }),
        fc.integer({ min: 0, max: 9_999_999_999_999 }),
        fc.string(),
        fc.string(),
        (a, b, x, y) => {
          const [ia, ib] = [liveIdOf(a, x), liveIdOf(b, y)];
          expect(instantOfLiveId(ia)).toBe(a);
          if (a < b) expect(ia < ib).toBe(true);
        },
      ),
    );
    expect(instantOfLiveId('yesterday')).toBeUndefined();
  });

  it('pushes the events the console refreshes on, and no others', () => {
    expect(
      ['CaseCreated', 'CaseUpdated', 'StatusChanged', 'Assigned', 'CommentAdded', 'CaseOffered', 'OfferClosed', 'SlaBreached', 'SlaWarned'].filter(
        isLiveEvent,
      ),
    ).toHaveLength(9);
    expect(['TaskAdded', 'NotificationRequested', 'RoutingDecided', 'ClockActionRequested', 'Transitioned'].filter(isLiveEvent)).toEqual([]);
  });
});
