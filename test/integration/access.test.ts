/**
 * Who may do what, over real HTTP with real signed tokens: every role against
 * every endpoint, and the requester isolation rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labType } from '../support/case-types.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
let ritaCase: string;
let otherCase: string;
let publicAttachment: string;
let internalAttachment: string;
let publicArticle: string;
let draftArticle: string;

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

beforeAll(async () => {
  platform = await startTestPlatform();
  const rita = await platform.fetchAs('requester', '/cases', { method: 'POST', ...json({ subject: 'My laptop', description: 'Will not boot' }) });
  ritaCase = ((await rita.json()) as { caseId: string }).caseId;
  const other = await platform.fetchAs('requester2', '/cases', { method: 'POST', ...json({ subject: 'Their case', description: 'Private' }) });
  otherCase = ((await other.json()) as { caseId: string }).caseId;
  await platform.fetchAs('agent', `/cases/${ritaCase}/comments`, {
    method: 'POST',
    ...json({ body: 'Customer sounds angry', visibility: 'internal' }),
  });
  await platform.fetchAs('agent', `/cases/${ritaCase}/comments`, { method: 'POST', ...json({ body: 'We are on it', visibility: 'public' }) });
  publicAttachment = await attach('agent', 'public');
  internalAttachment = await attach('agent', 'internal');
  publicArticle = await freshArticle('public');
  await platform.fetchAs('supervisor', `/knowledge/articles/${publicArticle}/status`, { method: 'POST', ...json({ to: 'published' }) });
  draftArticle = await freshArticle('internal');
});

interface GrantedUpload {
  attachmentId: string;
  uploadId: string;
  complete: string;
  upload: { url: string; headers: Record<string, string> };
}
const FILE = Buffer.from('a receipt');

/** Ask for an upload URL on rita's case as `who`, and store the file there. */
async function uploaded(who: Role, visibility: 'public' | 'internal' = 'public'): Promise<GrantedUpload> {
  const response = await platform.fetchAs(who, `/cases/${ritaCase}/attachments`, {
    method: 'POST',
    ...json({ fileName: 'r.txt', contentType: 'text/plain', size: FILE.length, visibility }),
  });
  const granted = (await response.json()) as GrantedUpload;
  await fetch(granted.upload.url, { method: 'PUT', headers: granted.upload.headers, body: FILE });
  return granted;
}

/** An attachment on rita's case, added and confirmed by `who`. */
async function attach(who: Role, visibility: 'public' | 'internal' = 'public'): Promise<string> {
  const granted = await uploaded(who, visibility);
  await platform.fetchAs(who, granted.complete, { method: 'POST', ...json({ uploadId: granted.uploadId }) });
  return granted.attachmentId;
}

const newVersionOf = (p: TestPlatform, role: Role, attachmentId: string) =>
  p.fetchAs(role, `/cases/${ritaCase}/attachments/${attachmentId}/versions`, {
    method: 'POST',
    ...json({ fileName: 'r2.txt', contentType: 'text/plain', size: 3 }),
  });

/** A new draft article, for calls that use one up. */
async function freshArticle(visibility: 'public' | 'internal' = 'internal'): Promise<string> {
  const created = await platform.fetchAs('agent', '/knowledge/articles', {
    method: 'POST',
    ...json({ title: 'Access matrix', body: 'Printer jams', category: 'hardware', visibility }),
  });
  return ((await created.json()) as { articleId: string }).articleId;
}
afterAll(async () => {
  await platform?.stop();
});

type Role = 'requester' | 'agent' | 'supervisor' | 'admin' | 'integration';
const ROLES: Role[] = ['requester', 'agent', 'supervisor', 'admin', 'integration'];

/** Expected status per role for each endpoint, on the requester's own case (rita = `requester`). */
const MATRIX: { name: string; call: (p: TestPlatform, role: Role) => Promise<Response>; expect: Record<Role, number> }[] = [
  {
    name: 'POST /cases',
    call: (p, role) =>
      p.fetchAs(role, '/cases', {
        method: 'POST',
        ...json({ subject: 'S', description: 'D', ...(role === 'requester' ? {} : { requester: { id: 'demo-requester' } }) }),
      }),
    expect: { requester: 201, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  {
    name: 'GET /cases',
    call: (p, role) => p.fetchAs(role, '/cases'),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /cases/{id}',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}`),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'PATCH /cases/{id}',
    call: async (p, role) => {
      const current = (await (await p.fetchAs('agent', `/cases/${ritaCase}`)).json()) as { version: number; priority: string };
      return p.fetchAs(role, `/cases/${ritaCase}`, {
        method: 'PATCH',
        ...json({ priority: current.priority === 'high' ? 'low' : 'high' }, { 'if-match': `"${current.version}"` }),
      });
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
  {
    name: 'GET /cases/{id}/comments',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/comments`),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /cases/{id}/history',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/history`),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /cases/{id}/history/verify',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/history/verify`),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /cases/{id}/transitions',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/transitions`),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    // Withdrawing is for the requester (and supervisors and admins), not for agents or integrations.
    name: 'POST /cases/{id}/transitions (withdraw)',
    call: async (p, role) =>
      p.fetchAs(role, `/cases/${await freshCase()}/transitions`, { method: 'POST', ...json({ to: 'closed', reason: 'Sorted it myself' }) }),
    expect: { requester: 200, agent: 403, supervisor: 200, admin: 200, integration: 403 },
  },
  {
    name: 'POST /cases/{id}/transitions (start review)',
    call: async (p, role) => p.fetchAs(role, `/cases/${await freshCase()}/transitions`, { method: 'POST', ...json({ to: 'in_review' }) }),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    // Already on the newest version: staff get as far as the conflict.
    name: 'POST /cases/{id}/migrate',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/migrate`, { method: 'POST', ...json({}) }),
    expect: { requester: 403, agent: 409, supervisor: 409, admin: 409, integration: 409 },
  },
  {
    name: 'POST /cases/{id}/tasks',
    call: (p, role) =>
      p.fetchAs(role, `/cases/${ritaCase}/tasks`, { method: 'POST', ...json({ title: `Call back (${role})`, assignee: 'demo-agent' }) }),
    expect: { requester: 403, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  {
    name: 'GET /cases/{id}/tasks',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/tasks`),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'PATCH /cases/{id}/tasks/{taskId}',
    call: async (p, role) => {
      const task = (await (await p.fetchAs('agent', `/cases/${ritaCase}/tasks`, { method: 'POST', ...json({ title: 'Check logs' }) })).json()) as {
        taskId: string;
      };
      return p.fetchAs(role, `/cases/${ritaCase}/tasks/${task.taskId}`, { method: 'PATCH', ...json({ status: 'in_progress' }) });
    },
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /tasks',
    call: (p, role) => p.fetchAs(role, '/tasks?assignee=demo-agent'),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'POST /cases/{id}/attachments (public)',
    call: (p, role) =>
      p.fetchAs(role, `/cases/${ritaCase}/attachments`, {
        method: 'POST',
        ...json({ fileName: 'a.pdf', contentType: 'application/pdf', size: 100 }),
      }),
    expect: { requester: 201, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  {
    name: 'POST /cases/{id}/attachments (internal)',
    call: (p, role) =>
      p.fetchAs(role, `/cases/${ritaCase}/attachments`, {
        method: 'POST',
        ...json({ fileName: 'a.pdf', contentType: 'application/pdf', size: 100, visibility: 'internal' }),
      }),
    expect: { requester: 403, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  {
    name: 'POST /cases/{id}/attachments/{attachmentId}/complete (own upload)',
    call: async (p, role) => {
      const granted = await uploaded(role);
      return p.fetchAs(role, granted.complete, { method: 'POST', ...json({ uploadId: granted.uploadId }) });
    },
    expect: { requester: 201, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  {
    name: 'GET /cases/{id}/attachments',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/attachments`),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /cases/{id}/attachments/{attachmentId} (public)',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/attachments/${publicAttachment}`),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /cases/{id}/attachments/{attachmentId} (internal)',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/attachments/${internalAttachment}`),
    expect: { requester: 404, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'POST /cases/{id}/attachments/{attachmentId}/versions (own attachment)',
    call: async (p, role) => newVersionOf(p, role, await attach(role)),
    expect: { requester: 201, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  {
    name: "POST /cases/{id}/attachments/{attachmentId}/versions (an agent's attachment)",
    call: (p, role) => newVersionOf(p, role, publicAttachment),
    expect: { requester: 403, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  {
    name: 'POST /case-types',
    call: (p, role) => p.fetchAs(role, '/case-types', { method: 'POST', ...json({ ...labType, typeId: `lab-${role}` }) }),
    expect: { requester: 403, agent: 403, supervisor: 403, admin: 201, integration: 403 },
  },
  {
    name: 'GET /case-types',
    call: (p, role) => p.fetchAs(role, '/case-types'),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /case-types/{type}',
    call: (p, role) => p.fetchAs(role, '/case-types/support'),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'POST /case-types/{type}/versions',
    call: async (p, role) => {
      await p.fetchAs('admin', '/case-types', { method: 'POST', ...json({ ...labType, typeId: 'lab-versions' }) });
      const { typeId: _id, ...definition } = labType;
      return p.fetchAs(role, '/case-types/lab-versions/versions', { method: 'POST', ...json({ ...definition, name: `Lab by ${role}` }) });
    },
    expect: { requester: 403, agent: 403, supervisor: 403, admin: 201, integration: 403 },
  },
  {
    name: 'GET /case-types/{type}/versions',
    call: (p, role) => p.fetchAs(role, '/case-types/support/versions'),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /case-types/{type}/workflow',
    call: (p, role) => p.fetchAs(role, '/case-types/support/workflow'),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    // Links are staff work, even between two of the requester's own cases: the other end may be anyone's.
    name: 'POST /cases/{id}/links',
    call: async (p, role) =>
      p.fetchAs(role, `/cases/${ritaCase}/links`, { method: 'POST', ...json({ targetId: await freshCase(), kind: 'related' }) }),
    expect: { requester: 403, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  {
    name: 'GET /cases/{id}/links',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/links`),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'DELETE /cases/{id}/links/{targetId}',
    call: async (p, role) => {
      const target = await freshCase();
      await p.fetchAs('agent', `/cases/${ritaCase}/links`, { method: 'POST', ...json({ targetId: target, kind: 'causedBy' }) });
      return p.fetchAs(role, `/cases/${ritaCase}/links/${target}`, { method: 'DELETE' });
    },
    expect: { requester: 403, agent: 204, supervisor: 204, admin: 204, integration: 204 },
  },
  {
    name: 'POST /cases/{id}/merge',
    call: async (p, role) =>
      p.fetchAs(role, `/cases/${await freshCase()}/merge`, { method: 'POST', ...json({ survivorId: ritaCase, reason: 'Same laptop' }) }),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /cases/{id}/handoff',
    call: async (p, role) => p.fetchAs(role, `/cases/${(await handedOver()).caseId}/handoff`),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'PUT /cases/{id}/handoff',
    call: async (p, role) => {
      const { caseId, etag } = await handedOver();
      return p.fetchAs(role, `/cases/${caseId}/handoff`, { method: 'PUT', ...json({ asked: 'A', tried: [], pending: ['P'] }, { 'if-match': etag }) });
    },
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'POST /knowledge/articles',
    call: (p, role) => p.fetchAs(role, '/knowledge/articles', { method: 'POST', ...json({ title: `By ${role}`, body: 'b', category: 'hardware' }) }),
    expect: { requester: 403, agent: 201, supervisor: 201, admin: 201, integration: 403 },
  },
  {
    name: 'GET /knowledge/articles',
    call: (p, role) => p.fetchAs(role, '/knowledge/articles'),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /knowledge/articles/{articleId} (published, public)',
    call: (p, role) => p.fetchAs(role, `/knowledge/articles/${publicArticle}`),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    // A requester must not learn that a draft exists.
    name: 'GET /knowledge/articles/{articleId} (draft)',
    call: (p, role) => p.fetchAs(role, `/knowledge/articles/${draftArticle}`),
    expect: { requester: 404, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'PATCH /knowledge/articles/{articleId}',
    call: async (p, role) => {
      const current = (await (await p.fetchAs('agent', `/knowledge/articles/${publicArticle}`)).json()) as { version: number };
      return p.fetchAs(role, `/knowledge/articles/${publicArticle}`, {
        method: 'PATCH',
        ...json({ body: `Edited by ${role}` }, { 'if-match': `"${current.version}"` }),
      });
    },
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 403 },
  },
  {
    name: 'POST /knowledge/articles/{articleId}/status (to review)',
    call: async (p, role) => p.fetchAs(role, `/knowledge/articles/${await freshArticle()}/status`, { method: 'POST', ...json({ to: 'inReview' }) }),
    expect: { requester: 404, agent: 200, supervisor: 200, admin: 200, integration: 403 },
  },
  {
    name: 'POST /knowledge/articles/{articleId}/status (publish)',
    call: async (p, role) => p.fetchAs(role, `/knowledge/articles/${await freshArticle()}/status`, { method: 'POST', ...json({ to: 'published' }) }),
    expect: { requester: 404, agent: 403, supervisor: 200, admin: 200, integration: 403 },
  },
  {
    name: 'GET /knowledge/articles/{articleId}/versions',
    call: (p, role) => p.fetchAs(role, `/knowledge/articles/${publicArticle}/versions`),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /knowledge/articles/{articleId}/versions/verify',
    call: (p, role) => p.fetchAs(role, `/knowledge/articles/${publicArticle}/versions/verify`),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'POST /cases/{id}/articles',
    call: async (p, role) => p.fetchAs(role, `/cases/${await freshCase()}/articles`, { method: 'POST', ...json({ articleId: publicArticle }) }),
    expect: { requester: 403, agent: 201, supervisor: 201, admin: 201, integration: 403 },
  },
  {
    name: 'GET /cases/{id}/articles',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/articles`),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'POST /knowledge/feedback',
    call: (p, role) =>
      p.fetchAs(role, '/knowledge/feedback', {
        method: 'POST',
        ...json({ suggestionId: 'SG-00000000000000ab', articleId: publicArticle, event: 'clicked' }),
      }),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /knowledge/search',
    call: (p, role) => p.fetchAs(role, '/knowledge/search?q=printer'),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'GET /cases/{id}/suggestions',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/suggestions`),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'POST /knowledge/deflect',
    call: (p, role) => p.fetchAs(role, '/knowledge/deflect', { method: 'POST', ...json({ subject: 'Printer jams' }) }),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  {
    name: 'POST /sla/preview',
    call: (p, role) =>
      p.fetchAs(role, '/sla/preview', {
        method: 'POST',
        ...json({
          policy: { targets: { resolution: 60 } },
          calendar: { name: 'Always', timeZone: 'UTC', week: { mon: [{ start: '00:00', end: '24:00' }] } },
          start: '2026-11-30T09:00:00Z',
        }),
      }),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
];

/** A new case of the requester's that an agent handed to another owner, so it has a brief. */
async function handedOver(): Promise<{ caseId: string; etag: string }> {
  const caseId = await freshCase();
  const moved = await platform.fetchAs('agent', `/cases/${caseId}`, {
    method: 'PATCH',
    ...json({ owner: 'demo-supervisor' }, { 'if-match': '"1"' }),
  });
  return { caseId, etag: moved.headers.get('etag')! };
}

/** A new case of the requester's, for calls that use a case up. */
async function freshCase(): Promise<string> {
  const created = await platform.fetchAs('requester', '/cases', { method: 'POST', ...json({ subject: 'Fresh', description: 'For one call' }) });
  return ((await created.json()) as { caseId: string }).caseId;
}

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
      ['GET', `/cases/${ritaCase}/history/verify`],
      ['GET', `/cases/${ritaCase}/transitions`],
      ['POST', `/cases/${ritaCase}/transitions`],
      ['POST', `/cases/${ritaCase}/migrate`],
      ['POST', `/cases/${ritaCase}/tasks`],
      ['GET', '/tasks'],
      ['POST', `/cases/${ritaCase}/attachments`],
      ['GET', `/cases/${ritaCase}/attachments`],
      ['GET', `/cases/${ritaCase}/attachments/${publicAttachment}`],
      ['POST', `/cases/${ritaCase}/attachments/${publicAttachment}/versions`],
      ['POST', `/cases/${ritaCase}/attachments/${publicAttachment}/complete`],
      ['GET', '/case-types'],
      ['POST', '/case-types'],
      ['GET', '/case-types/support/workflow'],
      ['POST', `/cases/${ritaCase}/links`],
      ['GET', `/cases/${ritaCase}/links`],
      ['DELETE', `/cases/${ritaCase}/links/${otherCase}`],
      ['POST', `/cases/${ritaCase}/merge`],
      ['GET', `/cases/${ritaCase}/handoff`],
      ['PUT', `/cases/${ritaCase}/handoff`],
      ['POST', '/knowledge/articles'],
      ['GET', '/knowledge/articles'],
      ['GET', `/knowledge/articles/${publicArticle}`],
      ['PATCH', `/knowledge/articles/${publicArticle}`],
      ['POST', `/knowledge/articles/${publicArticle}/status`],
      ['GET', `/knowledge/articles/${publicArticle}/versions`],
      ['POST', `/cases/${ritaCase}/articles`],
      ['GET', `/cases/${ritaCase}/suggestions`],
      ['POST', '/knowledge/feedback'],
      ['GET', '/knowledge/search?q=x'],
      ['POST', '/knowledge/deflect'],
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
    for (const path of [
      `/cases/${otherCase}`,
      `/cases/${otherCase}/comments`,
      `/cases/${otherCase}/history`,
      `/cases/${otherCase}/transitions`,
      `/cases/${otherCase}/tasks`,
      `/cases/${otherCase}/links`,
      `/cases/${otherCase}/handoff`,
      `/cases/${otherCase}/attachments`,
      `/cases/${otherCase}/suggestions`,
      `/cases/${otherCase}/articles`,
    ]) {
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
    const seen = (await (await platform.fetchAs('requester', `/cases/${ritaCase}/comments`)).json()) as {
      items: { body: string; visibility: string }[];
    };
    expect(seen.items.length).toBeGreaterThan(0);
    expect(seen.items.every((c) => c.visibility === 'public')).toBe(true);
    expect(seen.items.map((c) => c.body)).not.toContain('Customer sounds angry');
    const staff = (await (await platform.fetchAs('agent', `/cases/${ritaCase}/comments`)).json()) as { items: { body: string }[] };
    expect(staff.items.map((c) => c.body)).toContain('Customer sounds angry');
  });
});

describe('field sensitivity', () => {
  it('shows requesters public fields only, and agents without clearance no restricted value, in the case or its history', async () => {
    const claim = await platform.fetchAs('requester', '/cases', {
      method: 'POST',
      ...json({
        type: 'insurance-claim',
        subject: 'Burst pipe',
        description: 'Kitchen flooded',
        fields: { policyNumber: 'HO-654321', claimType: 'home', incidentDate: '2026-11-02', estimatedLoss: 4200 },
      }),
    });
    expect(claim.status).toBe(201);
    const { caseId, version } = (await claim.json()) as { caseId: string; version: number };
    const flagged = await platform.fetchAs('supervisor', `/cases/${caseId}`, {
      method: 'PATCH',
      ...json({ fields: { fraudScore: 87, adjusterNotes: 'Photos look recycled' }, reason: 'Fraud model hit' }, { 'if-match': `"${version}"` }),
    });
    expect(flagged.status).toBe(200);
    expect(((await flagged.json()) as { fields: Record<string, unknown> }).fields).toMatchObject({ fraudScore: 87 });

    // An agent without clearance may not write a restricted field either.
    const denied = await platform.fetchAs('agent', `/cases/${caseId}`, {
      method: 'PATCH',
      ...json({ fields: { fraudScore: 1 } }, { 'if-match': `"${version + 1}"` }),
    });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { errors: unknown[] }).errors).toEqual([
      expect.objectContaining({ field: 'body.fields.fraudScore', rule: 'not_permitted' }),
    ]);

    const asAgent = (await (await platform.fetchAs('agent', `/cases/${caseId}`)).json()) as {
      fields: Record<string, unknown>;
      redactedFields: string[];
      priorityScore: { inputs: Record<string, unknown>[] };
    };
    expect(asAgent.fields).not.toHaveProperty('fraudScore');
    expect(asAgent.fields.adjusterNotes).toBe('Photos look recycled');
    expect(asAgent.redactedFields).toEqual(['fraudScore']);
    expect(asAgent.priorityScore.inputs.find((i) => i.field === 'fraudScore')).toEqual({
      name: 'risk',
      field: 'fraudScore',
      weight: 1,
      redacted: true,
    });

    const asRita = (await (await platform.fetchAs('requester', `/cases/${caseId}`)).json()) as {
      fields: Record<string, unknown>;
      redactedFields?: string[];
    };
    expect(Object.keys(asRita.fields).sort()).toEqual(['claimType', 'estimatedLoss', 'incidentDate', 'policyNumber']);
    expect(asRita.redactedFields).toBeUndefined();

    const historyAs = async (role: 'agent' | 'supervisor') =>
      (
        (await (await platform.fetchAs(role, `/cases/${caseId}/history`)).json()) as { items: { changes: { field: string; after: unknown }[] }[] }
      ).items[1]!.changes.find((c) => c.field === 'fields.fraudScore');
    expect((await historyAs('agent'))?.after).toBe('[redacted]');
    expect((await historyAs('supervisor'))?.after).toBe(87);
  });

  it('gives requesters only the intake form of a case type', async () => {
    const type = (await (await platform.fetchAs('requester', '/case-types/insurance-claim')).json()) as {
      fields: { name: string }[];
      workflow?: unknown;
    };
    expect(type.workflow).toBeUndefined();
    expect(type.fields.map((f) => f.name)).toEqual([
      'policyNumber',
      'claimType',
      'incidentDate',
      'vehicleRegistration',
      'otherPartyInvolved',
      'propertyDamage',
      'estimatedLoss',
      'injuries',
    ]);
  });
});

describe('record-level access: team x restricted case type', () => {
  // fraud-investigation declares access: { teams: ['fraud'] }; the platform maps group fraud-team -> team fraud.
  type Who = 'requester2' | 'agent' | 'supervisor' | 'admin' | 'integration' | 'fraudAgent' | 'fraudSupervisor';
  const OUTSIDERS: Who[] = ['requester2', 'agent', 'supervisor', 'admin', 'integration'];
  const TEAM: Who[] = ['fraudAgent', 'fraudSupervisor'];
  const NOT_YOURS = /does not exist or is not yours to see/;
  let fraudCase: string;
  let fraudAttachment: string;

  const newFraudCase = async (who: Who = 'fraudAgent'): Promise<string> => {
    const created = await platform.fetchAs(who, '/cases', {
      method: 'POST',
      ...json({
        type: 'fraud-investigation',
        subject: 'Card used abroad',
        description: 'Three payments I did not make',
        requester: { id: 'demo-requester' },
        fields: { allegationType: 'payment-fraud', amountAtRisk: 5000 },
      }),
    });
    expect(created.status).toBe(201);
    return ((await created.json()) as { caseId: string }).caseId;
  };
  const versionOf = async (caseId: string) =>
    ((await (await platform.fetchAs('fraudAgent', `/cases/${caseId}`)).json()) as { version: number }).version;

  beforeAll(async () => {
    fraudCase = await newFraudCase();
    await platform.fetchAs('fraudAgent', `/cases/${fraudCase}/comments`, {
      method: 'POST',
      ...json({ body: 'Merchant is in our watch list', visibility: 'internal' }),
    });
    // A task of the fraud case assigned to an outsider: their own task list must not name the case.
    expect(
      (
        await platform.fetchAs('fraudAgent', `/cases/${fraudCase}/tasks`, {
          method: 'POST',
          ...json({ title: 'Pull card statements', assignee: 'demo-agent' }),
        })
      ).status,
    ).toBe(201);
    const granted = (await (
      await platform.fetchAs('fraudAgent', `/cases/${fraudCase}/attachments`, {
        method: 'POST',
        ...json({ fileName: 'statement.txt', contentType: 'text/plain', size: FILE.length, visibility: 'internal' }),
      })
    ).json()) as GrantedUpload;
    await fetch(granted.upload.url, { method: 'PUT', headers: granted.upload.headers, body: FILE });
    expect((await platform.fetchAs('fraudAgent', granted.complete, { method: 'POST', ...json({ uploadId: granted.uploadId }) })).status).toBe(201);
    fraudAttachment = granted.attachmentId;
    // Handed over, so it has a handoff brief; linked to rita's support case, whose links outsiders may read.
    expect(
      (
        await platform.fetchAs('fraudAgent', `/cases/${fraudCase}`, {
          method: 'PATCH',
          ...json({ owner: 'demo-fraud-supervisor' }, { 'if-match': `"${await versionOf(fraudCase)}"` }),
        })
      ).status,
    ).toBe(200);
    expect(
      (await platform.fetchAs('fraudAgent', `/cases/${fraudCase}/links`, { method: 'POST', ...json({ targetId: ritaCase, kind: 'related' }) }))
        .status,
    ).toBe(201);
  });

  /** Reads of the fraud case: 200 for the team (any role), 404 for everyone else, as if the case did not exist. */
  const READS: { name: string; path: () => string; outsider?: Partial<Record<Who, number>> }[] = [
    { name: 'GET /cases/{id}', path: () => `/cases/${fraudCase}` },
    { name: 'GET /cases/{id}/comments', path: () => `/cases/${fraudCase}/comments` },
    { name: 'GET /cases/{id}/history', path: () => `/cases/${fraudCase}/history` },
    { name: 'GET /cases/{id}/history?includeMerged=true', path: () => `/cases/${fraudCase}/history?includeMerged=true` },
    { name: 'GET /cases/{id}/history/verify', path: () => `/cases/${fraudCase}/history/verify` },
    { name: 'GET /cases/{id}/transitions', path: () => `/cases/${fraudCase}/transitions` },
    { name: 'GET /cases/{id}/tasks', path: () => `/cases/${fraudCase}/tasks` },
    { name: 'GET /cases/{id}/attachments', path: () => `/cases/${fraudCase}/attachments` },
    { name: 'GET /cases/{id}/attachments/{attachmentId}', path: () => `/cases/${fraudCase}/attachments/${fraudAttachment}` },
    { name: 'GET /cases/{id}/links', path: () => `/cases/${fraudCase}/links` },
    { name: 'GET /cases/{id}/handoff', path: () => `/cases/${fraudCase}/handoff` },
    { name: 'GET /cases/{id}/suggestions', path: () => `/cases/${fraudCase}/suggestions` },
    { name: 'GET /cases/{id}/articles', path: () => `/cases/${fraudCase}/articles` },
    // Notifications check the role first: requesters and integrations are refused whatever the case.
    { name: 'GET /notifications?caseId=', path: () => `/notifications?caseId=${fraudCase}`, outsider: { requester2: 403, integration: 403 } },
  ];

  for (const row of READS) {
    it.each([...OUTSIDERS, ...TEAM])(`${row.name} as %s`, async (who) => {
      const response = await platform.fetchAs(who, row.path());
      const expected = TEAM.includes(who) ? 200 : (row.outsider?.[who] ?? 404);
      expect(response.status).toBe(expected);
      if (expected === 404) expect(((await response.json()) as { detail: string }).detail).toMatch(NOT_YOURS);
    });
  }

  it('answers outsiders on GET /routing/cases/{id} exactly as for a case that does not exist', async () => {
    for (const who of ['agent', 'supervisor', 'admin'] as const) {
      const response = await platform.fetchAs(who, `/routing/cases/${fraudCase}`);
      expect(response.status, who).toBe(404);
      expect(((await response.json()) as { detail: string }).detail).toMatch(NOT_YOURS);
    }
    const member = await platform.fetchAs('fraudSupervisor', `/routing/cases/${fraudCase}`);
    // Not routed (no rules published here), but the case itself is known to the team.
    expect(((await member.json()) as { detail?: string }).detail ?? '').not.toMatch(NOT_YOURS);
  });

  /** Writes to the fraud case by outsiders: 404 and nothing written. */
  const WRITES: { name: string; call: (who: Who, caseId: string) => Promise<Response>; team: number }[] = [
    {
      name: 'PATCH /cases/{id}',
      call: async (who, id) =>
        platform.fetchAs(who, `/cases/${id}`, { method: 'PATCH', ...json({ priority: 'urgent' }, { 'if-match': `"${await versionOf(id)}"` }) }),
      team: 200,
    },
    {
      name: 'POST /cases/{id}/comments',
      call: (who, id) => platform.fetchAs(who, `/cases/${id}/comments`, { method: 'POST', ...json({ body: 'let me in' }) }),
      team: 201,
    },
    {
      name: 'POST /cases/{id}/transitions',
      call: (who, id) => platform.fetchAs(who, `/cases/${id}/transitions`, { method: 'POST', ...json({ to: 'triage' }) }),
      team: 200,
    },
    {
      name: 'POST /cases/{id}/tasks',
      call: (who, id) => platform.fetchAs(who, `/cases/${id}/tasks`, { method: 'POST', ...json({ title: 'Peek' }) }),
      team: 201,
    },
    {
      name: 'POST /cases/{id}/attachments',
      call: (who, id) =>
        platform.fetchAs(who, `/cases/${id}/attachments`, {
          method: 'POST',
          ...json({ fileName: 'a.pdf', contentType: 'application/pdf', size: 100 }),
        }),
      team: 201,
    },
    {
      name: 'POST /cases/{id}/links',
      call: async (who, id) =>
        platform.fetchAs(who, `/cases/${id}/links`, { method: 'POST', ...json({ targetId: await freshCase(), kind: 'related' }) }),
      team: 201,
    },
    {
      name: 'POST /cases/{id}/merge',
      call: (who, id) => platform.fetchAs(who, `/cases/${id}/merge`, { method: 'POST', ...json({ survivorId: ritaCase, reason: 'Same' }) }),
      team: 200,
    },
    {
      name: 'PUT /cases/{id}/handoff',
      call: async (who, id) =>
        platform.fetchAs(who, `/cases/${id}/handoff`, {
          method: 'PUT',
          ...json({ asked: 'A', tried: [], pending: [] }, { 'if-match': `"${await versionOf(id)}"` }),
        }),
      team: 404, // a fresh case has no brief yet: the team learns that, outsiders only that there is no such case
    },
  ];

  for (const row of WRITES) {
    it(`${row.name}: 404 for every outsider, nothing written; the team gets through`, async () => {
      const caseId = await newFraudCase();
      const before = await versionOf(caseId);
      for (const who of OUTSIDERS) {
        const response = await row.call(who, caseId);
        expect(response.status, who).toBe(404);
        expect(((await response.json()) as { detail: string }).detail, who).toMatch(NOT_YOURS);
      }
      expect(await versionOf(caseId)).toBe(before);
      const history = (await (await platform.fetchAs('fraudAgent', `/cases/${caseId}/history`)).json()) as { items: { action: string }[] };
      expect(history.items.map((e) => e.action)).toEqual(['CaseCreated']);
      expect((await row.call('fraudSupervisor', caseId)).status).toBe(row.team);
    });
  }

  it('refuses a reference to a restricted case exactly as one to a case that does not exist', async () => {
    const missing = 'CASE-1999-999999';
    for (const target of [fraudCase, missing]) {
      const link = await platform.fetchAs('agent', `/cases/${ritaCase}/links`, { method: 'POST', ...json({ targetId: target, kind: 'related' }) });
      expect(link.status).toBe(400);
      expect(((await link.json()) as { errors: unknown[] }).errors).toEqual([
        expect.objectContaining({ field: 'body.targetId', rule: 'unknown_reference' }),
      ]);
      const child = await platform.fetchAs('agent', '/cases', {
        method: 'POST',
        ...json({ subject: 'S', description: 'D', requester: { id: 'demo-requester' }, parentId: target }),
      });
      expect(child.status).toBe(400);
      expect(((await child.json()) as { errors: unknown[] }).errors).toEqual([
        expect.objectContaining({ field: 'body.parentId', rule: 'unknown_reference' }),
      ]);
    }
    const unlink = await platform.fetchAs('agent', `/cases/${ritaCase}/links/${fraudCase}`, { method: 'DELETE' });
    expect(unlink.status).toBe(404);
  });

  it('leaves restricted cases out of every listing for outsiders, and keeps them in for the team', async () => {
    const idsOf = async (who: Who | 'requester', path: string) =>
      ((await (await platform.fetchAs(who, path)).json()) as { items: { caseId: string; targetId?: string }[] }).items;
    for (const who of ['agent', 'supervisor', 'admin', 'integration'] as const) {
      const byType = await platform.fetchAs(who, '/cases?type=fraud-investigation');
      expect(await byType.json(), who).toEqual({ items: [] });
      expect(
        (await idsOf(who, '/cases')).map((c) => c.caseId),
        who,
      ).not.toContain(fraudCase);
      expect(
        (await idsOf(who, '/cases?requester=demo-requester&limit=100')).map((c) => c.caseId),
        who,
      ).not.toContain(fraudCase);
      const exported = await platform.fetchAs(who, '/cases/export?type=fraud-investigation&format=jsonl');
      expect(exported.status, who).toBe(200);
      expect((await exported.text()).trim(), who).toBe('');
      expect(
        (await idsOf(who, `/cases/${ritaCase}/links`)).map((l) => l.targetId),
        who,
      ).not.toContain(fraudCase);
    }
    expect((await idsOf('agent', '/tasks?assignee=demo-agent')).map((t) => t.caseId)).not.toContain(fraudCase);
    expect((await idsOf('fraudAgent', '/tasks?assignee=demo-agent')).map((t) => t.caseId)).toContain(fraudCase);
    expect((await idsOf('fraudAgent', '/cases?type=fraud-investigation&limit=100')).map((c) => c.caseId)).toContain(fraudCase);
    expect((await idsOf('fraudSupervisor', `/cases/${ritaCase}/links`)).map((l) => l.targetId)).toContain(fraudCase);
    // The requester who reported it keeps seeing it, through the requester view.
    const mine = (await (await platform.fetchAs('requester', `/cases/${fraudCase}`)).json()) as { fields: Record<string, unknown> };
    expect(Object.keys(mine.fields).sort()).toEqual(['allegationType', 'amountAtRisk']);
    expect((await idsOf('requester', '/cases?limit=100')).map((c) => c.caseId)).toContain(fraudCase);
  });

  it('pages an owner listing around hidden cases: every visible case once, no cursor naming a hidden one, no empty page with a cursor', async () => {
    const owner = `owner-${Date.now()}`;
    const own = async (caseId: string, who: Who) => {
      const response = await platform.fetchAs(who, `/cases/${caseId}`, {
        method: 'PATCH',
        ...json({ owner }, { 'if-match': `"${((await (await platform.fetchAs(who, `/cases/${caseId}`)).json()) as { version: number }).version}"` }),
      });
      expect(response.status).toBe(200);
    };
    // Newest first: two hidden cases lead, one sits between the visible ones, one trails.
    const hidden: string[] = [];
    const visible: string[] = [];
    for (const kind of ['fraud', 'support', 'fraud', 'support', 'fraud', 'fraud'] as const) {
      const id = kind === 'fraud' ? await newFraudCase() : await freshCase();
      await own(id, kind === 'fraud' ? 'fraudAgent' : 'agent');
      (kind === 'fraud' ? hidden : visible).push(id);
    }
    const walk = async (who: Who, limit: number) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = (await (await platform.fetchAs(who, `/cases?owner=${owner}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
          items: { caseId: string }[];
          nextCursor?: string;
        };
        seen.push(...page.items.map((c) => c.caseId));
        if (page.nextCursor) {
          expect(page.items.length, 'a page with a cursor has items').toBeGreaterThan(0);
          const decoded = Buffer.from(page.nextCursor, 'base64url').toString('utf8');
          for (const id of hidden) if (who === 'agent') expect(decoded).not.toContain(id);
        }
        cursor = page.nextCursor;
        if (!cursor) return seen;
      }
      throw new Error('the listing never ended');
    };
    for (const limit of [1, 2, 3, 10]) {
      expect((await walk('agent', limit)).sort(), `limit ${limit}`).toEqual([...visible].sort());
      expect((await walk('fraudAgent', limit)).sort(), `limit ${limit}`).toEqual([...visible, ...hidden].sort());
    }
  });

  it('pages merged-shard listings (status, open work, export) around hidden cases with cursors that name no hidden case, however a client decodes them', async () => {
    // Interleaved, so shards stop reading on hidden cases: each shard's stopping point is in every cursor.
    const hidden: { caseId: string; createdAt: string }[] = [];
    const visible: string[] = [];
    for (let i = 0; i < 18; i++) {
      if (i % 3 === 2) visible.push(await freshCase());
      else {
        const caseId = await newFraudCase();
        hidden.push({
          caseId,
          createdAt: ((await (await platform.fetchAs('fraudAgent', `/cases/${caseId}`)).json()) as { createdAt: string }).createdAt,
        });
      }
    }
    /** Every reading of a cursor open to a client: as sent, base64url to text, to JSON, and the bytes as latin1 and hex. */
    const readings = (cursor: string): string[] => {
      const bytes = Buffer.from(cursor, 'base64url');
      const views = [
        cursor,
        decodeURIComponent(cursor),
        bytes.toString('utf8'),
        bytes.toString('latin1'),
        bytes.toString('hex'),
        Buffer.from(cursor, 'base64').toString('utf8'),
      ];
      try {
        views.push(JSON.stringify(JSON.parse(bytes.toString('utf8'))));
      } catch {
        // Not JSON: nothing more to read.
      }
      return views;
    };
    const walk = async (who: Who, path: string, limit: number) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 1000; pages++) {
        const response = await platform.fetchAs(who, `${path}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(response.status, path).toBe(200);
        // Export pages the same way, its cursor in a header.
        const page = path.startsWith('/cases/export')
          ? {
              items: (await response.text())
                .split('\n')
                .filter(Boolean)
                .map((line) => JSON.parse(line) as { caseId: string }),
              nextCursor: response.headers.get('x-next-cursor') ?? undefined,
            }
          : ((await response.json()) as { items: { caseId: string }[]; nextCursor?: string });
        seen.push(...page.items.map((c) => c.caseId));
        if (page.nextCursor) {
          for (const view of readings(page.nextCursor)) {
            for (const h of hidden) {
              expect(view, `${path} limit ${limit}`).not.toContain(h.caseId);
              expect(view, `${path} limit ${limit}`).not.toContain(h.createdAt);
            }
          }
        }
        cursor = page.nextCursor;
        if (!cursor) return seen;
      }
      throw new Error('the listing never ended');
    };
    // Fraud investigations start `reported`, support cases `new`; open work holds both.
    for (const path of ['/cases?status=new&status=reported', '/cases?', '/cases/export?format=jsonl&status=new&status=reported']) {
      for (const limit of [1, 3, 7]) {
        const seen = await walk('agent', path, limit);
        expect(seen, `${path} limit ${limit}`).toEqual(expect.arrayContaining(visible));
        expect(
          seen.filter((id) => hidden.some((h) => h.caseId === id)),
          `${path} limit ${limit}`,
        ).toEqual([]);
      }
    }
  }, 180_000);

  it('records every read of a restricted case in the read-access log, with the fields returned, for admins to query', async () => {
    const caseId = await newFraudCase('fraudSupervisor');
    expect((await platform.fetchAs('fraudAgent', `/cases/${caseId}`)).status).toBe(200);
    expect((await platform.fetchAs('fraudSupervisor', `/cases/${caseId}/history`)).status).toBe(200);
    expect((await platform.fetchAs('requester', `/cases/${caseId}`)).status).toBe(200);
    expect((await platform.fetchAs('agent', `/cases/${caseId}`)).status).toBe(404);
    expect((await platform.fetchAs('fraudAgent', '/cases?type=fraud-investigation&limit=100')).status).toBe(200);

    const log = await platform.fetchAs('admin', `/audit/reads?caseId=${caseId}&limit=100`);
    expect(log.status).toBe(200);
    type Read = {
      caseId: string;
      caseType: string;
      actor: { sub: string; roles: string[]; teams: string[] };
      at: string;
      operation: string;
      fields: string[];
    };
    const reads = ((await log.json()) as { items: Read[] }).items;
    const by = (sub: string, operation: string) => reads.find((r) => r.actor.sub === sub && r.operation === operation);
    // The create's answer carries what its writer sent: not a read of the stored case.
    expect(by('demo-fraud-supervisor', 'CreateCase')).toBeUndefined();
    const get = by('demo-fraud-agent', 'GetCase');
    expect(get).toMatchObject({ caseId, caseType: 'fraud-investigation', actor: { sub: 'demo-fraud-agent', roles: ['agent'], teams: ['fraud'] } });
    expect(get!.fields).toEqual(expect.arrayContaining(['subject', 'description', 'requester', 'fields.allegationType', 'fields.amountAtRisk']));
    expect(by('demo-fraud-supervisor', 'CaseHistory')).toBeDefined();
    expect(by('demo-fraud-agent', 'ListCases')).toBeDefined();
    // The reporter's read lists what the requester view carries: no internal fields, no handoff.
    const reporter = by('demo-requester', 'GetCase');
    expect(reporter!.fields).toEqual(expect.arrayContaining(['subject', 'fields.allegationType']));
    expect(reporter!.fields.filter((f) => f.startsWith('fields.')).sort()).toEqual(['fields.allegationType', 'fields.amountAtRisk']);
    // Refused reads return nothing, so there is nothing to record.
    expect(reads.filter((r) => r.actor.sub === 'demo-agent')).toEqual([]);
    expect(reads.map((r) => r.at)).toEqual([...reads.map((r) => r.at)].sort().reverse());

    const mine = (await (await platform.fetchAs('admin', '/audit/reads?actor=demo-fraud-agent&limit=5')).json()) as {
      items: Read[];
      nextCursor?: string;
    };
    expect(mine.items.length).toBe(5);
    expect(mine.items.every((r) => r.actor.sub === 'demo-fraud-agent')).toBe(true);
    const next = (await (await platform.fetchAs('admin', `/audit/reads?actor=demo-fraud-agent&limit=5&cursor=${mine.nextCursor}`)).json()) as {
      items: Read[];
    };
    expect(next.items.length).toBeGreaterThan(0);
    expect(next.items[0]!.at <= mine.items.at(-1)!.at).toBe(true);

    // Unrestricted cases are not logged.
    await platform.fetchAs('agent', `/cases/${ritaCase}`);
    expect(await (await platform.fetchAs('admin', `/audit/reads?caseId=${ritaCase}`)).json()).toEqual({ items: [] });
  });

  it("keeps a restricted case merged into a visible one out of outsiders' merged views, and records the team's reads of it", async () => {
    const dup = await newFraudCase();
    await platform.fetchAs('fraudAgent', `/cases/${dup}/comments`, { method: 'POST', ...json({ body: 'Same card as before' }) });
    expect(
      (
        await platform.fetchAs('fraudSupervisor', `/cases/${dup}/merge`, {
          method: 'POST',
          ...json({ survivorId: ritaCase, reason: 'Same incident' }),
        })
      ).status,
    ).toBe(200);
    const all = async (who: Who, path: string) => {
      const items: { caseId: string }[] = [];
      let cursor: string | undefined;
      do {
        const page = (await (await platform.fetchAs(who, `${path}&limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
          items: { caseId: string }[];
          nextCursor?: string;
        };
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items.map((i) => i.caseId);
    };
    for (const path of [`/cases/${ritaCase}/history?includeMerged=true`, `/cases/${ritaCase}/comments?includeMerged=true`]) {
      expect(await all('agent', path), path).not.toContain(dup);
      expect(await all('fraudAgent', path), path).toContain(dup);
    }
    const reads = (
      (await (await platform.fetchAs('admin', `/audit/reads?caseId=${dup}&limit=100`)).json()) as {
        items: { actor: { sub: string }; operation: string }[];
      }
    ).items;
    expect(reads).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor: expect.objectContaining({ sub: 'demo-fraud-agent' }), operation: 'CaseHistory' })]),
    );
    expect(reads).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor: expect.objectContaining({ sub: 'demo-fraud-agent' }), operation: 'ListComments' })]),
    );
    expect(reads.filter((r) => r.actor.sub === 'demo-agent')).toEqual([]);
  });

  it('fails closed: a read that cannot be recorded answers 503 and returns nothing of the case', async () => {
    // A subject longer than an index key may be (2,048 bytes) makes the log write itself fail in DynamoDB.
    const unloggable = { sub: `x${'y'.repeat(2100)}`, roles: ['agent'] as const, groups: ['fraud-team'] };
    const response = await platform.fetchAs({ ...unloggable, roles: ['agent'] }, `/cases/${fraudCase}`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('retry-after')).toBe('5');
    const body = await response.text();
    expect(body).not.toContain('Card used abroad');
    expect(JSON.parse(body)).toMatchObject({ status: 503, detail: expect.stringMatching(/read-access log/) });
    // Unrestricted cases need no log entry, so the same caller reads them as usual.
    expect((await platform.fetchAs({ ...unloggable, roles: ['agent'] }, `/cases/${ritaCase}`)).status).toBe(200);
  });

  it('lets only admins query the read-access log, by exactly one of caseId and actor', async () => {
    for (const who of ['requester', 'agent', 'supervisor', 'integration', 'fraudAgent', 'fraudSupervisor'] as const) {
      expect((await platform.fetchAs(who, `/audit/reads?caseId=${fraudCase}`)).status, who).toBe(403);
    }
    for (const query of ['', `?caseId=${fraudCase}&actor=demo-agent`]) {
      const response = await platform.fetchAs('admin', `/audit/reads${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(((await response.json()) as { errors: { field: string }[] }).errors[0]!.field).toMatch(/^query\.(caseId|actor)$/);
    }
    expect((await fetch(`${platform.url}/audit/reads?caseId=${fraudCase}`)).status).toBe(401);
  });

  it('lets only a member of the team change who may see a restricted type', async () => {
    const restricted = { ...labType, typeId: 'lab-restricted', access: { teams: ['fraud'] } };
    // Restricting is any admin's to do.
    expect((await platform.fetchAs('admin', '/case-types', { method: 'POST', ...json(restricted) })).status).toBe(201);
    const { typeId: _id, access: _access, ...open } = restricted;
    for (const body of [open, { ...open, access: { teams: ['fraud', 'billing'] } }]) {
      const refused = await platform.fetchAs('admin', '/case-types/lab-restricted/versions', { method: 'POST', ...json(body) });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { errors: unknown[] }).errors).toEqual([
        expect.objectContaining({ field: 'body.access', rule: 'not_permitted' }),
      ]);
    }
    // Keeping the rule is fine for any admin; changing it takes an admin in the team.
    expect(
      (await platform.fetchAs('admin', '/case-types/lab-restricted/versions', { method: 'POST', ...json({ ...open, access: { teams: ['fraud'] } }) }))
        .status,
    ).toBe(201);
    const teamAdmin = { sub: 'demo-fraud-admin', roles: ['admin'] as const, groups: ['fraud-team'] };
    expect(
      (await platform.fetchAs({ ...teamAdmin, roles: ['admin'] }, '/case-types/lab-restricted/versions', { method: 'POST', ...json(open) })).status,
    ).toBe(201);
  });
});
