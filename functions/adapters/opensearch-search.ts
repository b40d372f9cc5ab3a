/**
 * Knowledge search on OpenSearch (a serverless collection by default): the same analysis
 * chain as the embedded engine (core/knowledge/text.ts) expressed as index settings, and
 * the same two signals expressed as one bool query:
 *  - the article: multi_match over title, body, tags and learned with the embedded
 *    engine's field boosts, plus a weaker fuzzy copy for typos;
 *  - its nearest problem statements: a nested query over the title and each learned case
 *    (whole terms and character 4-grams), scored by the best one (score_mode max).
 * Both engines add the query's split compounds joined ("back up" -> "backup") to the
 * whole-term matches; the embedded engine only those some article holds, here all of
 * them, which comes to the same since a term no document holds matches nothing.
 * Differences from the embedded engine, by necessity: OpenSearch sums the two signals
 * with boosts instead of dividing each by the query's best score (that needs a search
 * pipeline, which serverless collections lack), only the single best statement counts,
 * n-grams are not padded at word edges, and the fuzzy copy of the article clause also
 * matches correctly spelt words (OpenSearch cannot fuzz only unknown words), so
 * exact matches score in both article clauses.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import { DEFAULT_RANKING, type RankingParams } from '#core/knowledge/ranking.js';
import { compoundsOf, normaliseWord, STOP_WORDS, termsOf, wordsMatching } from '#core/knowledge/text.js';
import type { Highlight, KnowledgeDocument, SearchField, SearchFilter, SearchHit, SearchIndex, SearchQuery } from './search.js';

export interface OpenSearchConfig {
  /** https://<collection-id>.<region>.aoss.amazonaws.com, or a domain endpoint. */
  readonly endpoint: string;
  readonly region: string;
  /** 'aoss' for a serverless collection, 'es' for a managed domain. */
  readonly service?: 'aoss' | 'es';
}

/** A client that signs every request with the Lambda's role (SigV4). */
export function openSearchClient(config: OpenSearchConfig): Client {
  return new Client({
    ...AwsSigv4Signer({ region: config.region, service: config.service ?? 'aoss', getCredentials: defaultProvider() }),
    node: config.endpoint,
  });
}

const HIGHLIGHT_FIELDS: readonly SearchField[] = ['title', 'body', 'tags', 'learned'];
/** Exact matches score in both article clauses, so the fuzzy copy stays a minor one. */
const FUZZY_CLAUSE_SHARE = 0.3;
const FRAGMENT_CHARS = 160;

/** Settings and mappings of the knowledge index. */
export function knowledgeIndexBody() {
  const textChain = ['lowercase', 'caseway_negation', 'caseway_contraction', 'caseway_apostrophe', 'caseway_stop', 'caseway_stem'];
  const text = { type: 'text', analyzer: 'caseway_text' };
  return {
    settings: {
      analysis: {
        filter: {
          // Contractions as normaliseWord reads them: every "n't" is a "not", "I'd" is "I".
          caseway_negation: { type: 'pattern_replace', pattern: "^.*n['’]t$", replacement: 'not' },
          caseway_contraction: { type: 'pattern_replace', pattern: "['’](?:s|d|ll|re|ve|m)$", replacement: '' },
          caseway_apostrophe: { type: 'pattern_replace', pattern: "['’]", replacement: '' },
          caseway_stop: { type: 'stop', stopwords: [...STOP_WORDS] },
          caseway_stem: { type: 'porter_stem' },
          caseway_grams: { type: 'ngram', min_gram: 4, max_gram: 4 },
        },
        analyzer: {
          caseway_text: { type: 'custom', tokenizer: 'standard', filter: textChain },
          caseway_grams: { type: 'custom', tokenizer: 'standard', filter: [...textChain, 'caseway_grams'] },
        },
      },
    },
    mappings: {
      dynamic: 'strict',
      properties: {
        title: text,
        body: text,
        tags: { ...text, fields: { raw: { type: 'keyword' } } },
        learned: text,
        category: { type: 'keyword' },
        visibility: { type: 'keyword' },
        status: { type: 'keyword' },
        statements: {
          type: 'nested',
          properties: { text: { ...text, fields: { grams: { type: 'text', analyzer: 'caseway_grams' } } } },
        },
      },
    },
  };
}

/** The stored source of one article: the title and each learned case also as statements. */
export function sourceOf(doc: KnowledgeDocument) {
  return {
    title: doc.title,
    body: doc.body,
    tags: [...doc.tags],
    learned: [...doc.learned],
    category: doc.category,
    visibility: doc.visibility,
    status: doc.status,
    statements: [doc.title, ...doc.learned].map((text) => ({ text })),
  };
}

export function bulkUpsertBody(index: string, documents: readonly KnowledgeDocument[]): object[] {
  return documents.flatMap((doc) => [{ index: { _index: index, _id: doc.id } }, sourceOf(doc)]);
}

export function bulkRemoveBody(index: string, ids: readonly string[]): object[] {
  return ids.map((id) => ({ delete: { _index: index, _id: id } }));
}

function filterClauses(filter: SearchFilter | undefined): object[] {
  const clauses: object[] = [];
  if (filter?.visibility) clauses.push({ terms: { visibility: [...filter.visibility] } });
  if (filter?.status) clauses.push({ terms: { status: [...filter.status] } });
  if (filter?.category !== undefined) clauses.push({ term: { category: filter.category } });
  return clauses;
}

/** The search request body for a query; the weights are the embedded engine's. */
export function searchBody(query: SearchQuery, ranking: RankingParams = DEFAULT_RANKING) {
  const { boosts } = ranking;
  const fields = [`title^${boosts.title}`, `body^${boosts.body}`, `tags^${boosts.tags}`, `learned^${boosts.learned}`];
  const articleWeight = 1 - ranking.learnedWeight;
  // Exact clauses also look for the query's split compounds joined; a join no article holds matches nothing.
  const exact = [query.text, ...compoundsOf(query.text).map((c) => c.joined)].join('\n');
  const should: object[] = [
    { multi_match: { query: exact, fields, type: 'most_fields', boost: articleWeight } },
    {
      nested: {
        path: 'statements',
        score_mode: 'max',
        boost: ranking.learnedWeight,
        query: {
          bool: {
            should: [
              { match: { 'statements.text': { query: exact } } },
              ...(ranking.grams > 0 ? [{ match: { 'statements.text.grams': { query: query.text, boost: ranking.grams } } }] : []),
            ],
          },
        },
      },
    },
  ];
  if (ranking.fuzzy > 0) {
    should.push({
      multi_match: {
        query: query.text,
        fields,
        type: 'most_fields',
        fuzziness: 'AUTO:5,9',
        prefix_length: 1,
        boost: articleWeight * ranking.fuzzyWeight * FUZZY_CLAUSE_SHARE,
      },
    });
  }
  return {
    size: query.limit,
    _source: false,
    query: { bool: { should, minimum_should_match: 1, filter: filterClauses(query.filter) } },
    highlight: {
      pre_tags: ['<mark>'],
      post_tags: ['</mark>'],
      encoder: 'html',
      fields: Object.fromEntries(
        HIGHLIGHT_FIELDS.map((f) => [
          f,
          f === 'title' || f === 'tags' ? { number_of_fragments: 0 } : { fragment_size: FRAGMENT_CHARS, number_of_fragments: 2 },
        ]),
      ),
    },
  };
}

interface OpenSearchHit {
  readonly _id: string;
  readonly _score: number | null;
  readonly highlight?: Partial<Record<string, string[]>>;
}

/**
 * OpenSearch reports no matched terms, so they are read back from the highlights: the
 * query's words whose terms are marked. A typo matched fuzzily is marked as the
 * article spells it and so is not reported as a query term.
 */
export function hitsOf(response: { hits?: { hits?: readonly OpenSearchHit[] } }, queryText: string): SearchHit[] {
  const queryTerms = new Set(termsOf(queryText));
  // A marked compound ("backup") matched the two words the query split it into.
  const partsOf = new Map(compoundsOf(queryText).map((c) => [c.term, c.parts]));
  return (response.hits?.hits ?? []).map((hit) => {
    const highlights: Highlight[] = HIGHLIGHT_FIELDS.flatMap((field) => (hit.highlight?.[field] ?? []).map((fragment) => ({ field, fragment })));
    const matched = new Set<string>();
    for (const { fragment } of highlights)
      for (const [, word] of fragment.matchAll(/<mark>(.*?)<\/mark>/g)) {
        const term = normaliseWord(word!);
        if (term !== undefined && queryTerms.has(term)) matched.add(term);
        const parts = term === undefined ? undefined : partsOf.get(term);
        for (const part of parts ?? []) matched.add(part);
      }
    return { id: hit._id, score: hit._score ?? 0, matchedTerms: wordsMatching(queryText, matched), highlights };
  });
}

interface BulkItem {
  readonly [action: string]: { readonly status: number; readonly error?: { readonly type?: string; readonly reason?: string } };
}

/** Throws on any failed item, except deletes of documents that were not there. */
export function assertBulkSucceeded(response: { errors?: boolean; items?: readonly BulkItem[] }): void {
  if (!response.errors) return;
  const failed = (response.items ?? []).flatMap((item) =>
    Object.entries(item).filter(([action, r]) => r.error !== undefined && !(action === 'delete' && r.status === 404)),
  );
  if (failed.length > 0) {
    const [action, first] = failed[0]!;
    throw new Error(
      `OpenSearch bulk: ${failed.length} item(s) failed, first ${action}: ${first.error?.type ?? first.status} ${first.error?.reason ?? ''}`.trim(),
    );
  }
}

export class OpenSearchIndex implements SearchIndex {
  constructor(
    private readonly client: Client,
    private readonly index: string,
    private readonly ranking: RankingParams = DEFAULT_RANKING,
  ) {}

  /** Creates the index with its analysis and mappings when it does not exist yet. */
  async ensureIndex(): Promise<void> {
    const exists = await this.client.indices.exists({ index: this.index });
    if (exists.body === true) return;
    await this.client.indices.create({ index: this.index, body: knowledgeIndexBody() as never });
  }

  async upsert(documents: readonly KnowledgeDocument[]): Promise<void> {
    if (documents.length === 0) return;
    const response = await this.client.bulk({ body: bulkUpsertBody(this.index, documents) as never });
    assertBulkSucceeded(response.body as never);
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const response = await this.client.bulk({ body: bulkRemoveBody(this.index, ids) as never });
    assertBulkSucceeded(response.body as never);
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    if (termsOf(query.text).length === 0 || query.limit <= 0) return [];
    const response = await this.client.search({ index: this.index, body: searchBody(query, this.ranking) as never }, { ignore: [404] });
    // A new collection has no index until the indexer's first batch creates it: nothing to find yet, not an error.
    if (response.statusCode === 404) return [];
    return hitsOf(response.body as never, query.text);
  }
}
