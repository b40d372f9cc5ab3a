/**
 * Sent messages, beside their case (`CASE#<id>` / `NOTIFICATION#<sentAt>#<messageId>`,
 * so a case's messages list oldest first), with a guard per message id that makes
 * recording idempotent: both are written in one transaction. The guard is the one
 * processed-event mark (`processed-events.ts`, consumer `notifier`), kept forever
 * and carrying the record, so a replay finds what was sent.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './client.js';
import { itemsUnderCase } from './case-repository.js';
import { NOTIFICATION_PREFIX, notificationKey, withoutStorageAttributes } from './keys.js';
import { pageOfPartition, type Page } from './paging.js';
import { findMark, processedMark } from './processed-events.js';
import { cancellationCodes, putNew } from './transactions.js';

export interface NotificationRecord {
  readonly messageId: string;
  readonly caseId: string;
  readonly channel: 'email';
  readonly to: { readonly address: string; readonly name?: string };
  readonly template: string;
  readonly subject: string;
  /** The plain-text body as sent: what the outbox shows over the API. */
  readonly text: string;
  readonly providerMessageId: string;
  readonly emailMessageId: string;
  readonly sentAt: string;
}

/** The guard's consumer name: one guard per message id, whoever sent it. */
const GUARD = 'notifier';

export async function findNotification(_caseId: string, messageId: string): Promise<NotificationRecord | undefined> {
  const guard = await findMark(GUARD, messageId);
  return guard ? (guard.record as NotificationRecord) : undefined;
}

export async function recordNotification(record: NotificationRecord): Promise<boolean> {
  const sk = `${record.sentAt}#${record.messageId}`;
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          processedMark(GUARD, record.messageId, { entity: 'NotificationGuard', with: { record }, expiresAt: 'never' }),
          putNew({ ...notificationKey(record.caseId, sk), entity: 'Notification', ...record }),
        ],
      }),
    );
    return true;
  } catch (error) {
    if ((cancellationCodes(error) ?? []).includes('ConditionalCheckFailed')) return false;
    throw error;
  }
}

export function listNotifications(caseId: string, limit: number, cursor?: string): Promise<Page<NotificationRecord>> {
  return pageOfPartition(
    itemsUnderCase(caseId, NOTIFICATION_PREFIX),
    limit,
    cursor,
    { list: 'notifications', caseId },
    withoutStorageAttributes<NotificationRecord>,
  );
}
