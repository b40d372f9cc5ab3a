/**
 * Use cases of knowledge search: search the articles the caller may read, suggest
 * them for a case, or for a case not yet submitted (deflection).
 */
import { randomBytes } from 'node:crypto';
import { canRead, readableFilter, type Article } from '#core/article.js';
import { isStaff, type Caller } from '#core/caller.js';
import * as repo from '#adapters/dynamodb/article-repository.js';
import { searchIndex } from '#adapters/search-choice.js';
import type { Highlight } from '#adapters/search.js';
import { visibleCase } from './case-access.js';

export const newSuggestionId = () => `SG-${randomBytes(8).toString('hex')}`;

export interface SuggestedArticle {
  readonly articleId: string;
  readonly title: string;
  readonly category: string;
  readonly tags: readonly string[];
  readonly visibility: Article['visibility'];
  readonly status: Article['status'];
  readonly score: number;
  readonly matchedTerms: readonly string[];
  readonly highlights: readonly Highlight[];
}

export interface Suggestions {
  /** Send it back with feedback (shown, clicked, linked, deflected) to tie the event to this answer. */
  readonly suggestionId: string;
  readonly query: string;
  readonly items: SuggestedArticle[];
}

export interface SearchRequest {
  readonly text: string;
  readonly limit: number;
  readonly category?: string;
}

/**
 * Search as the caller may: the index filters by what the caller may read, and each
 * hit is checked again against the article as stored, because the index follows the
 * table a moment behind (an article unpublished a second ago must not be offered).
 * Texts learned from other people's cases are matched but never shown to requesters.
 */
export async function search(request: SearchRequest, caller: Caller): Promise<Suggestions> {
  const index = await searchIndex();
  const hits = await index.search({
    text: request.text,
    limit: request.limit,
    filter: { ...readableFilter(caller), ...(request.category ? { category: request.category } : {}) },
  });
  const articles = new Map((await repo.getArticles(hits.map((h) => h.id))).map((a) => [a.articleId, a]));
  const staff = isStaff(caller);
  const items = hits.flatMap((hit): SuggestedArticle[] => {
    const article = articles.get(hit.id);
    if (!article || !canRead(caller, article)) return [];
    return [
      {
        articleId: article.articleId,
        title: article.title,
        category: article.category,
        tags: article.tags,
        visibility: article.visibility,
        status: article.status,
        score: hit.score,
        matchedTerms: hit.matchedTerms,
        highlights: staff ? hit.highlights : hit.highlights.filter((h) => h.field !== 'learned'),
      },
    ];
  });
  return { suggestionId: newSuggestionId(), query: request.text, items };
}

/** Suggestions for an open case, from how its requester put the problem. */
export async function suggestForCase(caseId: string, caller: Caller, limit: number): Promise<Suggestions> {
  const { case: c } = await visibleCase(caseId, caller);
  return search({ text: `${c.subject}\n${c.description}`, limit }, caller);
}

/** Suggestions for a case being written, before it is submitted: an answer found here is a case never opened. */
export function deflect(draft: { subject: string; description?: string | undefined }, caller: Caller, limit: number): Promise<Suggestions> {
  return search({ text: [draft.subject, draft.description ?? ''].join('\n'), limit }, caller);
}
