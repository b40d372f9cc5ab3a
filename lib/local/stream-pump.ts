/**
 * The local stand-in for Lambda's DynamoDB stream event source: it reads the
 * table's stream on DynamoDB Local (the same Streams API AWS has) and hands each
 * batch to a consumer's handler as a `DynamoDBStreamEvent`, after the consumer's
 * filter, as the event-source mapping's filter criteria would. A failed batch is
 * retried from the same records (at-least-once delivery, as in AWS), up to the same
 * retry limit the event-source mapping has.
 *
 * With a `checkpointFile` it is durable, as the event-source mapping is: after each
 * batch has been handled (or given up), the shard's last sequence number is written
 * there; on start, each shard resumes AFTER its checkpoint, and a shard never seen
 * from its TRIM_HORIZON, so every change committed before a crash or a kill is
 * delivered at least once. DynamoDB Local keeps the stream (shards, sequence numbers
 * and records) in its database file, so checkpoints stay valid across restarts.
 * The checkpoints are a file, not items in the table: an item would itself be a
 * stream record, and writing one per batch would feed the stream forever.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type Shard,
  type ShardIteratorType,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { readJson, writeJsonAtomic } from './durable-files.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local.js';

export interface StreamConsumer {
  readonly name: string;
  /** Which records the consumer gets (its event-source filter in AWS). */
  readonly filter: (record: DynamoDBRecord) => boolean;
  readonly handler: (event: DynamoDBStreamEvent) => Promise<unknown>;
}

export interface StreamPumpOptions {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly consumers: readonly StreamConsumer[];
  /** Pause between empty reads (default 50 ms). */
  readonly idleMs?: number;
  /** Retries of a failed batch before it is given up (logged), as the mapping's retry limit before its DLQ (default 10). */
  readonly retryAttempts?: number;
  readonly onError?: (consumer: string, error: unknown) => void;
  /**
   * Where the per-shard checkpoints are kept (a JSON file, written atomically). Without
   * it, reading starts at the stream's end and nothing survives a restart.
   */
  readonly checkpointFile?: string;
}

export interface StreamPump {
  stop(): Promise<void>;
}

/** What the checkpoint file holds: the stream it belongs to, and per shard the last sequence number handled. */
interface Checkpoints {
  readonly streamArn: string;
  readonly shards: Record<string, string>;
}

function loadCheckpoints(file: string | undefined, streamArn: string): Map<string, string> {
  const saved = file ? (readJson(file) as Partial<Checkpoints> | undefined) : undefined;
  // Another stream (the table was deleted and made again): none of its positions mean anything here.
  if (!saved || saved.streamArn !== streamArn || typeof saved.shards !== 'object' || saved.shards === null) return new Map();
  return new Map(Object.entries(saved.shards).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * Where a handler's `batchItemFailures` (ReportBatchItemFailures) says to resume:
 * the index of the first failed record, or undefined when none failed. An
 * identifier that names no record fails the whole batch, as Lambda treats it.
 */
function firstReportedFailure(result: unknown, records: readonly DynamoDBRecord[]): number | undefined {
  const failures = (result as { batchItemFailures?: { itemIdentifier?: string }[] } | undefined)?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return undefined;
  const indexes = failures.map((f) => records.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier));
  return indexes.includes(-1) ? 0 : Math.min(...indexes);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Without a checkpoint file, start reading at the stream's current end: what was
 * written before is the business of whoever starts the pump. With one, resume where
 * the last run left off (see the module comment).
 */
export async function startStreamPump(options: StreamPumpOptions): Promise<StreamPump> {
  const table = await options.client.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const idleMs = options.idleMs ?? 50;
  const retryAttempts = options.retryAttempts ?? 10;

  /** Shard id -> where to read next (undefined once the shard is closed and drained). */
  const iterators = new Map<string, string | undefined>();
  /** Shard id -> the last sequence number every consumer has handled (what the checkpoint file holds). */
  const checkpoints = loadCheckpoints(options.checkpointFile, streamArn);
  const durable = options.checkpointFile !== undefined;
  const iteratorOf = async (shardId: string, type: ShardIteratorType, sequenceNumber?: string) =>
    (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: type,
          ...(sequenceNumber ? { SequenceNumber: sequenceNumber } : {}),
        }),
      )
    ).ShardIterator;
  const listShards = async () => {
    const shards: Shard[] = [];
    let from: string | undefined;
    do {
      const described = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ...(from ? { ExclusiveStartShardId: from } : {}) }));
      shards.push(...(described.StreamDescription?.Shards ?? []));
      from = described.StreamDescription?.LastEvaluatedShardId;
    } while (from);
    return shards;
  };
  /** `first`: the shards there at start (LATEST when not durable); later ones are children, read from their start. */
  const discover = async (first: boolean) => {
    for (const shard of await listShards()) {
      const shardId = shard.ShardId;
      if (!shardId || iterators.has(shardId)) continue;
      const after = checkpoints.get(shardId);
      let iterator: string | undefined;
      if (after) {
        try {
          iterator = await iteratorOf(shardId, 'AFTER_SEQUENCE_NUMBER', after);
        } catch (error) {
          // Trimmed past the checkpoint (records older than the stream keeps): the oldest left is next.
          if (!(error instanceof TrimmedDataAccessException)) throw error;
          iterator = await iteratorOf(shardId, 'TRIM_HORIZON');
        }
      } else {
        iterator = await iteratorOf(shardId, first && !durable ? 'LATEST' : 'TRIM_HORIZON');
      }
      iterators.set(shardId, iterator);
    }
  };
  const checkpoint = (shardId: string, sequenceNumber: string | undefined) => {
    if (!options.checkpointFile || !sequenceNumber) return;
    checkpoints.set(shardId, sequenceNumber);
    // Shards the stream no longer lists are gone for good (trimmed): their positions go too.
    for (const known of checkpoints.keys()) if (!iterators.has(known)) checkpoints.delete(known);
    writeJsonAtomic(options.checkpointFile, { streamArn, shards: Object.fromEntries(checkpoints) } satisfies Checkpoints);
  };
  await discover(true);

  let running = true;
  /** True once every consumer has handled the batch or given it up; false when stopped before that. */
  const deliver = async (records: StreamRecord[]): Promise<boolean> => {
    // Every consumer gets records as Lambda would: an audit item holding an empty map otherwise failed its whole
    // batch until the pump gave it up (the events after it never published, those before it many times).
    const delivered = (records as unknown as DynamoDBRecord[]).map(asDeliveredByAws);
    for (const consumer of options.consumers) {
      let mine = delivered.filter(consumer.filter);
      if (mine.length === 0) continue;
      // Retried as the mapping retries; then given up loudly, where AWS parks it on the DLQ.
      for (let attempt = 0; running; attempt++) {
        try {
          const failedFrom = firstReportedFailure(await consumer.handler({ Records: mine }), mine);
          if (failedFrom === undefined) break;
          // ReportBatchItemFailures: the mapping retries from the first failed record on.
          mine = mine.slice(failedFrom);
          throw new Error(`${consumer.name} reported record ${mine[0]?.dynamodb?.SequenceNumber ?? '?'} as failed`);
        } catch (error) {
          if (attempt >= retryAttempts) {
            options.onError?.(consumer.name, new Error(`Gave up on ${mine.length} stream records after ${retryAttempts} retries`, { cause: error }));
            break;
          }
          options.onError?.(consumer.name, error);
          await sleep(Math.min(1000, idleMs * 2 ** attempt));
        }
      }
    }
    return running;
  };

  const loop = (async () => {
    let rounds = 0;
    while (running) {
      let got = 0;
      for (const [shardId, iterator] of iterators) {
        if (!iterator || !running) continue;
        try {
          const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
          iterators.set(shardId, out.NextShardIterator);
          const records = out.Records ?? [];
          got += records.length;
          if (records.length > 0) {
            // Only once every consumer has had the batch: a kill before this line redelivers it (at least once).
            if (await deliver(records)) checkpoint(shardId, records.at(-1)?.dynamodb?.SequenceNumber);
          }
        } catch (error) {
          if (!running) return;
          options.onError?.('stream-pump', error);
        }
      }
      // New shards start where their parents ended: read them from their beginning.
      if (++rounds % 20 === 0 && running) await discover(false).catch((error: unknown) => options.onError?.('stream-pump', error));
      if (got === 0 && running) await sleep(idleMs);
    }
  })();

  return {
    stop: async () => {
      running = false;
      await loop;
      streams.destroy();
    },
  };
}

/**
 * DynamoDB Local's stream writes an empty map as `{}` where AWS (and so Lambda's
 * stream event) has `{ "M": {} }`; an empty list and every other type come through
 * right. `{}` is no valid attribute value at all (`unmarshall` throws "No value
 * defined"), so it can only be that empty map: put the type back, at any depth.
 */
function repairAttribute(value: AttributeValue): AttributeValue {
  if (Object.keys(value).length === 0) return { M: {} };
  if (value.M) return { M: repairImage(value.M) };
  if (value.L) return { L: value.L.map(repairAttribute) };
  return value;
}
const repairImage = (image: Record<string, AttributeValue>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repairAttribute(value)]));

/**
 * When the change happened, as Lambda's stream event gives it: epoch seconds. The
 * SDK's GetRecords answer has a `Date` there instead, which arithmetic on seconds
 * turns into an instant some 55,000 years on.
 */
const epochSeconds = (at: unknown): number | undefined =>
  at instanceof Date ? Math.floor(at.getTime() / 1000) : typeof at === 'number' ? at : undefined;

/** A stream record as Lambda would hand it over in AWS (see `repairAttribute` and `epochSeconds`). */
export function asDeliveredByAws(record: DynamoDBRecord): DynamoDBRecord {
  const stream = record.dynamodb;
  if (!stream) return record;
  const at = epochSeconds(stream.ApproximateCreationDateTime);
  return {
    ...record,
    dynamodb: {
      ...stream,
      ...(at === undefined ? {} : { ApproximateCreationDateTime: at }),
      ...(stream.Keys ? { Keys: repairImage(stream.Keys) } : {}),
      ...(stream.NewImage ? { NewImage: repairImage(stream.NewImage) } : {}),
      ...(stream.OldImage ? { OldImage: repairImage(stream.OldImage) } : {}),
    },
  };
}
