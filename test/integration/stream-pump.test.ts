/**
 * The local stream pump against DynamoDB Local's real stream: a consumer that reports
 * a failed record (ReportBatchItemFailures, as the outbox publisher does) gets the
 * batch again from that record on, not from the start and not never; a consumer
 * that throws gets the whole batch again. Records reach consumers shaped as Lambda
 * delivers them, whatever DynamoDB Local's stream wrote. With a checkpoint file, a
 * pump started again resumes after the last batch it handled.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand, type AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureTable, startDynamoDbLocal, type DynamoDbLocal } from '#lib/local/dynamodb-local.js';
import { startStreamPump, type StreamPump } from '#lib/local/stream-pump.js';

const TABLE = 'pump-test';
let dynamo: DynamoDbLocal;
let pump: StreamPump | undefined;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal({ inMemory: true });
  await ensureTable(dynamo.client, TABLE);
});
afterAll(async () => {
  await pump?.stop();
  await dynamo?.stop();
});

const skOf = (event: DynamoDBStreamEvent) => event.Records.map((r) => r.dynamodb?.Keys?.sk?.S ?? '?');

it('resumes from the first reported failure, and retries a batch whose handler threw', async () => {
  const reported: string[][] = [];
  const thrown: string[][] = [];
  let failedOnce = false;
  let threwOnce = false;
  pump = await startStreamPump({
    endpoint: dynamo.endpoint,
    client: dynamo.client,
    tableName: TABLE,
    idleMs: 10,
    consumers: [
      {
        name: 'reports-failures',
        filter: (r) => (r.dynamodb?.Keys?.pk?.S ?? '').startsWith('R#'),
        handler: async (event): Promise<DynamoDBBatchResponse> => {
          reported.push(skOf(event));
          const second = event.Records.find((r) => r.dynamodb?.Keys?.sk?.S === '2');
          if (second && !failedOnce) {
            failedOnce = true;
            return { batchItemFailures: [{ itemIdentifier: second.dynamodb!.SequenceNumber! }] };
          }
          return { batchItemFailures: [] };
        },
      },
      {
        name: 'throws',
        filter: (r) => (r.dynamodb?.Keys?.pk?.S ?? '').startsWith('T#'),
        handler: async (event) => {
          thrown.push(skOf(event));
          if (!threwOnce) {
            threwOnce = true;
            throw new Error('deliberate');
          }
        },
      },
    ],
  });
  for (const sk of ['1', '2', '3']) await dynamo.client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'R#1' }, sk: { S: sk } } }));
  await dynamo.client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'T#1' }, sk: { S: 'a' } } }));

  const deadline = Date.now() + 15_000;
  const seen = () => new Set(reported.flat());
  while ((!['1', '2', '3'].every((sk) => seen().has(sk)) || !failedOnce || thrown.length < 2) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));

  // Whatever batches the stream gave, '2' came twice, '1' once: resumed from the failure, not from the start.
  const all = reported.flat();
  expect(all.filter((sk) => sk === '1')).toHaveLength(1);
  expect(all.filter((sk) => sk === '2')).toHaveLength(2);
  expect(all.filter((sk) => sk === '3').length).toBeGreaterThanOrEqual(1);
  const retry = reported.find((batch, i) => i > 0 && batch[0] === '2');
  expect(retry).toBeDefined();
  expect(thrown).toEqual([['a'], ['a']]);
});

it('hands over an empty map as Lambda does, at any depth, so unmarshall reads the item whole', async () => {
  await pump?.stop();
  const images: Record<string, AttributeValue>[] = [];
  pump = await startStreamPump({
    endpoint: dynamo.endpoint,
    client: dynamo.client,
    tableName: TABLE,
    idleMs: 10,
    consumers: [
      {
        name: 'reads-images',
        filter: (r) => (r.dynamodb?.Keys?.pk?.S ?? '') === 'E#1',
        handler: async (event) => void images.push(...event.Records.map((r) => r.dynamodb!.NewImage!)),
      },
    ],
  });
  const item = { pk: 'E#1', sk: 'x', facts: { fields: {}, list: [{}, { inner: {} }] }, empty: {} };
  await dynamo.client.send(new PutItemCommand({ TableName: TABLE, Item: marshall(item) }));
  const deadline = Date.now() + 15_000;
  while (images.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(images).toHaveLength(1);
  expect(unmarshall(images[0] as Record<string, SdkAttributeValue>)).toEqual(item);
});

it("gives the change's time as Lambda does, in epoch seconds, so a consumer's arithmetic on it gives the instant it happened", async () => {
  await pump?.stop();
  const times: unknown[] = [];
  pump = await startStreamPump({
    endpoint: dynamo.endpoint,
    client: dynamo.client,
    tableName: TABLE,
    idleMs: 10,
    consumers: [
      {
        name: 'reads-times',
        filter: (r) => (r.dynamodb?.Keys?.pk?.S ?? '') === 'D#1',
        handler: async (event) => void times.push(...event.Records.map((r) => r.dynamodb!.ApproximateCreationDateTime)),
      },
    ],
  });
  const before = Math.floor(Date.now() / 1000);
  await dynamo.client.send(new PutItemCommand({ TableName: TABLE, Item: marshall({ pk: 'D#1', sk: 'x' }) }));
  const deadline = Date.now() + 15_000;
  while (times.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const after = Math.ceil(Date.now() / 1000);
  expect(times).toHaveLength(1);
  expect(typeof times[0]).toBe('number');
  // The instant a consumer computes from it (the outbox's OfferClosed does) is the write's (DynamoDB Local rounds down to the minute).
  expect(times[0] as number).toBeGreaterThanOrEqual(before - 60);
  expect(times[0] as number).toBeLessThanOrEqual(after + 1);
  expect(new Date((times[0] as number) * 1000).toISOString()).toMatch(/^\d{4}-\d{2}-\d{2}T/);
});

it('with a checkpoint file, resumes after the last batch handled: what was written while stopped comes, nothing twice; a new file starts at the oldest record', async () => {
  await pump?.stop();
  pump = undefined;
  const dir = mkdtempSync(join(tmpdir(), 'caseway-pump-'));
  const checkpointFile = join(dir, 'stream-checkpoints.json');
  const seen: string[] = [];
  const start = (file: string, into: string[]) =>
    startStreamPump({
      endpoint: dynamo.endpoint,
      client: dynamo.client,
      tableName: TABLE,
      idleMs: 10,
      checkpointFile: file,
      consumers: [
        { name: 'records', filter: (r) => (r.dynamodb?.Keys?.pk?.S ?? '') === 'C#1', handler: async (event) => void into.push(...skOf(event)) },
      ],
    });
  const put = (sk: string) => dynamo.client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'C#1' }, sk: { S: sk } } }));
  const until = async (done: () => boolean) => {
    const deadline = Date.now() + 15_000;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };
  try {
    // Written before any pump ran: a stream never seen is read from its oldest record (TRIM_HORIZON), not its end.
    await put('before');
    let running = await start(checkpointFile, seen);
    await put('first');
    await until(() => seen.includes('first'));
    await running.stop();
    expect(JSON.parse(readFileSync(checkpointFile, 'utf8'))).toMatchObject({ streamArn: expect.stringContaining(TABLE), shards: expect.any(Object) });

    // Committed while no pump ran (as after a kill): the next pump on the same checkpoints delivers it, and only it.
    await put('while-stopped');
    running = await start(checkpointFile, seen);
    await put('after');
    await until(() => seen.includes('after'));
    await running.stop();
    expect(seen).toEqual(['before', 'first', 'while-stopped', 'after']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
