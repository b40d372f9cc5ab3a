import { syntheticCorpus } from './knowledge-latency.js';
import { EmbeddedSearchIndex } from '../../functions/adapters/embedded-search.js';
import { DEFAULT_RANKING } from '../../functions/core/knowledge/ranking.js';
const { documents, queries } = syntheticCorpus(10000);
for (const [name, p] of [['default', DEFAULT_RANKING], ['nofuzzy', { ...DEFAULT_RANKING, fuzzy: 0 }], ['nograms', { ...DEFAULT_RANKING, grams: 0 }], ['neither', { ...DEFAULT_RANKING, grams: 0, fuzzy: 0 }]] as const) {
  const idx = new EmbeddedSearchIndex(p); await idx.upsert(documents);
  const t = performance.now(); for (const q of queries.slice(0, 40)) await idx.search({ text: q, limit: 10 });
  console.log(name, ((performance.now() - t) / 40).toFixed(1), 'ms/q');
}
