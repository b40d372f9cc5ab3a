/**
 * Events that are never lost, end to end on the local platform: a case created over
 * HTTP is committed with its audit item, the table stream feeds the real outbox
 * publisher, which puts the domain event through the real EventBridgeClient onto
 * the stand-in bus, which delivers it to the rules' targets. A target that keeps
 * failing is retried and then dead-lettered (visible on the Platform and over
 * `GET /_local/dead-letters`); a redelivered event changes an idempotent consumer once.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEventDetail } from '../../functions/adapters/events.js';
import type { BusEvent, DeadLetter } from '../../lib/local/event-bus.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../lib/local/dynamodb-local.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
const received: BusEvent[] = [];
const failing: string[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({
    eventRetry: { retryAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
    eventRules: [
      { name: 'test-case-created', pattern: { source: ['caseway.cases'], 'detail-type': ['CaseCreated'] }, handler: (event) => void received.push(event) },
      {
        name: 'test-always-fails',
        pattern: { source: ['caseway.cases'], 'detail-type': ['CaseCreated'], detail: { changes: { field: ['subject'], after: [{ prefix: 'FAIL:' }] } } },
        handler: (event) => {
          failing.push(event.id);
          throw new Error('deliberately broken target');
        },
      },
      {
        name: 'test-idempotent',
        description: 'counts deliveries, applies its effect once',
        pattern: { source: ['caseway.cases'], 'detail-type': ['CaseCreated'], detail: { changes: { field: ['subject'], after: [{ prefix: 'ONCE:' }] } } },
        target: { entry: 'test/support/handlers/idempotent-consumer.ts', tableAccess: 'readWrite' },
      },
    ],
  });
});
afterAll(async () => {
  await platform?.stop();
});

async function eventually<T>(read: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createCase(subject: string): Promise<string> {
  const response = await platform.fetchAs('agent', '/cases', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subject, description: 'events test', requester: { id: 'demo-requester', email: 'requester@example.com' } }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { caseId: string }).caseId;
}

describe('the outbox on the local bus', () => {
  it('delivers a case created over HTTP to a rule target as an EventBridge CaseCreated event', async () => {
    const caseId = await createCase('Printer on fire');
    const event = await eventually(() => received.find((e) => (e.detail as DomainEventDetail).caseId === caseId), 'CaseCreated');
    expect(event).toMatchObject({ version: '0', source: 'caseway.cases', 'detail-type': 'CaseCreated', account: expect.any(String), region: LOCAL_REGION, resources: [] });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const detail = event.detail as DomainEventDetail;
    expect(detail).toMatchObject({ caseId, action: 'CaseCreated' });
    // The stable id is the audit event's: what consumers deduplicate on.
    expect(detail.id).toBe(detail.eventId);
    // Only the one matching rule saw it: the failing rule's pattern wants another subject.
    expect(failing).toHaveLength(0);
  });

  it('retries a failing target with backoff, then dead-letters the event, visible on the platform and over HTTP', async () => {
    const caseId = await createCase('FAIL: nobody can handle this');
    const dead = await eventually(() => platform.events.deadLetters().find((d) => (d.event.detail as DomainEventDetail).caseId === caseId), 'a dead letter');
    expect(dead).toMatchObject({ rule: 'test-always-fails', attempts: 3, error: 'deliberately broken target' });
    // The same event each attempt: three deliveries of one EventBridge event id.
    expect(failing.filter((id) => id === dead.event.id)).toHaveLength(3);
    // The other rule got it once, untroubled by its neighbour's failure.
    expect(received.filter((e) => (e.detail as DomainEventDetail).caseId === caseId)).toHaveLength(1);

    const response = await fetch(`${platform.url}/_local/dead-letters`);
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: DeadLetter[] };
    expect(items.some((d) => d.event.id === dead.event.id && d.rule === 'test-always-fails')).toBe(true);
  });

  it('a redelivered event is applied once by an idempotent consumer', async () => {
    const caseId = await createCase('ONCE: count me once');
    const { client } = platform.dynamodb;
    const deliveries = async () => (await client.send(new QueryCommand({ TableName: platform.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)', ExpressionAttributeValues: { ':pk': `TEST#${caseId}`, ':d': 'DELIVERY#' } }))).Items ?? [];
    // First delivery applies the effect and fails; the bus retries; the retry sees the mark.
    await eventually(async () => ((await deliveries()).length >= 2 ? true : undefined), 'the retry');
    await platform.events.idle();
    const original = received.find((e) => (e.detail as DomainEventDetail).caseId === caseId)!;

    // And a second publication of the same domain event (as a retried outbox batch would make), through the real client.
    const eventBridge = new EventBridgeClient({ endpoint: `${platform.url}/_local/eventbridge`, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const put = await eventBridge.send(
      new PutEventsCommand({ Entries: [{ EventBusName: 'caseway-local', Source: original.source, DetailType: original['detail-type'], Detail: JSON.stringify(original.detail) }] }),
    );
    expect(put.FailedEntryCount).toBe(0);
    await eventually(async () => ((await deliveries()).length >= 3 ? true : undefined), 'the redelivery');
    await platform.events.idle();

    const items = await deliveries();
    expect(new Set(items.map((i) => i.domainEventId as string))).toEqual(new Set([original.detail && (original.detail as DomainEventDetail).id]));
    const effect = await client.send(new GetCommand({ TableName: platform.tableName, Key: { pk: `TEST#${caseId}`, sk: 'EFFECT' } }));
    expect(effect.Item?.applied).toBe(1);
    expect(platform.events.deadLetters().some((d) => (d.event.detail as DomainEventDetail).caseId === caseId)).toBe(false);
  });
});

describe('PutEvents on the stand-in bus', () => {
  const client = () => new EventBridgeClient({ endpoint: `${platform.url}/_local/eventbridge`, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

  it('answers each entry on its own, as EventBridge does', async () => {
    const out = await client().send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'caseway-local', Source: 'caseway.devices', DetailType: 'Telemetry', Detail: JSON.stringify({ deviceId: 'd-1' }) },
          { EventBusName: 'caseway-local', Source: 'caseway.devices', DetailType: 'Telemetry', Detail: '{not json' },
          { EventBusName: 'someone-elses-bus', Source: 'caseway.channels', DetailType: 'Inbound', Detail: '{}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries![0]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries![1]!.ErrorCode).toBe('MalformedDetail');
    expect(out.Entries![2]!.ErrorCode).toBe('ResourceNotFoundException');
  });

  it('refuses a malformed call as a whole, as the AWS JSON protocol does', async () => {
    await expect(client().send(new PutEventsCommand({ Entries: [] }))).rejects.toMatchObject({ name: 'ValidationException' });
    const raw = await fetch(`${platform.url}/_local/eventbridge`, { method: 'POST', headers: { 'x-amz-target': 'AWSEvents.PutRule', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    expect(raw.status).toBe(400);
  });
});
