/**
 * The one definition of Caseway's single DynamoDB table. The CDK `CaseStore`
 * construct and the local bootstrap (`lib/local/dynamodb-local.ts`) both build
 * the table from this object, so the two modes cannot drift apart.
 *
 * Key templates that fill these attributes live in `functions/adapters/dynamodb/keys.ts`;
 * the access patterns they serve are tabled in the README.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** What the index answers; shown in the README's access-pattern table. */
  readonly purpose: string;
}

/** The indexes by what they answer; the key templates in the handlers refer to them by these names. */
export const caseIndexes = {
  byStatus: {
    indexName: 'gsi1',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    purpose: 'cases by status, newest first (partition key sharded); case types by id',
  },
  byOwner: {
    indexName: 'gsi2',
    partitionKey: 'gsi2pk',
    sortKey: 'gsi2sk',
    purpose: 'cases by owner, newest first (sparse: unassigned cases are absent)',
  },
  byRequester: { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', purpose: 'cases by requester, newest first' },
  byOpen: {
    indexName: 'gsi4',
    partitionKey: 'gsi4pk',
    sortKey: 'gsi4sk',
    purpose: 'open cases (active or waiting), newest first (sparse, partition key sharded)',
  },
  bySlaDue: {
    indexName: 'gsi5',
    partitionKey: 'gsi5pk',
    sortKey: 'gsi5sk',
    purpose: 'cases with a running SLA clock, soonest deadline first (sparse, partition key sharded)',
  },
} as const satisfies Record<string, IndexDefinition>;

export const caseTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: Object.values(caseIndexes) as readonly IndexDefinition[],
  /** Epoch seconds; items carrying it (idempotency records) expire on their own. */
  timeToLiveAttribute: 'expiresAt',
  streamViewType: 'NEW_AND_OLD_IMAGES',
  /**
   * Sort-key prefix of audit items. They are the outbox: the stream filter in AWS
   * passes only inserted items with this prefix to the publisher.
   */
  auditSortKeyPrefix: 'AUDIT#',
  /**
   * Open offers (routing): the outbox publishes an inserted one as `CaseOffered` and a removed one as `OfferClosed`, so the
   * offered agent hears of it live. Routing state is not a case's history, so it has no audit item. Offers are spread
   * over shards (`ROUTING#OFFERS#<n>`, keys.ts), so the filter matches the partition key's prefix.
   */
  offerItems: { partitionKeyPrefix: 'ROUTING#OFFERS#', sortKeyPrefix: 'OFFER#' },
} as const;

/**
 * The create rate the keys are designed for, when a deployment names none. The status,
 * open-work and SLA-due shard counts it gives (functions/adapters/dynamodb/shard-plan.ts)
 * are the eight every earlier version wrote with; the requester index and the live log
 * spread wider than before, which costs nothing to re-key: readers read every shard.
 */
export const DEFAULT_CASES_PER_SECOND = 3200;
/** Past this, one table per tenant is the better answer than more shards. */
export const MAX_CASES_PER_SECOND = 100_000;

/** Every key attribute is a string: keys are templates such as `CASE#CASE-2026-000123`. */
export function keyAttributeNames(): string[] {
  return [caseTable.partitionKey, caseTable.sortKey, ...caseTable.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
}

/** The same table as a CreateTable request, for DynamoDB Local. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributeNames().map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: caseTable.partitionKey, KeyType: 'HASH' },
      { AttributeName: caseTable.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: caseTable.indexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: caseTable.streamViewType },
  };
}
