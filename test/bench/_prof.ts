import { syntheticCorpus } from './knowledge-latency.js';
import { EmbeddedSearchIndex } from '../../functions/adapters/embedded-search.js';
const { documents, queries } = syntheticCorpus(30000);
const idx = new EmbeddedSearchIndex(); await idx.upsert(documents);
const t = performance.now(); for (const q of queries.slice(0, 60)) await idx.search({ text: q, limit: 10, filter: { status: ['published'] } });
console.log(((performance.now() - t) / 60).toFixed(1), 'ms/q');
