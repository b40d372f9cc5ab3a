/**
 * One declaration per event (`functions/contracts/`): what the producer puts on the
 * bus, what the consumer's contract accepts and what partners read as JSON Schema
 * agree, and all three refuse the same broken event. The whole-platform version of
 * this (every event a case really makes) is in `test/integration/events.test.ts`.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { detailOf, type PublishedEvent } from '#adapters/events.js';
import { DeviceMessageContract } from '#contracts/device-signals.js';
import { DomainEventDetailContract, eventJsonSchema, eventTypes, offerEventContract } from '#contracts/domain-events.js';
import { catalogEventTypes, catalogJsonSchema } from '#contracts/event-catalog.js';
import { ChannelMessageBody } from '#http/channel-schemas.js';
import type { AuditEvent } from '#core/audit-event.js';
import { domainEventsOf } from '#core/domain-events.js';
import { CASE_OFFERED, OFFER_CLOSED } from '#core/live.js';
import { offerClosedEventOf, offerEventOf } from '#handlers/outbox-publisher.js';

beforeAll(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
});

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);

/** The event as EventBridge hands it to a target, from what the outbox publishes. */
const onTheBus = (event: PublishedEvent) => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': event.type,
  source: event.source,
  account: '000000000000',
  time: event.time,
  region: 'us-east-1',
  resources: [],
  detail: detailOf(event),
});

const published = (type: string, strict: boolean) => ({ ...eventJsonSchema(type, { strict }), $id: undefined });

const audit: AuditEvent = {
  eventId: 'CASE-2026-000001/3',
  caseId: 'CASE-2026-000001',
  seq: 3,
  action: 'Transitioned',
  at: '2026-11-23T10:00:00.000Z',
  actor: { sub: 'a', roles: ['agent'] },
  channel: 'web',
  correlationId: 'c',
  caseVersion: 3,
  changes: [
    { field: 'status', before: 'new', after: 'resolved' },
    { field: 'owner', before: null, after: 'a' },
  ],
  transition: { id: 'resolve', from: 'new', to: 'resolved', reopen: false },
  effects: [{ kind: 'notify', template: 'resolved', to: 'requester' }],
  prevHash: 'p',
  hash: 'h3',
};

const offered = {
  offerId: 'CASE-2026-000001#2#agent-1',
  caseId: 'CASE-2026-000001',
  agentId: 'agent-1',
  queue: 'support',
  channel: 'web',
  offeredAt: '2026-11-23T10:00:00.000Z',
  deadline: '2026-11-23T10:02:00.000Z',
};
const offer = offerEventOf(offered);
const closed = offerClosedEventOf(offered, '2026-11-23T10:01:00.000Z');
const consumerOf = (type: string) => offerEventContract(type) ?? DomainEventDetailContract;

describe('producer, consumer and published schema agree', () => {
  const events = [...domainEventsOf(audit), offer, closed];

  it('covers the narrower events and the offer', () => {
    expect(events.map((e) => e.type)).toEqual(['Transitioned', 'StatusChanged', 'Assigned', 'NotificationRequested', CASE_OFFERED, OFFER_CLOSED]);
    expect(eventTypes().map((t) => t.type)).toEqual(expect.arrayContaining([CASE_OFFERED, OFFER_CLOSED]));
  });

  it.each(events.map((e) => [e.type, e] as const))('%s', (type, event) => {
    const delivered = onTheBus(event);
    expect(ajv.validate(published(type, false), delivered), ajv.errorsText()).toBe(true);
    expect(ajv.validate(published(type, true), delivered), `strict: ${ajv.errorsText()}`).toBe(true);
    expect(consumerOf(type).safeParse(delivered.detail).success).toBe(true);
  });

  it.each([
    ['an offer without its agent', CASE_OFFERED, (d: Record<string, unknown>) => ({ ...d, agentId: undefined })],
    ['an offer without its stable id', CASE_OFFERED, (d: Record<string, unknown>) => ({ ...d, id: undefined })],
    ['an offer whose deadline is no instant', CASE_OFFERED, (d: Record<string, unknown>) => ({ ...d, deadline: 'soon' })],
    ['a closed offer without the instant it closed', OFFER_CLOSED, (d: Record<string, unknown>) => ({ ...d, closedAt: undefined })],
    ['a status change without its stable id', 'StatusChanged', (d: Record<string, unknown>) => ({ ...d, id: undefined })],
    ['a status change without its changes', 'StatusChanged', (d: Record<string, unknown>) => ({ ...d, changes: undefined })],
    ['a notification whose detail is no audit event', 'NotificationRequested', (d: Record<string, unknown>) => ({ ...d, actor: 'a' })],
  ])('all three refuse %s', (_what, type, breakIt) => {
    const delivered = onTheBus(events.find((e) => e.type === type)!);
    const broken = { ...delivered, detail: JSON.parse(JSON.stringify(breakIt(delivered.detail as Record<string, unknown>))) as unknown };
    expect(ajv.validate(published(type, false), broken)).toBe(false);
    expect(consumerOf(type).safeParse(broken.detail).success).toBe(false);
  });

  it('hands a consumer the detail as it came: nothing the contract does not name is stripped', () => {
    const detail = { ...onTheBus(events[0]!).detail, addedLater: { by: 'a newer producer' } };
    const parsed = DomainEventDetailContract.safeParse(detail);
    expect(parsed.success && parsed.data).toEqual(detail);
  });
});

describe('events connectors and devices put on the bus: the consumer and the published schema agree', () => {
  const bus = (type: string, source: string, detail: unknown) => ({
    version: '0',
    id: '0d2f5a52-4c43-4b8f-9f0e-0c8a4f6f2b31',
    'detail-type': type,
    source,
    account: '000000000000',
    time: '2026-11-23T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  });
  const servedSchema = (type: string) => ({ ...catalogJsonSchema(type), $id: undefined });
  const message = { channel: 'chat', deliveryId: 'd-1', externalThreadId: 't-1', author: { id: 'visitor-7' }, text: 'My order has not arrived' };
  const signal = { assetId: 'PUMP-7', signalId: 's-1', metric: 'pressure', value: 7.5, at: '2026-11-23T10:00:00Z' };

  it('lists them beside the domain events, under the sources their rules match', () => {
    const listed = catalogEventTypes();
    expect(listed.find((t) => t.type === 'ChannelMessage')?.source).toBe('caseway.channels');
    expect(listed.find((t) => t.type === 'DeviceSignal')?.source).toBe('caseway.devices');
    expect(listed.filter((t) => t.source === 'caseway.cases').map((t) => t.type)).toEqual(eventTypes().map((t) => t.type));
  });

  it.each([
    ['a chat message', 'ChannelMessage', bus('ChannelMessage', 'caseway.channels', message), ChannelMessageBody, true],
    [
      'a message without its delivery id',
      'ChannelMessage',
      bus('ChannelMessage', 'caseway.channels', { ...message, deliveryId: undefined }),
      ChannelMessageBody,
      false,
    ],
    [
      'a message from an unknown channel',
      'ChannelMessage',
      bus('ChannelMessage', 'caseway.channels', { ...message, channel: 'fax' }),
      ChannelMessageBody,
      false,
    ],
    ['one device signal, any detail-type', 'DeviceSignal', bus('Telemetry', 'caseway.devices', signal), undefined, true],
    [
      'a batch of signals',
      'DeviceSignal',
      bus('Telemetry', 'caseway.devices', { signals: [signal, { ...signal, signalId: 's-2' }] }),
      undefined,
      true,
    ],
    ['a signal with a field no signal has', 'DeviceSignal', bus('Telemetry', 'caseway.devices', { ...signal, colour: 'red' }), undefined, false],
  ] as const)('%s', (_, type, event, consumer, valid) => {
    expect(ajv.validate(servedSchema(type), event), ajv.errorsText()).toBe(valid);
    const contract = consumer ?? DeviceMessageContract(event.detail);
    expect(contract.safeParse(event.detail).success).toBe(valid);
  });

  it('a domain event source on a ChannelMessage is refused', () => {
    expect(ajv.validate(servedSchema('ChannelMessage'), bus('ChannelMessage', 'caseway.cases', message))).toBe(false);
  });
});
