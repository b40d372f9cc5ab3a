/**
 * Who the caller is, over real HTTP with real RS256 tokens and the real handlers:
 * roles only from exact group names (never parsed out of a directory's group name),
 * the local gateway's token checks, which answer 401 exactly as API Gateway does,
 * and the local-only `/_local/*` services, which a web page of another site must not reach.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUT_EVENTS_PATH } from '#lib/local/event-bus.js';
import { CLOCK_SKEW_SECONDS } from '#lib/local/jwt-authorizer.js';
import { labType } from '../support/case-types.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;

beforeAll(async () => {
  // Business time stands still, so a refused move shows as an unchanged clock.
  platform = await startTestPlatform({ seedCaseTypes: false, frozenClock: true });
});
afterAll(async () => {
  await platform?.stop();
});

const withGroups = async (groups: readonly string[], path: string, init: RequestInit = {}) => {
  const token = await platform.tokenFor({ sub: 'dir-user', roles: [] }, { groups });
  return fetch(`${platform.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
};

describe('roles from a directory or federated IdP group', () => {
  it('a group whose name contains a role name grants nothing (403 problem), the exact name grants the role', async () => {
    const injected = ['IT admin', 'x,admin', '"admin"', '["admin"]', '[admin]', 'admin agent', 'Admin', ' admin', 'admin\tsupervisor'];
    for (const group of injected) {
      const response = await withGroups([group], '/cases');
      expect(response.status, group).toBe(403);
      expect(response.headers.get('content-type'), group).toBe('application/problem+json');
      expect(((await response.json()) as { detail: string }).detail, group).toMatch(/no group that is mapped to a Caseway role/);
    }
    // Beside a real role, an injected name adds nothing: an agent with "x,admin" is still no admin.
    const agent = await withGroups(['agent', 'x,admin', 'IT admin'], '/case-types', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...labType, typeId: 'injected' }),
    });
    expect(agent.status).toBe(403);
    expect(((await agent.json()) as { detail: string }).detail).toMatch(/Only admins/);
    const admin = await withGroups(['admin'], '/case-types', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...labType, typeId: 'mapped' }),
    });
    expect(admin.status).toBe(201);
    expect((await withGroups(['agent'], '/cases')).status).toBe(200);
  });
});

async function expectUnauthorized(response: Response, description: RegExp): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('www-authenticate')).toMatch(description);
  expect(await response.text()).toBe('{"message":"Unauthorized"}');
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('the local gateway refuses tokens API Gateway refuses', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('a token without kid, even when signed by the right key', async () => {
    const token = await platform.tokenFor({ sub: 'no-kid', roles: ['admin'] }, { withoutKid: true });
    await expectUnauthorized(
      await fetch(`${platform.url}/cases`, bearer(token)),
      /error="invalid_token" error_description="the token has no kid header"/,
    );
  });

  it(`a token issued or valid only in the future, past ${CLOCK_SKEW_SECONDS} s of clock skew`, async () => {
    const issuedLater = await platform.tokenFor({ sub: 'future', roles: ['agent'] }, { issuedAt: now() + 3600, expiresIn: 3600 });
    await expectUnauthorized(await fetch(`${platform.url}/cases`, bearer(issuedLater)), /error_description="the token is not valid yet"/);
    const notBefore = await platform.tokenFor({ sub: 'future', roles: ['agent'] }, { notBefore: now() + 3600 });
    await expectUnauthorized(await fetch(`${platform.url}/cases`, bearer(notBefore)), /error_description="the token is not valid yet"/);
    const justAhead = await platform.tokenFor({ sub: 'skewed', roles: ['agent'] }, { issuedAt: now() + CLOCK_SKEW_SECONDS - 20, expiresIn: 3600 });
    expect((await fetch(`${platform.url}/cases`, bearer(justAhead))).status).toBe(200);
    const nbfJustAhead = await platform.tokenFor({ sub: 'skewed', roles: ['agent'] }, { notBefore: now() + CLOCK_SKEW_SECONDS - 20 });
    expect((await fetch(`${platform.url}/cases`, bearer(nbfJustAhead))).status).toBe(200);
  });

  it('a token that expired a moment ago: the skew is no grace for exp', async () => {
    const token = await platform.tokenFor({ sub: 'late', roles: ['agent'] }, { issuedAt: now() - 600, expiresIn: 598 });
    await expectUnauthorized(await fetch(`${platform.url}/cases`, bearer(token)), /error_description="the token has expired"/);
  });
});

describe('/_local/* refuses what a web page of another site can send', () => {
  const clockNow = async () => ((await (await fetch(`${platform.url}/_local/clock`)).json()) as { now: string }).now;
  const move = (headers: Record<string, string>, body = '{"advanceMinutes":60}') =>
    fetch(`${platform.url}/_local/clock`, { method: 'POST', headers, body });

  /** Raw HTTP, to send a Host header fetch would not let us set. */
  const rawPost = (path: string, headers: Record<string, string>, body: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        `${platform.url}${path}`,
        { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (response) => {
          let text = '';
          response
            .setEncoding('utf8')
            .on('data', (chunk: string) => (text += chunk))
            .on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });

  it('a text/plain or form POST (no preflight in a browser) does not move the clock: 415 problem', async () => {
    const before = await clockNow();
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await move({ 'content-type': type });
      expect(response.status, type).toBe(415);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(((await response.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('header.content-type');
    }
    expect((await fetch(`${platform.url}/_local/clock`, { method: 'POST', body: '{"advanceMinutes":60}' })).status).toBe(415);
    expect(await clockNow()).toBe(before);
  });

  it('a request from another origin, a cross-site fetch, or one addressed to another host is refused (403), and nothing moves', async () => {
    const before = await clockNow();
    const json = { 'content-type': 'application/json' };
    const refused: Record<string, string>[] = [
      { ...json, origin: 'https://evil.example' },
      { ...json, origin: 'null' },
      { ...json, origin: 'http://localhost.evil.example:3000' },
      { ...json, 'sec-fetch-site': 'cross-site' },
      { ...json, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { ...json, 'sec-fetch-site': 'same-site' }, // same site but no loopback Origin to show for it
    ];
    for (const headers of refused) {
      const response = await move(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    // DNS rebinding: the page's own origin, but the Host is not this machine.
    expect((await rawPost('/_local/clock', { ...json, host: 'evil.example:3000' }, '{"advanceMinutes":60}')).status).toBe(403);
    // The event bus stand-in behind the same prefix is covered too.
    expect((await rawPost(PUT_EVENTS_PATH, { 'content-type': 'text/plain', origin: 'https://evil.example' }, '{"Entries":[]}')).status).toBe(403);
    expect(await clockNow()).toBe(before);
  });

  it('tools (no Origin) and pages on this machine move it', async () => {
    const before = Date.parse(await clockNow());
    expect((await move({ 'content-type': 'application/json' })).status).toBe(200);
    expect(
      (await move({ 'content-type': 'application/json; charset=utf-8', origin: 'http://localhost:5173', 'sec-fetch-site': 'same-site' })).status,
    ).toBe(200);
    expect((await move({ 'content-type': 'application/json', origin: platform.url, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect(Date.parse(await clockNow()) - before).toBeGreaterThanOrEqual(3 * 60 * 60_000);
  });
});
