import { httpHandler } from '../http/http-handler.js';
import { NotificationsQuery } from '../http/operations/events.js';
import { listNotifications } from '../services/notifications.js';

export const handler = httpHandler({
  operation: 'ListNotifications',
  query: NotificationsQuery,
  handle: async ({ query, caller }) => ({ status: 200, body: await listNotifications(query.caseId, caller, query.limit, query.cursor) }),
});
