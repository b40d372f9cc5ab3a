/**
 * Sent messages, beside their case (`CASE#<id>` / `NOTIFICATION#<sentAt>#<messageId>`,
 * so a case's messages list oldest first), with a guard item per message id that
 * makes recording idempotent: both are written in one transaction.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './client.js';
import { itemsUnderCase } from './case-repository.js';
import { NOTIFICATION_PREFIX, notificationKey, processedEventKey, withoutStorageAttributes } from './keys.js';
import { pageOfPartition, type Page } from './paging.js';
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
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: processedEventKey(messageId, GUARD), ConsistentRead: true }));
  return out.Item ? (out.Item.record as NotificationRecord) : undefined;
}

export async function recordNotification(record: NotificationRecord): Promise<boolean> {
  const sk = `${record.sentAt}#${record.messageId}`;
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          putNew({ ...processedEventKey(record.messageId, GUARD), entity: 'NotificationGuard', record }),
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
  return pageOfPartition(itemsUnderCase(caseId, NOTIFICATION_PREFIX), limit, cursor, { list: 'notifications', caseId }, withoutStorageAttributes<NotificationRecord>);
}
