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
import { searchIndex } from '../adapters/search-choice.js';
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

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const articleIds = articlesTouchedBy(event);
  if (articleIds.length === 0) return;
  await reindexArticles(articleIds, await searchIndex());
  logger.debug('Articles indexed', { articleIds });
}

/** Index every article: for an index that starts empty (the embedded one) or a new collection. */
export async function rebuild(): Promise<number> {
  return rebuildIndex(await searchIndex());
}
