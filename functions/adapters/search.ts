/**
 * The search seam: knowledge search answers through this, OpenSearch in AWS and an
 * embedded engine locally, chosen at cold start. Both return the same hit shape,
 * carrying the terms that matched and highlighted fragments, so a suggestion can
 * always show why it was made.
 */
import type { ArticleStatus, ArticleVisibility } from '#core/article.js';
import type { IndexedKnowledge } from '#core/knowledge/document.js';

export { ARTICLE_STATUSES, ARTICLE_VISIBILITIES, type ArticleStatus, type ArticleVisibility } from '#core/article.js';

/** What the index holds for one article: its current version plus what cases taught it. */
export type KnowledgeDocument = IndexedKnowledge<ArticleVisibility, ArticleStatus>;

export interface SearchFilter {
  readonly visibility?: readonly ArticleVisibility[];
  readonly status?: readonly ArticleStatus[];
  readonly category?: string;
}

export interface SearchQuery {
  readonly text: string;
  readonly limit: number;
  readonly filter?: SearchFilter;
}

export type SearchField = 'title' | 'body' | 'tags' | 'learned';

export interface Highlight {
  readonly field: SearchField;
  /** A short excerpt with matched terms wrapped in <mark></mark>. */
  readonly fragment: string;
}

export interface SearchHit {
  readonly id: string;
  readonly score: number;
  /** The query's words (lower-case, as typed, in query order) that matched this article. */
  readonly matchedTerms: readonly string[];
  readonly highlights: readonly Highlight[];
}

export interface SearchIndex {
  /** Insert or replace whole documents; idempotent. */
  upsert(documents: readonly KnowledgeDocument[]): Promise<void>;
  /** Unknown ids are ignored. */
  remove(ids: readonly string[]): Promise<void>;
  search(query: SearchQuery): Promise<SearchHit[]>;
}
