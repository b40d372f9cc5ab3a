/**
 * Notifications: reading what was sent about a case, and carrying out a transition's
 * `notify` effect (a `NotificationRequested` event) through the notifier.
 */
import type { Caller } from '#core/caller.js';
import { assertMayReadNotifications, recipientOf, templateDataOf } from '#core/notifications.js';
import type { DomainEventDetail } from '#adapters/events.js';
import { getCase } from '#adapters/dynamodb/case-repository.js';
import { listNotifications as listStored } from '#adapters/dynamodb/notification-repository.js';
import { notifier, type Notifier } from '#adapters/notifications.js';
import { logger } from '../observability.js';
import { visibleCase } from './case-access.js';

export async function listNotifications(caseId: string, caller: Caller, limit: number, cursor?: string) {
  assertMayReadNotifications(caller);
  // What was sent about a case says what the case is: only for those who may see it.
  await visibleCase(caseId, caller);
  return listStored(caseId, limit, cursor);
}

export type NotifyOutcome = 'sent' | 'skipped';

/** Idempotent on `detail.id`: it is the message id, and the notifier sends a message id once. */
export async function carryOutNotification(detail: DomainEventDetail, send: Notifier = notifier()): Promise<NotifyOutcome> {
  const effect = detail.effect;
  if (effect?.kind !== 'notify') {
    logger.warn('NotificationRequested without a notify effect; nothing to send', { id: detail.id });
    return 'skipped';
  }
  const stored = await getCase(detail.caseId);
  if (!stored) {
    // The event exists only because the change committed, so the case does too; a miss is a read anomaly to retry.
    throw new Error(`Case ${detail.caseId} of notification ${detail.id} not found`);
  }
  const to = recipientOf(effect, stored.case);
  if (to.kind === 'none') {
    logger.warn('Notification not sent', { id: detail.id, caseId: detail.caseId, template: effect.template, why: to.why });
    return 'skipped';
  }
  await send.send({
    id: detail.id,
    caseId: detail.caseId,
    to: { address: to.address, ...(to.name ? { name: to.name } : {}) },
    template: effect.template,
    data: templateDataOf(stored.case, detail.reason),
    channel: 'email',
  });
  return 'sent';
}
