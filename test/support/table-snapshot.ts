/**
 * Every item of the platform's table, in a stable form: tests compare a snapshot
 * from before a refused request with one from after to prove nothing was written.
 * A test-only full read (product code never scans).
 *
 * The platform keeps working after a request answers: the stream feeds the outbox
 * and the indexer, and the bus's consumers (routing, acknowledgements, SLA timers)
 * write what follows from earlier changes. So a snapshot is taken once the table
 * has settled: two reads a pause apart that agree, with the bus idle between them.
 * A write the refused request made would still be there, and still differ.
 */
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { REQUESTER_INDEX, requesterPartition } from '#adapters/dynamodb/keys.js';
import { shardsOf } from '#adapters/dynamodb/shard-plan.js';
import type { Platform } from '#lib/local/platform.js';

const PAUSE_MS = 150;
const MAX_WAIT_MS = 15_000;

/** Every item of the table, as stored. */
export async function scanTable(platform: Pick<Platform, 'dynamodb' | 'tableName'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await platform.dynamodb.client.send(
      new ScanCommand({ TableName: platform.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const readAll = async (platform: Pick<Platform, 'dynamodb' | 'tableName'>): Promise<string> =>
  JSON.stringify((await scanTable(platform)).map((i) => JSON.stringify(i)).sort());

export async function tableSnapshot(platform: Pick<Platform, 'dynamodb' | 'tableName'> & Partial<Pick<Platform, 'events'>>): Promise<string> {
  const deadline = Date.now() + MAX_WAIT_MS;
  let last = await readAll(platform);
  for (;;) {
    // Longer than the stream pump's idle poll, so a record written just before is on the bus by now.
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    await platform.events?.idle();
    const next = await readAll(platform);
    if (next === last || Date.now() > deadline) return next;
    last = next;
  }
}

/** A requester's case items as the requester index holds them, every shard of it (shard-plan.ts). */
export async function requesterIndexItems(
  platform: Pick<Platform, 'dynamodb' | 'tableName'>,
  requesterId: string,
): Promise<Record<string, unknown>[]> {
  const pages = await Promise.all(
    shardsOf('requester').map((shard) =>
      platform.dynamodb.client.send(
        new QueryCommand({
          TableName: platform.tableName,
          IndexName: REQUESTER_INDEX.indexName,
          KeyConditionExpression: '#p = :p',
          ExpressionAttributeNames: { '#p': REQUESTER_INDEX.partitionKey },
          ExpressionAttributeValues: { ':p': requesterPartition(requesterId, shard) },
        }),
      ),
    ),
  );
  return pages.flatMap((page) => page.Items ?? []);
}
