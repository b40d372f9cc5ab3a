/**
 * Pages of one partition, or of several merged in sort-key order (status shards,
 * a survivor with the cases merged into it), behind sealed cursors (see cursor.ts).
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './client.js';
import { type CursorState, type Position, decodeCursor, encodeCursor, queryDigest } from './cursor.js';

export interface Page<T> {
  readonly items: T[];
  /** Present while there may be more; pass it back as `cursor`. */
  readonly nextCursor?: string;
}

export type Filter = Pick<QueryCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>;

export interface PartitionQuery {
  /** Name of the partition in cursors. */
  readonly partition: string;
  readonly input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit' | 'TableName'>;
  /** Rebuild a start key from a cursor position. */
  readonly startKey: (position: Position) => Record<string, string>;
  /** Where an item leaves off, for the next cursor. */
  readonly positionOf: (item: Record<string, unknown>) => Position;
}

export async function queryPartition(q: PartitionQuery, limit: number, from: Position | undefined) {
  const out = await dynamo().send(
    new QueryCommand({ ...q.input, TableName: tableName(), Limit: limit, ...(from ? { ExclusiveStartKey: q.startKey(from) } : {}) }),
  );
  return { items: out.Items ?? [], lastEvaluated: out.LastEvaluatedKey };
}

/** One partition, in key order; a filter may make pages short, the cursor still continues exactly. */
export async function pageOfPartition<T>(
  q: PartitionQuery,
  limit: number,
  cursor: string | undefined,
  digestOf: unknown,
  toEntity: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const digest = queryDigest(digestOf);
  const state = await decodeCursor(cursor, digest, [q.partition]);
  const from = state[q.partition];
  if (from === null) return { items: [] };
  const { items, lastEvaluated } = await queryPartition(q, limit, from);
  return {
    items: items.map(toEntity),
    ...(lastEvaluated ? { nextCursor: await encodeCursor(digest, { [q.partition]: q.positionOf(lastEvaluated) }) } : {}),
  };
}

/** Rounds of reads a page may take before it settles for a short page (a filter can make every read come back thin). */
const MERGE_ROUNDS = 4;

/**
 * Several partitions merged by sort key. Each partition is read only as far as the
 * page needs: first its share of the page (and one more), then, while the page is
 * not full, more from every partition whose read stopped before what would be the
 * page's last item, since those bound what may be handed out. A filter can make a partition hand back fewer items than
 * it read (or none), so an item is only safe to hand out if no partition that
 * stopped early could still hold something before it: the page ends at the nearest
 * of those partitions' stopping points. Each partition's position then moves to its
 * last item handed out or, where all it returned was handed out, to where its read
 * stopped, so every page moves at least one partition forward: a client that
 * follows the cursors sees every match once, in order, and ends (a page may be
 * short, or empty while a filter skips non-matches, like DynamoDB's own).
 */
export async function pageAcrossPartitions<T>(
  queries: PartitionQuery[],
  sortKeyOf: (item: Record<string, unknown>) => string,
  order: 'ascending' | 'descending',
  limit: number,
  cursor: string | undefined,
  digestOf: unknown,
  toEntity: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const digest = queryDigest(digestOf);
  const state = await decodeCursor(
    cursor,
    digest,
    queries.map((q) => q.partition),
  );
  const { items, next } = await mergeAcrossPartitions(queries, sortKeyOf, order, limit, state);
  const more = queries.some((q) => next[q.partition] !== null);
  return { items: items.map(toEntity), ...(more ? { nextCursor: await encodeCursor(digest, next) } : {}) };
}

/**
 * The merge behind `pageAcrossPartitions`, on positions in the clear: for a reader
 * inside Caseway that follows its own positions (the live log's replay) and has no
 * client to hand a sealed cursor to. `state` names where each partition stands
 * (absent: at its start; null: finished); `next` is the same after this page.
 */
export async function mergeAcrossPartitions(
  queries: PartitionQuery[],
  sortKeyOf: (item: Record<string, unknown>) => string,
  order: 'ascending' | 'descending',
  limit: number,
  state: CursorState,
): Promise<{ items: Record<string, unknown>[]; next: CursorState }> {
  // `a` comes before `b` in the listing's order.
  const precedes = (a: string, b: string) => (order === 'ascending' ? a < b : a > b);
  const reads = queries
    .filter((q) => state[q.partition] !== null)
    .map((q) => ({
      q,
      items: [] as Record<string, unknown>[],
      lastEvaluated: undefined as Record<string, unknown> | undefined,
      from: state[q.partition] ?? undefined,
    }));
  const readMore = (read: (typeof reads)[number], size: number) =>
    queryPartition(read.q, size, read.lastEvaluated ? read.q.positionOf(read.lastEvaluated) : read.from).then(({ items, lastEvaluated }) => {
      read.items.push(...items);
      read.lastEvaluated = lastEvaluated;
    });
  // The nearest point where a partition stopped reading: nothing past it is known to be complete.
  const frontierOf = () => {
    let frontier: string | undefined;
    for (const { lastEvaluated } of reads) {
      if (!lastEvaluated) continue;
      const stop = sortKeyOf(lastEvaluated);
      if (frontier === undefined || precedes(stop, frontier)) frontier = stop;
    }
    return frontier;
  };
  const mergedUpTo = (frontier: string | undefined) =>
    reads
      .flatMap(({ q, items }) => items.map((item) => ({ q, item, key: sortKeyOf(item) })))
      .filter((m) => frontier === undefined || !precedes(frontier, m.key))
      .sort((a, b) => (precedes(a.key, b.key) ? -1 : precedes(b.key, a.key) ? 1 : 0));

  await Promise.all(reads.map((read) => readMore(read, Math.ceil(limit / Math.max(1, reads.length)) + 1)));
  let frontier = frontierOf();
  let merged = mergedUpTo(frontier);
  for (let round = 1; round < MERGE_ROUNDS && merged.length < limit && frontier !== undefined; round++) {
    // Every partition that stopped before what would be the page's last item may still hold items for the page:
    // all of them read their share of what is missing, not just the nearest, so many shards fill a page in a round or two.
    const all = mergedUpTo(undefined);
    const last = all.length >= limit ? all[limit - 1]!.key : undefined;
    const bounding = reads.filter((r) => r.lastEvaluated && (last === undefined || precedes(sortKeyOf(r.lastEvaluated), last)));
    const share = Math.ceil((limit - merged.length) / Math.max(1, bounding.length)) + 1;
    await Promise.all(bounding.map((read) => readMore(read, share)));
    frontier = frontierOf();
    merged = mergedUpTo(frontier);
  }
  const page = merged.slice(0, limit);
  const next: CursorState = { ...state };
  for (const { q, items, lastEvaluated } of reads) {
    const taken = page.filter((m) => m.q === q);
    if (taken.length === items.length) {
      // Everything its reads returned is handed out (or they returned nothing): continue where the reads stopped.
      next[q.partition] = lastEvaluated ? q.positionOf(lastEvaluated) : null;
    } else if (taken.length > 0) {
      next[q.partition] = q.positionOf(taken.at(-1)!.item);
    }
  }
  return { items: page.map((m) => m.item), next };
}

/** Every item of a query, page after page: only for reads that must see everything (verifying a chain). */
export async function queryAll(input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'TableName'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo().send(new QueryCommand({ ...input, TableName: tableName(), ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}
