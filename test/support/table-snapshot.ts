/**
 * Every item of the platform's table, in a stable form: tests compare a snapshot
 * from before a refused request with one from after to prove nothing was written.
 * A test-only full read (product code never scans).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Platform } from '../../lib/local/platform.js';

export async function tableSnapshot(platform: Pick<Platform, 'dynamodb' | 'tableName'>): Promise<string> {
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await platform.dynamodb.client.send(new ScanCommand({ TableName: platform.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items.map((i) => JSON.stringify(i)).sort());
}
