/**
 * Idempotent event consumers. EventBridge delivers at least once, and the outbox
 * may publish an event twice (a stream batch retried after a partial failure), so
 * every consumer deduplicates on the domain event's stable id (`detail.id`).
 *
 * The mark is an item per (event, consumer), written with `attribute_not_exists`.
 * Best: put `processedMark(...)` in the same transaction as the consumer's own
 * writes, so the effect and the mark commit together; a duplicate then cancels the
 * whole transaction (`isDuplicate(error)`). `processOnce` is for consumers whose
 * effect is outside the table (an email): it runs the work only if no mark exists
 * and marks after, so a crash between the two may repeat the work, never lose it.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { clock } from '../clock.js';
import { dynamo, tableName } from './client.js';
import { processedEventKey } from './keys.js';
import { cancellationCodes, type TransactItem } from './transactions.js';

/** Marks outlive any redelivery: EventBridge retries for 24 hours at most, the archive replays what you ask. */
const MARK_TTL_SECONDS = 14 * 24 * 3600;

const markItem = (consumer: string, eventId: string) => {
  const now = clock().now();
  return { ...processedEventKey(eventId, consumer), entity: 'ProcessedEvent', consumer, eventId, at: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + MARK_TTL_SECONDS };
};

/** A transaction item that fails the transaction if `consumer` already handled `eventId`. */
export const processedMark = (consumer: string, eventId: string): TransactItem => ({
  Put: { TableName: tableName(), Item: markItem(consumer, eventId), ConditionExpression: 'attribute_not_exists(pk)' },
});

/** True when a transaction with a `processedMark` was cancelled by a condition: some item, the mark among them, already existed. */
export const isDuplicate = (error: unknown): boolean => (cancellationCodes(error) ?? []).includes('ConditionalCheckFailed');

export async function alreadyProcessed(consumer: string, eventId: string): Promise<boolean> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: processedEventKey(eventId, consumer), ConsistentRead: true }));
  return out.Item !== undefined;
}

/** Run `work` unless `consumer` has handled `eventId` already; 'duplicate' when it had. */
export async function processOnce(consumer: string, eventId: string, work: () => Promise<void>): Promise<'processed' | 'duplicate'> {
  if (await alreadyProcessed(consumer, eventId)) return 'duplicate';
  await work();
  try {
    await dynamo().send(new PutCommand({ TableName: tableName(), Item: markItem(consumer, eventId), ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (error) {
    // A concurrent delivery finished first; the work is idempotent by contract.
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  return 'processed';
}
