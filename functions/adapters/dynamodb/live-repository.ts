/**
 * Live updates in the table: who is connected (and as whom), and the recent-event
 * log a reconnecting client resumes from. Both expire on their own (TTL): a
 * connection lives at most API Gateway's two hours, the log as long as a resume may
 * reach back.
 */
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Caller } from '#core/caller.js';
import { RESUME_OVERLAP_MS, instantOfLiveId, type Audience, type LiveEntry } from '#core/live.js';
import { dynamo, tableName } from './client.js';
import {
  LIVE_CONNECTION_PREFIX,
  LIVE_STAFF_SHARDS,
  liveConnectionKey,
  liveHourOf,
  liveLogPartition,
  livePersonPartition,
  liveStaffShardOf,
  liveStaffPartition,
} from './keys.js';
import { mergeAcrossPartitions, type PartitionQuery } from './paging.js';
import { shardFor, shardsOf } from './shard-plan.js';
import type { CursorState } from './cursor.js';
import { findMark, processedMark } from './processed-events.js';
import { isStaff } from '#core/caller.js';
import { cancellationCodes } from './transactions.js';

/** API Gateway closes a WebSocket connection after two hours at most. */
export const CONNECTION_TTL_SECONDS = 2 * 3600 + 300;
/** How far back a resume reaches; older `after` ids replay what is still kept. */
export const LOG_RETENTION_MS = 6 * 3600 * 1000;
/** A replay sends at most this many events; a client further behind reloads its views. */
export const MAX_REPLAY = 1000;

export interface LiveConnection {
  readonly connectionId: string;
  readonly caller: Caller;
}

const FANOUT = 'live-fanout';

/** Where a connection is indexed: the staff shards (staff only) and its person's partition. */
function indexPartitions(connectionId: string, caller: Caller): string[] {
  return [...(isStaff(caller) ? [liveStaffPartition(liveStaffShardOf(connectionId))] : []), livePersonPartition(caller.sub)];
}

/** Register an authenticated connection, with its index items, in one transaction. */
export async function putConnection(connectionId: string, caller: Caller, nowMs: number): Promise<void> {
  const expiresAt = Math.floor(nowMs / 1000) + CONNECTION_TTL_SECONDS;
  const partitions = indexPartitions(connectionId, caller);
  const own = { ...liveConnectionKey(connectionId), entity: 'LiveConnection', connectionId, caller, partitions, expiresAt };
  const index = partitions.map((pk) => ({
    pk,
    sk: `${LIVE_CONNECTION_PREFIX}${connectionId}`,
    entity: 'LiveConnectionIndex',
    connectionId,
    caller,
    expiresAt,
  }));
  await dynamo().send(new TransactWriteCommand({ TransactItems: [own, ...index].map((Item) => ({ Put: { TableName: tableName(), Item } })) }));
}

/** Forget a connection and its index items (on disconnect, or when API Gateway says it is gone). */
export async function removeConnection(connectionId: string): Promise<void> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: liveConnectionKey(connectionId), ConsistentRead: true }));
  const partitions = (out.Item?.partitions as string[] | undefined) ?? [];
  await Promise.all([
    dynamo().send(new DeleteCommand({ TableName: tableName(), Key: liveConnectionKey(connectionId) })),
    ...partitions.map((pk) =>
      dynamo().send(new DeleteCommand({ TableName: tableName(), Key: { pk, sk: `${LIVE_CONNECTION_PREFIX}${connectionId}` } })),
    ),
  ]);
}

async function queryAll(input: { pk: string; after?: string }, limit = Infinity): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: input.after === undefined ? 'pk = :pk' : 'pk = :pk AND sk > :after',
        ExpressionAttributeValues: { ':pk': input.pk, ...(input.after === undefined ? {} : { ':after': input.after }) },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...((out.Items ?? []) as Record<string, unknown>[]));
    start = out.LastEvaluatedKey;
  } while (start && items.length < limit);
  return items;
}

/** The live connections an audience reaches, each once, unexpired. */
export async function connectionsFor(audience: Audience, nowMs: number): Promise<LiveConnection[]> {
  const partitions = [
    ...(audience.staff ? Array.from({ length: LIVE_STAFF_SHARDS }, (_, s) => liveStaffPartition(s)) : []),
    ...audience.people.map(livePersonPartition),
  ];
  const found = (await Promise.all(partitions.map((pk) => queryAll({ pk, after: LIVE_CONNECTION_PREFIX })))).flat();
  const byId = new Map<string, LiveConnection>();
  // TTL deletes within days, not at the instant: an expired item is treated as gone.
  for (const item of found)
    if (Number(item.expiresAt) * 1000 > nowMs)
      byId.set(String(item.connectionId), { connectionId: String(item.connectionId), caller: item.caller as Caller });
  return [...byId.values()];
}

/**
 * Log an entry once per domain event: the consumer's mark (keeping the live id) and
 * the entry commit together. A redelivered event gets the id it was logged with,
 * so its push repeats the same message and the client drops the copy.
 */
export async function appendEntry(entry: LiveEntry, domainEventId: string, nowMs: number): Promise<{ entry: LiveEntry; duplicate: boolean }> {
  const instant = instantOfLiveId(entry.id) ?? nowMs;
  const expiresAt = Math.floor((nowMs + LOG_RETENTION_MS) / 1000) + 3600;
  const logPk = liveLogPartition(liveHourOf(instant), shardFor('liveLog', entry.caseId));
  const item = { pk: logPk, sk: entry.id, entity: 'LiveEvent', ...entry, expiresAt };
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          processedMark(FANOUT, domainEventId, { with: { liveId: entry.id, logPk }, expiresAt }),
          { Put: { TableName: tableName(), Item: item } },
        ],
      }),
    );
    return { entry, duplicate: false };
  } catch (error) {
    if (!(cancellationCodes(error) ?? []).includes('ConditionalCheckFailed')) throw error;
    const seen = await findMark(FANOUT, domainEventId);
    const logged =
      seen &&
      (await dynamo().send(
        new GetCommand({ TableName: tableName(), Key: { pk: seen.logPk as string, sk: seen.liveId as string }, ConsistentRead: true }),
      ));
    if (!logged?.Item) throw new Error(`Live entry of event ${domainEventId} is marked as logged but not found`, { cause: error });
    return { entry: asEntry(logged.Item), duplicate: true };
  }
}

function asEntry(item: Record<string, unknown>): LiveEntry {
  const { id, event, caseId, source, scope } = item as unknown as LiveEntry;
  return { id, event, caseId, source, scope };
}

/** One shard of an hour's log, from just after `fromId`, in live-id order. */
function logShardQuery(hour: string, shard: number, fromId: string): PartitionQuery {
  const pk = liveLogPartition(hour, shard);
  return {
    partition: pk,
    input: {
      KeyConditionExpression: 'pk = :pk AND sk > :after',
      ExpressionAttributeValues: { ':pk': pk, ':after': fromId },
      ScanIndexForward: true,
      ConsistentRead: true,
    },
    startKey: (p) => ({ pk, sk: p.s }),
    positionOf: (item) => ({ s: String(item.sk) }),
  };
}

/**
 * Entries logged after `after` (less the overlap, see `RESUME_OVERLAP_MS`), oldest
 * first, at most `MAX_REPLAY`; every kept hour when `after` is older than the log.
 * An hour's shards (as many as the design rate asks, shard-plan.ts) are merged by
 * live id, each read only as far as the replay needs, and hours are read in turn
 * until the replay is full.
 */
export async function entriesAfter(after: string, nowMs: number): Promise<LiveEntry[]> {
  const afterMs = instantOfLiveId(after) ?? 0;
  const fromMs = Math.max(afterMs - RESUME_OVERLAP_MS, nowMs - LOG_RETENTION_MS);
  const fromId = `${String(fromMs).padStart(13, '0')}-`;
  const entries: LiveEntry[] = [];
  for (let t = fromMs - (fromMs % 3_600_000); t <= nowMs && entries.length < MAX_REPLAY; t += 3_600_000) {
    const queries = shardsOf('liveLog').map((shard) => logShardQuery(liveHourOf(t), shard, fromId));
    let state: CursorState = {};
    while (entries.length < MAX_REPLAY && queries.some((q) => state[q.partition] !== null)) {
      const page = await mergeAcrossPartitions(queries, (item) => String(item.sk), 'ascending', MAX_REPLAY + 1 - entries.length, state);
      entries.push(...page.items.map(asEntry).filter((entry) => entry.id !== after));
      state = page.next;
    }
  }
  return entries.slice(0, MAX_REPLAY);
}
