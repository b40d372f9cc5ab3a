/**
 * Who the caller is, over real HTTP with real RS256 tokens and the real handlers:
 * roles only from exact group names (never parsed out of a directory's group name),
 * and the local gateway's token checks, which answer 401 exactly as API Gateway does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labType } from '../support/case-types.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform({ seedCaseTypes: false });
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
    const admin = await withGroups(['admin'], '/case-types', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...labType, typeId: 'mapped' }) });
    expect(admin.status).toBe(201);
    expect((await withGroups(['agent'], '/cases')).status).toBe(200);
  });
});
