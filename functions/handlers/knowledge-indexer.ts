/**
 * The knowledge indexer: DynamoDB stream -> search index. In AWS the event-source
 * filter passes only article items and what linked cases taught them; locally the
 * platform's stream pump applies the same filter (`isKnowledgeRecord`). Each batch
 * names the articles it touched; each is re-read whole and its document replaced,
 * so redelivery and reordering converge on the same index (idempotent). A failure
 * fails the whole batch, which Lambda retries, bisects, then parks on the DLQ.
 */
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ARTICLE_PARTITION_PREFIX, ARTICLE_SORT_KEY, LEARNED_PREFIX, articleIdOfPartition } from '#adapters/dynamodb/keys.js';
import { writableSearchIndex } from '#adapters/search-choice.js';
import * as z from 'zod';
import { StreamBatch, onInvoke } from '#events/event-handler.js';
import { rebuildIndex, reindexArticles } from '#services/knowledge-index.js';

/** Article items and learned texts: what changes a search document. */
export function isKnowledgeRecord(record: DynamoDBRecord): boolean {
  const pk = record.dynamodb?.Keys?.pk?.S ?? '';
  const sk = record.dynamodb?.Keys?.sk?.S ?? '';
  return pk.startsWith(ARTICLE_PARTITION_PREFIX) && (sk === ARTICLE_SORT_KEY || sk.startsWith(LEARNED_PREFIX));
}

export const articlesTouchedBy = (event: DynamoDBStreamEvent): string[] => [
  ...new Set(event.Records.filter(isKnowledgeRecord).map((record) => articleIdOfPartition(record.dynamodb?.Keys?.pk?.S ?? ''))),
];

/** An operator's request to index every article again (after a DLQ alarm, or into a new collection). */
const RebuildRequest = z.object({ rebuild: z.literal(true) });
export type RebuildRequest = z.infer<typeof RebuildRequest>;

const isRebuild = (event: unknown): boolean => event !== null && typeof event === 'object' && 'rebuild' in event;

/**
 * Stream batches from the event-source mapping; or, invoked by hand with
 * `{"rebuild": true}` (`aws lambda invoke`), a rebuild of the whole index.
 */
export const handler = onInvoke({
  name: 'knowledge-indexer',
  input: (raw): z.ZodType<DynamoDBStreamEvent | RebuildRequest> =>
    isRebuild(raw) ? RebuildRequest : (StreamBatch as unknown as z.ZodType<DynamoDBStreamEvent>),
  field: 'event',
  dedup: { idempotent: 'each touched article is re-read whole and its document replaced, so redelivery and reordering converge' },
  work: async (event): Promise<{ rebuilt: number } | undefined> => {
    if ('rebuild' in event) return { rebuilt: await rebuild() };
    const articleIds = articlesTouchedBy(event);
    if (articleIds.length > 0) await reindexArticles(articleIds, await writableSearchIndex());
    return undefined;
  },
  summary: (result) => result,
});

/** Index every article: for an index that starts empty (the embedded one) or a new collection. */
export async function rebuild(): Promise<number> {
  return rebuildIndex(await writableSearchIndex());
}
