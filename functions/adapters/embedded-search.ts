/**
 * Knowledge search in-process, for `npm start` and tests: MiniSearch indexes built with
 * the platform's own analysis chain (core/knowledge/text.ts) and ranked as
 * core/knowledge/ranking.ts describes. One index holds articles, a second holds every
 * learned case description as its own document pointing at its article.
 */
import MiniSearch, { type SearchOptions, type SearchResult } from 'minisearch';
import { highlightFragment } from '../core/knowledge/highlight.js';
import { DEFAULT_RANKING, fuseScores, neighbourScore, type RankingParams } from '../core/knowledge/ranking.js';
import { GRAM_MARK, gramsOf, termsOf } from '../core/knowledge/text.js';
import type { Highlight, KnowledgeDocument, SearchFilter, SearchHit, SearchIndex, SearchQuery } from './search.js';

/**
 * A short description of an article's problem: a learned case, or the title, which in a
 * knowledge base is itself the canonical one-line description.
 */
interface ProblemStatement {
  readonly id: string;
  readonly articleId: string;
  readonly text: string;
  readonly learned: boolean;
}


const ARTICLE_FIELDS = ['title', 'body', 'tags', 'learned'] as const;
/** Learned cases shown per hit, at most. */
const LEARNED_FRAGMENTS = 2;

const analysis = { tokenize: termsOf, processTerm: (term: string) => term };

export function matchesFilter(doc: KnowledgeDocument, filter: SearchFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.visibility && !filter.visibility.includes(doc.visibility)) return false;
  if (filter.status && !filter.status.includes(doc.status)) return false;
  if (filter.category !== undefined && filter.category !== doc.category) return false;
  return true;
}

export class EmbeddedSearchIndex implements SearchIndex {
  private readonly docs = new Map<string, KnowledgeDocument>();
  private readonly articles = new MiniSearch<KnowledgeDocument>({
    fields: [...ARTICLE_FIELDS],
    extractField: (doc, field) => {
      const value = (doc as unknown as Record<string, unknown>)[field];
      return Array.isArray(value) ? value.join('\n') : (value as string);
    },
    ...analysis,
  });
  private readonly cases = new MiniSearch<ProblemStatement>({
    fields: ['text', 'grams'],
    storeFields: ['articleId', 'text', 'learned'],
    extractField: (doc, field) => (field === 'grams' ? doc.text : (doc as unknown as Record<string, string>)[field]!),
    tokenize: (text, field) => (field === 'grams' ? gramsOf(text) : termsOf(text)),
    processTerm: (term: string) => term,
  });

  constructor(private readonly ranking: RankingParams = DEFAULT_RANKING) {}

  get size(): number {
    return this.docs.size;
  }

  async upsert(documents: readonly KnowledgeDocument[]): Promise<void> {
    for (const doc of documents) {
      this.discard(doc.id);
      this.docs.set(doc.id, doc);
      this.articles.add(doc);
      this.cases.add({ id: `${doc.id}\u0000title`, articleId: doc.id, text: doc.title, learned: false });
      this.cases.addAll(doc.learned.map((text, i) => ({ id: `${doc.id}\u0000${i}`, articleId: doc.id, text, learned: true })));
    }
  }

  async remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.discard(id);
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    if (termsOf(query.text).length === 0 || query.limit <= 0) return [];
    const { ranking } = this;
    const allowed = (articleId: string) => {
      const doc = this.docs.get(articleId);
      return doc !== undefined && matchesFilter(doc, query.filter);
    };
    const common: SearchOptions = {
      fuzzy: (term) => (ranking.fuzzy > 0 && term.length >= 5 ? ranking.fuzzy : false),
      weights: { fuzzy: ranking.fuzzyWeight, prefix: 0 },
    };
    const articleResults = this.articles.search(query.text, {
      ...common,
      boost: { ...ranking.boosts },
      filter: (r) => allowed(r.id as string),
    });
    const caseResults = this.cases.search(query.text, {
      ...common,
      fuzzy: (term) => !term.startsWith(GRAM_MARK) && ranking.fuzzy > 0 && term.length >= 5 ? ranking.fuzzy : false,
      tokenize: (text) => (ranking.grams > 0 ? [...termsOf(text), ...gramsOf(text)] : termsOf(text)),
      boost: { text: 1, grams: ranking.grams },
      filter: (r) => allowed(r.articleId as string),
    });

    const byArticle = new Map<string, SearchResult[]>();
    for (const r of caseResults) {
      const list = byArticle.get(r.articleId as string) ?? [];
      list.push(r);
      byArticle.set(r.articleId as string, list);
    }
    const learnedScores = new Map([...byArticle].map(([id, rs]) => [id, neighbourScore(rs.map((r) => r.score), ranking)]));
    const articleById = new Map(articleResults.map((r) => [r.id as string, r]));
    const fused = fuseScores(new Map(articleResults.map((r) => [r.id as string, r.score])), learnedScores, ranking.learnedWeight);

    const hits: SearchHit[] = [];
    for (const { id, score } of fused) {
      if (hits.length === query.limit) break;
      const article = articleById.get(id);
      const cases = byArticle.get(id) ?? [];
      const matchedTerms = new Set([...(article?.queryTerms ?? []), ...cases.flatMap((c) => c.queryTerms.filter((t) => !t.startsWith(GRAM_MARK)))]);
      // Shared character grams re-rank but never make a hit alone: every hit can say why.
      if (matchedTerms.size === 0) continue;
      hits.push({ id, score, matchedTerms: [...matchedTerms].sort(), highlights: this.highlightsOf(this.docs.get(id)!, article, cases) });
    }
    return hits;
  }

  private highlightsOf(doc: KnowledgeDocument, article: SearchResult | undefined, cases: readonly SearchResult[]): Highlight[] {
    const highlights: Highlight[] = [];
    // Document terms per field: a fuzzy match highlights the word as written in the article.
    const termsIn = (field: string) =>
      new Set(Object.entries(article?.match ?? {}).filter(([, fields]) => fields.includes(field)).map(([term]) => term));
    const add = (field: Highlight['field'], text: string, terms: ReadonlySet<string>) => {
      const fragment = terms.size > 0 ? highlightFragment(text, terms) : undefined;
      if (fragment) highlights.push({ field, fragment });
    };
    add('title', doc.title, termsIn('title'));
    add('body', doc.body, termsIn('body'));
    for (const tag of doc.tags) add('tags', tag, termsIn('tags'));
    const bestCases = cases.filter((c) => c.learned === true).sort((a, b) => b.score - a.score).slice(0, LEARNED_FRAGMENTS);
    if (bestCases.length > 0) {
      for (const c of bestCases) add('learned', c.text as string, new Set(c.terms.filter((t) => !t.startsWith(GRAM_MARK))));
    } else {
      const terms = termsIn('learned');
      for (const text of doc.learned.filter((t) => highlightFragment(t, terms)).slice(0, LEARNED_FRAGMENTS)) add('learned', text, terms);
    }
    return highlights;
  }

  private discard(id: string): void {
    const old = this.docs.get(id);
    if (!old) return;
    this.articles.discard(id);
    this.cases.discard(`${id}\u0000title`);
    old.learned.forEach((_, i) => this.cases.discard(`${id}\u0000${i}`));
    this.docs.delete(id);
  }
}
