/**
 * The notification adapter as intake uses it (contract 5). The `events` task owns
 * the real one (`functions/adapters/notifications.ts`: SES in AWS, the local
 * outbox, `GET /notifications`); until it is merged, intake sends through this
 * minimal implementation of the same interface, which only records each message
 * in the table (as the local outbox will). On merge, intake imports `notifier()`
 * from there and this file goes.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { nowIso } from './clock.js';
import { dynamo, tableName } from './dynamodb/client.js';
import { config } from '../config.js';
import { renderAck, type AckData } from '../core/intake/acknowledgement.js';

export interface OutboundMessage {
  /** The idempotency key: sending the same id twice sends once. */
  readonly id: string;
  readonly caseId: string;
  readonly to: { readonly address: string; readonly name?: string };
  readonly template: string;
  readonly data: Record<string, unknown>;
  readonly channel: 'email';
}

export interface Notifier {
  send(message: OutboundMessage): Promise<{ messageId: string }>;
}

/** Where a sent message is recorded beside its case. */
export const notificationKey = (caseId: string, id: string) => ({ pk: `CASE#${caseId}`, sk: `NOTIFICATION#${id}` });

/** Our Message-ID for a case's message: replies carry it in In-Reply-To, and intake threads them by it. */
export const outboundMessageId = (caseId: string, id: string, domain = config().MAIL_DOMAIN) => `<${caseId}.${id.replace(/[^A-Za-z0-9-]/g, '-')}@${domain}>`;

class RecordingNotifier implements Notifier {
  async send(message: OutboundMessage): Promise<{ messageId: string }> {
    const messageId = outboundMessageId(message.caseId, message.id);
    const rendered = renderAck(message.template, message.data as unknown as AckData);
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...notificationKey(message.caseId, message.id), entity: 'Notification', ...message, messageId, rendered, sentAt: nowIso() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { messageId };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const earlier = await dynamo().send(new GetCommand({ TableName: tableName(), Key: notificationKey(message.caseId, message.id), ConsistentRead: true }));
      return { messageId: String(earlier.Item?.messageId ?? messageId) };
    }
  }
}

let chosen: Notifier | undefined;
export const notifier = (): Notifier => (chosen ??= new RecordingNotifier());
