/**
 * Knowledge search in-process, for `npm start` and tests: MiniSearch indexes built with
 * the platform's own analysis chain (core/knowledge/text.ts) and ranked as
 * core/knowledge/ranking.ts describes. One index holds articles, a second holds every
 * problem statement (an article's title and each learned case description) as its own
 * document pointing at its article; character grams re-rank the statements of the
 * articles that matched on words.
 */
import MiniSearch, { type SearchOptions, type SearchResult } from 'minisearch';
import { GramScorer } from '#core/knowledge/gram-scorer.js';
import { highlightFragment } from '#core/knowledge/highlight.js';
import { DEFAULT_RANKING, fuseScores, neighbourScore, type RankingParams } from '#core/knowledge/ranking.js';
import { compoundsOf, termsOf, wordsMatching } from '#core/knowledge/text.js';
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
/** Articles whose statements grams re-rank: enough to reorder well past any page of results. */
const GRAM_CANDIDATES = 50;

const analysis = { tokenize: termsOf, processTerm: (term: string) => term };

export function matchesFilter(doc: KnowledgeDocument, filter: SearchFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.visibility && !filter.visibility.includes(doc.visibility)) return false;
  if (filter.status && !filter.status.includes(doc.status)) return false;
  if (filter.category !== undefined && filter.category !== doc.category) return false;
  return true;
}

const statementsOf = (doc: KnowledgeDocument): ProblemStatement[] => [
  { id: `${doc.id}\u0000title`, articleId: doc.id, text: doc.title, learned: false },
  ...doc.learned.map((text, i) => ({ id: `${doc.id}\u0000${i}`, articleId: doc.id, text, learned: true })),
];

const articleTerms = (doc: KnowledgeDocument) => new Set(termsOf([doc.title, doc.body, ...doc.tags, ...doc.learned].join('\n')));

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
  private readonly statements = new MiniSearch<ProblemStatement>({ fields: ['text'], storeFields: ['articleId', 'text', 'learned'], ...analysis });
  private readonly grams = new GramScorer();
  /** Articles holding each term: a known word is not a typo, so it is not matched fuzzily. */
  private readonly vocabulary = new Map<string, number>();

  constructor(private readonly ranking: RankingParams = DEFAULT_RANKING) {}

  get size(): number {
    return this.docs.size;
  }

  async upsert(documents: readonly KnowledgeDocument[]): Promise<void> {
    for (const doc of documents) {
      this.discard(doc.id);
      this.docs.set(doc.id, doc);
      this.articles.add(doc);
      const statements = statementsOf(doc);
      this.statements.addAll(statements);
      for (const s of statements) this.grams.add(s.text);
      for (const term of articleTerms(doc)) this.vocabulary.set(term, (this.vocabulary.get(term) ?? 0) + 1);
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
      fuzzy: (term) => (ranking.fuzzy > 0 && term.length >= 5 && !this.vocabulary.has(term) ? ranking.fuzzy : false),
      weights: { fuzzy: ranking.fuzzyWeight, prefix: 0 },
    };
    // Compounds some article uses, joined: "back up" also looks for "backup".
    const compounds = compoundsOf(query.text).filter((c) => this.vocabulary.has(c.term));
    const text = [query.text, ...compounds.map((c) => c.joined)].join('\n');
    const articleResults = this.articles.search(text, { ...common, boost: { ...ranking.boosts }, filter: (r) => allowed(r.id as string) });
    const statementResults = this.statements.search(text, { ...common, filter: (r) => allowed(r.articleId as string) });

    const matchedStatements = new Map<string, SearchResult[]>();
    for (const r of statementResults) {
      const list = matchedStatements.get(r.articleId as string) ?? [];
      list.push(r);
      matchedStatements.set(r.articleId as string, list);
    }
    const articleScores = new Map(articleResults.map((r) => [r.id as string, r.score]));
    const wordScores = new Map(
      [...matchedStatements].map(([id, rs]) => [
        id,
        neighbourScore(
          rs.map((r) => r.score),
          ranking,
        ),
      ]),
    );
    let fused = fuseScores(articleScores, wordScores, ranking.learnedWeight);

    if (ranking.grams > 0) {
      const gramScore = this.grams.forQuery(query.text);
      const wordScoreOf = new Map(statementResults.map((r) => [r.id as string, r.score]));
      const candidates = fused.slice(0, Math.max(GRAM_CANDIDATES, query.limit));
      const learnedScores = new Map(
        candidates.map(({ id }) => [
          id,
          neighbourScore(
            statementsOf(this.docs.get(id)!).map((s) => (wordScoreOf.get(s.id) ?? 0) + ranking.grams * gramScore(s.text)),
            ranking,
          ),
        ]),
      );
      fused = fuseScores(new Map(candidates.map(({ id }) => [id, articleScores.get(id) ?? 0])), learnedScores, ranking.learnedWeight);
    }

    const articleById = new Map(articleResults.map((r) => [r.id as string, r]));
    return fused.slice(0, query.limit).map(({ id, score }) => {
      const article = articleById.get(id);
      const statements = matchedStatements.get(id) ?? [];
      const matchedTerms = new Set([...(article?.queryTerms ?? []), ...statements.flatMap((s) => s.queryTerms)]);
      for (const c of compounds) if (matchedTerms.has(c.term)) for (const part of c.parts) matchedTerms.add(part);
      return {
        id,
        score,
        matchedTerms: wordsMatching(query.text, matchedTerms),
        highlights: this.highlightsOf(this.docs.get(id)!, article, statements),
      };
    });
  }

  private highlightsOf(doc: KnowledgeDocument, article: SearchResult | undefined, statements: readonly SearchResult[]): Highlight[] {
    const highlights: Highlight[] = [];
    // Document terms per field: a fuzzy match highlights the word as written in the article.
    const termsIn = (field: string) =>
      new Set(
        Object.entries(article?.match ?? {})
          .filter(([, fields]) => fields.includes(field))
          .map(([term]) => term),
      );
    const add = (field: Highlight['field'], text: string, terms: ReadonlySet<string>) => {
      const fragment = terms.size > 0 ? highlightFragment(text, terms) : undefined;
      if (fragment) highlights.push({ field, fragment });
    };
    add('title', doc.title, termsIn('title'));
    add('body', doc.body, termsIn('body'));
    for (const tag of doc.tags) add('tags', tag, termsIn('tags'));
    const bestCases = statements
      .filter((s) => s.learned === true)
      .sort((a, b) => b.score - a.score)
      .slice(0, LEARNED_FRAGMENTS);
    for (const s of bestCases) add('learned', s.text as string, new Set(s.terms));
    return highlights;
  }

  private discard(id: string): void {
    const old = this.docs.get(id);
    if (!old) return;
    this.articles.discard(id);
    for (const s of statementsOf(old)) {
      this.statements.discard(s.id);
      this.grams.remove(s.text);
    }
    for (const term of articleTerms(old)) {
      const left = (this.vocabulary.get(term) ?? 1) - 1;
      if (left > 0) this.vocabulary.set(term, left);
      else this.vocabulary.delete(term);
    }
    this.docs.delete(id);
  }
}
