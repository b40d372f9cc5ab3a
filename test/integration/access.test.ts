/**
 * Who may do what, over real HTTP with real signed tokens: every role against
 * every endpoint, and the requester isolation rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
let ritaCase: string;
let otherCase: string;

const json = (body: unknown, headers: Record<string, string> = {}) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

beforeAll(async () => {
  platform = await startTestPlatform();
  const rita = await platform.fetchAs('requester', '/cases', { method: 'POST', ...json({ subject: 'My laptop', description: 'Will not boot' }) });
  ritaCase = ((await rita.json()) as { caseId: string }).caseId;
  const other = await platform.fetchAs('requester2', '/cases', { method: 'POST', ...json({ subject: 'Their case', description: 'Private' }) });
  otherCase = ((await other.json()) as { caseId: string }).caseId;
  await platform.fetchAs('agent', `/cases/${ritaCase}/comments`, { method: 'POST', ...json({ body: 'Customer sounds angry', visibility: 'internal' }) });
  await platform.fetchAs('agent', `/cases/${ritaCase}/comments`, { method: 'POST', ...json({ body: 'We are on it', visibility: 'public' }) });
});
afterAll(async () => {
  await platform?.stop();
});

type Role = 'requester' | 'agent' | 'supervisor' | 'admin' | 'integration';
const ROLES: Role[] = ['requester', 'agent', 'supervisor', 'admin', 'integration'];

/** Expected status per role for each endpoint, on the requester's own case (rita = `requester`). */
const MATRIX: { name: string; call: (p: TestPlatform, role: Role) => Promise<Response>; expect: Record<Role, number> }[] = [
  {
    name: 'POST /cases',
    call: (p, role) => p.fetchAs(role, '/cases', { method: 'POST', ...json({ subject: 'S', description: 'D', ...(role === 'requester' ? {} : { requester: { id: 'demo-requester' } }) }) }),
    expect: { requester: 201, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  { name: 'GET /cases', call: (p, role) => p.fetchAs(role, '/cases'), expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  { name: 'GET /cases/{id}', call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}`), expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  {
    name: 'PATCH /cases/{id}',
    call: async (p, role) => {
      const current = (await (await p.fetchAs('agent', `/cases/${ritaCase}`)).json()) as { version: number; priority: string };
      return p.fetchAs(role, `/cases/${ritaCase}`, { method: 'PATCH', ...json({ priority: current.priority === 'high' ? 'low' : 'high' }, { 'if-match': `"${current.version}"` }) });
    },
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'POST /cases/{id}/comments (public)',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/comments`, { method: 'POST', ...json({ body: 'hello' }) }),
    expect: { requester: 201, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  {
    name: 'POST /cases/{id}/comments (internal)',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/comments`, { method: 'POST', ...json({ body: 'psst', visibility: 'internal' }) }),
    expect: { requester: 403, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  { name: 'GET /cases/{id}/comments', call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/comments`), expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  { name: 'GET /cases/{id}/history', call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/history`), expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
];

describe('role x endpoint matrix', () => {
  for (const row of MATRIX) {
    it.each(ROLES)(`${row.name} as %s`, async (role) => {
      const response = await row.call(platform, role);
      expect(response.status).toBe(row.expect[role]);
      if (response.status >= 400) expect(response.headers.get('content-type')).toBe('application/problem+json');
    });
  }

  it('answers 401 like the JWT authorizer to every protected endpoint without a token', async () => {
    for (const [method, path] of [
      ['POST', '/cases'],
      ['GET', '/cases'],
      ['GET', `/cases/${ritaCase}`],
      ['PATCH', `/cases/${ritaCase}`],
      ['POST', `/cases/${ritaCase}/comments`],
      ['GET', `/cases/${ritaCase}/comments`],
      ['GET', `/cases/${ritaCase}/history`],
    ]) {
      const response = await fetch(`${platform.url}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    }
  });

  it('serves the OpenAPI document without a token', async () => {
    const response = await fetch(`${platform.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });
});

describe('requester isolation', () => {
  it("hides another requester's case as if it did not exist", async () => {
    for (const path of [`/cases/${otherCase}`, `/cases/${otherCase}/comments`, `/cases/${otherCase}/history`]) {
      const response = await platform.fetchAs('requester', path);
      expect(response.status, path).toBe(404);
    }
    const comment = await platform.fetchAs('requester', `/cases/${otherCase}/comments`, { method: 'POST', ...json({ body: 'let me in' }) });
    expect(comment.status).toBe(404);
  });

  it("never lists another requester's cases", async () => {
    const mine = (await (await platform.fetchAs('requester', '/cases')).json()) as { items: { requester: { id: string } }[] };
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((c) => c.requester.id === 'demo-requester')).toBe(true);
    const theirs = await platform.fetchAs('requester', '/cases?requester=demo-requester-2');
    expect(theirs.status).toBe(403);
  });

  it('never shows a requester an internal comment', async () => {
    const seen = (await (await platform.fetchAs('requester', `/cases/${ritaCase}/comments`)).json()) as { items: { body: string; visibility: string }[] };
    expect(seen.items.length).toBeGreaterThan(0);
    expect(seen.items.every((c) => c.visibility === 'public')).toBe(true);
    expect(seen.items.map((c) => c.body)).not.toContain('Customer sounds angry');
    const staff = (await (await platform.fetchAs('agent', `/cases/${ritaCase}/comments`)).json()) as { items: { body: string }[] };
    expect(staff.items.map((c) => c.body)).toContain('Customer sounds angry');
  });
});
