/**
 * Intake's consumers on the bus, until the events task's stand-in delivers to
 * them: the acknowledgement consumer fed EventBridge-shaped events built from the
 * real audit events that intake wrote to DynamoDB Local, and ChannelMessages
 * arriving as `caseway.channels` events. Effects are read back from the table.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '#core/audit-event.js';
import { domainEventsOf } from '#core/domain-events.js';
import type { DomainEventDetail } from '#adapters/events.js';
import { eventRules } from '#topology/event-rules.js';
import { newMessageId, rawEmail } from '../support/emails.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { seedSla } from '#lib/local/seed-sla.js';
import { busEventOf, eventBridgeEvent } from '../support/bus-events.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
type Consumer = (event: EventBridgeEvent<string, unknown>) => Promise<Body>;

let platform: TestPlatform;
let acknowledge: Consumer;
let channelEvents: Consumer;

beforeAll(async () => {
  platform = await startTestPlatform();
  // After the platform set the handlers' environment, as the local bus will load them.
  const load = async (name: string) => (await import(`../../${eventRules.find((r) => r.name === name)!.target.entry}`)).handler as Consumer;
  acknowledge = await load('intake-acknowledgement');
  channelEvents = await load('channel-messages');
});
afterAll(async () => {
  await platform?.stop();
});

const query = async (pk: string, prefix: string) =>
  (
    await platform.dynamodb.client.send(
      new QueryCommand({
        TableName: platform.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': pk, ':sk': prefix },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

/** The bus events of a case's audit trail, as EventBridge would deliver them. */
async function busEventsOf(caseId: string): Promise<EventBridgeEvent<string, DomainEventDetail>[]> {
  const audits = (await query(`CASE#${caseId}`, 'AUDIT#')) as unknown as AuditEvent[];
  return audits.flatMap(domainEventsOf).map((e) => busEventOf(e));
}

const sendEmail = async (raw: string) => {
  const response = await platform.fetchAs('integration', '/channels/email', {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822' },
    body: raw,
  });
  return (await response.json()) as Body;
};
const notificationsOf = (caseId: string) => query(`CASE#${caseId}`, 'NOTIFICATION#');

describe('acknowledgement consumer', () => {
  it('acknowledges an emailed case once, however often the event is delivered, with the case number and no invented target', async () => {
    const created = await sendEmail(
      rawEmail({ from: 'Kim <kim@example.org>', subject: 'Projector broken', text: 'Room 4 projector shows nothing.' }),
    );
    const events = await busEventsOf(created.caseId);
    const caseCreated = events.find((e) => e['detail-type'] === 'CaseCreated')!;
    expect(await acknowledge(caseCreated)).toEqual({ sent: true });
    expect(await acknowledge({ ...caseCreated, id: 'redelivery' })).toEqual({ sent: true });

    const sent = await notificationsOf(created.caseId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      messageId: caseCreated.detail.id,
      to: { address: 'kim@example.org', name: 'Kim' },
      template: 'intake-acknowledgement',
      channel: 'email',
      emailMessageId: expect.stringMatching(new RegExp(`^<${created.caseId}\\.[^@]+@example\\.com>$`)),
    });
    expect(sent[0]!.subject).toBe(`[${created.caseId}] We received your request: Projector broken`);
    expect(sent[0]!.text).toContain(`Your case number is ${created.caseId}.`);
    expect(sent[0]!.text).toContain('no response-time target');

    // The requester answers the acknowledgement: it threads by our Message-ID.
    const reply = await sendEmail(
      rawEmail({ from: 'kim@example.org', subject: `Re: ${sent[0]!.subject}`, inReplyTo: sent[0]!.emailMessageId, text: 'It is room 4B.' }),
    );
    expect(reply).toMatchObject({ outcome: 'appended', caseId: created.caseId, via: 'inReplyTo' });
  });

  it('tells the requester that a repeat joined their open case', async () => {
    const first = await sendEmail(rawEmail({ from: 'lee@example.org', subject: 'Wifi slow on floor 3', text: 'Speed test gives 1 Mbit/s.' }));
    const again = await sendEmail(
      rawEmail({ from: 'lee@example.org', messageId: newMessageId(), subject: 'Wifi slow on floor 3', text: 'Speed test gives 1 Mbit/s.' }),
    );
    expect(again.outcome).toBe('duplicate');
    const duplicate = (await busEventsOf(first.caseId)).find((e) => e['detail-type'] === 'DuplicateIntake')!;
    expect(await acknowledge(duplicate)).toEqual({ sent: true });
    const sent = (await notificationsOf(first.caseId)).find((n) => n.messageId === duplicate.detail.id)!;
    expect(sent).toMatchObject({ template: 'intake-duplicate', subject: `[${first.caseId}] We already have your request: Wifi slow on floor 3` });
    expect(sent.text).toContain(`added it to your open case ${first.caseId}`);
  });

  it('uses the SLA first-response target when the case carries one, and stays silent for events that are not intake or without an address', async () => {
    // The shipped example policies: a support case from anyone gets the Basic policy's first-response clock.
    await seedSla(platform.url, await platform.tokenFor({ sub: 'sla-admin', roles: ['admin'] }));
    const created = await sendEmail(rawEmail({ from: 'max@example.org', subject: 'Keyboard missing keys', text: 'The Q key fell off.' }));
    const caseCreated = (await busEventsOf(created.caseId)).find((e) => e['detail-type'] === 'CaseCreated')!;
    const read = (await (await platform.fetchAs('supervisor', `/cases/${created.caseId}`)).json()) as Body;
    const dueAt = read.sla.clocks.firstResponse.dueAt as string;
    expect(dueAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(await acknowledge(caseCreated)).toEqual({ sent: true });
    const [sent] = await notificationsOf(created.caseId);
    expect(sent!.text).toContain(`We aim to respond by ${dueAt.slice(0, 10)} ${dueAt.slice(11, 16)} UTC.`);

    expect(
      await acknowledge({ ...caseCreated, 'detail-type': 'CommentAdded', detail: { ...caseCreated.detail, action: 'CommentAdded' } }),
    ).toMatchObject({ sent: false });
    const chat = (await channelEvents(channelEvent({ author: { id: 'anon-1' } }))) as Body;
    const chatCreated = (await busEventsOf(chat.result.caseId)).find((e) => e['detail-type'] === 'CaseCreated')!;
    expect(await acknowledge(chatCreated)).toEqual({ sent: false, reason: 'requester has no email address' });
  });
});

function channelEvent(over: Body = {}): EventBridgeEvent<string, unknown> {
  return eventBridgeEvent('caseway.channels', 'ChannelMessage', {
    channel: 'social',
    deliveryId: `sd-${Math.random()}`,
    externalThreadId: `st-${Math.random()}`,
    author: { id: 'nora', name: 'Nora' },
    text: 'Your store closed early today',
    ...over,
  });
}

describe('caseway.channels events', () => {
  it('open a case, append to its thread, and replay a redelivery', async () => {
    const first = channelEvent();
    const opened = await channelEvents(first);
    expect(opened).toMatchObject({ result: { outcome: 'created' }, replayed: false });
    expect(await channelEvents({ ...first, id: 'eb-redelivery' })).toMatchObject({
      result: { outcome: 'created', caseId: opened.result.caseId },
      replayed: true,
    });
    const detail = first.detail as Body;
    const next = await channelEvents(
      channelEvent({ externalThreadId: detail.externalThreadId, author: detail.author, text: 'I wanted to return shoes' }),
    );
    expect(next.result).toMatchObject({ outcome: 'appended', caseId: opened.result.caseId });
  });

  it('refuse a malformed message, naming the field', async () => {
    await expect(channelEvents(channelEvent({ text: '' }))).rejects.toMatchObject({ issues: [expect.objectContaining({ field: 'detail.text' })] });
  });
});
