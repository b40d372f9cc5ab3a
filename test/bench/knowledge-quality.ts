/**
 * Retrieval quality on StackFAQ (see /work/shared/datasets/README.md): loading, the
 * metrics, the baselines and the engine under test, shared by the bench script.
 */
import MiniSearch from 'minisearch';
import { readFileSync } from 'node:fs';
import { EmbeddedSearchIndex } from '#adapters/embedded-search.js';
import type { KnowledgeDocument } from '#adapters/search.js';
import { knowledgeDocumentOf } from '#core/knowledge/document.js';
import type { RankingParams } from '#core/knowledge/ranking.js';
import { termsOf } from '#core/knowledge/text.js';

export interface FaqArticle {
  readonly id: string;
  readonly title: string;
  readonly answers: readonly string[];
}
export interface LabelledText {
  readonly text: string;
  readonly articleId: string;
}

export const readArticles = (path: string): FaqArticle[] => JSON.parse(readFileSync(path, 'utf8')) as FaqArticle[];
export const readJsonl = (path: string): LabelledText[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as LabelledText);

/** Articles and memory through the platform's own indexing code. */
export function documentsOf(articles: readonly FaqArticle[], memory: readonly LabelledText[]): KnowledgeDocument[] {
  return articles.map((a) =>
    knowledgeDocumentOf(
      { id: a.id, title: a.title, body: a.answers.join('\n\n'), category: 'faq', tags: [], visibility: 'public', status: 'published' },
      memory.filter((m) => m.articleId === a.id).map((m) => m.text),
    ),
  );
}

export interface Figures {
  readonly queries: number;
  readonly mrr: number;
  readonly p1: number;
  readonly recall5: number;
}

/** Ranks beyond `depth` count as misses. */
export async function evaluate(rank: (text: string) => Promise<string[]>, queries: readonly LabelledText[], depth = 20): Promise<Figures> {
  let rr = 0;
  let p1 = 0;
  let r5 = 0;
  for (const q of queries) {
    const ids = (await rank(q.text)).slice(0, depth);
    const at = ids.indexOf(q.articleId);
    if (at >= 0) rr += 1 / (at + 1);
    if (at === 0) p1++;
    if (at >= 0 && at < 5) r5++;
  }
  const n = queries.length || 1;
  return { queries: queries.length, mrr: rr / n, p1: p1 / n, recall5: r5 / n };
}

/** The engine under test, ranking with `params`. */
export async function engineRanker(documents: readonly KnowledgeDocument[], params?: RankingParams) {
  const index = new EmbeddedSearchIndex(params);
  await index.upsert(documents);
  return async (text: string) => (await index.search({ text, limit: 20 })).map((h) => h.id);
}

/**
 * The reference baselines: classic Okapi BM25 (k1 1.2, b 0.75, as Lucene) over one text
 * field with the same English analysis as the engine (stop words, Porter stemming), so
 * the gap measured is the ranking design, not the tokenizer; optionally with the linked
 * case texts appended to the article.
 */
export function bm25Ranker(articles: readonly FaqArticle[], memory: readonly LabelledText[] | undefined) {
  const index = new MiniSearch<{ id: string; text: string }>({
    fields: ['text'],
    tokenize: termsOf,
    processTerm: (term) => term,
    searchOptions: { bm25: { k: 1.2, b: 0.75, d: 0 } },
  });
  index.addAll(
    articles.map((a) => ({
      id: a.id,
      text: [a.title, ...a.answers, ...(memory ?? []).filter((m) => m.articleId === a.id).map((m) => m.text)].join('\n'),
    })),
  );
  return async (text: string) => index.search(text).map((r) => r.id as string);
}
