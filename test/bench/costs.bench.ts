/**
 * `npm run bench:costs`: what cases cost in AWS, per service, from the requests the real
 * platform makes for them, not from a model of those requests.
 *
 * The whole local platform (the same handlers, ASL and event rules as AWS) takes each case
 * through a life over the HTTP API: a requester opens it (SLA policy and routing rules
 * seeded); an agent lists the inbox, reads it, looks at the knowledge suggestions, starts
 * the review (which makes them the owner), answers publicly; the requester replies; the
 * agent sets the resolution code (PATCH with If-Match) and resolves it; the requester
 * closes it. Everything that follows in the background (outbox, bus consumers, routing,
 * SLA clocks, notifications, the live feed) runs as it would, and is counted once it has
 * settled:
 *
 * - DynamoDB: the engine's own capacity figure for every data-plane call any function
 *   makes (ReturnConsumedCapacity INDEXES: the table and each index entry, transactions
 *   doubled, as on-demand bills them). The stream's reads by Lambda triggers are free.
 * - Lambda: every handler invocation (lib/local/function-loader.ts observeInvocations)
 *   and its duration at its declared memory (functions/topology/functions.ts, default
 *   512 MB, arm64). Local durations are a proxy: handlers share one process and its
 *   event loop, and DynamoDB Local is not DynamoDB.
 * - Step Functions: state transitions of the SLA clock executions (Standard: billed per
 *   transition, lib/constructs/sla-timers.ts).
 * - EventBridge: PutEvents entries onto Caseway's bus, in 64 KB chunks; deliveries to
 *   Lambda targets cost nothing more.
 * - API Gateway: the HTTP API requests sent. SES: emails recorded as sent.
 *
 * Prices: test/bench/aws-prices.ts. Arithmetic: test/bench/cost-model.ts.
 *
 *   --cases N        cases taken through their life (default 1,000; --smoke: 6)
 *   --concurrency N  cases in flight at once (default 4)
 */
import { parseArgs } from 'node:util';
import { putEventsEntryBytes } from '#core/event-size.js';
import { functionRegistry, type FunctionDeclaration } from '#topology/functions.js';
import { startPlatform } from '#lib/local/platform.js';
import { environmentView, observeInvocations } from '#lib/local/function-loader.js';
import { transitionsOf } from '#lib/local/step-functions.js';
import { AWS_PRICES } from './aws-prices.js';
import { costLines, eventBridgeEvents, gbSeconds, openSearchFloorPerMonth, readUnits, writeUnits, type Measured } from './cost-model.js';
import { sized } from './smoke.js';

const { values } = parseArgs({
  options: { cases: { type: 'string' }, concurrency: { type: 'string', default: '4' }, smoke: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const CASES = Number(values.cases ?? sized(1000, 6));
const CONCURRENCY = Math.max(1, Math.min(CASES, Number(values.concurrency)));
/** lib/constructs/caseway-function.ts: a function without `memoryMb` gets 512 MB. */
const DEFAULT_MEMORY_MB = 512;
/** The knowledge collection's floor with standby replicas (docs/deploy.md#knowledge-search-floor). */
const SEARCH_FLOOR_OCUS = 2;

/** A function's declaration; undefined for one a test declares itself. */
const declarationOf = (name: string): FunctionDeclaration | undefined => (functionRegistry as Record<string, FunctionDeclaration>)[name];

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

interface Capacity {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}
type Item = Record<string, unknown>;

/** Items an input puts, wherever it puts them (to find the notification records: one per email sent). */
function putItems(input: {
  Item?: Item;
  TransactItems?: { Put?: { Item: Item } }[];
  RequestItems?: Record<string, { PutRequest?: { Item: Item } }[]>;
}) {
  return [
    ...(input.Item ? [input.Item] : []),
    ...(input.TransactItems ?? []).flatMap((t) => (t.Put ? [t.Put.Item] : [])),
    ...Object.values(input.RequestItems ?? {}).flatMap((requests) => requests.flatMap((r) => (r.PutRequest ? [r.PutRequest.Item] : []))),
  ];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const usd = (n: number) => `$${n < 0.01 ? n.toFixed(5) : n.toFixed(4)}`;

async function main() {
  // Nothing here publishes metrics; Powertools would say so once per invocation.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  console.log(`Costs of ${CASES} cases through their life (${CONCURRENCY} at a time), measured on the local platform`);
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, seedRouting: true });
  const { dynamo } = await import('#adapters/dynamodb/client.js');

  let recording = false;
  /** Per function: its invocations, their durations, and the capacity its DynamoDB calls consumed. */
  const functions = new Map<string, { count: number; ms: number[]; gbSeconds: number; readUnits: number; writeUnits: number }>();
  const statsOf = (name: string) => {
    let entry = functions.get(name);
    if (!entry) functions.set(name, (entry = { count: 0, ms: [], gbSeconds: 0, readUnits: 0, writeUnits: 0 }));
    return entry;
  };
  // Inside a function's invocation `process.env` is that function's own view (function-loader.ts): it says whose call it is.
  const ownerOfEnv = new Map<object, string>(
    Object.entries(functionRegistry).map(([name, declaration]) => [environmentView(name, declaration.uses), name] as const),
  );
  const calls = new Map<string, number>();
  const dynamodb = {
    reads: 0,
    writes: 0,
    readUnits: 0,
    writeUnits: 0,
    tableWriteUnits: 0,
    indexWriteUnits: 0,
    uncounted: 0,
    flooredReads: 0,
    refusedWrites: 0,
  };
  let emails = 0;
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const metered = recording && (READS.has(command) || WRITES.has(command));
      // Overrides the client's own TOTAL (functions/adapters/dynamodb/client.ts): the same total, split by table and index.
      if (metered) (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
      if (!metered) return next(args);
      let result: Awaited<ReturnType<typeof next>>;
      try {
        result = await next(args);
      } catch (error) {
        // A write refused by its condition (or a cancelled transaction) is still billed; DynamoDB Local
        // returns no figure with the error, so it counts as the least such a write costs.
        if (WRITES.has(command)) {
          const items = (args.input as { TransactItems?: unknown[] }).TransactItems?.length;
          const least = items === undefined ? writeUnits(0) : items * writeUnits(0, { transactional: true });
          dynamodb.refusedWrites += 1;
          dynamodb.writes += 1;
          dynamodb.writeUnits += least;
          dynamodb.tableWriteUnits += least;
          statsOf(ownerOfEnv.get(process.env) ?? '(the platform)').writeUnits += least;
        }
        throw error;
      }
      calls.set(command, (calls.get(command) ?? 0) + 1);
      const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
      const all = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
      if (all.length === 0) dynamodb.uncounted += 1;
      let units = all.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      if (READS.has(command)) {
        // DynamoDB Local says 0 for a read that found nothing; DynamoDB bills every read at least its minimum.
        const least = readUnits(
          0,
          command === 'TransactGetItemsCommand'
            ? 'transactional'
            : (args.input as { ConsistentRead?: boolean }).ConsistentRead
              ? 'strong'
              : 'eventual',
        );
        if (units < least) {
          dynamodb.flooredReads += 1;
          units = least;
        }
      }
      const caller = statsOf(ownerOfEnv.get(process.env) ?? '(the platform)');
      if (READS.has(command)) {
        dynamodb.reads += 1;
        dynamodb.readUnits += units;
        caller.readUnits += units;
      } else {
        dynamodb.writes += 1;
        dynamodb.writeUnits += units;
        caller.writeUnits += units;
        dynamodb.tableWriteUnits += all.reduce((sum, c) => sum + (c.Table?.CapacityUnits ?? 0), 0);
        dynamodb.indexWriteUnits += all.reduce(
          (sum, c) => sum + Object.values(c.GlobalSecondaryIndexes ?? {}).reduce((s, i) => s + (i.CapacityUnits ?? 0), 0),
          0,
        );
        // A notification record is written once per email handed to the transport (SES in AWS).
        emails += putItems(args.input as Parameters<typeof putItems>[0]).filter((item) => typeof item.providerMessageId === 'string').length;
      }
      return result;
    },
    { step: 'initialize', name: 'benchCosts' },
  );

  let invocationCount = 0;
  observeInvocations((name, ms) => {
    if (!recording) return;
    invocationCount += 1;
    const memoryMb = declarationOf(name)?.memoryMb ?? DEFAULT_MEMORY_MB;
    const entry = statsOf(name);
    entry.count += 1;
    entry.ms.push(ms);
    entry.gbSeconds += gbSeconds(ms, memoryMb);
  });

  const bus = { entries: 0, events: 0, bytes: 0 };
  const putEvents = platform.events.putEvents.bind(platform.events);
  platform.events.putEvents = (entries) => {
    if (recording)
      for (const entry of entries) {
        const bytes = putEventsEntryBytes(entry);
        bus.entries += 1;
        bus.bytes += bytes;
        bus.events += eventBridgeEvents(bytes);
      }
    return putEvents(entries);
  };

  let apiRequests = 0;
  const call = async (who: keyof typeof platform.tokens, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    apiRequests += 1;
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${platform.tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${who} ${method} ${path}: ${response.status} ${text}`);
    return { body: (text ? JSON.parse(text) : {}) as Body, etag: response.headers.get('etag') ?? '' };
  };

  /** One case from intake to closed, as its requester and an agent would take it. */
  const life = async (i: number) => {
    const created = await call('requester', 'POST', '/cases', {
      subject: `Cannot sign in to the portal (${i})`,
      description: 'Since this morning the portal says my password is wrong, though it worked yesterday.',
    });
    const id = String(created.body.caseId);
    const path = `/cases/${encodeURIComponent(id)}`;
    // People take minutes between these steps, the arming consumer milliseconds: let it arm the case's clocks
    // first, or a clock met before it was armed would never start an execution, which in AWS it would.
    for (const giveUp = performance.now() + 10_000; !platform.slaTimers.executions().some((e) => e.name.startsWith(`${id}-`));) {
      if (performance.now() > giveUp) throw new Error(`No SLA clock of ${id} was armed within 10 s`);
      await sleep(10);
    }
    await call('agent', 'GET', '/cases?limit=25');
    await call('agent', 'GET', path);
    await call('agent', 'GET', `${path}/suggestions`);
    await call('agent', 'POST', `${path}/transitions`, { to: 'in_review', transition: 'start_review' });
    await call('agent', 'POST', `${path}/comments`, { body: 'Please try resetting your password from the sign-in page.' });
    await call('requester', 'POST', `${path}/comments`, { body: 'That worked, thank you.' });
    const current = await call('agent', 'GET', path);
    await call('agent', 'PATCH', path, { fields: { resolutionCode: 'answered' }, reason: 'Password reset' }, { 'if-match': current.etag });
    await call('agent', 'POST', `${path}/transitions`, { to: 'resolved', transition: 'resolve', reason: 'Reset fixed it' });
    await call('requester', 'POST', `${path}/transitions`, { to: 'closed', transition: 'close' });
  };

  /** Until everything the cases set off has run: the bus, the clocks, and the stream (polled) quiet for a while. */
  const settle = async () => {
    for (let seen = -1; seen !== invocationCount;) {
      seen = invocationCount;
      await platform.events.idle();
      await platform.slaTimers.settled();
      await sleep(1500);
    }
  };

  try {
    await settle();
    recording = true;
    const started = performance.now();
    let next = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CASES) {
          await life(next++);
          done += 1;
          if (done % Math.max(1, Math.round(CASES / 10)) === 0)
            console.log(`  ${done} cases closed, ${((performance.now() - started) / 1000).toFixed(0)} s`);
        }
      }),
    );
    await settle();
    recording = false;
    const seconds = (performance.now() - started) / 1000;
    const dead = platform.events.deadLetters().length;
    if (dead > 0) throw new Error(`${dead} events were dead-lettered: the run is not a clean one`);
    if (dynamodb.uncounted > 0) throw new Error(`${dynamodb.uncounted} DynamoDB calls reported no consumed capacity`);

    const executions = platform.slaTimers.executions();
    const transitions = executions.reduce((sum, e) => sum + transitionsOf(e), 0);
    const lambda = [...functions.values()].reduce((sum, f) => ({ invocations: sum.invocations + f.count, gbSeconds: sum.gbSeconds + f.gbSeconds }), {
      invocations: 0,
      gbSeconds: 0,
    });
    const measured: Measured = {
      cases: CASES,
      lambda,
      dynamodb: { readUnits: dynamodb.readUnits, writeUnits: dynamodb.writeUnits },
      stepFunctions: { transitions },
      eventBridge: { events: bus.events },
      apiGateway: { requests: apiRequests },
      ses: { emails },
    };
    const per = (n: number, digits = 2) => (n / CASES).toFixed(digits);

    console.log(`\n${CASES} cases in ${seconds.toFixed(1)} s. Measured request counts per case:`);
    console.log(
      `- DynamoDB: ${per(dynamodb.writes)} writes (${per(dynamodb.writeUnits)} WRU: ${per(dynamodb.tableWriteUnits)} table, ${per(dynamodb.indexWriteUnits)} index entries; ` +
        `${per(dynamodb.refusedWrites)} refused by their condition, billed at the minimum), ` +
        `${per(dynamodb.reads)} reads (${per(dynamodb.readUnits)} RRU; ${per(dynamodb.flooredReads)} of them found nothing, billed at the minimum)`,
    );
    console.log(
      `  calls per case: ${[...calls.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([command, n]) => `${command.replace(/Command$/, '')} ${per(n)}`)
        .join(', ')}`,
    );
    console.log(`- Lambda: ${per(lambda.invocations)} invocations, ${per(lambda.gbSeconds, 4)} GB-s (local durations: a proxy)`);
    console.log('  | function | trigger | invocations per case | mean ms | median ms | GB-s per case | RRU per case | WRU per case |');
    console.log('  |---|---|---:|---:|---:|---:|---:|---:|');
    for (const [name, f] of [...functions.entries()].sort((a, b) => b[1].count - a[1].count || b[1].writeUnits - a[1].writeUnits)) {
      const sorted = [...f.ms].sort((a, b) => a - b);
      const mean = sorted.length ? (sorted.reduce((a, b) => a + b, 0) / sorted.length).toFixed(1) : '-';
      const median = sorted.length ? sorted[Math.floor(sorted.length / 2)]!.toFixed(1) : '-';
      console.log(
        `  | ${name} | ${declarationOf(name)?.trigger.kind ?? '-'} | ${per(f.count)} | ${mean} | ${median} | ${per(f.gbSeconds, 4)} | ${per(f.readUnits)} | ${per(f.writeUnits)} |`,
      );
    }
    console.log(
      `- Step Functions: ${per(executions.length)} SLA clock executions, ${per(transitions)} state transitions ` +
        `(${executions.filter((e) => e.status === 'RUNNING').length} executions still running at the end)`,
    );
    console.log(
      `- EventBridge: ${per(bus.entries)} PutEvents entries (${per(bus.events)} billed events, mean ${(bus.bytes / Math.max(1, bus.entries)).toFixed(0)} bytes)`,
    );
    console.log(`- API Gateway: ${per(apiRequests)} HTTP API requests; SES: ${per(emails)} emails`);
    const search = functions.get('knowledge-search')?.count ?? 0;
    const indexing = functions.get('knowledge-indexer')?.count ?? 0;
    console.log(`- OpenSearch Serverless: ${per(search)} search requests, ${per(indexing)} indexing batches (billed as OCU-hours, not per request)`);

    console.log(`\nCost per 1,000 cases through their life (us-east-1 list prices of ${AWS_PRICES.asOf}, test/bench/aws-prices.ts):`);
    console.log('| service | per case | per 1,000 cases (USD) |');
    console.log('|---|---|---:|');
    const lines = costLines(measured, AWS_PRICES);
    for (const line of lines) console.log(`| ${line.service} | ${line.perCase} | ${usd(line.per1000Cases)} |`);
    const total = lines.at(-1)!.per1000Cases;
    console.log(
      `| OpenSearch Serverless | floor, whatever the volume | ${usd(openSearchFloorPerMonth(SEARCH_FLOOR_OCUS, AWS_PRICES))} a month (${SEARCH_FLOOR_OCUS} OCUs) |`,
    );
    console.log(
      `| KMS (table key) | DynamoDB caches the table's data key, so requests do not grow with cases | ${usd(AWS_PRICES.kms.perKeyMonth)} a month per key |`,
    );
    console.log(`Total for 1,000 cases: ${usd(total)} (${usd(total / 1000)} a case), plus the monthly floors above`);
  } finally {
    await platform.stop();
  }
}

await main();
