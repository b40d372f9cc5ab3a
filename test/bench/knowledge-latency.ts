/**
 * Build time and search latency of the embedded engine on synthetic knowledge bases:
 * words drawn with a Zipf-like skew from a generated vocabulary, a fixed seed, so runs
 * compare. Queries are noisy paraphrases of a random article's title and cases.
 */
import { performance } from 'node:perf_hooks';
import { EmbeddedSearchIndex } from '#adapters/embedded-search.js';
import type { KnowledgeDocument } from '#adapters/search.js';

const VOCABULARY = 20_000;
const QUERIES = 500;

/** mulberry32: small, fast, deterministic. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function vocabulary(rand: () => number): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'pe', 'da', 'gu', 'ho', 'fi', 'ze', 'bra', 'sto', 'gri', 'pla'];
  return Array.from({ length: VOCABULARY }, (_, i) => {
    let w = '';
    for (let s = 0; s < 2 + Math.floor(rand() * 3); s++) w += syllables[Math.floor(rand() * syllables.length)];
    return w + (i % 7 === 0 ? 'ing' : '');
  });
}

export function syntheticCorpus(size: number, seed = 42, queryCount = QUERIES) {
  const rand = random(seed);
  const words = vocabulary(rand);
  // Squaring a uniform draw skews towards frequent words, roughly like real text.
  const word = () => words[Math.floor(rand() ** 2 * words.length)]!;
  const sentence = (n: number) => Array.from({ length: n }, word).join(' ');
  const documents: KnowledgeDocument[] = Array.from({ length: size }, (_, i) => ({
    id: `kb-${i}`,
    title: sentence(6),
    body: sentence(80),
    category: `c${i % 12}`,
    tags: [word(), word()],
    visibility: i % 3 === 0 ? 'internal' : 'public',
    status: i % 10 === 0 ? 'draft' : 'published',
    learned: Array.from({ length: i % 4 }, () => sentence(12)),
  }));
  const queries = Array.from({ length: queryCount }, () => {
    const doc = documents[Math.floor(rand() * size)]!;
    const source = [doc.title, ...doc.learned].join(' ').split(' ');
    return Array.from({ length: 8 }, () => (rand() < 0.7 ? source[Math.floor(rand() * source.length)]! : word())).join(' ');
  });
  return { documents, queries };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function latencyBench(sizes: readonly number[], queryCount = QUERIES) {
  console.log(`Embedded engine latency (synthetic, seed 42, ${queryCount} queries of 8 words, limit 10, filter status=published)`);
  for (const size of sizes) {
    const { documents, queries } = syntheticCorpus(size, 42, queryCount);
    const index = new EmbeddedSearchIndex();
    const t0 = performance.now();
    for (let i = 0; i < documents.length; i += 1000) await index.upsert(documents.slice(i, i + 1000));
    const buildMs = performance.now() - t0;
    const latencies: number[] = [];
    for (const text of queries) {
      const t = performance.now();
      await index.search({ text, limit: 10, filter: { status: ['published'] } });
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
    console.log(
      `  ${size.toLocaleString('en')} articles: build ${(buildMs / 1000).toFixed(1)} s, search p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, heap ${heapMb.toFixed(0)} MB`,
    );
  }
}
