/** OpenAPI descriptions of the event schemas partners read and the notifications sent about cases. */
import * as z from 'zod';
import { CaseId, Cursor, Limit, pageOf } from '../schemas.js';
import type { Operation } from './shared.js';

export const EventTypeParams = z.object({ type: z.string().regex(/^[A-Z][A-Za-z0-9]{2,63}$/, 'a PascalCase event type, e.g. CaseCreated') }).strict();

const EventSchemaList = z
  .object({
    items: z.array(z.object({ type: z.string(), source: z.string(), description: z.string(), schema: z.record(z.string(), z.unknown()) })),
  })
  .meta({ id: 'EventSchemaList' });

export const NotificationsQuery = z.object({ caseId: CaseId, limit: Limit, cursor: Cursor.optional() }).strict();

export const NotificationRecord = z
  .object({
    messageId: z.string().meta({ description: 'The idempotency key: the domain event id that asked for the message.' }),
    caseId: CaseId,
    channel: z.literal('email'),
    to: z.object({ address: z.string(), name: z.string().optional() }),
    template: z.string(),
    subject: z.string(),
    text: z.string().meta({ description: 'The plain-text body as sent.' }),
    providerMessageId: z.string().meta({ description: "The sender's id (SES MessageId, or the local outbox's)." }),
    emailMessageId: z.string().meta({ description: 'The Message-ID header, <caseId.id@domain>, which replies thread on.' }),
    sentAt: z.iso.datetime(),
  })
  .meta({ id: 'Notification' });

export const eventOperations: Record<string, Operation> = {
  'GET /events/schemas': {
    operationId: 'listEventSchemas',
    summary: 'JSON Schemas of every domain event type on the bus (public)',
    ok: { status: 200, description: 'One JSON Schema (draft 2020-12) per event type.', schema: EventSchemaList },
    problems: [400],
  },
  'GET /events/schemas/{type}': {
    operationId: 'getEventSchema',
    summary: "One event type's JSON Schema (public)",
    request: { params: EventTypeParams },
    ok: { status: 200, description: 'The JSON Schema (draft 2020-12) of the whole EventBridge event.', content: { 'application/schema+json': z.record(z.string(), z.unknown()) } },
    problems: [400, 404],
  },
  'GET /notifications': {
    operationId: 'listNotifications',
    summary: 'Messages sent about a case, newest first (agent, supervisor, admin)',
    request: { query: NotificationsQuery },
    ok: { status: 200, description: 'A page of sent messages.', schema: pageOf(NotificationRecord, 'NotificationPage') },
    problems: [400, 401, 403],
  },
};
