/**
 * Knowledge base figures on the local platform (`npx tsx test/bench/knowledge-api.bench.ts`):
 *  1. DynamoDB capacity units per knowledge operation through the API, and per
 *     article the indexer re-reads (ReturnConsumedCapacity, mean of 20);
 *  2. how long an article takes from its publishing answer to its first search hit,
 *     through the table's stream and the indexer (the local stream pump polls every 50 ms).
 * The indexer is kept off during (1) so its reads are not counted against the API calls.
 * `-- --smoke`: tiny sizes (smoke.ts).
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { REPO_ROOT, startPlatform } from '#lib/local/platform.js';
import { startStreamPump } from '#lib/local/stream-pump.js';
import { knowledgeIndexer } from '#topology/stream-consumers.js';
import { sized } from './smoke.js';

const RUNS = sized(20, 2);
const LAG_ARTICLES = sized(30, 2);

type Json = Record<string, unknown>;

async function main() {
  // Each request's own units: the bus's consumers (routing, acknowledgements, SLA timers) would add theirs to the same meter.
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, indexKnowledge: false, publishEvents: false });
  const { onConsumedCapacity } = await import('#adapters/dynamodb/capacity-meter.js');
  const indexer = (await import(pathToFileURL(resolve(REPO_ROOT, knowledgeIndexer.entry)).href)) as {
    handler: (event: unknown) => Promise<void>;
    rebuild: () => Promise<number>;
    isKnowledgeRecord: (record: unknown) => boolean;
  };
  const { reindexArticles } = await import('#services/knowledge-index.js');
  const { searchIndex } = await import('#adapters/search-choice.js');
  try {
    const call = async (role: keyof typeof platform.tokens, path: string, init: RequestInit = {}): Promise<Json> => {
      const response = await fetch(`${platform.url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${platform.tokens[role]}`,
          'content-type': 'application/json',
          ...(init.headers as Record<string, string>),
        },
      });
      if (response.status >= 300) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Json;
    };
    const post = (role: keyof typeof platform.tokens, path: string, body: unknown, headers: Record<string, string> = {}) =>
      call(role, path, { method: 'POST', body: JSON.stringify(body), headers });
    const newArticle = (n: number) => ({
      title: `Bench article ${n}`,
      body: `## Steps\nA realistic article body about problem ${n}, with a few sentences of advice.`,
      category: 'bench',
      tags: ['bench'],
      visibility: 'public',
    });

    for (let i = 0; i < sized(10, 2); i++) await post('agent', '/knowledge/articles', newArticle(i));
    const sample = await post('agent', '/knowledge/articles', newArticle(100));
    const id = String(sample.articleId);
    await post('supervisor', `/knowledge/articles/${id}/status`, { to: 'published' });
    await indexer.rebuild();

    let units = 0;
    onConsumedCapacity((_command, u) => (units += u));
    const measure = async (op: string, fn: (i: number) => Promise<unknown>, runs = RUNS) => {
      units = 0;
      for (let i = 0; i < runs; i++) await fn(i);
      return { operation: op, 'capacity units': Number((units / runs).toFixed(2)) };
    };
    let version = 2;
    const cases: string[] = [];
    for (let i = 0; i < RUNS; i++)
      cases.push(String((await post('requester', '/cases', { subject: `Case ${i}`, description: 'Bench article problem' })).caseId));
    const capacity = [
      await measure('create article', (i) => post('agent', '/knowledge/articles', newArticle(200 + i))),
      await measure('save article (PATCH)', async (i) => {
        version = Number(
          (
            await call('agent', `/knowledge/articles/${id}`, {
              method: 'PATCH',
              body: JSON.stringify({ body: `Edit ${i}` }),
              headers: { 'if-match': `"${version}"` },
            })
          ).version,
        );
      }),
      await measure('get article (staff, with stats)', () => call('agent', `/knowledge/articles/${id}`)),
      await measure('list articles (one state, 25)', () => call('agent', '/knowledge/articles?status=published&limit=25')),
      await measure('list articles (all 4 states, 25)', () => call('agent', '/knowledge/articles?limit=25')),
      await measure('search (requester, 1 readable hit)', () => call('requester', '/knowledge/search?q=bench+article+problem')),
      await measure('case suggestions', (i) => call('requester', `/cases/${cases[i]}/suggestions`)),
      await measure('link article to case', (i) => post('agent', `/cases/${cases[i]}/articles`, { articleId: id })),
      await measure('feedback (counted)', (i) =>
        post('requester', '/knowledge/feedback', { suggestionId: `SG-${String(i).padStart(16, '0')}`, articleId: id, event: 'clicked' }),
      ),
      await measure('indexer: re-read one article', () => searchIndex().then((index) => reindexArticles([id], index))),
    ];
    console.log(`Capacity units per knowledge operation (ReturnConsumedCapacity, mean of ${RUNS}):`);
    console.table(capacity);

    const pump = await startStreamPump({
      endpoint: platform.dynamodb.endpoint,
      client: platform.dynamodb.baseClient,
      tableName: platform.tableName,
      consumers: [{ name: 'knowledge-indexer', filter: indexer.isKnowledgeRecord as never, handler: indexer.handler as never }],
    });
    const lags: number[] = [];
    for (let i = 0; i < LAG_ARTICLES; i++) {
      const word = `lagword${i}x${Date.now()}`;
      const created = await post('agent', '/knowledge/articles', { ...newArticle(i), title: `Lag ${word}` });
      await post('supervisor', `/knowledge/articles/${String(created.articleId)}/status`, { to: 'published' });
      const published = performance.now();
      for (;;) {
        const hits = (await call('requester', `/knowledge/search?q=${word}`)).items as unknown[];
        if (hits.length > 0) break;
        if (performance.now() - published > 30_000) throw new Error(`article ${String(created.articleId)} not found by search 30 s after publishing`);
        await new Promise((r) => setTimeout(r, sized(5, 50)));
      }
      lags.push(performance.now() - published);
    }
    await pump.stop();
    lags.sort((a, b) => a - b);
    const at = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]!.toFixed(0);
    console.log(
      `Publish -> first search hit through stream and indexer (${LAG_ARTICLES} articles): p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`,
    );
  } finally {
    await platform.stop();
  }
}

await main();
