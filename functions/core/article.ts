/**
 * Knowledge articles: markdown answers to recurring problems, written and reviewed
 * by staff, published to requesters (public) or kept for agents (internal).
 *
 * Every change (a save or a lifecycle move) makes a new version record, and the
 * version records are the article's audit trail: each is sealed onto the one before
 * it with the same hash chain cases use, and the article itself carries the chain's
 * head, so a replaced article item cannot leave its history behind.
 */
import { seal, type Chained, type ChainHead } from './audit-chain.js';
import { hasRole, isStaff, type Caller, type Role } from './caller.js';
import { actorOf, type ChangeContext, type FieldChange } from './audit-event.js';
import { conflict, forbidden } from './errors.js';

/** The same vocabulary as the search seam's (`functions/adapters/search.ts`); the indexer's types hold them equal. */
export const ARTICLE_VISIBILITIES = ['internal', 'public'] as const;
export type ArticleVisibility = (typeof ARTICLE_VISIBILITIES)[number];
export const ARTICLE_STATUSES = ['draft', 'inReview', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

export interface Article {
  readonly articleId: string;
  readonly title: string;
  /** Markdown. */
  readonly body: string;
  readonly category: string;
  readonly tags: readonly string[];
  readonly visibility: ArticleVisibility;
  readonly status: ArticleStatus;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly publishedAt: string | null;
  /** Bumped by every change: the ETag, and the seq of the latest version record. */
  readonly version: number;
  /** Hash of the latest version record: the head of the article's chain. */
  readonly hash: string;
}

export type ArticleAction = 'ArticleCreated' | 'ArticleRevised' | 'ArticleStatusChanged';

/** One saved state of an article, chained onto the one before it. */
export interface ArticleVersion extends Chained {
  readonly articleId: string;
  readonly action: ArticleAction;
  readonly at: string;
  readonly actor: { readonly sub: string; readonly name?: string; readonly roles: readonly string[] };
  readonly correlationId: string;
  readonly changes: readonly FieldChange[];
  readonly reason?: string;
  /** The article as this version left it. */
  readonly snapshot: Pick<Article, 'title' | 'body' | 'category' | 'tags' | 'visibility' | 'status'>;
}

export interface NewArticle {
  readonly title: string;
  readonly body: string;
  readonly category: string;
  readonly tags?: readonly string[];
  readonly visibility?: ArticleVisibility;
}

export interface ArticlePatch {
  readonly title?: string;
  readonly body?: string;
  readonly category?: string;
  readonly tags?: readonly string[];
  readonly visibility?: ArticleVisibility;
  readonly reason?: string;
}

/** Agents write and propose; supervisors and admins also decide what requesters see. */
export const AUTHOR_ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];
export const PUBLISHER_ROLES: readonly Role[] = ['supervisor', 'admin'];

export const mayAuthor = (caller: Caller): boolean => AUTHOR_ROLES.some((role) => hasRole(caller, role));
export const mayPublish = (caller: Caller): boolean => PUBLISHER_ROLES.some((role) => hasRole(caller, role));

/**
 * The lifecycle. Moves into or out of `published` change what customers read, so
 * they take a publisher; every other move is an author's.
 */
export const ARTICLE_TRANSITIONS: Readonly<Record<ArticleStatus, readonly ArticleStatus[]>> = {
  draft: ['inReview', 'published', 'archived'],
  inReview: ['draft', 'published', 'archived'],
  published: ['draft', 'archived'],
  archived: ['draft'],
};

export const needsPublisher = (from: ArticleStatus, to: ArticleStatus): boolean => from === 'published' || to === 'published';

/** Staff read every article in every state; requesters only what is published for the public. */
export const canRead = (caller: Caller, article: Pick<Article, 'status' | 'visibility'>): boolean =>
  isStaff(caller) || (article.status === 'published' && article.visibility === 'public');

/** The search filter that gives a caller exactly what `canRead` allows. */
export function readableFilter(caller: Caller): { visibility?: ArticleVisibility[]; status?: ArticleStatus[] } {
  return isStaff(caller) ? {} : { visibility: ['public'], status: ['published'] };
}

/** The trail name of an article's chain, distinct from any case id. */
export const articleTrail = (articleId: string): string => `article:${articleId}`;

const snapshotOf = (a: Omit<Article, 'hash'> | Article): ArticleVersion['snapshot'] => ({
  title: a.title,
  body: a.body,
  category: a.category,
  tags: [...a.tags],
  visibility: a.visibility,
  status: a.status,
});

function versionRecord(
  article: Omit<Article, 'hash'>,
  head: ChainHead | undefined,
  action: ArticleAction,
  changes: readonly FieldChange[],
  ctx: ChangeContext,
  reason?: string,
): ArticleVersion {
  return seal(articleTrail(article.articleId), head, {
    articleId: article.articleId,
    seq: article.version,
    action,
    at: ctx.now,
    actor: actorOf(ctx.caller),
    correlationId: ctx.correlationId,
    changes: [...changes],
    ...(reason ? { reason } : {}),
    snapshot: snapshotOf(article),
  });
}

export interface ArticleChange {
  readonly article: Article;
  readonly record: ArticleVersion;
}

const withHead = (article: Omit<Article, 'hash'>, record: ArticleVersion): ArticleChange => ({ article: { ...article, hash: record.hash }, record });

/** Tags compare without case or repeats. */
export const normaliseTags = (tags: readonly string[]): string[] => [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];

export function createArticle(articleId: string, input: NewArticle, ctx: ChangeContext): ArticleChange {
  if (!mayAuthor(ctx.caller)) throw forbidden('Only agents, supervisors and admins write knowledge articles.');
  const article: Omit<Article, 'hash'> = {
    articleId,
    title: input.title,
    body: input.body,
    category: input.category,
    tags: normaliseTags(input.tags ?? []),
    visibility: input.visibility ?? 'internal',
    status: 'draft',
    createdAt: ctx.now,
    createdBy: ctx.caller.sub,
    updatedAt: ctx.now,
    updatedBy: ctx.caller.sub,
    publishedAt: null,
    version: 1,
  };
  const changes = (['title', 'category', 'tags', 'visibility', 'status'] as const).map((field) => ({ field, before: null, after: article[field] }));
  return withHead(article, versionRecord(article, undefined, 'ArticleCreated', changes, ctx));
}

const headOf = (article: Article): ChainHead => ({ seq: article.version, hash: article.hash });

/** Apply a save; `undefined` when it changes nothing. An archived article must be revived before it is edited. */
export function reviseArticle(article: Article, patch: ArticlePatch, ctx: ChangeContext): ArticleChange | undefined {
  if (!mayAuthor(ctx.caller)) throw forbidden('Only agents, supervisors and admins write knowledge articles.');
  if (article.status === 'archived')
    throw conflict(`Article ${article.articleId} is archived: move it back to draft before editing it.`, { status: article.status });
  // Making a published article public changes what customers read, as publishing does.
  if (article.status === 'published' && patch.visibility !== undefined && patch.visibility !== article.visibility && !mayPublish(ctx.caller)) {
    throw forbidden('Changing the visibility of a published article takes a supervisor or admin.');
  }
  const next = {
    ...article,
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.body !== undefined ? { body: patch.body } : {}),
    ...(patch.category !== undefined ? { category: patch.category } : {}),
    ...(patch.tags !== undefined ? { tags: normaliseTags(patch.tags) } : {}),
    ...(patch.visibility !== undefined ? { visibility: patch.visibility } : {}),
  };
  const changes: FieldChange[] = (['title', 'body', 'category', 'tags', 'visibility'] as const)
    .filter((field) => JSON.stringify(article[field]) !== JSON.stringify(next[field]))
    // Bodies are long: the trail says that the body changed, the version's snapshot holds it.
    .map((field) =>
      field === 'body'
        ? { field, before: `${article.body.length} characters`, after: `${next.body.length} characters` }
        : { field, before: article[field], after: next[field] },
    );
  if (changes.length === 0) return undefined;
  const { hash: _previous, ...rest } = next;
  const revised = { ...rest, updatedAt: ctx.now, updatedBy: ctx.caller.sub, version: article.version + 1 };
  return withHead(revised, versionRecord(revised, headOf(article), 'ArticleRevised', changes, ctx, patch.reason));
}

/** Move an article along its lifecycle. */
export function moveArticle(article: Article, to: ArticleStatus, ctx: ChangeContext, reason?: string): ArticleChange {
  if (!mayAuthor(ctx.caller)) throw forbidden('Only agents, supervisors and admins change knowledge articles.');
  const allowed = ARTICLE_TRANSITIONS[article.status];
  if (!allowed.includes(to)) {
    throw conflict(
      `Article ${article.articleId} cannot go from ${article.status} to ${to}; from ${article.status} it can go to ${allowed.join(', ')}.`,
      {
        status: article.status,
        allowed,
      },
    );
  }
  if (needsPublisher(article.status, to) && !mayPublish(ctx.caller)) {
    throw forbidden(`Moving an article ${to === 'published' ? 'to' : 'out of'} published takes a supervisor or admin.`);
  }
  const { hash: _previous, ...rest } = article;
  const moved = {
    ...rest,
    status: to,
    publishedAt: to === 'published' ? ctx.now : article.publishedAt,
    updatedAt: ctx.now,
    updatedBy: ctx.caller.sub,
    version: article.version + 1,
  };
  return withHead(
    moved,
    versionRecord(moved, headOf(article), 'ArticleStatusChanged', [{ field: 'status', before: article.status, after: to }], ctx, reason),
  );
}

/** The fields of an article anyone who may read it sees (the chain head stays in storage). */
export type ArticleView = Omit<Article, 'hash'>;

export function articleView(article: Article): ArticleView {
  const { hash: _hash, ...view } = article;
  return view;
}

/** The text a linked case teaches its article: how the customer put the problem. */
export const learnedTextOf = (c: { readonly subject: string; readonly description: string }, max = 2000): string =>
  `${c.subject}\n${c.description}`.slice(0, max);
