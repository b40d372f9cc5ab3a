/**
 * `npm run bench:knowledge-index -- [--sizes 1000,10000] [--rebuild]`: the embedded engine with its
 * index in one stored object (`-c searchEngine=embedded`; functions/adapters/stored-search.ts),
 * on the local file store, which runs the same code as the S3 one less the network:
 *  - the object's size (gzipped, as stored; and the JSON inside);
 *  - a search function's cold load (read, gunzip, parse, build the engine, first search);
 *  - the indexer's update of one article (conditional read, encode everything, conditional replace);
 *  - a warm search function's refresh after that change (read, decode, re-index the one article);
 *  - with --rebuild: the indexer's rebuild over the full index (one replace per 50 articles, as
 *    services/knowledge-index.ts `rebuildIndex` batches them).
 * Synthetic articles (knowledge-latency.ts: 6-word title, 0-3 learned texts of 12 words) with
 * 80-word bodies and with 400-word ones. Add an S3 round trip (tens of ms per GET of a few
 * MB in region) to the load and refresh figures. `--smoke`: 50 and 100 articles.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { LocalSnapshotStore } from '#adapters/local-snapshot-store.js';
import type { KnowledgeDocument } from '#adapters/search.js';
import { StoredSearchIndex } from '#adapters/stored-search.js';
import { syntheticCorpus } from './knowledge-latency.js';
import { SMOKE, sized } from './smoke.js';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    sizes: { type: 'string', default: '1000,10000' },
    rebuild: { type: 'boolean', default: false },
  },
});
/** What `rebuildIndex` writes per batch. */
const REBUILD_BATCH = 50;
const sizes = SMOKE ? [50, 100] : args.sizes.split(',').map(Number);
const REPEATS = sized(5, 2);
const KEY = 'knowledge/index.json.gz';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MB`;
const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`);

/** Each body five bodies long: 400 words, nearer a real how-to article. */
const lengthen = (documents: KnowledgeDocument[]): KnowledgeDocument[] =>
  documents.map((doc, i) => ({ ...doc, body: [0, 1, 2, 3, 4].map((k) => documents[(i + k * 7919) % documents.length]!.body).join(' ') }));

console.log('Embedded knowledge index as one stored object (local file store; add an S3 round trip to load and refresh)');
for (const size of sizes) {
  const { documents: short } = syntheticCorpus(size, 42, 1);
  for (const [label, documents] of [
    ['80-word bodies', short],
    ['400-word bodies', lengthen(short)],
  ] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'caseway-index-bench-'));
    try {
      let now = 0;
      const open = () => new StoredSearchIndex(new LocalSnapshotStore(dir, KEY), { refreshSeconds: 5, now: () => now });
      const writer = open();
      await writer.upsert(documents);
      const stored = statSync(join(dir, KEY)).size;
      const json = gunzipSync(readFileSync(join(dir, KEY))).length;

      const probe = documents[0]!;
      const loads: number[] = [];
      let reader = open();
      for (let i = 0; i < REPEATS; i++) {
        reader = open();
        const t = performance.now();
        const hits = await reader.search({ text: probe.title, limit: 10 });
        loads.push(performance.now() - t);
        if (!hits.some((h) => h.id === probe.id)) throw new Error(`cold load: '${probe.id}' not found by its own title`);
      }

      const updates: number[] = [];
      const refreshes: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const changed = { ...probe, title: `${probe.title} revision${i}` };
        let t = performance.now();
        await writer.upsert([changed]);
        updates.push(performance.now() - t);
        now += 5000;
        t = performance.now();
        const hits = await reader.search({ text: `revision${i}`, limit: 10 });
        refreshes.push(performance.now() - t);
        if (hits[0]?.id !== probe.id) throw new Error(`refresh: the changed article is not found by its new word`);
      }
      let rebuilt = '';
      if (args.rebuild || SMOKE) {
        const t = performance.now();
        for (let i = 0; i < documents.length; i += REBUILD_BATCH)
          await writer.upsert(documents.slice(i, i + REBUILD_BATCH).map((doc) => ({ ...doc, title: `${doc.title} rebuilt` })));
        rebuilt = `, rebuild ${ms(performance.now() - t)}`;
      }
      console.log(
        `  ${size.toLocaleString('en')} articles, ${label}: object ${mb(stored)} gzipped (${mb(json)} JSON), cold load ${ms(median(loads))}, indexer update of one article ${ms(median(updates))}, refresh after it ${ms(median(refreshes))}${rebuilt}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
