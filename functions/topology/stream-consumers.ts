/**
 * Functions driven by the table's stream rather than by HTTP (declared in
 * `functions.ts`, trigger `stream`): read by the CDK constructs (a Lambda with an
 * event-source mapping) and by the local platform (`lib/local/stream-pump.ts` feeds
 * the same handler module the same records).
 */
import { entryOf, functionRegistry, type StreamFilter } from './functions.js';

export type { StreamFilter } from './functions.js';

export interface StreamConsumerSpec {
  /** Handler file, relative to the repository root; exports `handler` (and may export `rebuild`). */
  readonly entry: string;
  readonly description: string;
  /** Sort keys / partition keys the event-source filter passes (Lambda filter criteria prefixes). */
  readonly filter: StreamFilter;
}

export const knowledgeIndexer: StreamConsumerSpec = {
  entry: entryOf('knowledge-indexer'),
  description: functionRegistry['knowledge-indexer'].description,
  filter: functionRegistry['knowledge-indexer'].trigger.filter,
};

/**
 * The outbox publisher: inserted audit items (sort key `caseTable.auditSortKeyPrefix`)
 * -> domain events on Caseway's bus. Its filter is the CDK construct's and the local
 * platform's own; only the entry and description are shared here.
 */
export const outboxPublisher = {
  entry: entryOf('outbox-publisher'),
  description: functionRegistry['outbox-publisher'].description,
} as const;
