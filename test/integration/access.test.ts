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

const json = (body: unknown, headers: Record<string, string> = {}) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

beforeAll(async () => {
  platform = await startTestPlatform();
  const rita = await platform.fetchAs('requester', '/cases', { method: 'POST', ...json({ subject: 'My laptop', description: 'Will not boot' }) });
  ritaCase = ((await rita.json()) as { caseId: string }).caseId;
  const other = await platform.fetchAs('requester2', '/cases', { method: 'POST', ...json({ subject: 'Their case', description: 'Private' }) });
  otherCase = ((await other.json()) as { caseId: string }).caseId;
  await platform.fetchAs('agent', `/cases/${ritaCase}/comments`, { method: 'POST', ...json({ body: 'Customer sounds angry', visibility: 'internal' }) });
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
  const response = await platform.fetchAs(who, `/cases/${ritaCase}/attachments`, { method: 'POST', ...json({ fileName: 'r.txt', contentType: 'text/plain', size: FILE.length, visibility }) });
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
  p.fetchAs(role, `/cases/${ritaCase}/attachments/${attachmentId}/versions`, { method: 'POST', ...json({ fileName: 'r2.txt', contentType: 'text/plain', size: 3 }) });

/** A new draft article, for calls that use one up. */
async function freshArticle(visibility: 'public' | 'internal' = 'internal'): Promise<string> {
  const created = await platform.fetchAs('agent', '/knowledge/articles', { method: 'POST', ...json({ title: 'Access matrix', body: 'Printer jams', category: 'hardware', visibility }) });
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
  {
    name: 'GET /cases/{id}/history/verify',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/history/verify`),
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  { name: 'GET /cases/{id}/transitions', call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/transitions`), expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  {
    // Withdrawing is for the requester (and supervisors and admins), not for agents or integrations.
    name: 'POST /cases/{id}/transitions (withdraw)',
    call: async (p, role) => p.fetchAs(role, `/cases/${await freshCase()}/transitions`, { method: 'POST', ...json({ to: 'closed', reason: 'Sorted it myself' }) }),
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
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/tasks`, { method: 'POST', ...json({ title: `Call back (${role})`, assignee: 'demo-agent' }) }),
    expect: { requester: 403, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  { name: 'GET /cases/{id}/tasks', call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/tasks`), expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  {
    name: 'PATCH /cases/{id}/tasks/{taskId}',
    call: async (p, role) => {
      const task = (await (await p.fetchAs('agent', `/cases/${ritaCase}/tasks`, { method: 'POST', ...json({ title: 'Check logs' }) })).json()) as { taskId: string };
      return p.fetchAs(role, `/cases/${ritaCase}/tasks/${task.taskId}`, { method: 'PATCH', ...json({ status: 'in_progress' }) });
    },
    expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  { name: 'GET /tasks', call: (p, role) => p.fetchAs(role, '/tasks?assignee=demo-agent'), expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  {
    name: 'POST /cases/{id}/attachments (public)',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/attachments`, { method: 'POST', ...json({ fileName: 'a.pdf', contentType: 'application/pdf', size: 100 }) }),
    expect: { requester: 201, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  {
    name: 'POST /cases/{id}/attachments (internal)',
    call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/attachments`, { method: 'POST', ...json({ fileName: 'a.pdf', contentType: 'application/pdf', size: 100, visibility: 'internal' }) }),
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
  { name: 'GET /cases/{id}/attachments', call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/attachments`), expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
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
  { name: 'GET /case-types', call: (p, role) => p.fetchAs(role, '/case-types'), expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  { name: 'GET /case-types/{type}', call: (p, role) => p.fetchAs(role, '/case-types/support'), expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  {
    name: 'POST /case-types/{type}/versions',
    call: async (p, role) => {
      await p.fetchAs('admin', '/case-types', { method: 'POST', ...json({ ...labType, typeId: 'lab-versions' }) });
      const { typeId: _id, ...definition } = labType;
      return p.fetchAs(role, '/case-types/lab-versions/versions', { method: 'POST', ...json({ ...definition, name: `Lab by ${role}` }) });
    },
    expect: { requester: 403, agent: 403, supervisor: 403, admin: 201, integration: 403 },
  },
  { name: 'GET /case-types/{type}/versions', call: (p, role) => p.fetchAs(role, '/case-types/support/versions'), expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  { name: 'GET /case-types/{type}/workflow', call: (p, role) => p.fetchAs(role, '/case-types/support/workflow'), expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  {
    // Links are staff work, even between two of the requester's own cases: the other end may be anyone's.
    name: 'POST /cases/{id}/links',
    call: async (p, role) => p.fetchAs(role, `/cases/${ritaCase}/links`, { method: 'POST', ...json({ targetId: await freshCase(), kind: 'related' }) }),
    expect: { requester: 403, agent: 201, supervisor: 201, admin: 201, integration: 201 },
  },
  { name: 'GET /cases/{id}/links', call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/links`), expect: { requester: 403, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
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
    call: async (p, role) => p.fetchAs(role, `/cases/${await freshCase()}/merge`, { method: 'POST', ...json({ survivorId: ritaCase, reason: 'Same laptop' }) }),
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
  { name: 'GET /knowledge/articles', call: (p, role) => p.fetchAs(role, '/knowledge/articles'), expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
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
      return p.fetchAs(role, `/knowledge/articles/${publicArticle}`, { method: 'PATCH', ...json({ body: `Edited by ${role}` }, { 'if-match': `"${current.version}"` }) });
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
  { name: 'GET /cases/{id}/articles', call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/articles`), expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  {
    name: 'POST /knowledge/feedback',
    call: (p, role) => p.fetchAs(role, '/knowledge/feedback', { method: 'POST', ...json({ suggestionId: 'SG-00000000000000ab', articleId: publicArticle, event: 'clicked' }) }),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
  { name: 'GET /knowledge/search', call: (p, role) => p.fetchAs(role, '/knowledge/search?q=printer'), expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  { name: 'GET /cases/{id}/suggestions', call: (p, role) => p.fetchAs(role, `/cases/${ritaCase}/suggestions`), expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 } },
  {
    name: 'POST /knowledge/deflect',
    call: (p, role) => p.fetchAs(role, '/knowledge/deflect', { method: 'POST', ...json({ subject: 'Printer jams' }) }),
    expect: { requester: 200, agent: 200, supervisor: 200, admin: 200, integration: 200 },
  },
];

/** A new case of the requester's that an agent handed to another owner, so it has a brief. */
async function handedOver(): Promise<{ caseId: string; etag: string }> {
  const caseId = await freshCase();
  const moved = await platform.fetchAs('agent', `/cases/${caseId}`, { method: 'PATCH', ...json({ owner: 'demo-supervisor' }, { 'if-match': '"1"' }) });
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
    const seen = (await (await platform.fetchAs('requester', `/cases/${ritaCase}/comments`)).json()) as { items: { body: string; visibility: string }[] };
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
      ...json({ type: 'insurance-claim', subject: 'Burst pipe', description: 'Kitchen flooded', fields: { policyNumber: 'HO-654321', claimType: 'home', incidentDate: '2026-11-02', estimatedLoss: 4200 } }),
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
    const denied = await platform.fetchAs('agent', `/cases/${caseId}`, { method: 'PATCH', ...json({ fields: { fraudScore: 1 } }, { 'if-match': `"${version + 1}"` }) });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ field: 'body.fields.fraudScore', rule: 'not_permitted' })]);

    const asAgent = (await (await platform.fetchAs('agent', `/cases/${caseId}`)).json()) as { fields: Record<string, unknown>; redactedFields: string[]; priorityScore: { inputs: Record<string, unknown>[] } };
    expect(asAgent.fields).not.toHaveProperty('fraudScore');
    expect(asAgent.fields.adjusterNotes).toBe('Photos look recycled');
    expect(asAgent.redactedFields).toEqual(['fraudScore']);
    expect(asAgent.priorityScore.inputs.find((i) => i.field === 'fraudScore')).toEqual({ name: 'risk', field: 'fraudScore', weight: 1, redacted: true });

    const asRita = (await (await platform.fetchAs('requester', `/cases/${caseId}`)).json()) as { fields: Record<string, unknown>; redactedFields?: string[] };
    expect(Object.keys(asRita.fields).sort()).toEqual(['claimType', 'estimatedLoss', 'incidentDate', 'policyNumber']);
    expect(asRita.redactedFields).toBeUndefined();

    const historyAs = async (role: 'agent' | 'supervisor') =>
      ((await (await platform.fetchAs(role, `/cases/${caseId}/history`)).json()) as { items: { changes: { field: string; after: unknown }[] }[] }).items[1]!.changes.find((c) => c.field === 'fields.fraudScore');
    expect((await historyAs('agent'))?.after).toBe('[redacted]');
    expect((await historyAs('supervisor'))?.after).toBe(87);
  });

  it('gives requesters only the intake form of a case type', async () => {
    const type = (await (await platform.fetchAs('requester', '/case-types/insurance-claim')).json()) as { fields: { name: string }[]; workflow?: unknown };
    expect(type.workflow).toBeUndefined();
    expect(type.fields.map((f) => f.name)).toEqual(['policyNumber', 'claimType', 'incidentDate', 'vehicleRegistration', 'otherPartyInvolved', 'propertyDamage', 'estimatedLoss', 'injuries']);
  });
});
