/**
 * "No input a client can send may produce a 500", checked by generating inputs:
 * random JSON bodies, query strings, path segments and headers against the live
 * local API. Every answer must be below 500, and every 4xx a problem document.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
let caseId: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  const created = await platform.fetchAs('agent', '/cases', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subject: 'Fuzz target', description: 'x', requester: { id: 'fuzz' } }),
  });
  caseId = ((await created.json()) as { caseId: string }).caseId;
});
afterAll(async () => {
  await platform?.stop();
});

const roles = fc.constantFrom('requester', 'agent', 'integration' as const);
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', ' ', '#', '%00', '%', '..', 'CASE-2026-000001', 'null', '[]', '{}', '"1"', 'W/"1"', '*', 'é'.repeat(300)),
);
const jsonBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.record({
    subject: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    description: fc.oneof(fc.string(), fc.jsonValue()),
    priority: nasty,
    status: nasty,
    owner: fc.oneof(nasty, fc.constant(null)),
    requester: fc.oneof(fc.record({ id: nasty, email: nasty }), fc.jsonValue()),
    fields: fc.dictionary(nasty, fc.jsonValue()),
    visibility: nasty,
    body: nasty,
  }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  fc.string(),
);

const request = fc.record({
  role: roles,
  method: fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE'),
  path: fc.oneof(
    fc.constantFrom('/cases', '/cases/{id}', '/cases/{id}/comments', '/cases/{id}/history'),
    nasty.map((segment) => `/cases/${encodeURIComponent(segment)}`),
    nasty.map((segment) => `/cases/{id}/${encodeURIComponent(segment)}`),
  ),
  query: fc.dictionary(fc.constantFrom('status', 'owner', 'requester', 'limit', 'cursor', 'x'), nasty, { maxKeys: 3 }),
  body: fc.option(jsonBody, { nil: undefined }),
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/problem+json', ''),
  ifMatch: fc.option(nasty, { nil: undefined }),
  idempotencyKey: fc.option(nasty, { nil: undefined }),
});

describe('no client input produces a 500', () => {
  it('holds for 300 generated requests', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const query = new URLSearchParams(r.query).toString();
        const path = r.path.replace('{id}', caseId) + (query ? `?${query}` : '');
        const headers: Record<string, string> = {};
        if (r.contentType) headers['content-type'] = r.contentType;
        // fetch refuses header values outside Latin-1; such a header could not reach the API either.
        const latin1 = (v: string) => /^[\x20-\x7e]*$/.test(v);
        if (r.ifMatch !== undefined && latin1(r.ifMatch)) headers['if-match'] = r.ifMatch;
        if (r.idempotencyKey !== undefined && latin1(r.idempotencyKey)) headers['idempotency-key'] = r.idempotencyKey;
        const sendsBody = r.body !== undefined && r.method !== 'GET';
        const response = await platform.fetchAs(r.role, path, { method: r.method, headers, ...(sendsBody ? { body: r.body } : {}) });
        const text = await response.text();
        expect(response.status, `${r.method} ${path} -> ${text}`).toBeLessThan(500);
        if (response.status >= 400 && response.status !== 401) expect(response.headers.get('content-type')).toBe('application/problem+json');
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
