/**
 * The local stand-in for Lambda's DynamoDB stream event source: it reads the
 * table's stream on DynamoDB Local (the same Streams API AWS has) and hands each
 * batch to a consumer's handler as a `DynamoDBStreamEvent`, after the consumer's
 * filter, as the event-source mapping's filter criteria would. A failed batch is
 * retried from the same records (at-least-once delivery, as in AWS), up to the same
 * retry limit the event-source mapping has.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
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
}

export interface StreamPump {
  stop(): Promise<void>;
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
 * Start reading at the stream's current end: what was written before is the
 * business of whoever starts the pump (the platform rebuilds the index instead).
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
  const discover = async (type: 'LATEST' | 'TRIM_HORIZON') => {
    const described = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of described.StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || iterators.has(shard.ShardId)) continue;
      const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: type }));
      iterators.set(shard.ShardId, ShardIterator);
    }
  };
  await discover('LATEST');

  let running = true;
  const deliver = async (records: StreamRecord[]) => {
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
          if (records.length > 0) await deliver(records);
        } catch (error) {
          if (!running) return;
          options.onError?.('stream-pump', error);
        }
      }
      // New shards start where their parents ended: read them from their beginning.
      if (++rounds % 20 === 0 && running) await discover('TRIM_HORIZON').catch((error: unknown) => options.onError?.('stream-pump', error));
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
const repairImage = (image: Record<string, AttributeValue>): Record<string, AttributeValue> => Object.fromEntries(Object.entries(image).map(([name, value]) => [name, repairAttribute(value)]));

/** A stream record as Lambda would hand it over in AWS (see `repairAttribute`). */
export function asDeliveredByAws(record: DynamoDBRecord): DynamoDBRecord {
  const stream = record.dynamodb;
  if (!stream) return record;
  return {
    ...record,
    dynamodb: {
      ...stream,
      ...(stream.Keys ? { Keys: repairImage(stream.Keys) } : {}),
      ...(stream.NewImage ? { NewImage: repairImage(stream.NewImage) } : {}),
      ...(stream.OldImage ? { OldImage: repairImage(stream.OldImage) } : {}),
    },
  };
}
