/**
 * The knowledge search index for this container, chosen once at cold start from
 * configuration: `SEARCH_MODE=opensearch` in AWS (the collection endpoint comes with
 * it), `embedded` locally. Handlers and the indexer ask for `searchIndex()` and never
 * learn which one they got. The embedded index lives in the process, so the local
 * platform's indexer and search handlers, loaded into one process, share it.
 */
import { config } from '../config.js';
import { EmbeddedSearchIndex } from './embedded-search.js';
import type { SearchIndex } from './search.js';

let chosen: Promise<SearchIndex> | undefined;

/** Loaded only in opensearch mode, so the embedded mode never pulls in the OpenSearch client. */
const OPENSEARCH_MODULE = './opensearch-search.js';

async function openSearchIndex(): Promise<SearchIndex> {
  const settings = config();
  if (!settings.OPENSEARCH_ENDPOINT) throw new Error('SEARCH_MODE=opensearch needs OPENSEARCH_ENDPOINT');
  const module = (await import(OPENSEARCH_MODULE)) as { OpenSearchIndex: new (options: { endpoint: string; region: string; index: string }) => SearchIndex };
  return new module.OpenSearchIndex({ endpoint: settings.OPENSEARCH_ENDPOINT, region: settings.AWS_REGION, index: settings.OPENSEARCH_INDEX });
}

export function searchIndex(): Promise<SearchIndex> {
  chosen ??= config().SEARCH_MODE === 'opensearch' ? openSearchIndex() : Promise.resolve(new EmbeddedSearchIndex());
  return chosen;
}
