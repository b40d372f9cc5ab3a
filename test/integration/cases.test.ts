/**
 * The case slice over real HTTP: the local gateway, the real handlers and
 * DynamoDB Local, exactly as `npm start` runs them.
 */
import { requesterIndexItems } from '../support/table-snapshot.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLabType, LAB_TYPE } from '../support/case-types.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/** Response bodies, read loosely: the assertions say what they must hold. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

let platform: TestPlatform;

beforeAll(async () => {
  // Through Prism: every answer must be one the OpenAPI document describes.
  platform = await startTestPlatform({ validateResponses: true });
  await ensureLabType(platform);
});
afterAll(async () => {
  await platform?.stop();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

async function create(
  role: 'agent' | 'requester' | 'requester2' | 'integration',
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const response = await platform.fetchAs(role, '/cases', { method: 'POST', ...json(body, headers) });
  return { response, body: (await response.json()) as Body };
}

const newCase = (n = 1) => ({
  subject: `Broken widget ${n}`,
  description: 'It stopped working after the update.',
  requester: { id: 'cust-1', name: 'Carla Customer' },
});

describe('the case lifecycle', () => {
  it('creates, reads, updates, moves, comments on and explains a case', async () => {
    const created = await create('agent', { ...newCase(), fields: { product: 'web-app', category: 'problem', impact: 'team', urgency: 'high' } });
    expect(created.response.status).toBe(201);
    const c = created.body;
    expect(c.caseId).toMatch(/^CASE-\d{4}-\d{6}$/);
    expect(created.response.headers.get('location')).toBe(`/cases/${c.caseId}`);
    expect(created.response.headers.get('etag')).toBe('"1"');
    // The support type's formula: impact 'team' (60) and urgency 'high' (70), equally weighted.
    expect(c).toMatchObject({
      type: 'support',
      typeVersion: 1,
      status: 'new',
      statusCategory: 'active',
      queue: 'support',
      priority: 'high',
      priorityScore: { score: 65, band: 'high' },
      owner: null,
      version: 1,
      attachments: [],
      reopenCount: 0,
      fields: { product: 'web-app', category: 'problem', impact: 'team', urgency: 'high' },
    });
    expect(c.priorityScore.inputs.map((i: Body) => [i.name, i.value, i.points])).toEqual([
      ['impact', 'team', 60],
      ['urgency', 'high', 70],
    ]);

    const read = await platform.fetchAs('agent', `/cases/${c.caseId}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(c);

    const patched = await platform.fetchAs('agent', `/cases/${c.caseId}`, {
      method: 'PATCH',
      ...json({ owner: 'demo-agent', fields: { impact: 'organisation', urgency: null }, reason: 'Whole company affected' }, { 'if-match': '"1"' }),
    });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('etag')).toBe('"2"');
    // Urgency removed: its default (35) is assumed, and shown as assumed.
    expect(await patched.json()).toMatchObject({ owner: 'demo-agent', priority: 'high', priorityScore: { score: 68 }, version: 2 });

    const moved = await platform.fetchAs('agent', `/cases/${c.caseId}/transitions`, { method: 'POST', ...json({ to: 'in_review' }) });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ status: 'in_review', version: 3 });

    const comment = await platform.fetchAs('agent', `/cases/${c.caseId}/comments`, {
      method: 'POST',
      ...json({ body: 'Looking into it, @demo-supervisor', visibility: 'internal' }),
    });
    expect(comment.status).toBe(201);
    expect(await comment.json()).toMatchObject({ mentions: ['demo-supervisor'], parentId: null });

    const history = (await (await platform.fetchAs('supervisor', `/cases/${c.caseId}/history`)).json()) as { items: Body[] };
    expect(history.items.map((e) => [e.seq, e.action, e.caseVersion])).toEqual([
      [1, 'CaseCreated', 1],
      [2, 'CaseUpdated', 2],
      [3, 'Transitioned', 3],
      [4, 'CommentAdded', 3],
    ]);
    expect(history.items[1]).toMatchObject({
      actor: { sub: 'demo-agent', roles: ['agent'] },
      channel: 'web',
      reason: 'Whole company affected',
      changes: [
        { field: 'owner', before: null, after: 'demo-agent' },
        { field: 'priorityScore', before: { score: 65, band: 'high' }, after: { score: 68, band: 'high' } },
        { field: 'fields.impact', before: 'team', after: 'organisation', sensitivity: 'public' },
        { field: 'fields.urgency', before: 'high', after: null, sensitivity: 'public' },
      ],
    });
    expect(history.items[2]).toMatchObject({
      transition: { id: 'start_review', from: 'new', to: 'in_review', reopen: false },
      effects: [
        { kind: 'setOwner', owner: 'caller' },
        { kind: 'emitEvent', event: 'ReviewStarted' },
      ],
    });
    expect(history.items[3]).toMatchObject({ target: { kind: 'comment' }, visibility: 'internal', mentions: ['demo-supervisor'] });
    expect(history.items[0]?.correlationId).toBeTruthy();
    // Each event links to the one before it.
    expect(history.items.slice(1).map((e, i) => e.prevHash === history.items[i]!.hash)).toEqual([true, true, true]);

    // The comment did not change the case content, so the ETag still holds.
    const again = await platform.fetchAs('agent', `/cases/${c.caseId}`, {
      method: 'PATCH',
      ...json({ subject: 'Broken widget, again' }, { 'if-match': '"3"' }),
    });
    expect(again.status).toBe(200);
  });

  it('takes state changes only through the workflow', async () => {
    const { body: c } = await create('agent', newCase());
    const patched = await platform.fetchAs('agent', `/cases/${c.caseId}`, {
      method: 'PATCH',
      ...json({ status: 'resolved' }, { 'if-match': '"1"' }),
    });
    expect(patched.status).toBe(400);
    expect(((await patched.json()) as Body).errors[0]).toMatchObject({
      field: 'body.status',
      rule: 'unrecognized_key',
      message: expect.stringContaining('/transitions'),
    });
  });

  it('lists by status, owner and requester, newest first, page by page', async () => {
    const requester = { id: `pager-${Date.now()}` };
    const ids: string[] = [];
    for (let n = 0; n < 23; n++) {
      const { body } = await create('agent', { ...newCase(n), requester, ...(n % 2 ? { owner: 'owner-pager' } : {}) });
      ids.push(body.caseId);
    }
    async function all(query: string, limit: number) {
      const seen: Body[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const response = await platform.fetchAs('agent', `/cases?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(response.status).toBe(200);
        const page = (await response.json()) as { items: Body[]; nextCursor?: string };
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      return seen;
    }
    const byRequester = await all(`requester=${requester.id}`, 5);
    expect(byRequester.map((c) => c.caseId)).toEqual([...ids].reverse());

    const byOwner = await all('owner=owner-pager', 4);
    expect(byOwner.map((c) => c.caseId)).toEqual(ids.filter((_, n) => n % 2).reverse());

    // Status listings merge eight shards; the order must still be exactly newest first.
    const byStatus = await all('status=new', 7);
    const created = new Set(ids);
    const ours = byStatus.filter((c) => created.has(c.caseId)).map((c) => c.caseId);
    expect(ours).toEqual([...ids].reverse());
    const keys = byStatus.map((c) => `${c.createdAt}#${c.caseId}`);
    expect(keys).toEqual([...keys].sort().reverse());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('rejects a cursor from another query or a forged one with 400', async () => {
    const first = (await (await platform.fetchAs('agent', '/cases?status=new&limit=1')).json()) as { nextCursor: string };
    expect(first.nextCursor).toBeTruthy();
    for (const query of [
      `status=resolved&cursor=${first.nextCursor}`,
      'status=new&cursor=eyJ2IjoxfQ',
      `status=new&cursor=${first.nextCursor.slice(0, -3)}`,
    ]) {
      const response = await platform.fetchAs('agent', `/cases?${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as Body).errors[0]).toMatchObject({ field: 'query.cursor', rule: 'invalid_cursor' });
    }
  });

  it('answers every tampered cursor, and every cursor of another listing, with a 400 problem naming query.cursor, never a 500 (property)', async () => {
    const sealed = async (query: string) => {
      const page = (await (await platform.fetchAs('agent', `/cases?${query}&limit=1`)).json()) as { nextCursor?: string };
      expect(page.nextCursor, query).toBeTruthy();
      return page.nextCursor!;
    };
    for (let n = 0; n < 3; n++) expect((await create('agent', { ...newCase(n), owner: 'owner-foreign' })).response.status).toBe(201);
    const cursor = await sealed('status=new');
    const bytes = Buffer.from(cursor, 'base64url');
    // Cursors of other listings: other filters, another merged index (open work), single partitions (requester, owner).
    const foreign = await Promise.all(['status=new&status=resolved', '', 'requester=cust-1', 'owner=owner-foreign'].map(sealed));
    const tampered = fc.oneof(
      fc.record({ at: fc.nat(bytes.length - 1), bit: fc.nat(7) }).map(({ at, bit }) => {
        const copy = Buffer.from(bytes);
        copy[at]! ^= 1 << bit;
        return copy.toString('base64url');
      }),
      fc.record({ at: fc.nat(bytes.length - 1), by: fc.integer({ min: 1, max: 255 }) }).map(({ at, by }) => {
        const copy = Buffer.from(bytes);
        copy[at] = (copy[at]! + by) % 256;
        return copy.toString('base64url');
      }),
      fc.nat(cursor.length - 1).map((at) => cursor.slice(0, at) + (cursor[at] === 'A' ? 'B' : 'A') + cursor.slice(at + 1)),
      fc.constantFrom(...foreign),
    );
    await fc.assert(
      fc.asyncProperty(tampered, async (bad) => {
        const response = await platform.fetchAs('agent', `/cases?status=new&limit=1&cursor=${encodeURIComponent(bad)}`);
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(((await response.json()) as Body).errors).toEqual([expect.objectContaining({ field: 'query.cursor', rule: 'invalid_cursor' })]);
      }),
      { numRuns: 150 },
    );
    // The untouched cursor still opens: the refusals above are for the tampering.
    expect((await platform.fetchAs('agent', `/cases?status=new&limit=1&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200);
  });
});

describe('idempotent creation', () => {
  it('20 parallel retries with one Idempotency-Key create exactly one case', async () => {
    const requester = { id: `idem-${Date.now()}` };
    const body = { ...newCase(), requester };
    const responses = await Promise.all(Array.from({ length: 20 }, () => create('integration', body, { 'idempotency-key': 'order-7781-retry' })));
    expect(responses.map((r) => r.response.status)).toEqual(Array(20).fill(201));
    const caseIds = new Set(responses.map((r) => r.body.caseId));
    expect(caseIds.size).toBe(1);
    expect(responses.filter((r) => r.response.headers.get('idempotent-replayed') === 'true').length).toBe(19);

    // Storage agrees: one case item for this requester.
    expect(await requesterIndexItems(platform, requester.id)).toHaveLength(1);

    const reused = await create('integration', { ...body, subject: 'Something else' }, { 'idempotency-key': 'order-7781-retry' });
    expect(reused.response.status).toBe(422);
    expect(reused.body.errors[0]).toMatchObject({ field: 'header.idempotency-key', rule: 'reused_with_different_body' });
  });

  it('keeps keys of different callers apart', async () => {
    const a = await create('requester', { subject: 'Mine', description: 'A' }, { 'idempotency-key': 'k-shared' });
    const b = await create('requester2', { subject: 'Mine', description: 'A' }, { 'idempotency-key': 'k-shared' });
    expect(a.response.status).toBe(201);
    expect(b.response.status).toBe(201);
    expect(a.body.caseId).not.toBe(b.body.caseId);
  });
});

describe('optimistic concurrency', () => {
  it('50 parallel PATCHes on one version: one applies, 49 get 412 and change nothing', async () => {
    const { body: c } = await create('agent', newCase());
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        platform.fetchAs('agent', `/cases/${c.caseId}`, { method: 'PATCH', ...json({ subject: `Edit ${n}` }, { 'if-match': '"1"' }) }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBe(1);
    expect(statuses.filter((s) => s === 412).length).toBe(49);
    const winner = (await results[statuses.indexOf(200)]!.json()) as { subject: string };
    const final = (await (await platform.fetchAs('agent', `/cases/${c.caseId}`)).json()) as { subject: string; version: number };
    expect(final).toMatchObject({ subject: winner.subject, version: 2 });
    const history = (await (await platform.fetchAs('agent', `/cases/${c.caseId}/history`)).json()) as { items: unknown[] };
    expect(history.items.length).toBe(2);
  });

  it('50 writers that re-read on 412 lose no update', async () => {
    const { body: c } = await create('agent', { ...newCase(), type: LAB_TYPE, fields: { tags: [] } });
    async function addTag(tag: string) {
      for (let attempt = 0; attempt < 200; attempt++) {
        const current = (await (await platform.fetchAs('agent', `/cases/${c.caseId}`)).json()) as { version: number; fields: { tags: string[] } };
        const response = await platform.fetchAs('agent', `/cases/${c.caseId}`, {
          method: 'PATCH',
          ...json({ fields: { tags: [...current.fields.tags, tag] } }, { 'if-match': `"${current.version}"` }),
        });
        if (response.status === 200) return attempt;
        expect(response.status).toBe(412);
      }
      throw new Error(`tag ${tag} never applied`);
    }
    const tags = Array.from({ length: 50 }, (_, n) => `t${n}`);
    await Promise.all(tags.map(addTag));
    const final = (await (await platform.fetchAs('agent', `/cases/${c.caseId}`)).json()) as { version: number; fields: { tags: string[] } };
    expect([...final.fields.tags].sort()).toEqual([...tags].sort());
    expect(final.version).toBe(51);
  }, 120_000);

  it('comments racing an update never break the history sequence', async () => {
    const { body: c } = await create('agent', newCase());
    const responses = await Promise.all([
      ...Array.from({ length: 10 }, (_, n) =>
        platform.fetchAs('agent', `/cases/${c.caseId}/comments`, { method: 'POST', ...json({ body: `note ${n}` }) }),
      ),
      platform.fetchAs('agent', `/cases/${c.caseId}`, { method: 'PATCH', ...json({ priority: 'low' }, { 'if-match': '"1"' }) }),
      platform.fetchAs('agent', `/cases/${c.caseId}/transitions`, { method: 'POST', ...json({ to: 'in_review' }) }),
    ]);
    // Each lands, or gets its own legitimate refusal: 409 when the server gave up a write under contention (the
    // client retries), 412 for the PATCH if the transition changed the version first. Never a gap in the history.
    const statuses = responses.map((r) => r.status);
    const allowed = [...Array<number[]>(10).fill([201, 409]), [200, 409, 412], [200, 409]];
    statuses.forEach((status, i) => expect(allowed[i]).toContain(status));
    const landed = statuses.filter((s) => s < 300).length;
    const history = (await (await platform.fetchAs('agent', `/cases/${c.caseId}/history`)).json()) as { items: { seq: number }[] };
    expect(history.items.map((e) => e.seq)).toEqual(Array.from({ length: landed + 1 }, (_, n) => n + 1));
    const verified = (await (await platform.fetchAs('agent', `/cases/${c.caseId}/history/verify`)).json()) as Body;
    expect(verified).toMatchObject({ valid: true, events: landed + 1, problems: [] });
  });
});
