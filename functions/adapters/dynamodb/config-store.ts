/**
 * The one store of versioned configuration in the single table. A kind (case
 * types, SLA calendars, SLA policies, routing rules, queues: `config-kinds.ts`)
 * is declared as data: where its items live and what its current item holds.
 * The store then gives every kind the same operations and the same guarantees:
 *
 * - Publishing version n writes the immutable version item (kinds that keep
 *   history) and advances the current item from version n - 1 (conditioned on
 *   it; version 1: on there being none) in one transaction, so two publishers
 *   racing from the same version cannot both win (`stale`).
 * - A current item either holds the whole definition (one Query lists every
 *   current one) or is a pointer to the version item holding it.
 * - Reads go through the one config cache (`../config-cache.ts`): versions for
 *   the container's life, current items for the kind's `currentForMs`, unless a
 *   reader asks for `fresh` (admin reads and publishing, which must see the latest).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { cachedCurrent, cachedVersion, forgetCurrent } from '../config-cache.js';
import { dynamo, tableName } from './client.js';
import { STATUS_INDEX, withoutStorageAttributes } from './keys.js';
import { queryAll } from './paging.js';
import { putNew, transactUnlessStale, type WriteOutcome } from './transactions.js';

type Key = { readonly pk: string; readonly sk: string };

export interface ConfigKind<T extends { readonly version: number }, Listed = T> {
  /** Names the kind in the cache. */
  readonly name: string;
  readonly idOf: (item: T) => string;
  /** The item naming the version in force, replaced only from the version its writer read. */
  readonly current: {
    readonly key: (id: string) => Key;
    readonly entity: string;
    /**
     * What the current item holds, `version` included, when it only points at the
     * version item; absent: it holds the whole definition.
     */
    readonly pointer?: (item: T) => Record<string, unknown> & { readonly version: number };
  };
  /** Immutable version items, beside the current one (same partition); absent: the kind keeps only its current item. */
  readonly versions?: {
    readonly key: (id: string, version: number) => Key;
    readonly prefix: string;
    readonly entity: string;
  };
  /** Where every current item can be listed: a partition of the status index, or the table partition they share. */
  readonly listing?: { readonly statusIndexPartition: string } | { readonly tablePartition: string };
  /** A listed current item as callers get it (default: the item without its storage attributes). */
  readonly listed?: (item: Record<string, unknown>) => Listed;
  /** How long a container may go on using what it read as current (0: read every time). */
  readonly currentForMs: number;
}

/** `fresh`: read the table now (strongly consistent where the table allows), past the cache. */
export type Freshness = 'cached' | 'fresh';

export interface ConfigStore<T extends { readonly version: number }, Listed = T> {
  readonly kind: ConfigKind<T, Listed>;
  /** The version in force. */
  current(id: string, freshness?: Freshness): Promise<T | undefined>;
  /** One published version (a kind without history has only its current one). */
  version(id: string, version: number): Promise<T | undefined>;
  /** Every current item (kinds with a listing). */
  list(freshness?: Freshness): Promise<Listed[]>;
  /** Every version of one id, oldest first (kinds with history). */
  versions(id: string): Promise<T[]>;
  /** Write `item` as the next version: `stale` if it exists, or the current one is not `item.version - 1`. */
  publish(item: T): Promise<WriteOutcome>;
}

export function configStore<T extends { readonly version: number }, Listed = T>(kind: ConfigKind<T, Listed>): ConfigStore<T, Listed> {
  const readVersionItem = async (id: string, version: number): Promise<T | undefined> => {
    const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: kind.versions!.key(id, version) }));
    return out.Item ? withoutStorageAttributes<T>(out.Item) : undefined;
  };

  const version = async (id: string, v: number): Promise<T | undefined> => {
    if (!kind.versions) {
      const current = await readCurrent(id);
      return current?.version === v ? current : undefined;
    }
    return cachedVersion(kind.name, id, v, () => readVersionItem(id, v));
  };

  const readCurrent = async (id: string): Promise<T | undefined> => {
    const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: kind.current.key(id), ConsistentRead: true }));
    if (!out.Item) return undefined;
    return kind.current.pointer ? version(id, Number(out.Item.version)) : withoutStorageAttributes<T>(out.Item);
  };

  const readList = async (): Promise<Listed[]> => {
    const listing = kind.listing;
    if (!listing) throw new Error(`Configuration kind ${kind.name} has no listing`);
    const items =
      'statusIndexPartition' in listing
        ? await queryAll({
            IndexName: STATUS_INDEX.indexName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': STATUS_INDEX.partitionKey },
            ExpressionAttributeValues: { ':pk': listing.statusIndexPartition },
          })
        : await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': listing.tablePartition } });
    return items.map((item) => (kind.listed ? kind.listed(item) : withoutStorageAttributes<Listed>(item)));
  };

  const currentItem = (item: T, id: string) => ({
    ...kind.current.key(id),
    entity: kind.current.entity,
    ...(kind.current.pointer ? kind.current.pointer(item) : item),
    ...(kind.listing && 'statusIndexPartition' in kind.listing
      ? { [STATUS_INDEX.partitionKey]: kind.listing.statusIndexPartition, [STATUS_INDEX.sortKey]: id }
      : {}),
  });

  return {
    kind,
    current: (id, freshness = 'cached') =>
      freshness === 'fresh' ? readCurrent(id) : cachedCurrent(kind.name, id, kind.currentForMs, () => readCurrent(id)),
    version,
    list: (freshness = 'cached') => (freshness === 'fresh' ? readList() : cachedCurrent(kind.name, '*', kind.currentForMs, readList)),
    async versions(id) {
      if (!kind.versions) throw new Error(`Configuration kind ${kind.name} keeps no versions`);
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': kind.current.key(id).pk, ':prefix': kind.versions.prefix },
      });
      return items.map((item) => withoutStorageAttributes<T>(item));
    },
    async publish(item) {
      const id = kind.idOf(item);
      const current = currentItem(item, id);
      const outcome = await transactUnlessStale([
        ...(kind.versions ? [putNew({ ...kind.versions.key(id, item.version), entity: kind.versions.entity, ...item })] : []),
        item.version === 1
          ? putNew(current)
          : {
              Put: {
                TableName: tableName(),
                Item: current,
                ConditionExpression: 'version = :previous',
                ExpressionAttributeValues: { ':previous': item.version - 1 },
              },
            },
      ]);
      if (outcome === 'written') forgetCurrent(kind.name);
      return outcome;
    },
  };
}
