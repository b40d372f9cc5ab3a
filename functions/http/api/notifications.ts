/** GET /notifications: the declaration the notifications handler serves. */
import * as z from 'zod';
import { operation } from '../operation.js';
import { CaseId, Cursor, Limit, pageOf } from '../schemas.js';
import { listNotifications } from '#services/notifications.js';

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

export const notifications = {
  listNotifications: operation({
    operationId: 'listNotifications',
    method: 'GET',
    path: '/notifications',
    fn: 'notifications',
    auth: 'jwt',
    summary: 'Messages sent about a case, newest first (agent, supervisor, admin)',
    description:
      'Who: agent, supervisor, admin. The messages sent about a case (subject, text, recipient, message ids), oldest first, `limit`/`cursor`.',
    query: NotificationsQuery,
    responses: { 200: { description: 'A page of sent messages.', schema: pageOf(NotificationRecord, 'NotificationPage') } },
    problems: [400, 401, 403],
    handle: async ({ query, caller }) => ({ status: 200, body: await listNotifications(query.caseId, caller, query.limit, query.cursor) }),
  }),
};
