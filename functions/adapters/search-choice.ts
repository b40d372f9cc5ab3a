/**
 * The knowledge search index for this container, chosen once at cold start from
 * configuration: `SEARCH_MODE=opensearch` (the collection endpoint comes with it), or
 * `embedded`: with SEARCH_INDEX_BUCKET (AWS) or SEARCH_INDEX_DIR the engine's index is
 * one stored object every function loads and the indexer replaces (`stored-search.ts`);
 * with neither (`npm start`, tests) it lives in the process, so the local platform's
 * indexer and search handlers, loaded into one process, share it. Handlers and the
 * indexer ask for `searchIndex()` and never learn which one they got.
 */
import { config } from '../config.js';
import { EmbeddedSearchIndex } from './embedded-search.js';
import type { SearchIndex } from './search.js';

let chosen: Promise<SearchIndex> | undefined;
let ensured: Promise<SearchIndex> | undefined;

/** Loaded only in opensearch mode, so the embedded mode never pulls in the OpenSearch client. */
async function openSearchIndex() {
  const settings = config();
  if (!settings.OPENSEARCH_ENDPOINT) throw new Error('SEARCH_MODE=opensearch needs OPENSEARCH_ENDPOINT');
  const { OpenSearchIndex, openSearchClient } = await import('./opensearch-search.js');
  return new OpenSearchIndex(openSearchClient({ endpoint: settings.OPENSEARCH_ENDPOINT, region: settings.AWS_REGION }), settings.OPENSEARCH_INDEX);
}

async function embeddedIndex(): Promise<SearchIndex> {
  const { SEARCH_INDEX_BUCKET, SEARCH_INDEX_DIR, SEARCH_INDEX_KEY, SEARCH_INDEX_REFRESH_SECONDS } = config();
  if (!SEARCH_INDEX_BUCKET && !SEARCH_INDEX_DIR) return new EmbeddedSearchIndex();
  const { StoredSearchIndex } = await import('./stored-search.js');
  const store = SEARCH_INDEX_BUCKET
    ? new (await import('./s3-snapshot-store.js')).S3SnapshotStore(SEARCH_INDEX_BUCKET, SEARCH_INDEX_KEY)
    : new (await import('./local-snapshot-store.js')).LocalSnapshotStore(SEARCH_INDEX_DIR!, SEARCH_INDEX_KEY);
  return new StoredSearchIndex(store, { refreshSeconds: SEARCH_INDEX_REFRESH_SECONDS });
}

export function searchIndex(): Promise<SearchIndex> {
  chosen ??= config().SEARCH_MODE === 'opensearch' ? openSearchIndex() : embeddedIndex();
  return chosen;
}

/**
 * The index for the one writer, the indexer: in AWS it creates the collection's index
 * with its analysis and mappings on first use (only the indexer's role may), so a new
 * stack needs no manual step before its first article.
 */
export function writableSearchIndex(): Promise<SearchIndex> {
  ensured ??= searchIndex().then(async (index) => {
    const creatable = index as SearchIndex & { ensureIndex?: () => Promise<void> };
    if (creatable.ensureIndex) await creatable.ensureIndex();
    return index;
  });
  // A failed creation (a throttled call) is tried again on the next batch.
  ensured.catch(() => (ensured = undefined));
  return ensured;
}
