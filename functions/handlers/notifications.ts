import { notifications } from '#http/api/notifications.js';
import { serve } from '#http/http-handler.js';
import { listNotifications } from '#services/notifications.js';

export const handler = serve(notifications, {
  listNotifications: async ({ query, caller }) => ({ status: 200, body: await listNotifications(query.caseId, caller, query.limit, query.cursor) }),
});
