/**
 * `npm run bench`: what cases cost and how fast they run locally.
 *  1. DynamoDB capacity units per operation (ReturnConsumedCapacity, summed per
 *     request): the case slice, transitions, tasks, comments, and reading and
 *     verifying a 1,000-event history.
 *  2. Case creation through the local HTTP API at concurrency 16 for 2,000 cases,
 *     next to DynamoDB Local's raw PutItem rate and the raw transaction a create
 *     writes, at the same concurrency, in the same run: the ratios are the figures
 *     (absolute numbers depend on this machine).
 * The cases carry no SLA policy (the local platform's example policies are not loaded):
 * what an SLA clock adds to each request is `npm run bench:sla`'s figure.
 * `-- --smoke`: the same paths at tiny sizes (see smoke.ts).
 */
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startPlatform } from '#lib/local/platform.js';
import { sized } from './smoke.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? sized(16, 4));
const TOTAL = Number(process.env.BENCH_CASES ?? sized(2000, 16));
const HISTORY_EVENTS = sized(1000, 20);
const RUNS = sized(20, 2);
const LONG_RUNS = sized(3, 1);

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

async function main() {
  // Each request's own units: the bus's consumers (routing, acknowledgements, SLA timers) would add theirs to the same meter.
  // No SLA policies: a support case would otherwise get SlaStarted and SlaMet events and units, which
  // are bench:sla's subject, and the long history below would not be the events this bench wrote.
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, publishEvents: false, seedSla: false });
  const { onConsumedCapacity } = await import('#adapters/dynamodb/capacity-meter.js');
  try {
    const call = async (role: string, path: string, init: RequestInit = {}) => {
      const response = await fetch(`${platform.url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${platform.tokens[role as keyof typeof platform.tokens]}`,
          'content-type': 'application/json',
          ...(init.headers as Record<string, string>),
        },
      });
      if (response.status >= 300) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { caseId: string; version: number };
    };
    const body = (n: number) =>
      JSON.stringify({
        subject: `Bench case ${n}`,
        description: 'A realistic short description of a problem.',
        requester: { id: `bench-${n % 50}` },
      });

    // Warm up: first calls load handler modules and reserve case-number blocks.
    for (let i = 0; i < sized(20, 3); i++) await call('agent', '/cases', { method: 'POST', body: body(i) });

    // 1. Capacity units per operation.
    let units = 0;
    const stop = onConsumedCapacity((_command, u) => (units += u));
    const measure = async (op: string, fn: () => Promise<unknown>, runs = RUNS) => {
      units = 0;
      for (let i = 0; i < runs; i++) await fn();
      return { op, units: units / runs };
    };
    const sample = await call('agent', '/cases', { method: 'POST', body: body(1) });
    let version = sample.version as number;
    const capacity = [
      await measure('create', () => call('agent', '/cases', { method: 'POST', body: body(2) })),
      await measure('create (Idempotency-Key)', () =>
        call('agent', '/cases', { method: 'POST', body: body(3), headers: { 'idempotency-key': randomUUID() } }),
      ),
      await measure('get', () => call('agent', `/cases/${sample.caseId}`)),
      await measure('list by requester (25)', () => call('agent', '/cases?requester=bench-1&limit=25')),
      await measure('list by status (25, 8 shards)', () => call('agent', '/cases?status=new&limit=25')),
      await measure('update', async () => {
        const updated = await call('agent', `/cases/${sample.caseId}`, {
          method: 'PATCH',
          body: JSON.stringify({ subject: `Edit ${version}` }),
          headers: { 'if-match': `"${version}"` },
        });
        version = updated.version;
      }),
      await measure('list open work (25, 8 shards)', () => call('agent', '/cases?limit=25')),
      await measure('comment', () => call('agent', `/cases/${sample.caseId}/comments`, { method: 'POST', body: JSON.stringify({ body: 'A note' }) })),
      await measure('history (page of 25)', () => call('agent', `/cases/${sample.caseId}/history?limit=25`)),
    ];

    // Workflow, tasks and the audit trail (issue 3).
    const moving = await call('agent', '/cases', { method: 'POST', body: body(4) });
    await call('agent', `/cases/${moving.caseId}/transitions`, { method: 'POST', body: JSON.stringify({ to: 'in_review' }) });
    let blocked = false;
    const task = (await call('agent', `/cases/${moving.caseId}/tasks`, {
      method: 'POST',
      body: JSON.stringify({ title: 'Call the vendor' }),
    })) as unknown as { taskId: string };
    let taskOpen = true;
    capacity.push(
      await measure('transition (in review <-> blocked)', async () => {
        await call('agent', `/cases/${moving.caseId}/transitions`, {
          method: 'POST',
          body: JSON.stringify(blocked ? { to: 'in_review' } : { to: 'blocked', reason: 'Vendor' }),
        });
        blocked = !blocked;
      }),
      await measure('transition options (GET)', () => call('agent', `/cases/${moving.caseId}/transitions`)),
      await measure('task add', () =>
        call('agent', `/cases/${moving.caseId}/tasks`, { method: 'POST', body: JSON.stringify({ title: 'Check logs', assignee: 'demo-agent' }) }),
      ),
      await measure('task update', async () => {
        await call('agent', `/cases/${moving.caseId}/tasks/${task.taskId}`, {
          method: 'PATCH',
          body: JSON.stringify({ status: taskOpen ? 'in_progress' : 'open' }),
        });
        taskOpen = !taskOpen;
      }),
    );

    // A long history: 1,000 events (the create and 999 comments), read in full and verified.
    const long = await call('agent', '/cases', { method: 'POST', body: body(5) });
    for (let n = 2; n <= HISTORY_EVENTS; n++)
      await call('agent', `/cases/${long.caseId}/comments`, { method: 'POST', body: JSON.stringify({ body: `Note ${n}` }) });
    // Exactly the events written above, in order: one CaseCreated then the comments, seq 1..N with no gap.
    const readAll = async () => {
      let cursor: string | undefined;
      const events: { seq: number; action: string }[] = [];
      do {
        const page = (await call('agent', `/cases/${long.caseId}/history?limit=100${cursor ? `&cursor=${cursor}` : ''}`)) as unknown as {
          items: { seq: number; action: string }[];
          nextCursor?: string;
        };
        events.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      const unexpected = events.filter((e, i) => e.seq !== i + 1 || e.action !== (i === 0 ? 'CaseCreated' : 'CommentAdded'));
      if (events.length !== HISTORY_EVENTS || unexpected.length > 0)
        throw new Error(
          `read ${events.length} events, expected ${HISTORY_EVENTS} (CaseCreated, then CommentAdded); unexpected: ${JSON.stringify(unexpected.slice(0, 5).map((e) => ({ seq: e.seq, action: e.action })))}`,
        );
    };
    const verify = async () => {
      const report = (await call('agent', `/cases/${long.caseId}/history/verify`)) as unknown as Record<string, unknown>;
      if (report.valid !== true || report.events !== HISTORY_EVENTS) throw new Error(`verify: ${JSON.stringify(report)}`);
    };
    capacity.push(
      await measure(`history: all ${HISTORY_EVENTS} events (pages of 100)`, readAll, LONG_RUNS),
      await measure(`history: verify ${HISTORY_EVENTS} events`, verify, LONG_RUNS),
    );
    stop();

    // 3. Throughput: the HTTP API vs raw PutItem, same concurrency, same run.
    const client = platform.dynamodb.client;
    const raw = await runAtConcurrency(TOTAL, CONCURRENCY, async (i) => {
      await client.send(
        new PutCommand({
          TableName: platform.tableName,
          Item: { pk: `BENCH#${i}`, sk: 'RAW', subject: `Bench case ${i}`, description: 'A realistic short description of a problem.' },
        }),
      );
    });
    // The storage work a create does, without the platform around it: the very items the repository writes
    // (case with its index entries, chain head, first audit event), built by its own item builders, in one transaction.
    const { caseItem, headItem, auditItem } = await import('#adapters/dynamodb/transactions.js');
    const { openCase } = await import('#core/case-lifecycle.js');
    const { caseTypes } = await import('#adapters/dynamodb/config-kinds.js');
    const support = (await caseTypes.current('support'))!;
    const putNew = (Item: Record<string, unknown>) => ({
      Put: { TableName: platform.tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' },
    });
    const transact = await runAtConcurrency(TOTAL, CONCURRENCY, async (i) => {
      const ctx = {
        caller: { sub: 'demo-agent', roles: ['agent' as const] },
        now: new Date().toISOString(),
        channel: 'web' as const,
        correlationId: randomUUID(),
      };
      const { case: c, audit } = openCase(`BENCH-2026-${String(i).padStart(6, '0')}`, { ...JSON.parse(body(i)), type: 'support' }, support, ctx);
      await client.send(
        new TransactWriteCommand({
          TransactItems: [putNew(caseItem(c)), putNew(headItem(c.caseId, { seq: 1, hash: audit.hash })), putNew(auditItem(audit))],
        }),
      );
    });
    const api = await runAtConcurrency(TOTAL, CONCURRENCY, async (i) => {
      await call('agent', '/cases', { method: 'POST', body: body(i) });
    });

    console.log('\nCaseway bench (local platform, DynamoDB Local)\n');
    console.log(`Capacity units per operation (ReturnConsumedCapacity, mean of ${RUNS} requests; ${LONG_RUNS} for the long history):`);
    console.table(capacity.map((c) => ({ operation: c.op, 'capacity units': Number(c.units.toFixed(2)) })));
    console.log(`Throughput at concurrency ${CONCURRENCY}, ${TOTAL} requests each:`);
    console.table([
      { path: 'raw PutItem (DynamoDB Local)', 'ops/s': Math.round(raw.perSecond), 'p50 ms': raw.p50.toFixed(1), 'p99 ms': raw.p99.toFixed(1) },
      {
        path: 'raw TransactWriteItems of a create (3 items, 3-4 index entries)',
        'ops/s': Math.round(transact.perSecond),
        'p50 ms': transact.p50.toFixed(1),
        'p99 ms': transact.p99.toFixed(1),
      },
      { path: 'POST /cases (local HTTP API)', 'ops/s': Math.round(api.perSecond), 'p50 ms': api.p50.toFixed(1), 'p99 ms': api.p99.toFixed(1) },
    ]);
    console.log(
      `Ratio: POST /cases runs at ${((api.perSecond / raw.perSecond) * 100).toFixed(1)}% of the raw PutItem rate (${(raw.perSecond / api.perSecond).toFixed(2)}x slower),`,
    );
    console.log(
      `       and at ${((api.perSecond / transact.perSecond) * 100).toFixed(1)}% of the raw transaction a create performs (the rest is HTTP, JWT verification, validation, the type lookup and the handler).`,
    );
  } finally {
    await platform.stop();
  }
}

await main();
