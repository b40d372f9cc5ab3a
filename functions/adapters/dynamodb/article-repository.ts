/**
 * Knowledge articles in the single table. An article, its version records (its
 * chained audit trail), its counters and the texts linked cases taught it share the
 * article's partition; a case's linked articles sit in the case's partition. Every
 * save replaces the article only at the version that was read, in one transaction
 * with its new version record.
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Article, ArticleStatus, ArticleVersion } from '#core/article.js';
import type { StoredChained } from '#core/audit-chain.js';
import { dynamo, tableName } from './client.js';
import {
  ARTICLE_VERSION_PREFIX,
  CASE_ARTICLE_PREFIX,
  LEARNED_PREFIX,
  STATUS_INDEX,
  articleKey,
  articleStatsKey,
  articleStatusPartition,
  articleVersionKey,
  caseArticleKey,
  caseKey,
  feedbackKey,
  learnedKey,
  withoutStorageAttributes,
} from './keys.js';
import { type Page, pageAcrossPartitions, pageOfPartition, queryAll, queryPartition, type PartitionQuery } from './paging.js';
import { cancellationCodes, putIfVersion, putNew, transactUnlessStale, type TransactItem, type WriteOutcome } from './transactions.js';

export const FEEDBACK_EVENTS = ['shown', 'clicked', 'linked', 'deflected'] as const;
export type FeedbackEvent = (typeof FEEDBACK_EVENTS)[number];

export type ArticleStats = Record<FeedbackEvent, number>;

/** A case's link to the article that resolved it. */
export interface ArticleLink {
  readonly caseId: string;
  readonly articleId: string;
  readonly linkedAt: string;
  readonly linkedBy: string;
  readonly suggestionId: string | null;
}

/** What a linked case taught its article. */
export interface LearnedText {
  readonly articleId: string;
  readonly caseId: string;
  readonly linkedAt: string;
  readonly text: string;
}

const recency = (a: Pick<Article, 'updatedAt' | 'articleId'>) => `${a.updatedAt}#${a.articleId}`;

const articleItem = (a: Article) => ({
  ...articleKey(a.articleId),
  entity: 'Article',
  ...a,
  [STATUS_INDEX.partitionKey]: articleStatusPartition(a.status),
  [STATUS_INDEX.sortKey]: recency(a),
});

const versionItem = (v: ArticleVersion) => ({ ...articleVersionKey(v.articleId, v.seq), entity: 'ArticleVersion', ...v });

/** Save an article and its new version record: the article only at the version read (none: a new one). */
export function saveArticle(article: Article, record: ArticleVersion, expectedVersion: number | undefined): Promise<WriteOutcome> {
  return transactUnlessStale([
    expectedVersion === undefined ? putNew(articleItem(article)) : putIfVersion(articleItem(article), expectedVersion),
    putNew(versionItem(record)),
  ]);
}

export async function getArticle(articleId: string): Promise<Article | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: articleKey(articleId), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<Article>(out.Item) : undefined;
}

/** Several articles by id, in the order asked, missing ones left out (search hits to show). */
export async function getArticles(articleIds: readonly string[]): Promise<Article[]> {
  if (articleIds.length === 0) return [];
  const found = new Map<string, Article>();
  // BatchGet takes 100 keys; search pages are at most 50 hits.
  let keys: Record<string, unknown>[] | undefined = [...new Set(articleIds)].map((id) => articleKey(id));
  for (let attempt = 0; keys && keys.length > 0 && attempt < 5; attempt++) {
    const out: BatchGetCommandOutput = await dynamo().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys } } }));
    for (const item of out.Responses?.[tableName()] ?? []) {
      const article = withoutStorageAttributes<Article>(item);
      found.set(article.articleId, article);
    }
    keys = out.UnprocessedKeys?.[tableName()]?.Keys;
  }
  return articleIds.flatMap((id) => found.get(id) ?? []);
}

export interface ArticleListFilter {
  readonly status: readonly ArticleStatus[];
  readonly visibility?: string;
  readonly category?: string;
  readonly tag?: string;
}

function statusQuery(status: ArticleStatus, filter: ArticleListFilter): PartitionQuery {
  const partition = articleStatusPartition(status);
  const conditions: string[] = [];
  const names: Record<string, string> = { '#ipk': STATUS_INDEX.partitionKey };
  const values: Record<string, unknown> = { ':ipk': partition };
  if (filter.visibility) {
    conditions.push('visibility = :visibility');
    values[':visibility'] = filter.visibility;
  }
  if (filter.category) {
    conditions.push('category = :category');
    values[':category'] = filter.category;
  }
  if (filter.tag) {
    conditions.push('contains(tags, :tag)');
    values[':tag'] = filter.tag;
  }
  return {
    partition,
    input: {
      IndexName: STATUS_INDEX.indexName,
      KeyConditionExpression: '#ipk = :ipk',
      ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
    },
    // The sort key ends with the article id, so the position needs nothing else to rebuild the start key.
    startKey: (p) => ({ ...articleKey(p.s.split('#').at(-1)!), [STATUS_INDEX.partitionKey]: partition, [STATUS_INDEX.sortKey]: p.s }),
    positionOf: (item) => ({ s: String(item[STATUS_INDEX.sortKey]) }),
  };
}

/** Articles in the given states, most recently changed first. */
export function listArticles(filter: ArticleListFilter, limit: number, cursor?: string): Promise<Page<Article>> {
  const queries = filter.status.map((status) => statusQuery(status, filter));
  const digest = { list: 'articles', ...filter };
  if (queries.length === 1) return pageOfPartition(queries[0]!, limit, cursor, digest, withoutStorageAttributes<Article>);
  return pageAcrossPartitions(
    queries,
    (item) => String(item[STATUS_INDEX.sortKey]),
    'descending',
    limit,
    cursor,
    digest,
    withoutStorageAttributes<Article>,
  );
}

/** Every article in a state, for rebuilding a search index. */
export async function allArticlesIn(status: ArticleStatus): Promise<Article[]> {
  const items = await queryAll(statusQuery(status, { status: [status] }).input);
  return items.map((item) => withoutStorageAttributes<Article>(item));
}

export function listVersions(articleId: string, limit: number, cursor?: string): Promise<Page<ArticleVersion>> {
  const pk = articleKey(articleId).pk;
  return pageOfPartition(
    {
      partition: pk,
      input: {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': ARTICLE_VERSION_PREFIX },
      },
      startKey: (p) => ({ pk, sk: p.s }),
      positionOf: (item) => ({ s: String(item.sk) }),
    },
    limit,
    cursor,
    { list: 'article-versions', articleId },
    withoutStorageAttributes<ArticleVersion>,
  );
}

/** The whole trail with each record's position from its key, for verification. */
export async function readArticleTrail(articleId: string): Promise<StoredChained[]> {
  const pk = articleKey(articleId).pk;
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': ARTICLE_VERSION_PREFIX },
    ConsistentRead: true,
  });
  return items.map((item) => ({
    ...withoutStorageAttributes<ArticleVersion>(item),
    position: Number(String(item.sk).slice(ARTICLE_VERSION_PREFIX.length)),
  }));
}

/** The most recent texts linked cases taught an article (the index takes this many). */
export async function learnedTexts(articleId: string, limit = 50): Promise<LearnedText[]> {
  const pk = articleKey(articleId).pk;
  const { items } = await queryPartition(
    {
      partition: pk,
      input: {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': LEARNED_PREFIX },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      startKey: (p) => ({ pk, sk: p.s }),
      positionOf: (item) => ({ s: String(item.sk) }),
    },
    limit,
    undefined,
  );
  return items.map((item) => withoutStorageAttributes<LearnedText>(item));
}

export async function getLink(caseId: string, articleId: string): Promise<ArticleLink | undefined> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: caseArticleKey(caseId, articleId), ConsistentRead: true }));
  return out.Item ? withoutStorageAttributes<ArticleLink>(out.Item) : undefined;
}

export function listLinks(caseId: string, limit: number, cursor?: string): Promise<Page<ArticleLink>> {
  const pk = caseKey(caseId).pk;
  return pageOfPartition(
    {
      partition: pk,
      input: {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': CASE_ARTICLE_PREFIX },
      },
      startKey: (p) => ({ pk, sk: p.s }),
      positionOf: (item) => ({ s: String(item.sk) }),
    },
    limit,
    cursor,
    { list: 'case-articles', caseId },
    withoutStorageAttributes<ArticleLink>,
  );
}

const addToStats = (articleId: string, event: FeedbackEvent) => ({
  TableName: tableName(),
  Key: articleStatsKey(articleId),
  UpdateExpression: 'SET entity = :entity, articleId = :id ADD #event :one',
  ExpressionAttributeNames: { '#event': event },
  ExpressionAttributeValues: { ':entity': 'ArticleStats', ':id': articleId, ':one': 1 },
});

/**
 * The writes of a link besides the case's audit commit: the case-side link (which
 * exists once per case and article), what the case taught the article, and the
 * article's `linked` counter.
 */
export function linkItems(link: ArticleLink, learned: LearnedText): TransactItem[] {
  return [
    putNew({ ...caseArticleKey(link.caseId, link.articleId), entity: 'ArticleLink', ...link }),
    putNew({ ...learnedKey(learned.articleId, learned.linkedAt, learned.caseId), entity: 'LearnedText', ...learned }),
    { Update: addToStats(link.articleId, 'linked') },
  ];
}

/**
 * Count one feedback event, once per suggestion, event and article: a retried or
 * double-sent event finds its record and counts nothing. Records expire after 30 days.
 */
export async function recordFeedback(
  suggestionId: string,
  event: FeedbackEvent,
  articleId: string,
  now: string,
): Promise<WriteOutcome | 'duplicate'> {
  const expiresAt = Math.floor(Date.parse(now) / 1000) + 30 * 24 * 3600;
  try {
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          putNew({ ...feedbackKey(suggestionId, event, articleId), entity: 'Feedback', suggestionId, event, articleId, at: now, expiresAt }),
          { Update: addToStats(articleId, event) },
        ],
      }),
    );
    return 'written';
  } catch (error) {
    const codes = cancellationCodes(error);
    if (!codes) throw error;
    // The record exists: this event was counted before. Anything else (a concurrent count): try again.
    return codes[0] === 'ConditionalCheckFailed' ? 'duplicate' : 'stale';
  }
}

/** Count an event without deduplication (a link counts through its own transaction instead). */
export async function countEvent(articleId: string, event: FeedbackEvent): Promise<void> {
  await dynamo().send(new UpdateCommand(addToStats(articleId, event)));
}

export async function getStats(articleId: string): Promise<ArticleStats> {
  const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: articleStatsKey(articleId) }));
  return Object.fromEntries(FEEDBACK_EVENTS.map((event) => [event, Number(out.Item?.[event] ?? 0)])) as ArticleStats;
}
