/**
 * The sharded waiting list read as one (fast-check): the k-way merge of the shards,
 * each read a page at a time, hands out exactly the order one partition's sort key
 * gave (the order dispatch served before the list was sharded), whatever the shard
 * count, the page sizes or the spread; and a consumer that stops after k cases has
 * read at most a first page per shard plus twice k items, however long the list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGENT_SHARDS,
  OFFER_SHARDS,
  WAITING_SHARDS,
  agentShardOf,
  routingAgentKey,
  routingOfferKey,
  waitingKey,
  waitingShardOf,
  waitingSortKey,
} from '#adapters/dynamodb/keys.js';
import { caseTable } from '#topology/table.js';
import { compareWaiting, type WaitingCase } from '#core/routing/dispatch.js';
import { mergeShards, type ShardReader } from '#core/routing/shard-merge.js';
import { PRIORITIES } from '#core/vocabulary.js';

const T0 = Date.parse('2026-03-01T09:00:00.000Z');

const waitingArb: fc.Arbitrary<WaitingCase[]> = fc
  .uniqueArray(
    fc.record({ n: fc.integer({ min: 0, max: 999_999 }), priority: fc.constantFrom(...PRIORITIES), since: fc.integer({ min: 0, max: 50 }) }),
    { selector: (r) => r.n, maxLength: 200 },
  )
  .map((rows) =>
    rows.map(({ n, priority, since }) => ({
      caseId: `CASE-2026-${String(n).padStart(6, '0')}`,
      queue: 'q',
      priority,
      channel: 'web' as const,
      skills: [],
      // Few distinct instants: ties on priority and time, broken by id, are the common case.
      since: new Date(T0 + since * 1000).toISOString(),
      queuedAt: new Date(T0).toISOString(),
      declinedBy: [],
      routingVersion: 1,
    })),
  );

/** One partition's Query order: DynamoDB sorts by the sort key's bytes. */
const byKey = (waiting: readonly WaitingCase[]) =>
  [...waiting].sort((a, b) => (waitingSortKey(a) < waitingSortKey(b) ? -1 : waitingSortKey(a) > waitingSortKey(b) ? 1 : 0));

/** Shards as DynamoDB Local pages them: key order, `limit` items from after the last key. */
function shardsOf(waiting: readonly WaitingCase[], shards: number, reads: { items: number }): ShardReader<WaitingCase, number>[] {
  return Array.from({ length: shards }, (_, shard) => {
    const mine = byKey(waiting.filter((w) => waitingShardOf(w.caseId, shards) === shard));
    return async (after, limit) => {
      const from = after ?? 0;
      const items = mine.slice(from, from + limit);
      reads.items += items.length;
      return { items, ...(from + limit < mine.length ? { next: from + limit } : {}) };
    };
  });
}

async function take<T>(source: AsyncGenerator<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  if (count === 0) return out;
  for await (const item of source) {
    out.push(item);
    if (out.length >= count) break;
  }
  return out;
}

describe('the sharded waiting list', () => {
  it('merges its shards into exactly the single partition order, whatever the shard count and page sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        waitingArb,
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 64 }),
        async (waiting, shards, firstPage, largest) => {
          const merged = await take(
            mergeShards(shardsOf(waiting, shards, { items: 0 }), compareWaiting, { firstPage, largestPage: Math.max(firstPage, largest) }),
            Infinity,
          );
          expect(merged.map((w) => w.caseId)).toEqual(byKey(waiting).map((w) => w.caseId));
          // The sort key's order is dispatch's order (compareWaiting), so the merge may use either.
          expect(merged).toEqual([...waiting].sort(compareWaiting));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads only the head: at most a first page per shard plus twice the cases handed out', async () => {
    await fc.assert(
      fc.asyncProperty(waitingArb, fc.integer({ min: 1, max: 48 }), fc.integer({ min: 0, max: 20 }), async (waiting, shards, k) => {
        const reads = { items: 0 };
        const firstPage = 4;
        const head = await take(mergeShards(shardsOf(waiting, shards, reads), compareWaiting, { firstPage }), k);
        expect(head).toEqual([...waiting].sort(compareWaiting).slice(0, k));
        expect(reads.items).toBeLessThanOrEqual(Math.min(waiting.length, shards * firstPage + 2 * k));
      }),
      { numRuns: 300 },
    );
  });

  it('keys a waiting case in its shard (or the one its state names), an agent and an offer in theirs', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.constantFrom(...PRIORITIES),
        fc.option(fc.nat({ max: 200 }), { nil: undefined }),
        (id, priority, named) => {
          const since = new Date(T0).toISOString();
          const shard = waitingShardOf(id);
          expect(shard).toBeGreaterThanOrEqual(0);
          expect(shard).toBeLessThan(WAITING_SHARDS);
          // Growing the count moves nobody: an entry stays keyed by the shard its state recorded.
          expect(waitingKey({ caseId: id, priority, since, waitingShard: named ?? shard }).pk).toBe(`ROUTING#WAITING#${named ?? shard}`);
          expect(waitingKey({ caseId: id, priority, since }).pk).toBe('ROUTING#WAITING');
          expect(agentShardOf(id)).toBeLessThan(AGENT_SHARDS);
          expect(routingAgentKey(id)).toEqual({ pk: `ROUTING#AGENTS#${agentShardOf(id)}`, sk: `AGENT#${id}` });
          // Offers: in one of their shards, every one of which the outbox filter's prefix selects.
          const offer = routingOfferKey(`${id}.2`);
          expect(offer.pk.startsWith(caseTable.offerItems.partitionKeyPrefix)).toBe(true);
          expect(Number(offer.pk.slice(caseTable.offerItems.partitionKeyPrefix.length))).toBeLessThan(OFFER_SHARDS);
        },
      ),
    );
  });
});
