import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { EventBridgePublisher, type EventPublisher } from '#adapters/events.js';
import type { AuditEvent } from '#core/audit-event.js';
import { domainEventsOf, type DomainEvent } from '#core/domain-events.js';
import { publishStream } from '#handlers/outbox-publisher.js';

const audit = (seq: number, changes: AuditEvent['changes'] = [], extras: Partial<AuditEvent> = {}): AuditEvent => ({
  eventId: `CASE-2026-000001/${seq}`,
  caseId: 'CASE-2026-000001',
  seq,
  action: seq === 1 ? 'CaseCreated' : 'CaseUpdated',
  at: '2026-11-23T10:00:00.000Z',
  actor: { sub: 'a', roles: ['agent'] },
  channel: 'web',
  correlationId: 'c',
  caseVersion: seq,
  changes,
  prevHash: 'p',
  hash: `h${seq}`,
  ...extras,
});

describe('domain events from audit events', () => {
  it('add StatusChanged and Assigned with stable ids', () => {
    const events = domainEventsOf(
      audit(3, [
        { field: 'status', before: 'new', after: 'in_review' },
        { field: 'owner', before: null, after: 'a' },
      ]),
    );
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['CaseUpdated', 'CASE-2026-000001/3'],
      ['StatusChanged', 'CASE-2026-000001/3/StatusChanged'],
      ['Assigned', 'CASE-2026-000001/3/Assigned'],
    ]);
  });

  it("put each outward effect of a transition on the bus as an event of its own; changes made in place stay in the event's changes", () => {
    const moved = audit(4, [{ field: 'status', before: 'in_review', after: 'resolved' }], {
      action: 'Transitioned',
      transition: { id: 'resolve', from: 'in_review', to: 'resolved', reopen: false },
      effects: [
        { kind: 'setField', field: 'x', value: 'y' },
        { kind: 'timer', action: 'stop', clock: 'resolution' },
        { kind: 'notify', template: 'resolved', to: 'requester' },
        { kind: 'emitEvent', event: 'ClaimPaid' },
      ],
    });
    expect(domainEventsOf(moved).map((e) => [e.type, e.id, e.effect?.kind ?? null])).toEqual([
      ['Transitioned', 'CASE-2026-000001/4', null],
      ['StatusChanged', 'CASE-2026-000001/4/StatusChanged', null],
      ['ClockActionRequested', 'CASE-2026-000001/4/Clock/resolution/stop', 'timer'],
      ['NotificationRequested', 'CASE-2026-000001/4/Notify/requester/resolved', 'notify'],
      ['ClaimPaid', 'CASE-2026-000001/4/ClaimPaid', 'emitEvent'],
    ]);
  });

  it('announce mentions, and never carry a restricted value', () => {
    const commented = audit(5, [], { action: 'CommentAdded', mentions: ['sam'] });
    expect(domainEventsOf(commented).map((e) => e.type)).toEqual(['CommentAdded', 'Mentioned']);
    const flagged = audit(6, [
      { field: 'fields.fraudScore', before: 10, after: 90, sensitivity: 'restricted' },
      { field: 'fields.adjusterNotes', before: null, after: 'odd', sensitivity: 'internal' },
    ]);
    const [event] = domainEventsOf(flagged);
    expect(event!.detail.changes).toEqual([
      { field: 'fields.fraudScore', before: null, after: null, sensitivity: 'restricted' },
      { field: 'fields.adjusterNotes', before: null, after: 'odd', sensitivity: 'internal' },
    ]);
    expect(JSON.stringify(event)).not.toContain('90');
  });
});

/** A real EventBridge client whose HTTP layer is replaced: we see the exact wire request. */
function capturingClient(answer: (entries: unknown[]) => { ErrorCode?: string }[]) {
  const requests: { target: string; body: { Entries: Record<string, unknown>[] } }[] = [];
  const client = new EventBridgeClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  client.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { headers: Record<string, string>; body: string };
      const body = JSON.parse(request.body) as { Entries: Record<string, unknown>[] };
      requests.push({ target: request.headers['x-amz-target']!, body });
      return { output: { $metadata: {}, Entries: answer(body.Entries), FailedEntryCount: 0 }, response: {} } as never;
    },
    { step: 'build', name: 'capture' },
  );
  return { client, requests };
}

describe('EventBridge publisher', () => {
  it('sends PutEvents in chunks of 10 with the bus, source, detail-type and detail', async () => {
    const { client, requests } = capturingClient((entries) => entries.map(() => ({})));
    const events = Array.from({ length: 12 }, (_, i) => domainEventsOf(audit(i + 1))[0]!);
    const failed = await new EventBridgePublisher('caseway-bus', client).publish(events);
    expect(failed).toEqual([]);
    expect(requests.map((r) => r.body.Entries.length)).toEqual([10, 2]);
    expect(requests[0]!.target).toBe('AWSEvents.PutEvents');
    const first = requests[0]!.body.Entries[0]!;
    expect(first).toMatchObject({ EventBusName: 'caseway-bus', Source: 'caseway.cases', DetailType: 'CaseCreated' });
    expect(JSON.parse(String(first.Detail))).toMatchObject({ id: 'CASE-2026-000001/1', caseId: 'CASE-2026-000001', seq: 1 });
  });

  it('returns the entries EventBridge refused', async () => {
    const { client } = capturingClient((entries) => entries.map((_, i) => (i === 1 ? { ErrorCode: 'InternalFailure' } : {})));
    const events = [1, 2, 3].map((seq) => domainEventsOf(audit(seq))[0]!);
    expect((await new EventBridgePublisher('bus', client).publish(events)).map((e) => e.id)).toEqual(['CASE-2026-000001/2']);
  });
});

const streamRecord = (sequence: string, item: Record<string, unknown>, eventName: 'INSERT' | 'MODIFY' = 'INSERT') => ({
  eventName,
  dynamodb: { SequenceNumber: sequence, NewImage: marshall(item, { removeUndefinedValues: true }) as never },
});

/** A publisher that takes every event and keeps them, in order. */
function recordingPublisher(): EventPublisher & { published: DomainEvent[] } {
  const published: DomainEvent[] = [];
  return { published, publish: async (events) => (published.push(...(events as DomainEvent[])), []) };
}

describe('outbox publisher', () => {
  const auditItem = (seq: number) => ({
    pk: 'CASE#CASE-2026-000001',
    sk: `AUDIT#${String(seq).padStart(10, '0')}`,
    entity: 'AuditEvent',
    ...audit(seq),
  });

  it('publishes inserted audit items only, as domain events without storage keys', async () => {
    const target = recordingPublisher();
    const event = {
      Records: [
        streamRecord('1', auditItem(1)),
        streamRecord('2', { pk: 'CASE#x', sk: '#CASE', status: 'new' }),
        streamRecord('3', auditItem(2), 'MODIFY'),
      ],
    } as unknown as DynamoDBStreamEvent;
    expect(await publishStream(event, target)).toEqual({ batchItemFailures: [] });
    expect(target.published.map((e) => e.id)).toEqual(['CASE-2026-000001/1']);
    expect(target.published[0]!.detail).not.toHaveProperty('pk');
  });

  it('reports the first record it could not publish, so the stream resumes there', async () => {
    let calls = 0;
    const flaky: EventPublisher = { publish: async (events: readonly DomainEvent[]) => (++calls === 2 ? [...events] : []) };
    const event = {
      Records: [streamRecord('10', auditItem(1)), streamRecord('11', auditItem(2)), streamRecord('12', auditItem(3))],
    } as unknown as DynamoDBStreamEvent;
    expect(await publishStream(event, flaky)).toEqual({ batchItemFailures: [{ itemIdentifier: '11' }] });
  });
});
