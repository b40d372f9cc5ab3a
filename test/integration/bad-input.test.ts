/**
 * Every malformed request gets its 4xx as problem+json naming the field and the
 * rule, and nothing is written: the table holds the same items before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoUserKey } from '#lib/local/dev-issuer.js';
import { exampleCaseTypes } from '#lib/seed/case-types/index.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { tableSnapshot } from '../support/table-snapshot.js';

let platform: TestPlatform;
let caseId: string;
/** A support case in review, where resolving is a transition that guards can block. */
let reviewedId: string;

const JSON_HEADERS = { 'content-type': 'application/json' };
const valid = { subject: 'Valid subject', description: 'Valid description', requester: { id: 'cust-9' } };

beforeAll(async () => {
  platform = await startTestPlatform();
  const created = await platform.fetchAs('agent', '/cases', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(valid) });
  caseId = ((await created.json()) as { caseId: string }).caseId;
  const second = await platform.fetchAs('agent', '/cases', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(valid) });
  reviewedId = ((await second.json()) as { caseId: string }).caseId;
  await platform.fetchAs('agent', `/cases/${reviewedId}/transitions`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({ to: 'in_review' }),
  });
  const asset = await platform.fetchAs('admin', '/assets', {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({
      assetId: PUMP,
      name: 'Pump',
      owner: { id: 'cust-9' },
      thresholds: [{ metric: 'temperature', direction: 'above', value: 80 }],
    }),
  });
  expect(asset.status).toBe(201);
});
afterAll(async () => {
  await platform?.stop();
});

const snapshot = () => tableSnapshot(platform);

const PUMP = 'pump-bad-input';
const reading = (signalId: string, value: number) => ({ assetId: PUMP, signalId, metric: 'temperature', value, at: '2026-11-27T12:00:00Z' });
/** `depth` arrays inside each other: `[[[...]]]`. */
const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);

interface BadRequest {
  name: string;
  method: string;
  path: string | (() => string);
  body?: string;
  headers?: Record<string, string>;
  status: number;
  field?: string;
  rule?: string;
  /** Who sends it (default: an agent). */
  as?: DemoUserKey;
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

const send = (method: string, path: string | (() => string), body: unknown, headers: Record<string, string> = {}) => ({
  method,
  path,
  body: JSON.stringify(body),
  headers: { ...JSON_HEADERS, ...headers },
});
const onCase =
  (suffix: string, id: () => string = () => caseId) =>
  () =>
    `/cases/${id()}${suffix}`;
const supportType = (): Record<string, unknown> => {
  const { typeId: _id, ...definition } = exampleCaseTypes().find((t) => t.typeId === 'support')!;
  return definition;
};

const CASES: BadRequest[] = [
  { name: 'malformed JSON', ...post('{"subject": '), status: 400, field: 'body', rule: 'json' },
  { name: 'JSON array body', ...post([1, 2]), status: 400, field: 'body', rule: 'invalid_type' },
  { name: 'JSON null body', ...post('null'), status: 400, field: 'body', rule: 'invalid_type' },
  { name: 'empty body', method: 'POST', path: '/cases', headers: JSON_HEADERS, status: 400, field: 'body', rule: 'required' },
  {
    name: 'form-encoded body',
    method: 'POST',
    path: '/cases',
    body: 'subject=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
  },
  { name: 'missing subject', ...post({ ...valid, subject: undefined }), status: 400, field: 'body.subject', rule: 'required' },
  { name: 'blank subject', ...post({ ...valid, subject: '   ' }), status: 400, field: 'body.subject', rule: 'too_small' },
  { name: 'subject too long', ...post({ ...valid, subject: 'x'.repeat(201) }), status: 400, field: 'body.subject', rule: 'too_big' },
  { name: 'subject a number', ...post({ ...valid, subject: 42 }), status: 400, field: 'body.subject', rule: 'invalid_type' },
  { name: 'missing description', ...post({ ...valid, description: undefined }), status: 400, field: 'body.description', rule: 'required' },
  { name: 'unknown priority', ...post({ ...valid, priority: 'whenever' }), status: 400, field: 'body.priority', rule: 'invalid_value' },
  { name: 'unknown channel', ...post({ ...valid, channel: 'pigeon' }), status: 400, field: 'body.channel', rule: 'invalid_value' },
  { name: 'unknown top-level field', ...post({ ...valid, status: 'closed' }), status: 400, field: 'body.status', rule: 'unrecognized_key' },
  { name: 'bad type slug', ...post({ ...valid, type: 'Support Ticket' }), status: 400, field: 'body.type', rule: 'invalid_format' },
  {
    name: 'bad requester email',
    ...post({ ...valid, requester: { id: 'c', email: 'not-an-email' } }),
    status: 400,
    field: 'body.requester.email',
    rule: 'invalid_format',
  },
  { name: 'requester id with #', ...post({ ...valid, requester: { id: 'a#b' } }), status: 400, field: 'body.requester.id', rule: 'invalid_format' },
  { name: 'field name with a dot', ...post({ ...valid, fields: { 'a.b': 1 } }), status: 400, field: 'body.fields.a.b', rule: 'invalid_key' },
  {
    name: 'field value an object',
    ...post({ ...valid, fields: { nested: { a: 1 } } }),
    status: 400,
    field: 'body.fields.nested',
    rule: 'invalid_union',
  },
  { name: 'staff without requester', ...post({ subject: 'S', description: 'D' }), status: 400, field: 'body.requester', rule: 'required' },
  {
    name: 'idempotency key with spaces',
    ...post(valid),
    headers: { ...JSON_HEADERS, 'idempotency-key': 'has spaces' },
    status: 400,
    field: 'header.idempotency-key',
    rule: 'invalid_format',
  },
  {
    name: 'audit channel header unknown',
    ...post(valid),
    headers: { ...JSON_HEADERS, 'x-caseway-channel': 'fax' },
    status: 400,
    field: 'header.x-caseway-channel',
    rule: 'invalid_value',
  },
  { name: 'body over the cap', ...post({ ...valid, description: 'x'.repeat(70_000) }), status: 413 },
  { name: 'bad case id in path', method: 'GET', path: '/cases/not-a-case', status: 400, field: 'path.id', rule: 'invalid_format' },
  { name: 'unknown case', method: 'GET', path: '/cases/CASE-1999-999999', status: 404 },
  { name: 'limit zero', method: 'GET', path: '/cases?status=new&limit=0', status: 400, field: 'query.limit', rule: 'too_small' },
  { name: 'limit over the cap', method: 'GET', path: '/cases?status=new&limit=1000', status: 400, field: 'query.limit', rule: 'too_big' },
  { name: 'limit not a number', method: 'GET', path: '/cases?status=new&limit=ten', status: 400, field: 'query.limit', rule: 'invalid_type' },
  {
    name: 'status filter not a state id',
    method: 'GET',
    path: '/cases?status=Lost%20Cases',
    status: 400,
    field: 'query.status.0',
    rule: 'invalid_format',
  },
  { name: 'unknown query parameter', method: 'GET', path: '/cases?colour=red', status: 400, field: 'query.colour', rule: 'unrecognized_key' },
  { name: 'garbage cursor', method: 'GET', path: '/cases?status=new&cursor=%%%', status: 400, field: 'query.cursor', rule: 'invalid_cursor' },
  { name: 'patch without If-Match', ...patch({ priority: 'low' }, null), status: 428, field: 'header.if-match', rule: 'required' },
  { name: 'patch with junk If-Match', ...patch({ priority: 'low' }, 'yesterday'), status: 400, field: 'header.if-match', rule: 'invalid_format' },
  { name: 'patch with stale If-Match', ...patch({ priority: 'low' }, '"7"'), status: 412 },
  { name: 'patch with nothing to change', ...patch({ reason: 'just because' }), status: 400, field: 'body', rule: 'custom' },
  {
    name: 'patch the status (only transitions move a case)',
    ...patch({ status: 'resolved' }),
    status: 400,
    field: 'body.status',
    rule: 'unrecognized_key',
  },
  { name: 'patch an unknown field', ...patch({ caseId: 'CASE-2026-000999' }), status: 400, field: 'body.caseId', rule: 'unrecognized_key' },
  {
    name: 'comment without body',
    method: 'POST',
    path: () => `/cases/${caseId}/comments`,
    body: JSON.stringify({}),
    headers: JSON_HEADERS,
    status: 400,
    field: 'body.body',
    rule: 'required',
  },
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
  // Custom fields against the case type
  { name: 'unknown case type', ...post({ ...valid, type: 'parking-ticket' }), status: 400, field: 'body.type', rule: 'unknown_type' },
  {
    name: 'field the type does not define',
    ...post({ ...valid, fields: { colour: 'red' } }),
    status: 400,
    field: 'body.fields.colour',
    rule: 'unknown_field',
  },
  {
    name: 'enum value not an option',
    ...post({ ...valid, fields: { product: 'toaster' } }),
    status: 400,
    field: 'body.fields.product',
    rule: 'invalid_option',
  },
  {
    name: 'text not matching its pattern',
    ...post({ ...valid, fields: { product: 'billing', category: 'question', orderNumber: '42' } }),
    status: 400,
    field: 'body.fields.orderNumber',
    rule: 'invalid_format',
  },
  {
    name: 'answer to a question the form hides',
    ...post({ ...valid, fields: { category: 'question', errorMessage: 'E42' } }),
    status: 400,
    field: 'body.fields.errorMessage',
    rule: 'not_applicable',
  },
  {
    name: 'required-if field missing',
    ...post({ ...valid, fields: { product: 'billing', category: 'problem' } }),
    status: 400,
    field: 'body.fields.orderNumber',
    rule: 'required',
  },
  {
    name: 'reference not a case id',
    ...post({ ...valid, fields: { relatedCase: 'yesterday' } }),
    status: 400,
    field: 'body.fields.relatedCase',
    rule: 'invalid_reference',
  },
  {
    name: 'reference to no case',
    ...post({ ...valid, fields: { relatedCase: 'CASE-1999-000001' } }),
    status: 400,
    field: 'body.fields.relatedCase',
    rule: 'unknown_reference',
  },
  {
    name: 'parent that does not exist',
    ...post({ ...valid, parentId: 'CASE-1999-000001' }),
    status: 400,
    field: 'body.parentId',
    rule: 'unknown_reference',
  },
  {
    name: 'requester writing an internal field',
    ...post({ subject: 'S', description: 'D', fields: { rootCause: 'x' } }),
    as: 'requester',
    status: 403,
    field: 'body.fields.rootCause',
    rule: 'not_permitted',
  },
  {
    name: 'requester setting a computed priority',
    ...post({ subject: 'S', description: 'D', priority: 'urgent' }),
    as: 'requester',
    status: 400,
    field: 'body.priority',
    rule: 'computed',
  },
  // Transitions
  { name: 'transition without a target', ...send('POST', onCase('/transitions'), {}), status: 400, field: 'body.to', rule: 'required' },
  { name: 'transition the workflow lacks', ...send('POST', onCase('/transitions'), { to: 'resolved' }), status: 409 },
  { name: 'transition to a state that does not exist', ...send('POST', onCase('/transitions'), { to: 'vanished' }), status: 409 },
  {
    name: 'transition blocked by a guard',
    ...send(
      'POST',
      onCase('/transitions', () => reviewedId),
      { to: 'resolved' },
    ),
    status: 422,
  },
  { name: 'transition with a stale If-Match', ...send('POST', onCase('/transitions'), { to: 'in_review' }, { 'if-match': '"9"' }), status: 412 },
  {
    name: 'transition with a bad field value',
    ...send(
      'POST',
      onCase('/transitions', () => reviewedId),
      { to: 'resolved', fields: { resolutionCode: 'magic' } },
    ),
    status: 400,
    field: 'body.fields.resolutionCode',
    rule: 'invalid_option',
  },
  {
    name: 'transition needing a reason, without one',
    ...send(
      'POST',
      onCase('/transitions', () => reviewedId),
      { to: 'blocked' },
    ),
    status: 400,
    field: 'body.reason',
    rule: 'required',
  },
  { name: 'transition the role may not take', ...send('POST', onCase('/transitions'), { to: 'in_review' }), as: 'requester', status: 404 },
  { name: 'migrate a case already on the latest version', ...send('POST', onCase('/migrate'), {}), status: 409 },
  // Tasks
  { name: 'task without a title', ...send('POST', onCase('/tasks'), { mandatory: true }), status: 400, field: 'body.title', rule: 'required' },
  {
    name: 'task due date not a date',
    ...send('POST', onCase('/tasks'), { title: 'Call back', dueAt: 'tomorrow' }),
    status: 400,
    field: 'body.dueAt',
    rule: 'invalid_format',
  },
  {
    name: 'task id not a task id',
    ...send('PATCH', onCase('/tasks/x'), { status: 'done' }),
    status: 400,
    field: 'path.taskId',
    rule: 'invalid_format',
  },
  { name: 'task that does not exist', ...send('PATCH', onCase('/tasks/20261101T000000000Z-00000000'), { status: 'done' }), status: 404 },
  {
    name: 'task with an unknown status',
    ...send('PATCH', onCase('/tasks/20261101T000000000Z-00000000'), { status: 'someday' }),
    status: 400,
    field: 'body.status',
    rule: 'invalid_value',
  },
  { name: 'requester adding a task', ...send('POST', onCase('/tasks'), { title: 'x' }), as: 'requester', status: 404 },
  {
    name: 'open tasks of an impossible assignee',
    method: 'GET',
    path: '/tasks?assignee=a%23b',
    status: 400,
    field: 'query.assignee',
    rule: 'invalid_format',
  },
  // Comments in threads
  {
    name: 'reply to a comment that does not exist',
    ...send('POST', onCase('/comments'), { body: 'x', parentId: '20261101T000000000Z-00000000' }),
    status: 400,
    field: 'body.parentId',
    rule: 'unknown_comment',
  },
  // Case types
  { name: 'agent creating a case type', ...send('POST', '/case-types', { ...supportType(), typeId: 'complaints' }), status: 403 },
  { name: 'case type that exists already', ...send('POST', '/case-types', { ...supportType(), typeId: 'support' }), as: 'admin', status: 409 },
  {
    name: 'case type whose workflow starts nowhere',
    ...send('POST', '/case-types', { ...supportType(), typeId: 'complaints', workflow: { ...(supportType().workflow as object), initial: 'limbo' } }),
    as: 'admin',
    status: 400,
    field: 'body.workflow.initial',
    rule: 'unknown_state',
  },
  {
    name: 'case type field of an unknown kind',
    ...send('POST', '/case-types', { ...supportType(), typeId: 'complaints', fields: [{ name: 'x', label: 'X', type: 'colour' }] }),
    as: 'admin',
    status: 400,
    field: 'body.fields.0.type',
    rule: 'invalid_union',
  },
  {
    name: 'new version dropping a state without a migration',
    ...send('POST', '/case-types/support/versions', {
      ...supportType(),
      workflow: {
        ...(supportType().workflow as { states: { id: string }[]; transitions: { from: string[]; to: string }[] }),
        states: (supportType().workflow as { states: { id: string }[] }).states.filter((st) => st.id !== 'blocked'),
        transitions: (supportType().workflow as { transitions: { from: string[]; to: string }[] }).transitions
          .filter((t) => t.to !== 'blocked')
          .map((t) => ({ ...t, from: t.from.filter((f) => f !== 'blocked') }))
          .filter((t) => t.from.length > 0),
      },
    }),
    as: 'admin',
    status: 400,
    field: 'body.migration.states.blocked',
    rule: 'required',
  },
  {
    name: 'new version with a stale If-Match',
    ...send('POST', '/case-types/support/versions', supportType(), { 'if-match': '"7"' }),
    as: 'admin',
    status: 412,
  },
  { name: 'case type that does not exist', method: 'GET', path: '/case-types/parking-ticket', status: 404 },
  { name: 'case type version that does not exist', method: 'GET', path: '/case-types/support?version=99', status: 404 },
  { name: 'case type id not a slug', method: 'GET', path: '/case-types/Support%20Desk', status: 400, field: 'path.type', rule: 'invalid_format' },
  { name: 'history of a case that does not exist', method: 'GET', path: '/cases/CASE-1999-999999/history/verify', status: 404 },
  // Values the table cannot store as sent: refused whole, before the first write (a batch was once half written, then 500).
  {
    name: 'device batch with a reading beyond 2^53 after a good one',
    ...send('POST', '/devices/signals', { signals: [reading('sig-ok', 85), reading('sig-huge', 1e200)] }),
    as: 'integration',
    status: 400,
    field: 'body.signals.1.value',
    rule: 'unsafe_number',
  },
  {
    name: 'device reading below 1e-130',
    ...send('POST', '/devices/signals', reading('sig-tiny', 1e-200)),
    as: 'integration',
    status: 400,
    field: 'body.value',
    rule: 'unsafe_number',
  },
  {
    name: 'device threshold beyond 2^53',
    ...send('POST', '/assets', {
      assetId: 'pump-huge',
      name: 'P',
      owner: { id: 'c' },
      thresholds: [{ metric: 't', direction: 'above', value: 2 ** 60 }],
    }),
    as: 'admin',
    status: 400,
    field: 'body.thresholds.0.value',
    rule: 'unsafe_number',
  },
  {
    name: 'custom field number that lost its digits',
    ...post(`{"subject":"S","description":"D","requester":{"id":"c"},"fields":{"amount":12345678901234567890}}`),
    status: 400,
    field: 'body.fields.amount',
    rule: 'unsafe_number',
  },
  {
    name: 'number too small to store where no schema looks at numbers',
    ...send('POST', onCase('/comments'), { body: 'x', extra: 1e-300 }),
    status: 400,
    field: 'body.extra',
    rule: 'unsafe_number',
  },
  { name: 'JSON nested deeper than 32', ...post(nested(100)), status: 400, field: `body${'.0'.repeat(32)}`, rule: 'too_deep' },
  {
    name: 'JSON nested 5,000 deep inside a field',
    ...post(`{"subject":"S","description":"D","requester":{"id":"c"},"fields":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`),
    status: 400,
    rule: 'too_deep',
    field: `body.fields.x${'.0'.repeat(30)}`,
  },
  {
    name: 'over-long case id in the path',
    method: 'GET',
    path: `/cases/CASE-2026-${'1'.repeat(3000)}`,
    status: 400,
    field: 'path.id',
    rule: 'too_big',
  },
  {
    name: 'over-long case id in a body',
    ...send('POST', onCase('/links'), { targetId: `CASE-2026-${'1'.repeat(3000)}`, kind: 'related' }),
    status: 400,
    field: 'body.targetId',
    rule: 'too_big',
  },
  {
    name: 'over-long parent id',
    ...post({ ...valid, parentId: `CASE-2026-${'2'.repeat(2500)}` }),
    status: 400,
    field: 'body.parentId',
    rule: 'too_big',
  },
  { name: 'over-long query value', method: 'GET', path: `/cases?owner=${'o'.repeat(5000)}`, status: 400, field: 'query.owner', rule: 'too_big' },
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
    const response = await platform.fetchAs(bad.as ?? 'agent', path, {
      method: bad.method,
      ...(bad.body === undefined ? {} : { body: bad.body }),
      headers: bad.headers ?? {},
    });
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
