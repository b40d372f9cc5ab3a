/**
 * Functions driven by the table's stream rather than by HTTP: read by the CDK
 * constructs (a Lambda with an event-source mapping) and by the local platform
 * (`lib/local/stream-pump.ts` feeds the same handler module the same records).
 */
export interface StreamConsumerSpec {
  /** Handler file, relative to the repository root; exports `handler` (and may export `rebuild`). */
  readonly entry: string;
  readonly description: string;
  /** Sort keys / partition keys the event-source filter passes (Lambda filter criteria prefixes). */
  readonly filter: {
    readonly partitionKeyPrefix: string;
    /** Records pass when the sort key equals one of these or starts with one of the prefixes. */
    readonly sortKeys: readonly string[];
    readonly sortKeyPrefixes: readonly string[];
  };
}

export const knowledgeIndexer: StreamConsumerSpec = {
  entry: 'functions/handlers/knowledge-indexer.ts',
  description: 'Keep the knowledge search index in step with articles and what linked cases teach them',
  filter: { partitionKeyPrefix: 'ARTICLE#', sortKeys: ['#ARTICLE'], sortKeyPrefixes: ['LEARNED#'] },
};

/**
 * The outbox publisher: inserted audit items (sort key `caseTable.auditSortKeyPrefix`)
 * -> domain events on Caseway's bus. Its filter is the CDK construct's and the local
 * platform's own; only the entry and description are shared here.
 */
export const outboxPublisher = {
  entry: 'functions/handlers/outbox-publisher.ts',
  description: 'Outbox publisher: audit items from the case table stream -> domain events on EventBridge',
} as const;
