/**
 * `npm start`: the whole platform on this machine. DynamoDB Local, the gateway in
 * front of the real handlers, and a dev issuer whose demo tokens are printed ready
 * to paste. Ctrl+C stops everything, DynamoDB Local included.
 *
 *   npm start -- [--in-memory] [--port N] [--data-dir DIR]
 */
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_USER_KEYS, DEMO_USERS, DEV_TEAM_GROUPS, type DemoUserKey, type Identity } from '#lib/local/dev-issuer.js';
import { assertJavaAvailable } from '#lib/local/dynamodb-local.js';
import { EVENTBRIDGE_RETRY_POLICY } from '#lib/local/event-bus.js';
import { SetupError } from '#lib/local/errors.js';
import { DEFAULT_DATA_DIR, startPlatform, type Platform } from '#lib/local/platform.js';
import { assertPortFree } from '#lib/local/ports.js';
import { ensureWebBuilt } from '#lib/local/web-build.js';

const USAGE = 'Usage: npm start -- [--in-memory] [--port N] [--data-dir DIR]';

interface Settings {
  readonly port: number;
  readonly inMemory: boolean;
  readonly dataDir: string;
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      'in-memory': { type: 'boolean', default: false },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const portText = values.port ?? process.env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new SetupError(`--port must be a TCP port (1-65535), got '${portText}'.\n${USAGE}`);
  return { port, inMemory: values['in-memory'], dataDir: values['data-dir'] ? resolve(values['data-dir']) : DEFAULT_DATA_DIR };
}

function banner(platform: Platform, settings: Settings, caseTypes: string[]): string {
  const base = `http://localhost:${platform.port}`;
  const storage = settings.inMemory ? 'in memory (gone when stopped)' : `kept in ${relative(process.cwd(), settings.dataDir) || '.'}`;
  const width = Math.max(...DEMO_USER_KEYS.map((key) => key.length));
  const users = DEMO_USER_KEYS.map((key: DemoUserKey) => {
    const user: Identity = DEMO_USERS[key];
    const groups = user.groups?.length ? `, groups: ${user.groups.join(', ')}` : '';
    return `  ${key.padEnd(width)}  ${user.sub} (${user.name}, roles: ${user.roles.join(', ')}${groups})\n    ${platform.tokens[key]}`;
  });
  return [
    '',
    `Caseway is running at ${base}`,
    // The gateway's own origin: signed upload URLs point there, so the console's direct uploads stay same-origin.
    `  Console           ${platform.url}/  (sign in by picking a demo user)`,
    `  OpenAPI document  ${base}/openapi.json`,
    `  DynamoDB Local    ${platform.dynamodb.endpoint}, table ${platform.tableName}, data ${storage}`,
    `  Attachments       ${settings.inMemory ? 'in a temporary directory (gone when stopped)' : `kept in ${relative(process.cwd(), platform.filesDir) || '.'}`}, signed URLs under ${base}/_files/`,
    `  Token issuer      ${platform.issuer.issuer} (audience ${platform.issuer.audience}, roles in '${platform.issuer.rolesClaim}')`,
    `  Case types        ${caseTypes.join(', ') || 'none yet (POST /case-types as admin)'}`,
    `  Teams             group -> team ${process.env.TEAM_GROUPS ?? JSON.stringify(DEV_TEAM_GROUPS)}: fraud investigations are team fraud's alone`,
    `                    (fraudAgent, fraudSupervisor); their reads are logged: GET /audit/reads?caseId= as admin`,
    `  Event bus         ${platform.events.busName}: PutEvents at ${base}/_local/eventbridge, dead letters at ${base}/_local/dead-letters (POST .../replay redelivers)`,
    `  Outbound mail     ${settings.inMemory ? 'recorded in the table only' : `recorded, and written to ${relative(process.cwd(), join(settings.dataDir, 'outbox')) || '.'}`} (GET /notifications?caseId=)`,
    '',
    'Demo users and their bearer tokens (valid 12 hours):',
    ...users,
    '',
    'Try it:',
    `  TOKEN=${platform.tokens.agent}`,
    `  curl -H "Authorization: Bearer $TOKEN" "${base}/cases?status=new"`,
    '',
    'Press Ctrl+C to stop (DynamoDB Local stops too).',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const settings = readSettings();
  assertJavaAvailable();
  await assertPortFree(settings.port, 'wanted for the Caseway gateway');
  await ensureWebBuilt((line) => console.log(line));

  const platform = await startPlatform({
    port: settings.port,
    inMemory: settings.inMemory,
    dataDir: settings.dataDir,
    // As the schedule does in AWS, in memory too (test platforms sweep themselves instead).
    routingSweepMs: 60_000,
    // The demo users who take work, as routing agents: the fraud team's in team fraud, so fraud cases route.
    seedRouting: true,
    // As EventBridge retries a rule's target, in memory too.
    eventRetry: EVENTBRIDGE_RETRY_POLICY,
  });
  const listed = await fetch(`${platform.url}/case-types`, { headers: { authorization: `Bearer ${platform.tokens.agent}` } });
  const caseTypes = listed.ok
    ? ((await listed.json()) as { items: { typeId: string; version: number }[] }).items.map((t) => `${t.typeId} (v${t.version})`)
    : [];
  console.log(banner(platform, settings, caseTypes));

  let stoppingSince: number | undefined;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stoppingSince !== undefined) {
      // Ctrl+C reaches this process twice (directly, and relayed by the npm wrapper): one press is one stop.
      if (Date.now() - stoppingSince < 1000) return;
      console.error(`\n${signal} again: exiting now.`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.log(`\n${signal}: stopping Caseway...`);
    platform.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Caseway did not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  // What the user can fix gets a sentence; anything else is a bug and gets its stack.
  if (error instanceof SetupError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
    console.error(`caseway: ${error.message}${error instanceof SetupError ? '' : `\n${USAGE}`}`);
  } else {
    console.error('caseway: could not start:', error);
  }
  process.exit(1);
});
