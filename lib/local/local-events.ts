/**
 * The local platform's events, wired as in AWS: the table stream feeds the outbox
 * publisher handler (the deployed module, imported like a cold start), which puts
 * domain events through the real EventBridge client onto the stand-in bus at
 * `EVENTBRIDGE_ENDPOINT`; the bus delivers to the rule targets. Only configuration
 * differs from AWS.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { loadFunction } from './function-loader.js';
import { caseTable } from '#topology/table.js';
import { eventRules } from '#topology/event-rules.js';
import { LocalEventBus, type LocalRule, type RetryClock, type RetryPolicy } from './event-bus.js';
import type { StreamConsumer } from './stream-pump.js';

export const LOCAL_BUS_NAME = 'caseway-local';

export function createLocalBus(input: {
  rootDir: string;
  region: string;
  extraRules?: readonly LocalRule[];
  retry?: Partial<RetryPolicy>;
  /** The platform's clock: retries are scheduled on it. */
  retryClock?: RetryClock;
  /** Pending deliveries and dead letters are kept here (none: in memory only). */
  dataDir?: string;
  onError: (rule: string, error: unknown) => void;
}): LocalEventBus {
  return new LocalEventBus({
    busName: LOCAL_BUS_NAME,
    region: input.region,
    rootDir: input.rootDir,
    rules: [...eventRules, ...(input.extraRules ?? [])],
    ...(input.retry ? { retry: input.retry } : {}),
    ...(input.retryClock ? { retryClock: input.retryClock } : {}),
    ...(input.dataDir ? { dataDir: input.dataDir } : {}),
    onError: input.onError,
  });
}

/** The outbox publisher as a stream consumer, with the filter its event-source mapping has in AWS. */
export async function outboxConsumer(rootDir: string): Promise<StreamConsumer> {
  const module = await loadFunction<{ handler: StreamConsumer['handler'] }>(rootDir, 'outbox-publisher');
  return {
    name: 'outbox-publisher',
    filter: (record: DynamoDBRecord) => {
      const sk = String(record.dynamodb?.Keys?.[caseTable.sortKey]?.S ?? '');
      const pk = record.dynamodb?.Keys?.[caseTable.partitionKey]?.S;
      const offer = String(pk ?? '').startsWith(caseTable.offerItems.partitionKeyPrefix) && sk.startsWith(caseTable.offerItems.sortKeyPrefix);
      if (offer) return record.eventName === 'INSERT' || record.eventName === 'REMOVE';
      return record.eventName === 'INSERT' && sk.startsWith(caseTable.auditSortKeyPrefix);
    },
    handler: module.handler,
  };
}
