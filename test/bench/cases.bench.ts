/**
 * `npm run bench`: what the case slice costs and how fast it runs locally.
 *  1. DynamoDB capacity units per operation (ReturnConsumedCapacity, summed per request).
 *  2. Bundled size of each Lambda, built with the same esbuild settings as CDK.
 *  3. Case creation through the local HTTP API at concurrency 16 for 2,000 cases,
 *     next to DynamoDB Local's raw PutItem rate at the same concurrency, in the same
 *     run: the ratio is the figure (absolute numbers depend on this machine).
 */
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ESM_REQUIRE_BANNER } from '../../lib/constructs/caseway-function.js';
import { functions } from '../../lib/topology/routes.js';
import { startPlatform } from '../../lib/local/platform.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const TOTAL = Number(process.env.BENCH_CASES ?? 2000);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function runAtConcurrency(total: number, concurrency: number, once: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await once(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function bundleSizes() {
  const rows: { fn: string; bytes: number }[] = [];
  for (const [fn, spec] of Object.entries(functions)) {
    const out = await build({
      entryPoints: [spec.entry],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      banner: { js: ESM_REQUIRE_BANNER },
    });
    rows.push({ fn, bytes: out.outputFiles.reduce((sum, f) => sum + f.contents.byteLength, 0) });
  }
  return rows;
}

async function main() {
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true });
  const { onConsumedCapacity } = await import('../../functions/adapters/dynamodb/capacity-meter.js');
  try {
    const call = async (role: string, path: string, init: RequestInit = {}) => {
      const response = await fetch(`${platform.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${platform.tokens[role as keyof typeof platform.tokens]}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
      });
      if (response.status >= 300) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { caseId: string; version: number };
    };
    const body = (n: number) => JSON.stringify({ subject: `Bench case ${n}`, description: 'A realistic short description of a problem.', requester: { id: `bench-${n % 50}` } });

    // Warm up: first calls load handler modules and reserve case-number blocks.
    for (let i = 0; i < 20; i++) await call('agent', '/cases', { method: 'POST', body: body(i) });

    // 1. Capacity units per operation.
    let units = 0;
    const stop = onConsumedCapacity((_command, u) => (units += u));
    const measure = async (op: string, fn: () => Promise<unknown>, runs = 20) => {
      units = 0;
      for (let i = 0; i < runs; i++) await fn();
      return { op, units: units / runs };
    };
    const sample = await call('agent', '/cases', { method: 'POST', body: body(1) });
    let version = sample.version as number;
    const capacity = [
      await measure('create', () => call('agent', '/cases', { method: 'POST', body: body(2) })),
      await measure('create (Idempotency-Key)', () => call('agent', '/cases', { method: 'POST', body: body(3), headers: { 'idempotency-key': randomUUID() } })),
      await measure('get', () => call('agent', `/cases/${sample.caseId}`)),
      await measure('list by requester (25)', () => call('agent', '/cases?requester=bench-1&limit=25')),
      await measure('list by status (25, 8 shards)', () => call('agent', '/cases?status=new&limit=25')),
      await measure('update', async () => {
        const updated = await call('agent', `/cases/${sample.caseId}`, { method: 'PATCH', body: JSON.stringify({ subject: `Edit ${version}` }), headers: { 'if-match': `"${version}"` } });
        version = updated.version;
      }),
      await measure('comment', () => call('agent', `/cases/${sample.caseId}/comments`, { method: 'POST', body: JSON.stringify({ body: 'A note' }) })),
      await measure('history (page of 25)', () => call('agent', `/cases/${sample.caseId}/history?limit=25`)),
    ];
    stop();

    // 3. Throughput: the HTTP API vs raw PutItem, same concurrency, same run.
    const client = platform.dynamodb.client;
    const raw = await runAtConcurrency(TOTAL, CONCURRENCY, async (i) => {
      await client.send(new PutCommand({ TableName: platform.tableName, Item: { pk: `BENCH#${i}`, sk: 'RAW', subject: `Bench case ${i}`, description: 'A realistic short description of a problem.' } }));
    });
    // The same storage work a create does (case + audit event in one transaction), without the platform around it.
    const transact = await runAtConcurrency(TOTAL, CONCURRENCY, async (i) => {
      const item = (sk: string) => ({ Put: { TableName: platform.tableName, Item: { pk: `BENCHTX#${i}`, sk, subject: `Bench case ${i}`, description: 'A realistic short description of a problem.' }, ConditionExpression: 'attribute_not_exists(pk)' } });
      await client.send(new TransactWriteCommand({ TransactItems: [item('#CASE'), item('AUDIT#0000000001')] }));
    });
    const api = await runAtConcurrency(TOTAL, CONCURRENCY, async (i) => {
      await call('agent', '/cases', { method: 'POST', body: body(i) });
    });

    const sizes = await bundleSizes();

    console.log('\nCaseway bench (local platform, DynamoDB Local)\n');
    console.log('Capacity units per operation (ReturnConsumedCapacity, mean of 20):');
    console.table(capacity.map((c) => ({ operation: c.op, 'capacity units': Number(c.units.toFixed(2)) })));
    console.log('Bundled size of each Lambda (esbuild, minified ESM, AWS SDK included):');
    console.table(sizes.map((s) => ({ function: s.fn, 'KiB': Number((s.bytes / 1024).toFixed(1)) })));
    console.log(`Throughput at concurrency ${CONCURRENCY}, ${TOTAL} requests each:`);
    console.table([
      { path: 'raw PutItem (DynamoDB Local)', 'ops/s': Math.round(raw.perSecond), 'p50 ms': raw.p50.toFixed(1), 'p99 ms': raw.p99.toFixed(1) },
      { path: 'raw TransactWriteItems, 2 items', 'ops/s': Math.round(transact.perSecond), 'p50 ms': transact.p50.toFixed(1), 'p99 ms': transact.p99.toFixed(1) },
      { path: 'POST /cases (local HTTP API)', 'ops/s': Math.round(api.perSecond), 'p50 ms': api.p50.toFixed(1), 'p99 ms': api.p99.toFixed(1) },
    ]);
    console.log(`Ratio: POST /cases runs at ${((api.perSecond / raw.perSecond) * 100).toFixed(1)}% of the raw PutItem rate (${(raw.perSecond / api.perSecond).toFixed(2)}x slower),`);
    console.log(`       and at ${((api.perSecond / transact.perSecond) * 100).toFixed(1)}% of the raw 2-item transaction a create performs (the rest is HTTP, JWT verification, validation and the handler).`);
  } finally {
    await platform.stop();
  }
}

await main();
