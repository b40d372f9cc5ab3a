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
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventJsonSchema } from '#contracts/domain-events.js';
import type { DomainEventDetail } from '#adapters/events.js';
import type { BusEvent, DeadLetter } from '#lib/local/event-bus.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#lib/local/dynamodb-local.js';
import { eventually } from '../support/eventually.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
const received: BusEvent[] = [];
const failing: string[] = [];
const everything: BusEvent[] = [];

beforeAll(async () => {
  platform = await startTestPlatform({
    eventRetry: { retryAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
    eventRules: [
      { name: 'test-everything', pattern: { source: ['caseway.cases'] }, handler: (event) => void everything.push(event) },
      {
        name: 'test-case-created',
        pattern: { source: ['caseway.cases'], 'detail-type': ['CaseCreated'] },
        handler: (event) => void received.push(event),
      },
      {
        name: 'test-always-fails',
        pattern: {
          source: ['caseway.cases'],
          'detail-type': ['CaseCreated'],
          detail: { changes: { field: ['subject'], after: [{ prefix: 'FAIL:' }] } },
        },
        handler: (event) => {
          failing.push(event.id);
          throw new Error('deliberately broken target');
        },
      },
      {
        name: 'test-idempotent',
        description: 'counts deliveries, applies its effect once',
        pattern: {
          source: ['caseway.cases'],
          'detail-type': ['CaseCreated'],
          detail: { changes: { field: ['subject'], after: [{ prefix: 'ONCE:' }] } },
        },
        target: { entry: 'test/support/handlers/idempotent-consumer.ts', tableAccess: 'readWrite' },
      },
    ],
  });
});
afterAll(async () => {
  await platform?.stop();
});

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
    expect(event).toMatchObject({
      version: '0',
      source: 'caseway.cases',
      'detail-type': 'CaseCreated',
      account: expect.any(String),
      region: LOCAL_REGION,
      resources: [],
    });
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
    const dead = await eventually(
      () => platform.events.deadLetters().find((d) => (d.event.detail as DomainEventDetail).caseId === caseId),
      'a dead letter',
    );
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
    const deliveries = async () =>
      (
        await client.send(
          new QueryCommand({
            TableName: platform.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
            ExpressionAttributeValues: { ':pk': `TEST#${caseId}`, ':d': 'DELIVERY#' },
          }),
        )
      ).Items ?? [];
    // First delivery applies the effect and fails; the bus retries; the retry sees the mark.
    await eventually(async () => ((await deliveries()).length >= 2 ? true : undefined), 'the retry');
    await platform.events.idle();
    const original = received.find((e) => (e.detail as DomainEventDetail).caseId === caseId)!;

    // And a second publication of the same domain event (as a retried outbox batch would make), through the real client.
    const eventBridge = new EventBridgeClient({
      endpoint: `${platform.url}/_local/eventbridge`,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const put = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'caseway-local', Source: original.source, DetailType: original['detail-type'], Detail: JSON.stringify(original.detail) },
        ],
      }),
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
  const client = () =>
    new EventBridgeClient({ endpoint: `${platform.url}/_local/eventbridge`, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

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
    const raw = await fetch(`${platform.url}/_local/eventbridge`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutRule', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(raw.status).toBe(400);
  });
});

describe('event schemas for partners', () => {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await platform.fetchAs('agent', path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, `${method} ${path}: ${response.status}`).toBeLessThan(300);
    return { body: (await response.json()) as Record<string, unknown>, etag: response.headers.get('etag') ?? '' };
  };

  it('lists a JSON Schema per event type, without credentials', async () => {
    const response = await fetch(`${platform.url}/events/schemas`);
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: { type: string; source: string; schema: { $schema: string } }[] };
    const types = items.map((i) => i.type);
    for (const type of [
      'CaseCreated',
      'CaseUpdated',
      'Transitioned',
      'CommentAdded',
      'StatusChanged',
      'Assigned',
      'Mentioned',
      'ClockActionRequested',
      'NotificationRequested',
      'CaseTypeEvent',
    ]) {
      expect(types).toContain(type);
    }
    expect(items.every((i) => i.schema.$schema === 'https://json-schema.org/draft/2020-12/schema')).toBe(true);
    // What Caseway publishes comes from caseway.cases; what connectors and devices put on the bus for it is listed too.
    expect(items.filter((i) => i.source !== 'caseway.cases').map((i) => [i.type, i.source])).toEqual([
      ['ChannelMessage', 'caseway.channels'],
      ['DeviceSignal', 'caseway.devices'],
    ]);
    const one = await fetch(`${platform.url}/events/schemas/CaseCreated`);
    expect([one.status, one.headers.get('content-type')]).toEqual([200, 'application/schema+json']);
    expect((await fetch(`${platform.url}/events/schemas/NoSuchEvent`)).status).toBe(404);
    const bad = await fetch(`${platform.url}/events/schemas/not-a-type`);
    expect([bad.status, bad.headers.get('content-type')]).toEqual([400, 'application/problem+json']);
  });

  it('every event the platform really puts on the bus validates against its served schema, and names no field the schema does not', async () => {
    const created = await call('POST', '/cases', {
      subject: 'Schema check',
      description: 'all the events',
      requester: { id: 'demo-requester', email: 'requester@example.com' },
    });
    const caseId = created.body.caseId as string;
    let etag = (await call('GET', `/cases/${caseId}`)).etag;
    await call('PATCH', `/cases/${caseId}`, { priority: 'high', owner: 'demo-agent' }, { 'if-match': etag });
    await call('POST', `/cases/${caseId}/comments`, { body: 'Looking at it, @demo-supervisor', visibility: 'internal' });
    etag = (await call('GET', `/cases/${caseId}`)).etag;
    await call('POST', `/cases/${caseId}/transitions`, { to: 'waiting_on_customer' }, { 'if-match': etag });

    const wanted = [
      'CaseCreated',
      'CaseUpdated',
      'Assigned',
      'CommentAdded',
      'Transitioned',
      'StatusChanged',
      'ClockActionRequested',
      'NotificationRequested',
    ];
    const mine = () => everything.filter((e) => (e.detail as DomainEventDetail).caseId === caseId);
    await eventually(() => (wanted.every((t) => mine().some((e) => e['detail-type'] === t)) ? true : undefined), `events ${wanted.join(', ')}`);

    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    for (const event of mine()) {
      const type = event['detail-type'];
      const served = (await (await fetch(`${platform.url}/events/schemas/${type}`)).json()) as Record<string, unknown>;
      expect(ajv.validate({ ...served, $id: undefined }, event), `${type}: ${ajv.errorsText()}`).toBe(true);
      expect(ajv.validate({ ...eventJsonSchema(type, { strict: true }), $id: undefined }, event), `${type} (strict): ${ajv.errorsText()}`).toBe(true);
    }
    // And a wrong event does not pass: the schema says something.
    const created1 = mine().find((e) => e['detail-type'] === 'CaseCreated')!;
    const schema = { ...eventJsonSchema('CaseCreated'), $id: undefined };
    expect(ajv.validate(schema, { ...created1, 'detail-type': 'CaseUpdated' })).toBe(false);
    expect(ajv.validate(schema, { ...created1, detail: { ...(created1.detail as object), id: undefined } })).toBe(false);
  });
});

describe('notifications', () => {
  const json = { 'content-type': 'application/json' };
  const notificationsOf = async (caseId: string, who: 'agent' | 'requester' = 'agent') => platform.fetchAs(who, `/notifications?caseId=${caseId}`);

  it("a transition's notify effect mails the requester once, recorded beside the case, even when the event comes again", async () => {
    const created = await platform.fetchAs('agent', '/cases', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        subject: 'Need your receipt',
        description: 'x',
        requester: { id: 'demo-requester', name: 'Rita Requester', email: 'rita@example.com' },
        owner: 'demo-agent',
      }),
    });
    const caseId = ((await created.json()) as { caseId: string }).caseId;
    const moved = await platform.fetchAs('agent', `/cases/${caseId}/transitions`, {
      method: 'POST',
      headers: { ...json, 'if-match': created.headers.get('etag')! },
      body: JSON.stringify({ to: 'waiting_on_customer' }),
    });
    expect(moved.status, await moved.clone().text()).toBe(200);

    // The case's own acknowledgement (intake's consumer) is there too: look at the workflow's message.
    const waitingOnYou = async () =>
      ((await (await notificationsOf(caseId)).json()) as { items: Record<string, unknown>[] }).items.filter((n) => n.template === 'waiting-on-you');
    const found = await eventually(async () => {
      const items = await waitingOnYou();
      return items.length > 0 ? items : undefined;
    }, 'the notification record');
    expect(found).toHaveLength(1);
    const [sent] = found;
    expect(sent).toMatchObject({
      caseId,
      channel: 'email',
      template: 'waiting-on-you',
      to: { address: 'rita@example.com', name: 'Rita Requester' },
      subject: `[${caseId}] We need something from you: Need your receipt`,
    });
    expect(sent!.emailMessageId).toMatch(new RegExp(`^<${caseId}\\..+@example\\.com>$`));
    expect(String(sent!.messageId)).toMatch(new RegExp(`^${caseId}/\\d+/Notify/requester/waiting-on-you$`));

    // The same NotificationRequested again, as a retried outbox batch would publish it.
    const request = everything.find((e) => e['detail-type'] === 'NotificationRequested' && (e.detail as DomainEventDetail).caseId === caseId)!;
    const eventBridge = new EventBridgeClient({
      endpoint: `${platform.url}/_local/eventbridge`,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'caseway-local', Source: request.source, DetailType: request['detail-type'], Detail: JSON.stringify(request.detail) },
        ],
      }),
    );
    await eventually(
      () =>
        everything.filter((e) => e['detail-type'] === 'NotificationRequested' && (e.detail as DomainEventDetail).caseId === caseId).length >= 2
          ? true
          : undefined,
      'the redelivery',
    );
    await platform.events.idle();
    expect(await waitingOnYou()).toHaveLength(1);
    expect(platform.events.deadLetters().filter((d) => d.rule === 'notification-sender')).toEqual([]);
  });

  it('is read by staff only, and needs a valid caseId', async () => {
    expect((await notificationsOf('CASE-2026-000001', 'requester')).status).toBe(403);
    const missing = await platform.fetchAs('agent', '/notifications');
    expect([missing.status, missing.headers.get('content-type')]).toEqual([400, 'application/problem+json']);
    expect(await missing.text()).toContain('caseId');
    expect((await platform.fetchAs('agent', '/notifications?caseId=nope')).status).toBe(400);
  });
});
