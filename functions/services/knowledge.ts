/**
 * Use cases of knowledge articles: write and publish them, link the one that
 * resolved a case (which teaches the article the customer's words), and count what
 * suggestions were shown, clicked, linked or deflected a case. Search is in
 * `knowledge-search.ts`, so this side never loads a search engine.
 */
import { randomBytes } from 'node:crypto';
import { verifyChain, type ChainReport } from '#core/audit-chain.js';
import { isStaff, type Caller } from '#core/caller.js';
import {
  articleTrail,
  articleView,
  canRead,
  createArticle,
  learnedTextOf,
  mayAuthor,
  moveArticle,
  reviseArticle,
  type Article,
  type ArticlePatch,
  type ArticleStatus,
  type ArticleVersion,
  type ArticleView,
  type NewArticle,
  ARTICLE_STATUSES,
} from '#core/article.js';
import { auditEvent, type ChangeContext } from '#core/audit-event.js';
import { conflict, forbidden, notFound, preconditionFailed } from '#core/errors.js';
import * as repo from '#adapters/dynamodb/article-repository.js';
import type { ArticleLink, ArticleStats, FeedbackEvent } from '#adapters/dynamodb/article-repository.js';
import type { Page } from '#adapters/dynamodb/paging.js';
import { commitCases } from '#adapters/dynamodb/transactions.js';
import { isRestricted, untilWritten, visibleCase, writableCase } from './case-access.js';

const articleNotFound = (articleId: string) => notFound(`Article ${articleId} does not exist or is not yours to see.`);

/** Short, unguessable, and free of the characters keys use. */
const newArticleId = () => `KB-${randomBytes(6).toString('hex').toUpperCase()}`;

async function readableArticle(articleId: string, caller: Caller): Promise<Article> {
  const article = await repo.getArticle(articleId);
  // A requester must not learn that an internal or unpublished article exists.
  if (!article || !canRead(caller, article)) throw articleNotFound(articleId);
  return article;
}

function assertVersion(article: Article, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && article.version !== ifMatch) {
    throw preconditionFailed(
      `Article ${article.articleId} is at version ${article.version}, not ${ifMatch}; read it again and reapply your change.`,
      {
        currentVersion: article.version,
      },
    );
  }
}

export async function writeArticle(input: NewArticle, ctx: ChangeContext): Promise<ArticleView> {
  const { article, record } = createArticle(newArticleId(), input, ctx);
  const outcome = await repo.saveArticle(article, record, undefined);
  // 48 random bits: a collision is not a race to retry but a broken generator.
  if (outcome !== 'written') throw new Error(`Article id ${article.articleId} was taken`);
  return articleView(article);
}

export interface ArticleDetail extends ArticleView {
  /** Staff only: how its suggestions fared. */
  readonly stats?: ArticleStats;
}

export async function readArticle(articleId: string, caller: Caller): Promise<ArticleDetail> {
  const article = await readableArticle(articleId, caller);
  return isStaff(caller) ? { ...articleView(article), stats: await repo.getStats(articleId) } : articleView(article);
}

export interface ArticleQuery {
  readonly status?: readonly ArticleStatus[];
  readonly visibility?: 'internal' | 'public';
  readonly category?: string;
  readonly tag?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export function listArticles(query: ArticleQuery, caller: Caller): Promise<Page<ArticleView>> {
  // Requesters list what they may read whatever they ask for; asking for more finds nothing more.
  const staff = isStaff(caller);
  const status = staff ? (query.status ?? ARTICLE_STATUSES) : ['published' as const];
  const visibility = staff ? query.visibility : 'public';
  if (!staff && query.visibility === 'internal') return Promise.resolve({ items: [] });
  return repo
    .listArticles(
      {
        status,
        ...(visibility ? { visibility } : {}),
        ...(query.category ? { category: query.category } : {}),
        ...(query.tag ? { tag: query.tag.toLowerCase() } : {}),
      },
      query.limit,
      query.cursor,
    )
    .then((page) => ({ ...page, items: page.items.map(articleView) }));
}

/** Save changes to an article the client last saw at `ifMatch`: a new version, or 412. */
export function updateArticle(articleId: string, patch: ArticlePatch, ifMatch: number, ctx: ChangeContext): Promise<ArticleView> {
  return untilWritten(`Article ${articleId}`, async () => {
    const article = await readableArticle(articleId, ctx.caller);
    assertVersion(article, ifMatch);
    const change = reviseArticle(article, patch, ctx);
    if (!change) return articleView(article);
    return (await repo.saveArticle(change.article, change.record, article.version)) === 'written' ? articleView(change.article) : 'stale';
  });
}

export function changeArticleStatus(
  articleId: string,
  to: ArticleStatus,
  reason: string | undefined,
  ifMatch: number | undefined,
  ctx: ChangeContext,
): Promise<ArticleView> {
  return untilWritten(`Article ${articleId}`, async () => {
    const article = await readableArticle(articleId, ctx.caller);
    assertVersion(article, ifMatch);
    const change = moveArticle(article, to, ctx, reason);
    // A lost race is decided again on fresh data: a stale If-Match then answers 412, a move that no longer applies 409.
    return (await repo.saveArticle(change.article, change.record, article.version)) === 'written' ? articleView(change.article) : 'stale';
  });
}

/** Versions hold drafts and internal text: staff only. */
export async function articleVersions(articleId: string, caller: Caller, limit: number, cursor?: string): Promise<Page<ArticleVersion>> {
  if (!isStaff(caller)) throw forbidden('The versions of an article are visible to staff only.');
  await readableArticle(articleId, caller);
  return repo.listVersions(articleId, limit, cursor);
}

export async function verifyArticle(articleId: string, caller: Caller): Promise<ChainReport> {
  if (!isStaff(caller)) throw forbidden('The versions of an article are visible to staff only.');
  const article = await readableArticle(articleId, caller);
  return verifyChain(articleTrail(articleId), await repo.readArticleTrail(articleId), { seq: article.version, hash: article.hash });
}

// Linking and feedback

/**
 * Link the article that resolved a case: the link, what the case taught the article
 * and the `ArticleLinked` event on the case's chain commit together. Linking again
 * changes nothing and answers the existing link.
 */
export async function linkArticle(
  caseId: string,
  articleId: string,
  suggestionId: string | undefined,
  ctx: ChangeContext,
): Promise<{ link: ArticleLink; created: boolean }> {
  if (!mayAuthor(ctx.caller)) throw forbidden('Only agents, supervisors and admins link articles to cases.');
  return untilWritten(`Case ${caseId}`, async () => {
    const stored = await writableCase(caseId, ctx.caller);
    const article = await readableArticle(articleId, ctx.caller);
    const existing = await repo.getLink(caseId, articleId);
    if (existing) return { link: existing, created: false };
    if (article.status !== 'published')
      throw conflict(`Article ${articleId} is ${article.status}; only a published article can be linked.`, { status: article.status });
    const link: ArticleLink = { caseId, articleId, linkedAt: ctx.now, linkedBy: ctx.caller.sub, suggestionId: suggestionId ?? null };
    const audit = auditEvent(
      caseId,
      stored.head,
      'ArticleLinked',
      ctx,
      stored.case.version,
      [{ field: 'articles', before: null, after: articleId }],
      {
        target: { kind: 'article', id: articleId },
      },
    );
    const outcome = await commitCases({
      head: stored.head,
      audit,
      // A restricted case teaches the article nothing: its words would surface in everyone's search.
      items: repo.linkItems(link, {
        articleId,
        caseId,
        linkedAt: ctx.now,
        text: (await isRestricted(stored.case)) ? '' : learnedTextOf(stored.case),
      }),
    });
    return outcome === 'written' ? { link, created: true } : 'stale';
  });
}

export async function caseArticles(caseId: string, caller: Caller, limit: number, cursor?: string): Promise<Page<ArticleLink>> {
  await visibleCase(caseId, caller);
  const page = await repo.listLinks(caseId, limit, cursor);
  if (isStaff(caller)) return page;
  // A requester sees the links to articles they could read, nothing about the others.
  const readable = new Set((await repo.getArticles(page.items.map((l) => l.articleId))).filter((a) => canRead(caller, a)).map((a) => a.articleId));
  return { ...page, items: page.items.filter((l) => readable.has(l.articleId)) };
}

export interface Feedback {
  readonly suggestionId: string;
  readonly articleId: string;
  readonly event: Exclude<FeedbackEvent, 'linked'>;
}

/** Count a suggestion event once; the same event sent again counts nothing (`counted: false`). */
export async function recordFeedback(feedback: Feedback, caller: Caller, now: string): Promise<{ counted: boolean }> {
  await readableArticle(feedback.articleId, caller);
  return untilWritten('This article', async () => {
    const outcome = await repo.recordFeedback(feedback.suggestionId, feedback.event, feedback.articleId, now);
    return outcome === 'stale' ? 'stale' : { counted: outcome === 'written' };
  });
}
