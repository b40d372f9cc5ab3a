/**
 * "This event was already handled": Caseway's one mechanism for it. EventBridge
 * delivers at least once, and the outbox may publish an event twice (a stream batch
 * retried after a partial failure), so consumers deduplicate on a stable id (for
 * domain events `detail.id`, which a republication keeps).
 *
 * The mark is an item per (event, consumer), `EVENT#<id>` / `CONSUMER#<consumer>`,
 * put with `attribute_not_exists`, expiring after 14 days (TTL). Two ways to use it,
 * both behind the event wrapper (`functions/events/event-handler.ts`), which skips
 * an event whose mark exists before any work:
 * - `processedMark(...)` in the same transaction as the consumer's own writes, so
 *   the effect and the mark commit together, or neither (routing, the live log);
 * - `processOnce`, for effects outside the table (an email): the work runs only if
 *   no mark exists and is marked after, so a crash between the two may repeat the
 *   work, never lose it.
 *
 * Why our own rather than Powertools idempotency: that package is not a dependency
 * (and would add its own persistence records and in-progress locks on top of the
 * transactions routing already needs); a conditional put on the single table is
 * all the consumers need, and it runs the same on DynamoDB Local.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { clock } from '../clock.js';
import { dynamo, tableName } from './client.js';
import { processedEventKey } from './keys.js';
import type { TransactItem } from './transactions.js';

/** Marks outlive any redelivery: EventBridge retries for 24 hours at most, the archive replays what you ask. */
const MARK_TTL_SECONDS = 14 * 24 * 3600;

export interface MarkOptions {
  /** What the consumer keeps with its mark (the live log keeps where it logged the event). */
  readonly with?: Readonly<Record<string, unknown>>;
  /**
   * When the mark expires (epoch seconds) instead of in 14 days: with what it points
   * to (the live log's entry), or `never` (the notification guard, so a replay from
   * the archive never re-mails).
   */
  readonly expiresAt?: number | 'never';
  /** The item's `entity` (default `ProcessedEvent`). */
  readonly entity?: string;
}

const markItem = (consumer: string, eventId: string, options: MarkOptions = {}) => {
  const now = clock().now();
  return {
    ...processedEventKey(eventId, consumer),
    entity: options.entity ?? 'ProcessedEvent',
    consumer,
    eventId,
    at: now.toISOString(),
    ...options.with,
    ...(options.expiresAt === 'never' ? {} : { expiresAt: options.expiresAt ?? Math.floor(now.getTime() / 1000) + MARK_TTL_SECONDS }),
  };
};

/** A transaction item that fails the transaction if `consumer` already handled `eventId`. */
export const processedMark = (consumer: string, eventId: string, options?: MarkOptions): TransactItem => ({
  Put: { TableName: tableName(), Item: markItem(consumer, eventId, options), ConditionExpression: 'attribute_not_exists(pk)' },
});

/** The mark, with what the consumer kept in it; undefined when `consumer` has not handled `eventId`. */
export async function findMark(consumer: string, eventId: string): Promise<Record<string, unknown> | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: processedEventKey(eventId, consumer), ConsistentRead: true }));
  return out.Item;
}

export const alreadyProcessed = async (consumer: string, eventId: string): Promise<boolean> => (await findMark(consumer, eventId)) !== undefined;

/** Run `work` unless `consumer` has handled `eventId` already, then mark it; 'duplicate' when it had. */
export async function processOnce<T>(
  consumer: string,
  eventId: string,
  work: () => Promise<T>,
): Promise<{ outcome: 'processed'; result: T } | { outcome: 'duplicate' }> {
  if (await alreadyProcessed(consumer, eventId)) return { outcome: 'duplicate' };
  const result = await work();
  try {
    await dynamo().send(
      new PutCommand({ TableName: tableName(), Item: markItem(consumer, eventId), ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  } catch (error) {
    // A concurrent delivery finished first; the work is idempotent by contract.
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  return { outcome: 'processed', result };
}

/** What the event wrapper needs of the marks: `dedup: { marks: processedEvents, ... }`. */
export interface ProcessedEvents {
  alreadyProcessed(consumer: string, eventId: string): Promise<boolean>;
  processOnce<T>(consumer: string, eventId: string, work: () => Promise<T>): Promise<{ outcome: 'processed'; result: T } | { outcome: 'duplicate' }>;
}

export const processedEvents: ProcessedEvents = { alreadyProcessed, processOnce };
