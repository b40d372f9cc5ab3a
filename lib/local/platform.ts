/**
 * The whole local platform in one call: DynamoDB Local with Caseway's table, the
 * environment the handlers read at cold start, the dev token issuer, and the gateway.
 * `npm start` (bin/local.ts) and the integration and end-to-end tests
 * (test/support/platform.ts) both start it through here.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_ROLES_CLAIM } from '#core/caller.js';
import { SHARED_FUNCTION_ENVIRONMENT, settingsFor, type ResourceValues } from '#topology/function-environment.js';
import { cursorKeyFor } from './cursor-key-file.js';
import { createDevIssuer, DEMO_USER_KEYS, DEMO_USERS, DEV_TEAM_GROUPS, type DemoUserKey, type DevIssuer } from './dev-issuer.js';
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { exampleCaseTypes } from '../seed/case-types/index.js';
import { seedSla } from './seed-sla.js';
import { seedRouting } from './seed-routing.js';
import { LocalFileStore } from '#adapters/local-files.js';
import { loadFunction } from './function-loader.js';
import { startRoutingSweep, type RoutingSweep } from './routing-sweep.js';
import { startStreamPump, type StreamConsumer, type StreamPump } from './stream-pump.js';
import {
  busRoutes,
  EVENTBRIDGE_RETRY_POLICY,
  PUT_EVENTS_PATH,
  QUICK_RETRY_POLICY,
  type LocalEventBus,
  type LocalRule,
  type RetryPolicy,
} from './event-bus.js';
import { createLocalBus, LOCAL_BUS_NAME, outboxConsumer } from './local-events.js';
import { AdjustableClock, clock as currentClock, systemClock, useClock, type Clock } from '#adapters/clock.js';
import { useTimerStarter } from '#adapters/timers.js';
import { clockRoute } from './clock-route.js';
import { rearmFromTable, startLocalSlaTimers } from './sla-timers.js';
import type { LocalStateMachine } from './step-functions.js';
import { createConsoleHost } from './console-host.js';
import { createLiveServer, localLiveUrl, type LiveServer } from './live-server.js';
import {
  INTEGRATION_TIMEOUT_MS,
  consoleLog,
  moduleHandlerResolver,
  startGateway,
  type Gateway,
  type GatewayLog,
  type HandlerResolver,
} from './gateway.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built web console (`npm run build:web`; git-ignored). */
export const WEB_DIST_DIR = join(REPO_ROOT, 'web', 'dist');
/** Git-ignored (`.caseway/` in .gitignore). */
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.caseway', 'data');

export interface PlatformOptions {
  /** Gateway port (default 3000); 0 picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** Where DynamoDB Local's file, the dev issuer's key and the cursor key live (default `.caseway/data`). */
  readonly dataDir?: string;
  /** Keep nothing on disk: tables in memory, a fresh signing key and cursor key per start. */
  readonly inMemory?: boolean;
  /** DynamoDB Local's port (default 0: a free one). */
  readonly dynamoPort?: number;
  readonly tableName?: string;
  /** No request log lines (handler failures are still reported). */
  readonly quiet?: boolean;
  /** Replaces the request and error log. */
  readonly log?: GatewayLog;
  /** POWERTOOLS_LOG_LEVEL for the handlers, unless the environment already sets it (default WARN). */
  readonly logLevel?: string;
  /** Lifetime of the demo users' tokens (default '12h'). */
  readonly tokenLifetime?: string;
  /** Test seam: use other handler modules than the route table's. */
  readonly resolveHandler?: HandlerResolver;
  /**
   * How long a handler may take before the gateway answers 504, as API Gateway's 30 s (default).
   * Tests that put a thousand requests on this one process at once may allow more: in AWS each
   * would have a Lambda of its own.
   */
  readonly integrationTimeoutMs?: number;
  /** Load the example case types into a table that has none (default true). */
  readonly seedCaseTypes?: boolean;
  /** Load the example SLA calendar and policies into a table that has none (default: as seedCaseTypes). */
  readonly seedSla?: boolean;
  /**
   * Load the example routing agents (the fraud team's in team `fraud`) into a table
   * that has none (default false: tests define the agents they count; `npm start` asks for them).
   */
  readonly seedRouting?: boolean;
  /**
   * Feed the table's stream to the knowledge indexer, as the event-source mapping
   * does in AWS (default: true unless `resolveHandler` replaces the handlers).
   */
  readonly indexKnowledge?: boolean;
  /**
   * Keep the knowledge index as one object in this directory, read and replaced conditionally as
   * `-c searchEngine=embedded` keeps it in S3 (functions/adapters/stored-search.ts), instead of in
   * the process (default).
   */
  readonly searchIndexDir?: string;
  /**
   * Publish the table's audit items onto the local EventBridge stand-in through the
   * outbox publisher, as in AWS (default: true unless `resolveHandler` replaces the handlers).
   */
  readonly publishEvents?: boolean;
  /** Rules added to the local bus beside Caseway's own (tests: their own targets). */
  readonly eventRules?: readonly LocalRule[];
  /**
   * The local bus's retry policy. Default: EventBridge's (`EVENTBRIDGE_RETRY_POLICY`) with a data directory,
   * `QUICK_RETRY_POLICY` in memory (tests: a broken consumer dead-letters within a second). `npm start` always uses EventBridge's.
   */
  readonly eventRetry?: Partial<RetryPolicy>;
  /**
   * Business time stands still between moves of the clock (tests that assert exact
   * instants); by default it runs with the system clock plus whatever it was moved by.
   */
  readonly frozenClock?: boolean;
  /** Run the routing sweep this often, as the schedule does in AWS (default: every minute; 0: never, as in tests, which sweep themselves). */
  readonly routingSweepMs?: number;
}

export interface Platform {
  readonly url: string;
  /** The console's live feed (`ws://…/live`): `liveUrl` of its `/config.json`. */
  readonly liveUrl: string;
  /** The live feed's server: `interrupt()` stages an outage for tests of reconnect and resume. */
  readonly live: Pick<LiveServer, 'interrupt'>;
  readonly port: number;
  readonly issuer: DevIssuer;
  /** A ready bearer token per demo user (one per role, plus a second requester). */
  readonly tokens: Record<DemoUserKey, string>;
  readonly dynamodb: {
    readonly endpoint: string;
    /** Document client (plain JS values) for the lib-dynamodb commands tests use to look behind the API. */
    readonly client: DynamoDBDocumentClient;
    /** The low-level client, for control-plane calls such as DescribeTable. */
    readonly baseClient: DynamoDBClient;
    /** On DynamoDB Local's java command line: `pgrep -f <marker>` finds its processes. */
    readonly marker: string;
  };
  readonly tableName: string;
  /** Undefined when in memory. */
  readonly dataDir: string | undefined;
  /** Where attachments are kept (a temporary directory, removed on stop, when in memory). */
  readonly filesDir: string;
  /** The EventBridge stand-in: its dead letters, `idle()` for tests, `addRule`. */
  readonly events: LocalEventBus;
  /**
   * Caseway's clock in this process: moves forward on demand (`POST /_local/clock`),
   * so timers fire without waiting. Undefined when the process installed a clock of
   * its own (`useClock`) before starting the platform: that one rules, timers included.
   */
  readonly clock: AdjustableClock | undefined;
  /** The SLA clock state machine's local executions (the same ASL as AWS). */
  readonly slaTimers: LocalStateMachine;
  /** What each function's settings are made of here (`environmentFor`), as CDK's resources are in AWS. */
  readonly functionResources: ResourceValues;
  /** Closes the gateway and stops DynamoDB Local; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Handlers read their configuration once, when first imported, and ES modules stay
 * loaded for the life of the process. This remembers the configuration the loaded
 * handlers hold, so a second platform that would need another one fails loudly
 * instead of letting handlers talk to a DynamoDB Local that has gone.
 */
let handlersLoadedWith: string | undefined;

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const inMemory = options.inMemory ?? false;
  const dataDir = inMemory ? undefined : (options.dataDir ?? DEFAULT_DATA_DIR);
  const tableName = options.tableName ?? 'caseway-local';
  const log: GatewayLog = options.log ?? (options.quiet ? { ...consoleLog, info: () => undefined } : consoleLog);

  const dynamo = await startDynamoDbLocal({
    port: options.dynamoPort ?? 0,
    inMemory,
    ...(dataDir ? { dbPath: join(dataDir, 'dynamodb') } : {}),
  });
  let gateway: Gateway | undefined;
  // Attachments: files on disk behind signed URLs the gateway serves; in memory, a directory that goes on stop.
  const filesDir = dataDir ? join(dataDir, 'files') : mkdtempSync(join(tmpdir(), 'caseway-files-'));
  const removeFiles = () => {
    if (!dataDir) rmSync(filesDir, { recursive: true, force: true });
  };
  // Signed URLs live minutes: a key per start is enough, and an old URL never works after a restart.
  const filesSigningKey = randomBytes(32).toString('hex');
  const fileServer = new LocalFileStore({ dir: filesDir, baseUrl: '', signingKey: filesSigningKey });
  let pump: StreamPump | undefined;
  let live: LiveServer | undefined;
  let timers: LocalStateMachine | undefined;
  const frozenAt = Date.now();
  const ownClock = currentClock() === systemClock ? new AdjustableClock(options.frozenClock ? () => frozenAt : Date.now) : undefined;
  if (ownClock) useClock(ownClock);
  const clock: Clock = ownClock ?? currentClock();
  const bus = createLocalBus({
    rootDir: REPO_ROOT,
    region: LOCAL_REGION,
    ...(options.eventRules ? { extraRules: options.eventRules } : {}),
    retry: { ...(dataDir ? EVENTBRIDGE_RETRY_POLICY : QUICK_RETRY_POLICY), ...options.eventRetry },
    retryClock: clock,
    ...(dataDir ? { dataDir: join(dataDir, 'events') } : {}),
    onError: (rule, error) => log.error(`event target of rule ${rule} failed; retrying with backoff, then dead-lettering`, error),
  });
  const serveBus = busRoutes(bus);
  const serveClock = ownClock ? clockRoute(ownClock, () => timers?.settled() ?? Promise.resolve()) : undefined;
  try {
    const resources = localResources({
      tableName,
      dynamo,
      budgetMs: options.integrationTimeoutMs,
      // The cursor key is kept with the data, so cursors survive a restart as they survive a cold start in AWS.
      files: { dir: filesDir, signingKey: filesSigningKey },
      cursorKey: cursorKeyFor(dataDir),
      ...(dataDir ? { outboxDir: join(dataDir, 'outbox') } : {}),
      ...(options.searchIndexDir ? { searchIndexDir: options.searchIndexDir } : {}),
    });
    const fingerprint = JSON.stringify([resources.table?.name, resources.table?.endpoint]);
    if (!options.resolveHandler && handlersLoadedWith !== undefined && handlersLoadedWith !== fingerprint) {
      throw new Error(
        'The handlers in this process were loaded for an earlier platform and keep its TABLE_NAME and DYNAMODB_ENDPOINT. ' +
          'Start one platform per process (vitest runs each test file in its own), or give both the same dynamoPort and tableName.',
      );
    }
    await ensureTable(dynamo.client, tableName);
    // Before the gateway exists, so before any handler module can be imported. Each function sees only
    // the settings its declaration's uses bring (function-loader.ts); the rest of this environment it shares.
    Object.assign(process.env, sharedEnvironment(options.logLevel), settingsFor(resources));
    delete process.env.CURSOR_KEY_SECRET_ARN;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;

    const issuer = await createDevIssuer({ ...(dataDir ? { keyDir: dataDir } : {}), rolesClaim: resources.identity!.rolesClaim! });
    // The live feed's handler checks ID tokens itself (no authorizer on a WebSocket): the dev issuer's, as the gateway does.
    resources.tokens = { issuer: issuer.issuer, audience: issuer.audience, jwks: JSON.stringify(issuer.jwks) };
    Object.assign(process.env, settingsFor({ tokens: resources.tokens }));
    live = createLiveServer({ rootDir: REPO_ROOT, log, port: () => gateway?.port ?? 0 });
    gateway = await startGateway({
      onUpgrade: live.onUpgrade,
      port: options.port ?? 3000,
      ...(options.host ? { host: options.host } : {}),
      issuer,
      rootDir: REPO_ROOT,
      log,
      resolveHandler: options.resolveHandler ?? rememberingLoads(moduleHandlerResolver(REPO_ROOT), fingerprint),
      serveFiles: (request) => fileServer.serve(request),
      serveLocal: async (request) =>
        (await serveBus(request)) ??
        (await serveClock?.(request)) ?? { status: 404, body: { message: `No local service at ${request.method} ${request.path}` } },
      ...(options.integrationTimeoutMs ? { timeoutMs: options.integrationTimeoutMs } : {}),
      serveConsole: createConsoleHost({
        issuer,
        webDir: WEB_DIST_DIR,
        fallbackOrigin: () => gateway?.url ?? 'http://localhost',
        liveUrl: localLiveUrl,
      }),
    });
    // Signed file URLs point at the gateway, whose port is known only now, and still before any handler loads.
    resources.files = { ...resources.files, baseUrl: gateway.url };
    resources.bus = { ...resources.bus, endpoint: `${gateway.url}${PUT_EVENTS_PATH}` };
    Object.assign(process.env, settingsFor({ files: resources.files, bus: resources.bus }));

    timers = await startLocalSlaTimers(REPO_ROOT, clock, (execution) => log.error(`SLA timer ${execution.name} failed`, execution.error));
    if (options.seedCaseTypes ?? true) await seedCaseTypes(gateway.url, issuer);
    if (options.seedSla ?? options.seedCaseTypes ?? true) await seedSla(gateway.url, await issuer.sign(SEED_IDENTITY, { expiresIn: '5m' }));
    if (options.seedRouting ?? false) await seedRouting(gateway.url, await issuer.sign(SEED_IDENTITY, { expiresIn: '5m' }));
    const documentClient = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
    // Step Functions executions outlive a process in AWS; here they are re-armed from the table on every start.
    if (dataDir) await rearmFromTable({ rootDir: REPO_ROOT, client: documentClient, tableName, timers });
    const consumers = (options.publishEvents ?? !options.resolveHandler) ? [await outboxConsumer(REPO_ROOT)] : [];
    // Kept with the data: the stream resumes after the last batch handled, so nothing committed is lost to a kill.
    const checkpointFile = dataDir ? join(dataDir, 'stream-checkpoints.json') : undefined;
    if (options.indexKnowledge ?? !options.resolveHandler) pump = await startKnowledgeIndexing(dynamo, tableName, log, consumers, checkpointFile);
    else if (consumers.length > 0) {
      pump = await startStreamPump({
        endpoint: dynamo.endpoint,
        client: dynamo.client,
        tableName,
        consumers,
        ...(checkpointFile ? { checkpointFile } : {}),
        onError: (c, e) => log.error(`${c} failed; retrying the batch`, e),
      });
    }

    const lifetime = options.tokenLifetime ?? '12h';
    const tokens = Object.fromEntries(
      await Promise.all(DEMO_USER_KEYS.map(async (key) => [key, await issuer.sign(DEMO_USERS[key], { expiresIn: lifetime })] as const)),
    ) as Record<DemoUserKey, string>;

    const sweepMs = options.routingSweepMs ?? (options.inMemory ? 0 : 60_000);
    const sweep: RoutingSweep | undefined = sweepMs > 0 ? startRoutingSweep(REPO_ROOT, sweepMs, log) : undefined;
    // What the bus had accepted but not yet delivered when the last run ended (or was killed), once start-up is done.
    bus.resume();
    const openGateway = gateway;
    const openLive = live;
    const openPump = pump;
    const openTimers = timers;
    let stopping: Promise<void> | undefined;
    return {
      url: gateway.url,
      port: gateway.port,
      liveUrl: localLiveUrl(gateway.url),
      live: { interrupt: () => openLive.interrupt() },
      issuer,
      tokens,
      dynamodb: {
        endpoint: dynamo.endpoint,
        client: documentClient,
        baseClient: dynamo.client,
        marker: dynamo.marker,
      },
      tableName,
      dataDir,
      filesDir,
      events: bus,
      clock: ownClock,
      slaTimers: openTimers,
      functionResources: resources,
      stop: () => {
        // All always run, DynamoDB Local last so the pump never reads from a stopped one;
        // a failure of any is reported once all have finished.
        useTimerStarter(undefined);
        if (ownClock && currentClock() === ownClock) useClock(systemClock);
        stopping ??= Promise.allSettled([openLive.close(), openGateway.close(), openPump?.stop(), openTimers.close(), bus.stop(), sweep?.stop()])
          .then(async (first) => [...first, ...(await Promise.allSettled([dynamo.stop()]))])
          .then((results) => {
            removeFiles();
            const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
            if (failed) throw failed.reason;
          });
        return stopping;
      },
    };
  } catch (error) {
    await Promise.allSettled([live?.close(), gateway?.close(), pump?.stop(), timers?.close(), bus.stop()]);
    await dynamo.stop().catch(() => undefined);
    removeFiles();
    throw error;
  }
}

interface IndexerModule {
  readonly handler: StreamConsumer['handler'];
  readonly rebuild: () => Promise<number>;
  readonly isKnowledgeRecord: StreamConsumer['filter'];
}

/**
 * The knowledge indexer, fed as in AWS: the handler module itself, imported like a
 * cold start (so it shares the embedded index with the search handlers in this
 * process), given the stream's records. The index is rebuilt from the table once,
 * since the embedded index starts empty at every start; a record caught by both the
 * rebuild and the stream (read from its checkpoint, or its end when in memory) is
 * simply indexed twice (idempotent).
 */
async function startKnowledgeIndexing(
  dynamo: DynamoDbLocal,
  tableName: string,
  log: GatewayLog,
  others: readonly StreamConsumer[],
  checkpointFile: string | undefined,
): Promise<StreamPump> {
  const indexer = await loadFunction<IndexerModule>(REPO_ROOT, 'knowledge-indexer');
  const pump = await startStreamPump({
    endpoint: dynamo.endpoint,
    client: dynamo.client,
    tableName,
    consumers: [{ name: 'knowledge-indexer', filter: indexer.isKnowledgeRecord, handler: indexer.handler }, ...others],
    ...(checkpointFile ? { checkpointFile } : {}),
    onError: (consumer, error) => log.error(`${consumer} failed; retrying the batch`, error),
  });
  try {
    await indexer.rebuild();
  } catch (error) {
    await pump.stop();
    throw error;
  }
  return pump;
}

/** Who loads the example case types: an admin, so the audit of each version says it came from the seed. */
const SEED_IDENTITY = { sub: 'caseway-seed', name: 'Caseway example data', roles: ['admin'] } as const;

/**
 * Load the shipped example case types through the admin API itself, as an admin
 * would, into a table that has no case types yet. A table that has some is left
 * alone: what an admin published there is theirs.
 */
async function seedCaseTypes(url: string, issuer: DevIssuer): Promise<void> {
  const token = await issuer.sign(SEED_IDENTITY, { expiresIn: '5m' });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const listed = await fetch(`${url}/case-types`, { headers });
  if (!listed.ok) throw new Error(`Could not list case types to seed them: ${listed.status} ${await listed.text()}`);
  if (((await listed.json()) as { items: unknown[] }).items.length > 0) return;
  for (const type of exampleCaseTypes()) {
    const response = await fetch(`${url}/case-types`, { method: 'POST', headers, body: JSON.stringify(type) });
    // 409: another platform on the same table seeded it first.
    if (!response.ok && response.status !== 409)
      throw new Error(`Could not load example case type ${String(type.typeId)}: ${response.status} ${await response.text()}`);
  }
}

function rememberingLoads(resolve: HandlerResolver, fingerprint: string): HandlerResolver {
  return async (fn) => {
    const handler = await resolve(fn);
    handlersLoadedWith ??= fingerprint;
    return handler;
  };
}

/** What the platform knows of each resource a function may use; each function's settings are made of it (`environmentFor`). */
type LocalResources = { -readonly [K in keyof ResourceValues]: ResourceValues[K] };

/** The local values of the resources, as CDK provides the AWS ones (lib/constructs/function-resources.ts). */
function localResources(input: {
  tableName: string;
  dynamo: DynamoDbLocal;
  budgetMs: number | undefined;
  files: { dir: string; signingKey: string };
  cursorKey: string;
  outboxDir?: string;
  searchIndexDir?: string;
}): LocalResources {
  return {
    table: {
      name: input.tableName,
      endpoint: input.dynamo.endpoint,
      // DynamoDB Local on a busy machine queues calls for seconds (a test's 200 parallel creates): locally
      // one call may take the handler's whole budget, and the gateway's timeout stays the deadline.
      timeoutMs: process.env.DYNAMODB_TIMEOUT_MS ?? String(input.budgetMs ?? INTEGRATION_TIMEOUT_MS),
      // The design rate the shard counts follow (shard-plan.ts); unset: the default rate.
      ...(process.env.CASES_PER_SECOND ? { casesPerSecond: process.env.CASES_PER_SECOND } : {}),
    },
    bus: { name: LOCAL_BUS_NAME },
    files: input.files,
    cursorKey: { key: input.cursorKey },
    identity: {
      rolesClaim: process.env.ROLES_CLAIM ?? DEFAULT_ROLES_CLAIM,
      teamGroups: process.env.TEAM_GROUPS ?? JSON.stringify(DEV_TEAM_GROUPS),
      // Unset means the default identity mapping, as in AWS without the roleMapping prop.
      ...(process.env.ROLE_MAPPING ? { roleMapping: process.env.ROLE_MAPPING } : {}),
      ...(process.env.TEAMS_CLAIM ? { teamsClaim: process.env.TEAMS_CLAIM } : {}),
    },
    live: { push: 'local' },
    ...(input.outboxDir ? { email: { outboxDir: input.outboxDir } } : {}),
    // Unset: SEARCH_MODE defaults to the embedded engine, its index in the process.
    ...(input.searchIndexDir ? { search: { mode: 'embedded', dir: input.searchIndexDir } } : {}),
  };
}

/**
 * What every function shares, as the Lambda runtime gives every function its region and credentials.
 * Variable names as Powertools reads them (node_modules/@aws-lambda-powertools/*).
 */
function sharedEnvironment(logLevel: string | undefined): Record<string, string> {
  return {
    ...SHARED_FUNCTION_ENVIRONMENT,
    // DynamoDB Local ignores region and keys (-sharedDb) but the SDK needs both; fake ones keep real ones unused.
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? logLevel ?? 'WARN',
  };
}
