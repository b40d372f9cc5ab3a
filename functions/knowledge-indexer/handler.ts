/**
 * The knowledge indexer: DynamoDB stream -> search index. In AWS the event-source
 * filter passes only article items and what linked cases taught them; locally the
 * platform's stream pump applies the same filter (`isKnowledgeRecord`). Each batch
 * names the articles it touched; each is re-read whole and its document replaced,
 * so redelivery and reordering converge on the same index (idempotent). A failure
 * fails the whole batch, which Lambda retries, bisects, then parks on the DLQ.
 */
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ARTICLE_PARTITION_PREFIX, ARTICLE_SORT_KEY, LEARNED_PREFIX, articleIdOfPartition } from '../adapters/dynamodb/keys.js';
import { writableSearchIndex } from '../adapters/search-choice.js';
import { logger } from '../observability.js';
import { rebuildIndex, reindexArticles } from '../services/knowledge-index.js';

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
export interface RebuildRequest {
  readonly rebuild: true;
}

const isRebuild = (event: DynamoDBStreamEvent | RebuildRequest): event is RebuildRequest => (event as RebuildRequest).rebuild === true;

/**
 * Stream batches from the event-source mapping; or, invoked by hand with
 * `{"rebuild": true}` (`aws lambda invoke`), a rebuild of the whole index.
 */
export async function handler(event: DynamoDBStreamEvent | RebuildRequest): Promise<{ rebuilt: number } | undefined> {
  if (isRebuild(event)) {
    const rebuilt = await rebuild();
    logger.info('Knowledge index rebuilt', { rebuilt });
    return { rebuilt };
  }
  const articleIds = articlesTouchedBy(event);
  if (articleIds.length === 0) return undefined;
  await reindexArticles(articleIds, await writableSearchIndex());
  logger.debug('Articles indexed', { articleIds });
  return undefined;
}

/** Index every article: for an index that starts empty (the embedded one) or a new collection. */
export async function rebuild(): Promise<number> {
  return rebuildIndex(await writableSearchIndex());
}
