/**
 * The waiting list is spread over shards, each kept in dispatch order; the order
 * overall is their k-way merge. Dispatch reads each shard only as far as the
 * merge gets: a small first page from each (the best of all is among their first
 * items), then another page from a shard only when the merge has handed out
 * everything read from it so far, larger each time (a dispatch that goes deep
 * pays in pages logarithmic in its depth, one that takes the head pays for the head).
 */

/** One page of a shard, from where the previous left off (`after` undefined: the start). */
export type ShardReader<T, C> = (after: C | undefined, limit: number) => Promise<{ items: readonly T[]; next?: C }>;

/** First page per shard, and the ceiling pages grow to (DynamoDB returns at most 1 MB a page anyway). */
export const FIRST_PAGE = 4;
export const LARGEST_PAGE = 128;

interface Cursor<T, C> {
  readonly read: ShardReader<T, C>;
  buffer: T[];
  next: C | undefined;
  /** No more pages. */
  done: boolean;
  limit: number;
}

/**
 * Items of every shard in `compare` order, read lazily: the consumer stops
 * iterating and nothing more is read. `onRead` hears how many items each page
 * brought (for a dispatch's read count).
 */
export async function* mergeShards<T, C>(
  shards: readonly ShardReader<T, C>[],
  compare: (a: T, b: T) => number,
  options: { firstPage?: number; largestPage?: number } = {},
): AsyncGenerator<T> {
  const largest = options.largestPage ?? LARGEST_PAGE;
  const cursors: Cursor<T, C>[] = shards.map((read) => ({ read, buffer: [], next: undefined, done: false, limit: options.firstPage ?? FIRST_PAGE }));
  const refill = async (c: Cursor<T, C>) => {
    const page = await c.read(c.next, c.limit);
    c.buffer.push(...page.items);
    c.next = page.next;
    c.done = page.next === undefined;
    c.limit = Math.min(largest, c.limit * 2);
  };
  for (;;) {
    // A shard whose read items are all handed out may hold the next best: read it before choosing.
    await Promise.all(cursors.filter((c) => c.buffer.length === 0 && !c.done).map(refill));
    let best: Cursor<T, C> | undefined;
    for (const c of cursors) if (c.buffer.length > 0 && (best === undefined || compare(c.buffer[0]!, best.buffer[0]!) < 0)) best = c;
    if (!best) return;
    yield best.buffer.shift()!;
  }
}
