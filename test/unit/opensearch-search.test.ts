/**
 * OpenSearch cannot be reached here, so the adapter runs against the real client with
 * its transport intercepted: these tests pin the requests it sends (index settings,
 * bulk bodies, query DSL) and how it reads responses.
 */
import { Client } from '@opensearch-project/opensearch';
import { describe, expect, it } from 'vitest';
import { knowledgeIndexBody, openSearchClient, OpenSearchIndex, searchBody } from '#adapters/opensearch-search.js';
import type { KnowledgeDocument } from '#adapters/search.js';
import { DEFAULT_RANKING } from '#core/knowledge/ranking.js';
import { STOP_WORDS } from '#core/knowledge/text.js';

interface SentRequest {
  method: string;
  path: string;
  querystring?: unknown;
  body?: unknown;
  bulkBody?: unknown;
}

/** A real client whose transport records each request and answers from `reply`. */
function recordingClient(reply: (req: SentRequest) => { statusCode?: number; body: unknown }) {
  const client = new Client({ node: 'http://opensearch.invalid:9200' });
  const sent: SentRequest[] = [];
  client.transport.request = (async (params: SentRequest) => {
    sent.push(params);
    const { statusCode = 200, body } = reply(params);
    return { body, statusCode, headers: {}, warnings: null, meta: {} };
  }) as never;
  return { client, sent };
}

const doc: KnowledgeDocument = {
  id: 'kb-7',
  title: 'Resetting a forgotten password',
  body: 'Use the self-service portal.',
  category: 'accounts',
  tags: ['password'],
  visibility: 'public',
  status: 'published',
  learned: ['locked out of my account', 'password expired'],
};

describe('OpenSearch knowledge index', () => {
  it('creates the index with the embedded analysis chain when it is missing, and only then', async () => {
    let exists = false;
    const { client, sent } = recordingClient((req) =>
      req.method === 'HEAD' ? { statusCode: exists ? 200 : 404, body: exists } : { body: { acknowledged: true } },
    );
    const index = new OpenSearchIndex(client, 'knowledge');
    await index.ensureIndex();
    exists = true;
    await index.ensureIndex();

    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['HEAD /knowledge', 'PUT /knowledge', 'HEAD /knowledge']);
    const body = sent[1]!.body as ReturnType<typeof knowledgeIndexBody>;
    expect(body).toEqual(knowledgeIndexBody());
    expect(body.settings.analysis.analyzer.caseway_text).toEqual({
      type: 'custom',
      tokenizer: 'standard',
      filter: ['lowercase', 'caseway_negation', 'caseway_contraction', 'caseway_apostrophe', 'caseway_stop', 'caseway_stem'],
    });
    expect(body.settings.analysis.filter.caseway_stop.stopwords).toEqual(STOP_WORDS);
    expect(body.settings.analysis.filter.caseway_stem).toEqual({ type: 'porter_stem' });
    // The same contraction rules as the embedded analysis, as Java regular expressions.
    for (const [word, expected] of [
      ["don't", 'not'],
      ["I'd", 'i'],
      ["router's", 'router'],
      ["o'brien", 'obrien'],
    ] as const) {
      let token = word.toLowerCase();
      for (const name of ['caseway_negation', 'caseway_contraction', 'caseway_apostrophe'] as const) {
        const { pattern, replacement } = body.settings.analysis.filter[name];
        token = token.replace(new RegExp(pattern, 'u'), replacement);
      }
      expect(token).toBe(expected);
    }
    expect(body.mappings.properties.statements.type).toBe('nested');
    expect(body.mappings.properties.statements.properties.text.fields.grams.analyzer).toBe('caseway_grams');
    expect(body.mappings.properties.visibility).toEqual({ type: 'keyword' });
  });

  it('upserts whole documents with one bulk index request, the title and cases as statements', async () => {
    const { client, sent } = recordingClient(() => ({ body: { errors: false, items: [] } }));
    await new OpenSearchIndex(client, 'knowledge').upsert([doc]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('POST');
    expect(sent[0]!.path).toBe('/_bulk');
    expect(sent[0]!.bulkBody).toEqual([
      { index: { _index: 'knowledge', _id: 'kb-7' } },
      {
        title: 'Resetting a forgotten password',
        body: 'Use the self-service portal.',
        tags: ['password'],
        learned: ['locked out of my account', 'password expired'],
        category: 'accounts',
        visibility: 'public',
        status: 'published',
        statements: [{ text: 'Resetting a forgotten password' }, { text: 'locked out of my account' }, { text: 'password expired' }],
      },
    ]);
  });

  it('removes with bulk deletes, ignores ids that were not there, and fails on other item errors', async () => {
    const items = [{ delete: { _id: 'kb-7', status: 200 } }, { delete: { _id: 'gone', status: 404, error: undefined } }];
    const ok = recordingClient(() => ({
      body: { errors: true, items: [...items, { delete: { _id: 'x', status: 404, error: { type: 'not_found' } } }] },
    }));
    await new OpenSearchIndex(ok.client, 'knowledge').remove(['kb-7', 'gone', 'x']);
    expect(ok.sent[0]!.bulkBody).toEqual([
      { delete: { _index: 'knowledge', _id: 'kb-7' } },
      { delete: { _index: 'knowledge', _id: 'gone' } },
      { delete: { _index: 'knowledge', _id: 'x' } },
    ]);

    const failing = recordingClient(() => ({
      body: { errors: true, items: [{ index: { _id: 'kb-7', status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad field' } } }] },
    }));
    await expect(new OpenSearchIndex(failing.client, 'knowledge').upsert([doc])).rejects.toThrow(
      'OpenSearch bulk: 1 item(s) failed, first index: mapper_parsing_exception bad field',
    );
    const none = recordingClient(() => ({ body: {} }));
    await new OpenSearchIndex(none.client, 'knowledge').upsert([]);
    await new OpenSearchIndex(none.client, 'knowledge').remove([]);
    expect(none.sent).toEqual([]);
  });

  it('searches with field boosts, fuzzy and nearest-statement clauses, filters and <mark> highlights', async () => {
    const { client, sent } = recordingClient(() => ({ body: { hits: { hits: [] } } }));
    await new OpenSearchIndex(client, 'knowledge').search({
      text: 'forgot my pasword',
      limit: 5,
      filter: { visibility: ['public'], status: ['published'], category: 'accounts' },
    });
    expect(sent[0]!.method).toBe('POST');
    expect(sent[0]!.path).toBe('/knowledge/_search');
    const fields = ['title^2', 'body^1', 'tags^1.5', 'learned^1'];
    const w = DEFAULT_RANKING.learnedWeight;
    expect(sent[0]!.body).toEqual({
      size: 5,
      _source: false,
      query: {
        bool: {
          should: [
            { multi_match: { query: 'forgot my pasword', fields, type: 'most_fields', boost: 1 - w } },
            {
              nested: {
                path: 'statements',
                score_mode: 'max',
                boost: w,
                query: {
                  bool: {
                    should: [
                      { match: { 'statements.text': { query: 'forgot my pasword' } } },
                      { match: { 'statements.text.grams': { query: 'forgot my pasword', boost: DEFAULT_RANKING.grams } } },
                    ],
                  },
                },
              },
            },
            {
              multi_match: {
                query: 'forgot my pasword',
                fields,
                type: 'most_fields',
                fuzziness: 'AUTO:5,9',
                prefix_length: 1,
                boost: (1 - w) * DEFAULT_RANKING.fuzzyWeight * 0.3,
              },
            },
          ],
          minimum_should_match: 1,
          filter: [{ terms: { visibility: ['public'] } }, { terms: { status: ['published'] } }, { term: { category: 'accounts' } }],
        },
      },
      highlight: {
        pre_tags: ['<mark>'],
        post_tags: ['</mark>'],
        encoder: 'html',
        fields: {
          title: { number_of_fragments: 0 },
          body: { fragment_size: 160, number_of_fragments: 2 },
          tags: { number_of_fragments: 0 },
          learned: { fragment_size: 160, number_of_fragments: 2 },
        },
      },
    });
  });

  it('leaves out the gram and fuzzy clauses when the ranking turns them off, and filters only when asked', () => {
    const body = searchBody({ text: 'vpn', limit: 3 }, { ...DEFAULT_RANKING, grams: 0, fuzzy: 0 });
    expect(body.query.bool.should).toHaveLength(2);
    expect(JSON.stringify(body)).not.toContain('grams');
    expect(body.query.bool.filter).toEqual([]);
  });

  it('maps hits to ids, scores, highlights and the query terms the highlights show', async () => {
    const { client, sent } = recordingClient(() => ({
      body: {
        hits: {
          hits: [
            {
              _id: 'kb-7',
              _score: 3.5,
              highlight: {
                title: ['Resetting a <mark>forgotten</mark> <mark>password</mark>'],
                learned: ['<mark>Passwords</mark> expired', 'locked out, <mark>forgot</mark> it'],
              },
            },
            { _id: 'kb-9', _score: null },
          ],
        },
      },
    }));
    const hits = await new OpenSearchIndex(client, 'knowledge').search({ text: 'Forgot password', limit: 2 });
    expect(hits).toEqual([
      {
        id: 'kb-7',
        score: 3.5,
        matchedTerms: ['forgot', 'password'],
        highlights: [
          { field: 'title', fragment: 'Resetting a <mark>forgotten</mark> <mark>password</mark>' },
          { field: 'learned', fragment: '<mark>Passwords</mark> expired' },
          { field: 'learned', fragment: 'locked out, <mark>forgot</mark> it' },
        ],
      },
      { id: 'kb-9', score: 0, matchedTerms: [], highlights: [] },
    ]);
    expect(await new OpenSearchIndex(client, 'knowledge').search({ text: 'the of', limit: 2 })).toEqual([]);
    expect(sent).toHaveLength(1);
  });

  it('looks for split compounds joined in the exact clauses only, and reports a marked compound as the words typed', async () => {
    const body = searchBody({ text: 'back up my e-mail', limit: 3 });
    const [article, nested, fuzzy] = body.query.bool.should as [
      { multi_match: { query: string } },
      { nested: { query: { bool: { should: [{ match: Record<string, { query: string }> }, { match: Record<string, { query: string }> }] } } } },
      { multi_match: { query: string } },
    ];
    expect(article.multi_match.query).toBe('back up my e-mail\nbackup\nemail');
    expect(nested.nested.query.bool.should[0].match['statements.text']!.query).toBe('back up my e-mail\nbackup\nemail');
    expect(nested.nested.query.bool.should[1].match['statements.text.grams']!.query).toBe('back up my e-mail');
    expect(fuzzy.multi_match.query).toBe('back up my e-mail');

    const { client } = recordingClient(() => ({
      body: { hits: { hits: [{ _id: 'kb-3', _score: 2, highlight: { title: ['Making a <mark>backup</mark> of the mailbox'] } }] } },
    }));
    const [hit] = await new OpenSearchIndex(client, 'knowledge').search({ text: 'Back up the mailbox', limit: 1 });
    expect(hit!.matchedTerms).toEqual(['back', 'up']);
  });

  it('builds a SigV4-signing client for a serverless collection', () => {
    const client = openSearchClient({ endpoint: 'https://abc123.eu-west-1.aoss.amazonaws.com', region: 'eu-west-1' });
    expect(client.connectionPool.connections[0]!.url.hostname).toBe('abc123.eu-west-1.aoss.amazonaws.com');
    // The signer's own connection and transport classes are what sign each request.
    expect(client.connectionPool.connections[0]!.constructor.name).toBe('AwsSigv4SignerConnection');
    expect(client.transport.constructor.name).toBe('AwsSigv4SignerTransport');
  });

  it('finds nothing, rather than failing, before the indexer has created the index', async () => {
    const { client, sent } = recordingClient(() => ({ statusCode: 404, body: { error: { type: 'index_not_found_exception' }, status: 404 } }));
    // The real transport throws on a 404 unless the request says to ignore it: pin that it does.
    const options: unknown[] = [];
    const record = client.transport.request.bind(client.transport);
    client.transport.request = ((params: SentRequest, opts: unknown) => (options.push(opts), record(params as never, opts as never))) as never;
    expect(await new OpenSearchIndex(client, 'knowledge').search({ text: 'Forgot password', limit: 2 })).toEqual([]);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /knowledge/_search']);
    expect(options).toEqual([expect.objectContaining({ ignore: [404] })]);
  });
});
