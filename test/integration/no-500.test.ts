/**
 * "No input a client can send may produce a 500", checked by generating inputs:
 * random JSON bodies, query strings, path segments and headers against the live
 * local API. Every answer must be below 500, and every 4xx a problem document.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleCaseTypes } from '#lib/seed/case-types/index.js';
import { routes } from '#topology/routes.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
let caseId: string;
let otherId: string;
let taskId: string;
let attachmentId: string;
let articleId: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  const created = await platform.fetchAs('agent', '/cases', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subject: 'Fuzz target', description: 'x', requester: { id: 'fuzz' } }),
  });
  caseId = ((await created.json()) as { caseId: string }).caseId;
  const other = await platform.fetchAs('agent', '/cases', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subject: 'Fuzz other', description: 'x', requester: { id: 'fuzz' } }),
  });
  otherId = ((await other.json()) as { caseId: string }).caseId;
  const task = await platform.fetchAs('agent', `/cases/${caseId}/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Fuzz task' }),
  });
  taskId = ((await task.json()) as { taskId: string }).taskId;
  const file = Buffer.from('fuzz attachment');
  const granted = (await (
    await platform.fetchAs('agent', `/cases/${caseId}/attachments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fileName: 'f.txt', contentType: 'text/plain', size: file.length }),
    })
  ).json()) as { attachmentId: string; uploadId: string; complete: string; upload: { url: string; headers: Record<string, string> } };
  await fetch(granted.upload.url, { method: 'PUT', headers: granted.upload.headers, body: file });
  await platform.fetchAs('agent', granted.complete, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uploadId: granted.uploadId }),
  });
  attachmentId = granted.attachmentId;
  const article = await platform.fetchAs('agent', '/knowledge/articles', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Fuzz article', body: 'Fuzz body', category: 'fuzz', visibility: 'public' }),
  });
  articleId = ((await article.json()) as { articleId: string }).articleId;
  await platform.fetchAs('supervisor', `/knowledge/articles/${articleId}/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to: 'published' }),
  });
});
afterAll(async () => {
  await platform?.stop();
});

const roles = fc.constantFrom('requester', 'agent', 'integration', 'admin', 'supervisor' as const);
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', ' ', '#', '%00', '%', '..', 'CASE-2026-000001', 'null', '[]', '{}', '"1"', 'W/"1"', '*', 'é'.repeat(300)),
);
const jsonBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        subject: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        description: fc.oneof(fc.string(), fc.jsonValue()),
        priority: nasty,
        status: nasty,
        owner: fc.oneof(nasty, fc.constant(null)),
        requester: fc.oneof(fc.record({ id: nasty, email: nasty }), fc.jsonValue()),
        fields: fc.dictionary(nasty, fc.jsonValue()),
        visibility: nasty,
        body: nasty,
        parentId: nasty,
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  // Near-valid bodies of the newer endpoints: transitions, tasks, migration.
  fc
    .record(
      {
        to: fc.oneof(fc.constantFrom('in_review', 'resolved', 'closed', 'blocked', 'new'), nasty),
        transition: nasty,
        reason: fc.oneof(fc.string(), fc.jsonValue()),
        fields: fc.dictionary(
          fc.constantFrom('product', 'impact', 'urgency', 'resolutionCode', 'orderNumber', 'relatedCase', 'errorMessage'),
          fc.oneof(fc.jsonValue(), nasty),
        ),
        title: nasty,
        status: fc.oneof(fc.constantFrom('open', 'in_progress', 'done', 'cancelled'), nasty),
        checklist: fc.oneof(
          fc.array(fc.record({ itemId: nasty, text: nasty, done: fc.jsonValue() }, { requiredKeys: [] })),
          fc.array(nasty),
          fc.jsonValue(),
        ),
        dueAt: fc.oneof(
          nasty,
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        mandatory: fc.jsonValue(),
        toVersion: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  // Near-valid bodies of links, merges and handoff briefs, aimed at the rules behind the schemas.
  fc
    .record(
      {
        targetId: fc.oneof(fc.constantFrom('{id}', '{other}', 'CASE-2026-999999'), nasty),
        kind: fc.oneof(fc.constantFrom('related', 'duplicateOf', 'hasDuplicate', 'causedBy', 'causes', 'parentOf', 'childOf'), nasty),
        survivorId: fc.oneof(fc.constantFrom('{id}', '{other}', 'CASE-2026-999999'), nasty),
        reason: fc.oneof(fc.string(), fc.jsonValue()),
        asked: fc.oneof(fc.string(), fc.jsonValue()),
        tried: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
        pending: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  // Near-valid attachment declarations and confirmations.
  fc
    .record(
      {
        fileName: fc.oneof(fc.constantFrom('a.pdf', 'photo.png', '../x', 'a/b', ''), nasty),
        contentType: fc.oneof(fc.constantFrom('application/pdf', 'image/png', 'text/plain', 'application/x-msdownload'), nasty),
        size: fc.oneof(fc.integer(), fc.constantFrom(0, 1, 26_214_400, 26_214_401), fc.jsonValue()),
        retentionClass: fc.oneof(fc.constantFrom('transient', 'standard', 'legal', 'forever'), nasty),
        sha256: fc.oneof(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), nasty),
        visibility: fc.oneof(fc.constantFrom('public', 'internal'), nasty),
        uploadId: fc.oneof(fc.constantFrom('20261127T000000000Z-0123abcd'), nasty),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  // A valid case type with one thing somewhere in it replaced: aims at the checks that run after the schema.
  fc
    .tuple(fc.nat(), fc.oneof(fc.jsonValue(), nasty), fc.constantFrom(...exampleCaseTypes()))
    .map(([at, value, type]) => JSON.stringify(mutate(type, at, value))),
  // Near-valid bodies of the knowledge endpoints: articles, lifecycle, links, feedback, deflection.
  fc
    .record(
      {
        title: nasty,
        body: nasty,
        category: fc.oneof(fc.constantFrom('billing', 'fuzz'), nasty),
        tags: fc.oneof(fc.array(nasty, { maxLength: 4 }), fc.jsonValue()),
        visibility: fc.oneof(fc.constantFrom('internal', 'public'), nasty),
        to: fc.oneof(fc.constantFrom('draft', 'inReview', 'published', 'archived'), nasty),
        articleId: fc.oneof(fc.constant('{articleId}'), fc.constant('KB-000000000000'), nasty),
        suggestionId: fc.oneof(fc.constant('SG-00000000000000aa'), nasty),
        event: fc.oneof(fc.constantFrom('shown', 'clicked', 'linked', 'deflected'), nasty),
        subject: nasty,
        description: nasty,
        limit: fc.jsonValue(),
        reason: nasty,
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.string(),
  // Files for the import endpoint.
  fc
    .array(
      fc.array(nasty, { maxLength: 4 }).map((cells) => cells.map((c) => JSON.stringify(c)).join(',')),
      { maxLength: 5 },
    )
    .map((lines) => ['subject,description,fields.product,requester.id', ...lines].join('\n')),
);

/** `value` at the `at`-th node of `tree` (depth first): one small corruption of a valid document. */
function mutate(tree: unknown, at: number, value: unknown): unknown {
  let seen = 0;
  const walk = (node: unknown): unknown => {
    if (seen++ === at) return value;
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    return node;
  };
  const count = (node: unknown): number =>
    1 +
    (Array.isArray(node)
      ? node.reduce((n: number, v) => n + count(v), 0)
      : node !== null && typeof node === 'object'
        ? Object.values(node).reduce((n: number, v) => n + count(v), 0)
        : 0);
  at %= count(tree);
  return walk(tree);
}

/** A route of the route table with its own method (most requests), or anything at all (the rest). */
const target = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(...routes.filter((r) => r.path !== '/openapi.json')).map((r) => ({ method: r.method as string, path: r.path })),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      method: fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE'),
      path: fc.oneof(
        nasty.map((segment) => `/cases/${encodeURIComponent(segment)}`),
        nasty.map((segment) => `/cases/{id}/${encodeURIComponent(segment)}`),
        nasty.map((segment) => `/case-types/${encodeURIComponent(segment)}`),
        nasty.map((segment) => `/knowledge/articles/${encodeURIComponent(segment)}`),
      ),
    }),
  },
);

const request = fc.record({
  role: roles,
  target,
  query: fc.dictionary(
    fc.constantFrom(
      'status',
      'owner',
      'requester',
      'limit',
      'cursor',
      'x',
      'type',
      'queue',
      'version',
      'format',
      'mode',
      'dryRun',
      'assignee',
      'includeMerged',
      'q',
      'category',
      'tag',
      'visibility',
    ),
    nasty,
    { maxKeys: 3 },
  ),
  body: fc.option(jsonBody, { nil: undefined, freq: 5 }),
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/json') },
    { weight: 2, arbitrary: fc.constantFrom('text/plain', 'application/problem+json', '', 'text/csv', 'application/x-ndjson') },
  ),
  ifMatch: fc.option(nasty, { nil: undefined }),
  idempotencyKey: fc.option(nasty, { nil: undefined }),
});

describe('no client input produces a 500', () => {
  it('holds for 600 generated requests', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const query = new URLSearchParams(r.query).toString();
        // A merge closes its case for good: merges start from the other case, so the main one keeps taking every kind of write.
        const subject = r.target.path === '/cases/{id}/merge' ? otherId : caseId;
        const path =
          r.target.path
            .replace('{id}', subject)
            .replace('{taskId}', taskId)
            .replace('{attachmentId}', attachmentId)
            .replace('{type}', 'support')
            .replace('{targetId}', otherId)
            .replace('{articleId}', articleId) + (query ? `?${query}` : '');
        const method = r.target.method;
        const headers: Record<string, string> = {};
        if (r.contentType) headers['content-type'] = r.contentType;
        // Imports are files: the import route gets CSV or JSON Lines most of the time.
        if (r.target.path === '/cases/import' && r.contentType === 'application/json') headers['content-type'] = 'text/csv';
        // fetch refuses header values outside Latin-1; such a header could not reach the API either.
        const latin1 = (v: string) => /^[\x20-\x7e]*$/.test(v);
        if (r.ifMatch !== undefined && latin1(r.ifMatch)) headers['if-match'] = r.ifMatch;
        if (r.idempotencyKey !== undefined && latin1(r.idempotencyKey)) headers['idempotency-key'] = r.idempotencyKey;
        const sendsBody = r.body !== undefined && method !== 'GET';
        const body = r.body?.replaceAll('{id}', caseId).replaceAll('{other}', otherId).replaceAll('{articleId}', articleId);
        const response = await platform.fetchAs(r.role, path, { method, headers, ...(sendsBody ? { body } : {}) });
        const text = await response.text();
        expect(response.status, `${method} ${path} -> ${text}`).toBeLessThan(500);
        if (response.status >= 400 && response.status !== 401) expect(response.headers.get('content-type')).toBe('application/problem+json');
      }),
      { numRuns: 600 },
    );
  }, 240_000);
});
