/**
 * The platform's own indexing code: the API's indexer and the search bench both turn an
 * article and the cases linked to it into the indexed document here, so the bench
 * measures what production indexes.
 */
import { markdownToText } from './markdown.js';

/** The article fields the index reads (the API's article record has more). */
export interface IndexableArticle<V extends string = string, S extends string = string> {
  readonly id: string;
  readonly title: string;
  /** Markdown. */
  readonly body: string;
  readonly category: string;
  readonly tags: readonly string[];
  readonly visibility: V;
  readonly status: S;
}

/** What the search index holds for an article (the search seam's `KnowledgeDocument`). */
export interface IndexedKnowledge<V extends string = string, S extends string = string> extends Omit<IndexableArticle<V, S>, 'body'> {
  /** Markdown reduced to plain text. */
  readonly body: string;
  /**
   * Descriptions of the cases agents linked to this article: the words customers
   * actually use for the problem it solves. The platform's memory.
   */
  readonly learned: readonly string[];
}

/**
 * Whitespace is collapsed, and empty case texts and repeats (ignoring case) dropped: two agents linking
 * the same description should not count it twice.
 */
export function knowledgeDocumentOf<V extends string, S extends string>(
  article: IndexableArticle<V, S>,
  learnedTexts: readonly string[],
): IndexedKnowledge<V, S> {
  const seen = new Set<string>();
  const learned: string[] = [];
  for (const raw of learnedTexts) {
    const text = raw.replace(/\s+/g, ' ').trim();
    if (text.length === 0 || seen.has(text.toLowerCase())) continue;
    seen.add(text.toLowerCase());
    learned.push(text);
  }
  const tags = [...new Set(article.tags.map((t) => t.trim()).filter((t) => t.length > 0))];
  return {
    id: article.id,
    title: article.title.replace(/\s+/g, ' ').trim(),
    body: markdownToText(article.body),
    category: article.category,
    tags,
    visibility: article.visibility,
    status: article.status,
    learned,
  };
}
