/**
 * A function as the stack deploys it: bundled with the stack's esbuild settings
 * (test/support/lambda-bundle.ts), loaded by Node 22 in a process of its own with only
 * the environment Lambda would give it, and invoked against DynamoDB Local. The
 * bundle's SDK takes its credentials from the environment alone (the stack's alias,
 * functions/adapters/lambda-credentials.ts): with them it signs and its calls succeed,
 * without them it says which variables it looked for.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, startDynamoDbLocal, type DynamoDbLocal } from '#lib/local/dynamodb-local.js';
import { entryOf } from '#topology/functions.js';
import { bundleLambda } from '../support/lambda-bundle.js';

const TABLE = 'bundle-test';
const ROOT = resolve(import.meta.dirname, '../..');
// The Lambda runtime's major: the project's `node` dev dependency puts Node 22 here.
const NODE = existsSync(join(ROOT, 'node_modules/.bin/node')) ? join(ROOT, 'node_modules/.bin/node') : process.execPath;

/** What the runtime does: import the bundle, call `handler` with the event and a context. */
const INVOKE = `
const { handler } = await import(process.argv[1]);
const context = {
  functionName: 'caseway-routing-sweep', functionVersion: '$LATEST', awsRequestId: crypto.randomUUID(),
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:caseway-routing-sweep',
  memoryLimitInMB: '512', logGroupName: '/aws/lambda/caseway-routing-sweep', logStreamName: 'bundle-test',
  getRemainingTimeInMillis: () => 10000,
};
const event = { version: '0', id: crypto.randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString(), region: 'eu-west-1', resources: [], detail: {} };
const result = await handler(event, context);
process.stdout.write('RESULT ' + JSON.stringify(result ?? null) + '\\n');
`;

let dynamo: DynamoDbLocal;
let work: string;
let bundleFile: string;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal({ inMemory: true });
  await ensureTable(dynamo.client, TABLE);
  work = mkdtempSync(join(tmpdir(), 'caseway-bundle-'));
  bundleFile = join(work, 'index.mjs');
  writeFileSync(bundleFile, (await bundleLambda(entryOf('routing-sweep'))).code);
}, 120_000);
afterAll(async () => {
  await dynamo?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function invoke(credentials: Record<string, string>) {
  const run = spawnSync(NODE, ['--input-type=module', '-e', INVOKE, bundleFile], {
    encoding: 'utf8',
    timeout: 60_000,
    // Lambda's environment for this function: its settings, the region and, unless withheld, the role's credentials.
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-west-1',
      TABLE_NAME: TABLE,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      POWERTOOLS_SERVICE_NAME: 'caseway',
      POWERTOOLS_METRICS_NAMESPACE: 'Caseway',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      ...credentials,
    },
  });
  return { status: run.status, out: `${run.stdout}\n${run.stderr}` };
}

describe('the routing sweep, bundled as deployed', () => {
  it('runs against the table with the credentials from its environment', () => {
    const run = invoke({ AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST', AWS_SECRET_ACCESS_KEY: 'bundle-test-secret', AWS_SESSION_TOKEN: 'bundle-test-token' });
    expect(run.out).toMatch(/^RESULT /m);
    expect(run.status, run.out).toBe(0);
  }, 60_000);

  it('without them, fails saying it looked in the environment', () => {
    const run = invoke({});
    expect(run.status).not.toBe(0);
    expect(run.out).toContain('Unable to find environment variable credentials');
  }, 60_000);
});
