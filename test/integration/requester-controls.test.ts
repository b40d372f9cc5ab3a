/**
 * What a requester may not decide about their own case, over real HTTP with real
 * signed tokens: who the requester is (the token says), the channel (the door
 * they came through), how long files are kept (the case type), and which asset's
 * entitlement the case spends (only their own). Each field against each role:
 * a requester is refused with a problem naming the field and nothing is written;
 * staff and integrations acting for someone keep the say they had.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { scanTable } from '../support/table-snapshot.js';

let platform: TestPlatform;
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Who = 'requester' | 'agent' | 'integration';

const TYPE = 'kept-files';
const RITA = { sub: 'demo-requester', name: 'Rita Requester', email: 'rita.requester@example.com' };
const RITAS_ASSET = 'BOILER-rita';
const REMYS_ASSET = 'BOILER-remy';

async function call(
  who: Who | 'admin',
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Body; contentType: string | null }> {
  const response = await platform.fetchAs(who, path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Body) : {}, contentType: response.headers.get('content-type') };
}

beforeAll(async () => {
  platform = await startTestPlatform();
  const type = {
    typeId: TYPE,
    name: 'Boiler service',
    defaultQueue: 'field-service',
    attachmentRetention: 'transient',
    fields: [{ name: 'assetId', label: 'Boiler', type: 'reference', target: 'asset' }],
    intake: { questions: [{ field: 'assetId' }] },
    workflow: {
      initial: 'open',
      states: [
        { id: 'open', label: 'Open', category: 'active' },
        { id: 'done', label: 'Done', category: 'resolved' },
      ],
      transitions: [{ id: 'finish', label: 'Finish', from: ['open'], to: 'done' }],
    },
  };
  const published = await call('admin', 'POST', '/case-types', type);
  expect(published.status, JSON.stringify(published.body)).toBe(201);
  for (const [assetId, owner] of [
    [RITAS_ASSET, { id: 'demo-requester' }],
    [REMYS_ASSET, { id: 'demo-requester-2' }],
  ] as const) {
    const made = await call('admin', 'POST', '/assets', { assetId, name: 'Boiler', owner });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  }
});

afterAll(async () => {
  await platform?.stop();
});

/**
 * Cases and their audit events: what a create writes. (Acknowledgements and routing
 * of earlier cases go on in the background, so the whole table is not compared.)
 */
const caseItems = async () =>
  (await scanTable(platform))
    .filter((i) => i.entity === 'Case' || i.entity === 'AuditEvent')
    .map((i) => `${String(i.pk)} ${String(i.sk)}`)
    .sort();

const base = { type: TYPE, subject: 'No hot water', description: 'Since this morning' };
const onBehalf = { requester: { id: 'demo-requester', name: 'Rita Requester', email: 'rita.requester@example.com' } };

/** The problem a refused request answers with: its status, and the field and rule it names. */
async function expectRefused(response: { status: number; body: Body; contentType: string | null }, status: number, field: string, rule: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.contentType).toBe('application/problem+json');
  expect(response.body.errors).toEqual([expect.objectContaining({ field, rule })]);
}

interface Row {
  readonly name: string;
  /** What the role sends (staff add the requester they act for). */
  readonly send: (who: Who) => Promise<{ status: number; body: Body; contentType: string | null }>;
  /** A requester's refusal. */
  readonly refused: { status: number; field: string; rule: string };
  /** What staff and integrations get instead. */
  readonly staff: (answer: Body) => void;
}

const create = (who: Who, extra: Body, headers: Record<string, string> = {}) =>
  call(who, 'POST', '/cases', { ...base, ...(who === 'requester' ? {} : onBehalf), ...extra }, headers);

const ROWS: Row[] = [
  {
    name: 'body.requester naming someone else',
    send: (who) => create(who, { requester: { id: 'someone-else', email: 'attacker@example.net' } }),
    refused: { status: 403, field: 'body.requester', rule: 'not_permitted' },
    staff: (c) => expect(c.requester).toEqual({ id: 'someone-else', email: 'attacker@example.net' }),
  },
  {
    // The id is right, the address is not: acknowledgements would go to any address.
    name: 'body.requester with their own id and another email',
    send: (who) => create(who, { requester: { id: 'demo-requester', email: 'attacker@example.net' } }),
    refused: { status: 403, field: 'body.requester', rule: 'not_permitted' },
    staff: (c) => expect(c.requester).toEqual({ id: 'demo-requester', email: 'attacker@example.net' }),
  },
  {
    name: 'body.channel',
    send: (who) => create(who, { channel: 'phone' }),
    refused: { status: 403, field: 'body.channel', rule: 'not_permitted' },
    staff: (c) => expect(c.channel).toBe('phone'),
  },
  {
    name: 'the x-caseway-channel header',
    send: (who) => create(who, {}, { 'x-caseway-channel': 'email' }),
    refused: { status: 403, field: 'header.x-caseway-channel', rule: 'not_permitted' },
    staff: (c) => expect(c.channel).toBe('email'),
  },
  {
    name: "body.fields.assetId naming another customer's asset",
    send: (who) => create(who, { fields: { assetId: REMYS_ASSET } }),
    refused: { status: 400, field: 'body.fields.assetId', rule: 'unknown_reference' },
    staff: (c) => expect(c.fields.assetId).toBe(REMYS_ASSET),
  },
  {
    name: 'body.fields.assetId naming an asset nobody registered',
    send: (who) => create(who, { fields: { assetId: 'BOILER-nobody' } }),
    refused: { status: 400, field: 'body.fields.assetId', rule: 'unknown_reference' },
    staff: (c) => expect(c.fields.assetId).toBe('BOILER-nobody'),
  },
];

describe('POST /cases: what only staff and integrations may say', () => {
  describe.each(ROWS)('$name', (row) => {
    it('a requester is refused with a problem naming the field, and nothing is written', async () => {
      const before = await caseItems();
      await expectRefused(await row.send('requester'), row.refused.status, row.refused.field, row.refused.rule);
      expect(await caseItems()).toEqual(before);
    });

    it.each(['agent', 'integration'] as const)('%s acting for someone may', async (who) => {
      const answer = await row.send(who);
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      row.staff(answer.body);
    });
  });

  it("a requester's identity is their token's: sub, name and email", async () => {
    const opened = await create('requester', {});
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.requester).toEqual({ id: RITA.sub, name: RITA.name, email: RITA.email });
    expect(opened.body.channel).toBe('web');
  });

  it('a requester may name the door they came through, which changes nothing', async () => {
    const opened = await create('requester', {}, { 'x-caseway-channel': 'web' });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.channel).toBe('web');
  });

  it('a requester may reference their own asset, and an unknown asset reads exactly like a stranger one', async () => {
    const mine = await create('requester', { fields: { assetId: RITAS_ASSET } });
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(mine.body.fields.assetId).toBe(RITAS_ASSET);
    const strangers = await create('requester', { fields: { assetId: REMYS_ASSET } });
    const unknown = await create('requester', { fields: { assetId: 'BOILER-nobody' } });
    // Only the id differs: the answer does not tell whether Remy's boiler exists.
    expect(strangers.body.errors[0].message.replace(REMYS_ASSET, 'X')).toBe(unknown.body.errors[0].message.replace('BOILER-nobody', 'X'));
  });
});

describe('attachments: the case type decides how long files are kept', () => {
  const declare = (who: Who, caseId: string, extra: Body = {}) =>
    call(who, 'POST', `/cases/${caseId}/attachments`, { fileName: 'boiler.png', contentType: 'image/png', size: 10, ...extra });

  it("a requester's upload is kept as the type says", async () => {
    const opened = await create('requester', {});
    const granted = await declare('requester', opened.body.caseId);
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    expect(new URL(granted.body.upload.url as string).pathname.startsWith('/_files/transient/')).toBe(true);
  });

  it.each(['transient', 'standard', 'legal'])('a requester sending retentionClass %s is refused, nothing written', async (retentionClass) => {
    const opened = await create('requester', {});
    await expectRefused(await declare('requester', opened.body.caseId, { retentionClass }), 403, 'body.retentionClass', 'not_permitted');
    // The case's own items (its acknowledgement and routing are still being written in the background).
    const uploads = (await scanTable(platform)).filter(
      (i) => i.pk === `CASE#${opened.body.caseId}` && ['PendingUpload', 'Attachment'].includes(String(i.entity)),
    );
    expect(uploads).toEqual([]);
  });

  it.each(['agent', 'integration'] as const)('%s may choose another class for one file (a legal hold)', async (who) => {
    const opened = await create(who, {});
    const granted = await declare(who, opened.body.caseId, { retentionClass: 'legal' });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    expect(new URL(granted.body.upload.url as string).pathname.startsWith('/_files/legal/')).toBe(true);
  });

  it('a type naming a retention class the deployment lacks is refused at publish', async () => {
    const bad = await call('admin', 'POST', '/case-types', {
      typeId: 'forever-files',
      name: 'Forever',
      defaultQueue: 'support',
      attachmentRetention: 'forever',
      workflow: {
        initial: 'a1',
        states: [
          { id: 'a1', label: 'A', category: 'active' },
          { id: 'b1', label: 'B', category: 'resolved' },
        ],
        transitions: [{ id: 'go', label: 'Go', from: ['a1'], to: 'b1' }],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'body.attachmentRetention', rule: 'unknown_retention_class' })]),
    );
  });
});
