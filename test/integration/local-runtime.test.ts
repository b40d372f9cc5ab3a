/**
 * The local runtime itself, over real HTTP and a real DynamoDB Local: the gateway
 * answers like API Gateway's HTTP API (JWT authorizer, payload format 2.0 event,
 * result mapping, payload quota), the table matches the topology, and no java
 * process outlives its owner, not even one that is SIGKILLed.
 *
 * Handlers here are the test-only echo handler (test/support/handlers/echo.ts),
 * except `openapi`, which is the real module loaded by the gateway's own resolver.
 */
import { spawn, spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevIssuer, DEMO_USERS, DEV_AUDIENCE, DEV_ISSUER } from '#lib/local/dev-issuer.js';
import { javaOptionsFromEnvironment, startDynamoDbLocal } from '#lib/local/dynamodb-local.js';
import { moduleHandlerResolver, startGateway, type HandlerResolver, type LambdaHandler } from '#lib/local/gateway.js';
import { REPO_ROOT } from '#lib/local/platform.js';
import { PortInUseError } from '#lib/local/ports.js';
import { caseTable } from '#topology/table.js';
import { handler as echoHandler, type Echo } from '../support/handlers/echo.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const realModules = moduleHandlerResolver(REPO_ROOT);
const echoExceptOpenApi: HandlerResolver = async (fn) => (fn === 'openapi' ? realModules(fn) : (echoHandler as LambdaHandler));
const quietLog = { info: () => undefined, error: () => undefined };

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ resolveHandler: echoExceptOpenApi, log: quietLog, seedCaseTypes: false });
});
afterAll(async () => {
  await platform?.stop();
});

/** Processes whose command line contains `text` (pgrep run directly: a shell would match itself). */
function processesMatching(text: string): string[] {
  const result = spawnSync('pgrep', ['-f', text], { encoding: 'utf8' });
  return result.stdout.split('\n').filter(Boolean);
}

async function waitUntilNoProcessMatches(text: string, withinMs: number): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  let left = processesMatching(text);
  while (left.length > 0 && Date.now() < deadline) {
    await delay(100);
    left = processesMatching(text);
  }
  return left;
}

async function echoOf(response: Response): Promise<Echo> {
  expect(response.status).toBe(200);
  return (await response.json()) as Echo;
}

async function expectAuthorizerRefusal(response: Response, wwwAuthenticate: RegExp): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('www-authenticate')).toMatch(wwwAuthenticate);
  expect(await response.text()).toBe('{"message":"Unauthorized"}');
}

describe('the JWT authorizer', () => {
  it('refuses a request without a token with a bare Bearer challenge', async () => {
    await expectAuthorizerRefusal(await fetch(`${platform.url}/cases`), /^Bearer$/);
  });

  it('refuses a token signed with another key', async () => {
    const impostor = await createDevIssuer(); // same issuer and audience, different key
    const token = await impostor.sign(DEMO_USERS.admin);
    const response = await fetch(`${platform.url}/cases`, { headers: { authorization: `Bearer ${token}` } });
    await expectAuthorizerRefusal(response, /^Bearer .*error="invalid_token"/);
  });

  it('refuses a token for another audience', async () => {
    const token = await platform.issuer.sign(DEMO_USERS.agent, { audience: 'some-other-client' });
    const response = await fetch(`${platform.url}/cases`, { headers: { authorization: `Bearer ${token}` } });
    await expectAuthorizerRefusal(response, /error="invalid_token" error_description="the token does not have a valid audience"/);
  });

  it('refuses an expired token', async () => {
    const token = await platform.issuer.sign(DEMO_USERS.agent, { issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresIn: 3600 });
    const response = await fetch(`${platform.url}/cases`, { headers: { authorization: `Bearer ${token}` } });
    await expectAuthorizerRefusal(response, /error_description="the token has expired"/);
  });

  it('refuses tokens that are not RS256, and garbage', async () => {
    const hs256 = await new SignJWT({ 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject('mallory')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('a shared secret that nobody should trust'));
    for (const token of [hs256, 'not-a-jwt', `${platform.tokens.admin}x`]) {
      const response = await fetch(`${platform.url}/cases`, { headers: { authorization: `Bearer ${token}` } });
      await expectAuthorizerRefusal(response, /error="invalid_token"/);
    }
  });

  it('lets a valid token through, with or without the Bearer prefix', async () => {
    expect((await platform.fetchAs('agent', '/cases')).status).toBe(200);
    const bare = await fetch(`${platform.url}/cases`, { headers: { authorization: platform.tokens.agent } });
    expect(bare.status).toBe(200);
  });
});

describe('the event a handler receives', () => {
  it('has the claims as API Gateway passes them: all strings, arrays as "[a b]"', async () => {
    const token = await platform.tokenFor({ sub: 'sam-and-alex', roles: ['agent', 'supervisor'] });
    const { event } = await echoOf(await fetch(`${platform.url}/cases`, { headers: { authorization: `Bearer ${token}` } }));
    const { claims, scopes } = event.requestContext.authorizer.jwt;
    expect(claims['cognito:groups']).toBe('[agent supervisor]');
    expect(claims.sub).toBe('sam-and-alex');
    expect(claims.iss).toBe(DEV_ISSUER);
    expect(claims.aud).toBe(DEV_AUDIENCE);
    expect(claims.token_use).toBe('id');
    expect(claims.email_verified).toBe('true');
    expect(claims.exp).toMatch(/^\d+$/);
    expect(claims.iat).toMatch(/^\d+$/);
    expect(Object.values(claims).every((value) => typeof value === 'string')).toBe(true);
    expect(scopes).toBeNull();
  });

  it('carries route, path, query, headers and cookies the way payload format 2.0 does', async () => {
    const url = new URL(`${platform.url}/cases/CASE%201%2Fa/comments?status=new&status=open&q=a+b%26c&flag`);
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(url, {
        method: 'GET',
        headers: { authorization: `Bearer ${platform.tokens.requester}`, 'X-Custom': 'One', cookie: 'a=1; b=2' },
      });
      req.setHeader('x-dup', ['first', 'second']); // two header lines
      req.on('response', (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (chunk: string) => (text += chunk))
          .on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    const { event, context, env } = JSON.parse(body) as Echo;

    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('GET /cases/{id}/comments');
    expect(event.rawPath).toBe('/cases/CASE%201%2Fa/comments');
    expect(event.rawQueryString).toBe('status=new&status=open&q=a+b%26c&flag');
    expect(event.pathParameters).toEqual({ id: 'CASE 1/a' });
    expect(event.queryStringParameters).toEqual({ status: 'new,open', q: 'a b&c', flag: '' });
    expect(event.headers['x-custom']).toBe('One');
    expect(event.headers['x-dup']).toBe('first,second');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);

    const rc = event.requestContext;
    expect(rc).toMatchObject({ apiId: 'local', stage: '$default', routeKey: 'GET /cases/{id}/comments', domainName: '127.0.0.1' });
    expect(rc.http).toMatchObject({ method: 'GET', path: '/cases/CASE%201%2Fa/comments', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' });
    expect(rc.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(rc.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(rc.timeEpoch - Date.now())).toBeLessThan(60_000);
    expect(rc.authorizer.jwt.claims.sub).toBe(DEMO_USERS.requester.sub);

    expect(context.functionName).toBe('caseway-comments-list');
    expect(context.invokedFunctionArn).toMatch(/:function:caseway-comments-list$/);
    expect(context.remainingMs).toBeGreaterThan(0);
    expect(env).toMatchObject({
      TABLE_NAME: platform.tableName,
      DYNAMODB_ENDPOINT: platform.dynamodb.endpoint,
      ROLES_CLAIM: 'cognito:groups',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
  });

  it('passes text bodies as strings and binary bodies base64-encoded', async () => {
    const text = await echoOf(
      await platform.fetchAs('agent', '/cases', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"subject":"é"}' }),
    );
    expect(text.event).toMatchObject({ body: '{"subject":"é"}', isBase64Encoded: false, routeKey: 'POST /cases' });

    const bytes = Buffer.from([0, 1, 2, 254, 255]);
    const binary = await echoOf(
      await platform.fetchAs('agent', '/cases', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes }),
    );
    expect(binary.event).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
  });

  it('sends unmatched requests to the $default route without asking for a token', async () => {
    const { event, context } = await echoOf(await fetch(`${platform.url}/no/such/thing`, { method: 'DELETE' }));
    expect(event.routeKey).toBe('$default');
    expect(event.requestContext.routeKey).toBe('$default');
    expect(event.requestContext.authorizer).toBeUndefined();
    expect(context.functionName).toBe('caseway-fallback');
  });

  it('serves the real openapi handler module without a token', async () => {
    const response = await fetch(`${platform.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { openapi: string }).openapi).toMatch(/^3\.1/);
  });
});

describe('what the client gets back', () => {
  const as = (behaviour: string, init: RequestInit = {}) =>
    platform.fetchAs('agent', '/cases', { ...init, headers: { 'x-test-behaviour': behaviour } });

  it('tags every response with the request id', async () => {
    const response = await platform.fetchAs('agent', '/cases');
    const { event } = (await response.json()) as Echo;
    expect(response.headers.get('apigw-requestid')).toBe(event.requestContext.requestId);
    expect(response.headers.get('x-request-id')).toBe(event.requestContext.requestId);
  });

  it('turns a bare object into a 200 JSON response, and a string into the body', async () => {
    const object = await as('bare-object');
    expect(object.status).toBe(200);
    expect(object.headers.get('content-type')).toBe('application/json');
    expect(await object.text()).toBe('{"hello":"world"}');
    const string = await as('string');
    expect(await string.text()).toBe('plain words');
  });

  it('decodes base64 bodies, sends cookies as set-cookie, and owns content-length', async () => {
    const binary = await as('binary');
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const cookies = await as('cookies');
    expect(cookies.status).toBe(204);
    expect(cookies.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(cookies.headers.get('x-mixed-case')).toBe('yes');
  });

  it('answers 500 like API Gateway when a handler throws or returns nonsense', async () => {
    for (const behaviour of ['throw', 'bad-status']) {
      const response = await as(behaviour);
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.text()).toBe('{"message":"Internal Server Error"}');
    }
  });

  it('refuses bodies over 10 MB with 413 problem+json', async () => {
    const response = await platform.fetchAs('agent', '/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(11 * 1024 * 1024, 0x20),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ title: 'Payload Too Large', status: 413 });
  });

  it('answers 503 when a handler outlives the integration timeout', async () => {
    const gateway = await startGateway({
      port: 0,
      issuer: platform.issuer,
      rootDir: REPO_ROOT,
      resolveHandler: echoExceptOpenApi,
      timeoutMs: 200,
      log: quietLog,
    });
    try {
      const response = await fetch(`${gateway.url}/nowhere`, { headers: { 'x-test-behaviour': 'slow' } });
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('{"message":"Service Unavailable"}');
    } finally {
      await gateway.close();
    }
  });
});

describe('DynamoDB Local', () => {
  it('holds the table built from the topology: keys, every GSI, stream and TTL', async () => {
    const { Table } = await platform.dynamodb.baseClient.send(new DescribeTableCommand({ TableName: platform.tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: caseTable.partitionKey, KeyType: 'HASH' },
      { AttributeName: caseTable.sortKey, KeyType: 'RANGE' },
    ]);
    const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName,
      keys: index.KeySchema?.map((k) => k.AttributeName),
    }));
    expect(indexes.sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual(
      caseTable.indexes.map((index) => ({ name: index.indexName, keys: [index.partitionKey, index.sortKey] })),
    );
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: caseTable.streamViewType });
    const ttl = await platform.dynamodb.baseClient.send(new DescribeTimeToLiveCommand({ TableName: platform.tableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: caseTable.timeToLiveAttribute });
  });

  it('says which port is taken instead of failing somewhere in Java', async () => {
    const busy = Number(new URL(platform.dynamodb.endpoint).port);
    await expect(startDynamoDbLocal({ port: busy })).rejects.toBeInstanceOf(PortInUseError);
    await expect(startGateway({ port: platform.port, issuer: platform.issuer, rootDir: REPO_ROOT })).rejects.toBeInstanceOf(PortInUseError);
  });

  it('runs java with the options of CASEWAY_DYNAMODB_JAVA_OPTIONS (the suite sets them) before -jar, none when unset', () => {
    expect(javaOptionsFromEnvironment({})).toEqual([]);
    expect(javaOptionsFromEnvironment({ CASEWAY_DYNAMODB_JAVA_OPTIONS: '  -XX:TieredStopAtLevel=1 \t -Xmx256m ' })).toEqual([
      '-XX:TieredStopAtLevel=1',
      '-Xmx256m',
    ]);
    // vitest.config.ts sets it for every worker (and so for every process a suite spawns).
    const options = javaOptionsFromEnvironment();
    expect(options).toContain('-XX:TieredStopAtLevel=1');
    const commandLines = spawnSync('pgrep', ['-af', platform.dynamodb.marker], { encoding: 'utf8' }).stdout.split('\n');
    const java = commandLines.find((line) => /^\d+ java /.test(line));
    expect(java, commandLines.join('\n')).toContain(`${options.join(' ')} -Dcaseway.dynamodb-local=${platform.dynamodb.marker}`);
  });

  it('dies with its Node parent, even when the parent is SIGKILLed', async () => {
    const marker = `caseway-orphan-test-${process.pid}-${Date.now()}`;
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test/support/dynamodb-local-child.ts'), marker], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('ready')) resolve();
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`child exited (${code}) before DynamoDB Local was ready:\n${output}`)));
      });
      expect(processesMatching(marker).length).toBeGreaterThan(0);

      child.kill('SIGKILL');
      expect(await waitUntilNoProcessMatches(marker, 5000)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      // Should the watchdog ever fail, do not leave this test's own JVM running.
      for (const pid of processesMatching(marker)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
  });
});

describe('the dev issuer', () => {
  it('keeps its key in the data directory, so earlier tokens survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caseway-issuer-'));
    try {
      const first = await createDevIssuer({ keyDir: dir });
      const token = await first.sign(DEMO_USERS.supervisor);
      const second = await createDevIssuer({ keyDir: dir });
      expect(second.jwks).toEqual(first.jwks);
      const gateway = await startGateway({ port: 0, issuer: second, rootDir: REPO_ROOT, resolveHandler: echoExceptOpenApi, log: quietLog });
      try {
        const response = await fetch(`${gateway.url}/cases`, { headers: { authorization: `Bearer ${token}` } });
        expect(response.status).toBe(200);
      } finally {
        await gateway.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Last on purpose: it stops the shared platform (afterAll's second stop() is a no-op).
describe('stop()', () => {
  it('leaves no java process behind and can be called twice', async () => {
    const marker = platform.dynamodb.marker;
    expect(processesMatching(marker).length).toBeGreaterThan(0);
    await platform.stop();
    await platform.stop();
    expect(await waitUntilNoProcessMatches(marker, 2000)).toEqual([]);
    await expect(fetch(`${platform.url}/openapi.json`)).rejects.toThrow();
  });
});
