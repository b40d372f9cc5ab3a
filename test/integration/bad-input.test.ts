/**
 * Every malformed request gets its 4xx as problem+json naming the field and the
 * rule, and nothing is written: the table holds the same items before and after.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
let caseId: string;

const JSON_HEADERS = { 'content-type': 'application/json' };
const valid = { subject: 'Valid subject', description: 'Valid description', requester: { id: 'cust-9' } };

beforeAll(async () => {
  platform = await startTestPlatform();
  const created = await platform.fetchAs('agent', '/cases', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(valid) });
  caseId = ((await created.json()) as { caseId: string }).caseId;
});
afterAll(async () => {
  await platform?.stop();
});

/** A test-only full read of the table (product code never scans). */
async function snapshot(): Promise<string> {
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await platform.dynamodb.client.send(new ScanCommand({ TableName: platform.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items.map((i) => JSON.stringify(i)).sort());
}

interface BadRequest {
  name: string;
  method: string;
  path: string | (() => string);
  body?: string;
  headers?: Record<string, string>;
  status: number;
  field?: string;
  rule?: string;
}

const post = (body: unknown): Pick<BadRequest, 'method' | 'path' | 'body' | 'headers'> => ({
  method: 'POST',
  path: '/cases',
  body: typeof body === 'string' ? body : JSON.stringify(body),
  headers: JSON_HEADERS,
});
const patch = (body: unknown, ifMatch: string | null = '"1"'): Pick<BadRequest, 'method' | 'path' | 'body' | 'headers'> => ({
  method: 'PATCH',
  path: () => `/cases/${caseId}`,
  body: JSON.stringify(body),
  headers: { ...JSON_HEADERS, ...(ifMatch ? { 'if-match': ifMatch } : {}) },
});

const CASES: BadRequest[] = [
  { name: 'malformed JSON', ...post('{"subject": '), status: 400, field: 'body', rule: 'json' },
  { name: 'JSON array body', ...post([1, 2]), status: 400, field: 'body', rule: 'invalid_type' },
  { name: 'JSON null body', ...post('null'), status: 400, field: 'body', rule: 'invalid_type' },
  { name: 'empty body', method: 'POST', path: '/cases', headers: JSON_HEADERS, status: 400, field: 'body', rule: 'required' },
  { name: 'form-encoded body', method: 'POST', path: '/cases', body: 'subject=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
  { name: 'missing subject', ...post({ ...valid, subject: undefined }), status: 400, field: 'body.subject', rule: 'required' },
  { name: 'blank subject', ...post({ ...valid, subject: '   ' }), status: 400, field: 'body.subject', rule: 'too_small' },
  { name: 'subject too long', ...post({ ...valid, subject: 'x'.repeat(201) }), status: 400, field: 'body.subject', rule: 'too_big' },
  { name: 'subject a number', ...post({ ...valid, subject: 42 }), status: 400, field: 'body.subject', rule: 'invalid_type' },
  { name: 'missing description', ...post({ ...valid, description: undefined }), status: 400, field: 'body.description', rule: 'required' },
  { name: 'unknown priority', ...post({ ...valid, priority: 'whenever' }), status: 400, field: 'body.priority', rule: 'invalid_value' },
  { name: 'unknown channel', ...post({ ...valid, channel: 'pigeon' }), status: 400, field: 'body.channel', rule: 'invalid_value' },
  { name: 'unknown top-level field', ...post({ ...valid, status: 'closed' }), status: 400, field: 'body.status', rule: 'unrecognized_key' },
  { name: 'bad type slug', ...post({ ...valid, type: 'Support Ticket' }), status: 400, field: 'body.type', rule: 'invalid_format' },
  { name: 'bad requester email', ...post({ ...valid, requester: { id: 'c', email: 'not-an-email' } }), status: 400, field: 'body.requester.email', rule: 'invalid_format' },
  { name: 'requester id with #', ...post({ ...valid, requester: { id: 'a#b' } }), status: 400, field: 'body.requester.id', rule: 'invalid_format' },
  { name: 'field name with a dot', ...post({ ...valid, fields: { 'a.b': 1 } }), status: 400, field: 'body.fields.a.b', rule: 'invalid_key' },
  { name: 'field value an object', ...post({ ...valid, fields: { nested: { a: 1 } } }), status: 400, field: 'body.fields.nested', rule: 'invalid_union' },
  { name: 'staff without requester', ...post({ subject: 'S', description: 'D' }), status: 400, field: 'body.requester', rule: 'required' },
  { name: 'idempotency key with spaces', ...post(valid), headers: { ...JSON_HEADERS, 'idempotency-key': 'has spaces' }, status: 400, field: 'header.idempotency-key', rule: 'invalid_format' },
  { name: 'audit channel header unknown', ...post(valid), headers: { ...JSON_HEADERS, 'x-caseway-channel': 'fax' }, status: 400, field: 'header.x-caseway-channel', rule: 'invalid_value' },
  { name: 'body over the cap', ...post({ ...valid, description: 'x'.repeat(70_000) }), status: 413 },
  { name: 'bad case id in path', method: 'GET', path: '/cases/not-a-case', status: 400, field: 'path.id', rule: 'invalid_format' },
  { name: 'unknown case', method: 'GET', path: '/cases/CASE-1999-999999', status: 404 },
  { name: 'limit zero', method: 'GET', path: '/cases?status=new&limit=0', status: 400, field: 'query.limit', rule: 'too_small' },
  { name: 'limit over the cap', method: 'GET', path: '/cases?status=new&limit=1000', status: 400, field: 'query.limit', rule: 'too_big' },
  { name: 'limit not a number', method: 'GET', path: '/cases?status=new&limit=ten', status: 400, field: 'query.limit', rule: 'invalid_type' },
  { name: 'unknown status filter', method: 'GET', path: '/cases?status=lost', status: 400, field: 'query.status.0', rule: 'invalid_value' },
  { name: 'unknown query parameter', method: 'GET', path: '/cases?colour=red', status: 400, field: 'query.colour', rule: 'unrecognized_key' },
  { name: 'garbage cursor', method: 'GET', path: '/cases?status=new&cursor=%%%', status: 400, field: 'query.cursor', rule: 'invalid_cursor' },
  { name: 'patch without If-Match', ...patch({ priority: 'low' }, null), status: 428, field: 'header.if-match', rule: 'required' },
  { name: 'patch with junk If-Match', ...patch({ priority: 'low' }, 'yesterday'), status: 400, field: 'header.if-match', rule: 'invalid_format' },
  { name: 'patch with stale If-Match', ...patch({ priority: 'low' }, '"7"'), status: 412 },
  { name: 'patch with nothing to change', ...patch({ reason: 'just because' }), status: 400, field: 'body', rule: 'custom' },
  { name: 'patch to unknown status', ...patch({ status: 'vanished' }), status: 400, field: 'body.status', rule: 'invalid_value' },
  { name: 'patch an unknown field', ...patch({ caseId: 'CASE-2026-000999' }), status: 400, field: 'body.caseId', rule: 'unrecognized_key' },
  { name: 'comment without body', method: 'POST', path: () => `/cases/${caseId}/comments`, body: JSON.stringify({}), headers: JSON_HEADERS, status: 400, field: 'body.body', rule: 'required' },
  {
    name: 'comment with unknown visibility',
    method: 'POST',
    path: () => `/cases/${caseId}/comments`,
    body: JSON.stringify({ body: 'x', visibility: 'secret' }),
    headers: JSON_HEADERS,
    status: 400,
    field: 'body.visibility',
    rule: 'invalid_value',
  },
  { name: 'unknown route', method: 'GET', path: '/tickets', status: 404 },
  { name: 'wrong method', method: 'DELETE', path: () => `/cases/${caseId}`, status: 405 },
];

describe('malformed requests', () => {
  it('has a table of at least 30 bad inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('$name -> $status, and nothing is written', async (bad) => {
    const before = await snapshot();
    const path = typeof bad.path === 'function' ? bad.path() : bad.path;
    const response = await platform.fetchAs('agent', path, { method: bad.method, ...(bad.body === undefined ? {} : { body: bad.body }), headers: bad.headers ?? {} });
    expect(response.status).toBe(bad.status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as { status: number; type: string; title: string; errors?: { field: string; rule: string }[] };
    expect(problem.status).toBe(bad.status);
    expect(problem.type).toMatch(/^https:\/\/caseway\.dev\/problems\//);
    if (bad.field) expect(problem.errors).toContainEqual(expect.objectContaining({ field: bad.field, rule: bad.rule }));
    expect(await snapshot()).toBe(before);
  });

  it('answers 405 with the methods the path does accept', async () => {
    const response = await platform.fetchAs('agent', `/cases/${caseId}`, { method: 'DELETE' });
    expect(((await response.json()) as { allow: string[] }).allow.sort()).toEqual(['GET', 'PATCH']);
  });
});
