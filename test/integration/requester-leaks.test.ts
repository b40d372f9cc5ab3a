/**
 * Nothing a requester can read names or shows a field they may not see. A case of a
 * type with internal and restricted fields (some feeding the priority formula, one
 * guarding a transition the requester may take) has every such field set to a
 * sentinel; the names carry the sentinel too. Then every endpoint a requester can
 * reach is called on that case and the raw body searched for the sentinel: its
 * name or its value anywhere (priority explanation, guard messages, comments,
 * suggestions, notifications, the dedup answer...) is a leak.
 *
 * Staff without clearance are held to the same for restricted values: the priority
 * explanation shows that an input was withheld, never its value or points.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every hidden name and value contains this; nothing else the platform writes does (ids and hashes are hex, UUIDs, digits). */
const SENTINEL = /zq/i;
const TYPE = 'vault';

const vaultType = {
  typeId: TYPE,
  name: 'Vault claim',
  defaultQueue: 'vault',
  fields: [
    {
      name: 'topic',
      label: 'Topic',
      type: 'enum',
      options: [
        { value: 'lost', label: 'Lost' },
        { value: 'stolen', label: 'Stolen' },
      ],
    },
    { name: 'zqInternalNote', label: 'Zq adjuster note', type: 'text', sensitivity: 'internal' },
    {
      name: 'zqInternalLevel',
      label: 'Zq internal level',
      type: 'enum',
      sensitivity: 'internal',
      options: [{ value: 'zqinternaloption', label: 'Zq internal option' }],
    },
    {
      name: 'zqRestrictedScore',
      label: 'Zq fraud score',
      type: 'enum',
      sensitivity: 'restricted',
      options: [{ value: 'zqrestrictedoption', label: 'Zq restricted option' }],
    },
    { name: 'zqRestrictedMissing', label: 'Zq payout account', type: 'text', sensitivity: 'restricted' },
    { name: 'zqInternalMissing', label: 'Zq internal check', type: 'text', sensitivity: 'internal' },
  ],
  intake: { questions: [{ field: 'topic' }] },
  priority: {
    inputs: [
      { name: 'impact', field: 'topic', weight: 1, points: { lost: 20, stolen: 80 }, default: 20 },
      { name: 'zq-internal-level', field: 'zqInternalLevel', weight: 1, points: { zqinternaloption: 60 }, default: 10 },
      { name: 'zq-restricted-risk', field: 'zqRestrictedScore', weight: 1, points: { zqrestrictedoption: 90 }, default: 0 },
    ],
    bands: [
      { priority: 'urgent', min: 80 },
      { priority: 'high', min: 50 },
      { priority: 'low', min: 0 },
    ],
  },
  workflow: {
    initial: 'open',
    states: [
      { id: 'open', label: 'Open', category: 'active' },
      { id: 'waiting', label: 'Waiting', category: 'waiting' },
      { id: 'paid', label: 'Paid', category: 'resolved' },
      { id: 'closed', label: 'Closed', category: 'closed' },
    ],
    transitions: [
      { id: 'wait', label: 'Wait', from: ['open'], to: 'waiting', guards: [{ kind: 'role', roles: ['requester', 'agent'] }] },
      { id: 'resume', label: 'Resume', from: ['waiting'], to: 'open', guards: [{ kind: 'role', roles: ['requester', 'agent'] }] },
      // The requester may ask for payout, but it needs fields they must not know of.
      {
        id: 'claim',
        label: 'Claim payout',
        from: ['open'],
        to: 'paid',
        guards: [
          { kind: 'role', roles: ['requester', 'agent', 'supervisor'] },
          { kind: 'fieldsPresent', fields: ['zqRestrictedMissing', 'zqInternalMissing'] },
        ],
      },
      { id: 'close', label: 'Close', from: ['paid', 'open'], to: 'closed', guards: [{ kind: 'role', roles: ['requester', 'agent'] }] },
    ],
  },
};

interface Answer {
  status: number;
  text: string;
  body: Body;
}

async function call(
  who: Parameters<TestPlatform['fetchAs']>[0],
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await platform.fetchAs(who, path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: Body = {};
  try {
    parsed = text ? (JSON.parse(text) as Body) : {};
  } catch {
    // CSV and other non-JSON answers are searched as text.
  }
  return { status: response.status, text, body: parsed };
}

const SUBJECT = 'My bicycle was taken from the shed';
const DESCRIPTION = 'The lock was cut overnight; the frame number is on the receipt.';
let caseId: string;
/** What the requester got back when they opened the case (before any hidden field was set). */
let createdAnswer: Answer;

async function settle(id: string) {
  // Let the acknowledgement and routing land, so /notifications has something to show.
  for (let i = 0; i < 50; i++) {
    const sent = await call('agent', 'GET', `/notifications?caseId=${id}`);
    if (sent.status === 200 && (sent.body.items?.length ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  platform = await startTestPlatform();
  const published = await call('admin', 'POST', '/case-types', vaultType);
  expect(published.status, published.text).toBe(201);
  createdAnswer = await call('requester', 'POST', '/cases', { type: TYPE, subject: SUBJECT, description: DESCRIPTION, fields: { topic: 'stolen' } });
  expect(createdAnswer.status, createdAnswer.text).toBe(201);
  caseId = createdAnswer.body.caseId as string;
  const current = await call('agent', 'GET', `/cases/${caseId}`);
  const set = await call(
    'supervisor',
    'PATCH',
    `/cases/${caseId}`,
    { fields: { zqInternalNote: 'zq internal note text', zqInternalLevel: 'zqinternaloption', zqRestrictedScore: 'zqrestrictedoption' } },
    { 'if-match': `"${current.body.version}"` },
  );
  expect(set.status, set.text).toBe(200);
  await call('agent', 'POST', `/cases/${caseId}/comments`, { body: 'Visible to the customer' });
  await settle(caseId);
});

afterAll(async () => {
  await platform?.stop();
});

/** Every endpoint a requester can reach with their case, as they would call it. */
const REQUESTER_CALLS: { name: string; call: () => Promise<Answer> }[] = [
  { name: 'POST /cases (the answer to the create)', call: async () => createdAnswer },
  {
    name: 'POST /cases (another case of the type, answered after the priority formula ran)',
    call: () => call('requester', 'POST', '/cases', { type: TYPE, subject: 'Second claim', description: 'Another one', fields: { topic: 'lost' } }),
  },
  {
    name: 'POST /cases with Prefer: dedup (joins the open case: the dedup answer)',
    call: () =>
      call(
        'requester',
        'POST',
        '/cases',
        { type: TYPE, subject: SUBJECT, description: DESCRIPTION, fields: { topic: 'stolen' } },
        { prefer: 'dedup' },
      ),
  },
  { name: 'GET /cases/{id}', call: () => call('requester', 'GET', `/cases/${caseId}`) },
  { name: 'GET /cases', call: () => call('requester', 'GET', '/cases') },
  { name: 'GET /cases?status=open&type=vault', call: () => call('requester', 'GET', `/cases?status=open&type=${TYPE}`) },
  { name: 'GET /cases/{id}/transitions (options and what blocks them)', call: () => call('requester', 'GET', `/cases/${caseId}/transitions`) },
  {
    name: 'POST /cases/{id}/transitions blocked by a guard on hidden fields (422)',
    call: () => call('requester', 'POST', `/cases/${caseId}/transitions`, { to: 'paid' }),
  },
  {
    name: 'POST /cases/{id}/transitions to a state with no transition (409)',
    call: () => call('requester', 'POST', `/cases/${caseId}/transitions`, { to: 'open' }),
  },
  {
    name: 'POST /cases/{id}/transitions taken (the moved case), and back',
    call: async () => {
      const there = await call('requester', 'POST', `/cases/${caseId}/transitions`, { to: 'waiting' });
      const back = await call('requester', 'POST', `/cases/${caseId}/transitions`, { to: 'open' });
      return { status: there.status, text: there.text + back.text, body: there.body };
    },
  },
  { name: 'POST /cases/{id}/comments', call: () => call('requester', 'POST', `/cases/${caseId}/comments`, { body: 'Any news?' }) },
  { name: 'GET /cases/{id}/comments', call: () => call('requester', 'GET', `/cases/${caseId}/comments`) },
  { name: 'GET /cases/{id}/attachments', call: () => call('requester', 'GET', `/cases/${caseId}/attachments`) },
  { name: 'GET /cases/{id}/links', call: () => call('requester', 'GET', `/cases/${caseId}/links`) },
  { name: 'GET /cases/{id}/articles', call: () => call('requester', 'GET', `/cases/${caseId}/articles`) },
  { name: 'GET /cases/{id}/suggestions', call: () => call('requester', 'GET', `/cases/${caseId}/suggestions`) },
  { name: 'GET /cases/{id}/tasks', call: () => call('requester', 'GET', `/cases/${caseId}/tasks`) },
  { name: 'GET /cases/{id}/history', call: () => call('requester', 'GET', `/cases/${caseId}/history`) },
  { name: 'GET /cases/{id}/handoff', call: () => call('requester', 'GET', `/cases/${caseId}/handoff`) },
  { name: 'GET /notifications?caseId=', call: () => call('requester', 'GET', `/notifications?caseId=${caseId}`) },
  { name: 'GET /cases/export', call: () => call('requester', 'GET', '/cases/export?format=jsonl') },
  { name: 'GET /case-types', call: () => call('requester', 'GET', '/case-types') },
  { name: 'GET /case-types/{type}', call: () => call('requester', 'GET', `/case-types/${TYPE}`) },
  { name: 'GET /case-types/{type}/workflow', call: () => call('requester', 'GET', `/case-types/${TYPE}/workflow`) },
  { name: 'GET /case-types/{type}/versions', call: () => call('requester', 'GET', `/case-types/${TYPE}/versions`) },
];

describe('a requester never sees the name or value of an internal or restricted field', () => {
  it('the sentinels are really on the case (staff with clearance see them)', async () => {
    const seen = await call('supervisor', 'GET', `/cases/${caseId}`);
    expect(seen.body.fields).toMatchObject({ zqInternalNote: 'zq internal note text', zqRestrictedScore: 'zqrestrictedoption' });
    expect(seen.body.priorityScore.inputs.map((i: Body) => i.name)).toContain('zq-restricted-risk');
  });

  it.each(REQUESTER_CALLS)('$name', async ({ call: request }) => {
    const answer = await request();
    expect(answer.status, answer.text).toBeLessThan(500);
    const at = answer.text.search(SENTINEL);
    expect(at, `leaked: …${answer.text.slice(Math.max(0, at - 120), at + 80)}…`).toBe(-1);
  });
});

describe('staff without clearance', () => {
  it('see that a restricted input was withheld in the priority explanation, not its value or points', async () => {
    const seen = await call('agent', 'GET', `/cases/${caseId}`);
    expect(seen.status).toBe(200);
    expect(seen.text).not.toContain('zqrestrictedoption');
    expect(seen.body.fields.zqRestrictedScore).toBeUndefined();
    expect(seen.body.redactedFields).toEqual(['zqRestrictedScore']);
    const risk = seen.body.priorityScore.inputs.find((i: Body) => i.field === 'zqRestrictedScore');
    expect(risk).toEqual({ name: 'zq-restricted-risk', field: 'zqRestrictedScore', weight: 1, redacted: true });
    // Internal values are theirs to see.
    expect(seen.body.fields.zqInternalNote).toBe('zq internal note text');
  });

  it('read the same in listings', async () => {
    const listed = await call('agent', 'GET', `/cases?type=${TYPE}&status=open`);
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain('zqrestrictedoption');
  });
});
