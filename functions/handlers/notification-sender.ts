/**
 * Consumer of `NotificationRequested`: a transition's notify effect becomes an email
 * to its recipient, recorded beside the case.
 */
import { auditClaims } from '#adapters/dynamodb/audit-claims.js';
import { DomainEventDetailContract } from '#contracts/domain-events.js';
import { onEventBridge } from '#events/event-handler.js';
import { carryOutNotification } from '#services/notifications.js';

export const handler = onEventBridge({
  name: 'notification-sender',
  detail: DomainEventDetailContract,
  claims: auditClaims,
  dedup: {
    key: (event) => event.detail.id,
    idempotent: 'the notifier sends a message id once: its guard is the processed-event mark of consumer `notifier`',
  },
  work: async (event) => {
    await carryOutNotification(event.detail);
  },
});
