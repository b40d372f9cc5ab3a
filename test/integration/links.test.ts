/**
 * Related cases, merges and handoff briefs over real HTTP against DynamoDB Local:
 * links on both ends with their inverse kinds, parent/child rules, merges visible
 * from the survivor, merged cases refusing writes, races between merges, and the
 * brief generated when a case changes hands.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLabType, LAB_TYPE } from '../support/case-types.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { tableSnapshot } from '../support/table-snapshot.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
type Who = 'agent' | 'supervisor' | 'requester' | 'requester2' | 'admin' | 'integration';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
  await ensureLabType(platform);
});
afterAll(async () => {
  await platform?.stop();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

async function call(who: Who, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await platform.fetchAs(who, path, { method, ...(body === undefined ? { headers } : json(body, headers)) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body, etag: response.headers.get('etag') };
}

async function newCase(subject = 'Printer on fire', extra: Body = {}): Promise<string> {
  const created = await call('agent', 'POST', '/cases', { subject, description: 'Smoke from tray 2', requester: { id: 'demo-requester' }, ...extra });
  expect(created.status).toBe(201);
  return created.body.caseId as string;
}

const link = (from: string, targetId: string, kind: string, who: Who = 'agent') => call(who, 'POST', `/cases/${from}/links`, { targetId, kind });
const linksOf = async (caseId: string) =>
  ((await call('agent', 'GET', `/cases/${caseId}/links`)).body.items as Body[]).map((l) => [l.targetId, l.kind]);
const verified = async (caseId: string) => (await call('agent', 'GET', `/cases/${caseId}/history/verify`)).body.valid as boolean;
const caseOf = async (caseId: string) => (await call('agent', 'GET', `/cases/${caseId}`)).body;

describe('links', () => {
  it('stores a link on both cases, each in its own words, with an audit event on each', async () => {
    const [a, b, c] = [await newCase('A'), await newCase('B'), await newCase('C')];
    for (const [kind, inverse, target] of [
      ['duplicateOf', 'hasDuplicate', b],
      ['causedBy', 'causes', c],
    ] as const) {
      const made = await link(a, target, kind);
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ caseId: a, targetId: target, kind, createdBy: 'demo-agent' });
      expect(await linksOf(target)).toEqual([[a, inverse]]);
    }
    expect((await linksOf(a)).sort()).toEqual(
      [
        [b, 'duplicateOf'],
        [c, 'causedBy'],
      ].sort(),
    );

    const historyOf = async (id: string) =>
      ((await call('agent', 'GET', `/cases/${id}/history`)).body.items as Body[]).map((e) => [e.action, e.target?.id]);
    expect(await historyOf(a)).toEqual([
      ['CaseCreated', undefined],
      ['CaseLinked', b],
      ['CaseLinked', c],
    ]);
    expect(await historyOf(b)).toEqual([
      ['CaseCreated', undefined],
      ['CaseLinked', a],
    ]);
    for (const id of [a, b, c]) expect(await verified(id)).toBe(true);
  });

  it('refuses self-links, second links between a pair and unknown targets, writing nothing', async () => {
    const [a, b] = [await newCase(), await newCase()];
    expect((await link(a, b, 'related')).status).toBe(201);
    const before = await tableSnapshot(platform);

    const self = await link(a, a, 'related');
    expect(self.status).toBe(400);
    expect(self.body.errors).toEqual([expect.objectContaining({ field: 'body.targetId', rule: 'no_self_link' })]);
    for (const [from, to] of [
      [a, b],
      [b, a],
    ]) {
      const again = await link(from!, to!, 'causedBy');
      expect(again.status).toBe(409);
      expect(again.body.errors).toEqual([expect.objectContaining({ rule: 'one_link_per_pair' })]);
    }
    const unknown = await link(a, 'CASE-2026-999999', 'related');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'body.targetId', rule: 'unknown_reference' })]);
    const badKind = await link(a, b, 'cousinOf');
    expect(badKind.status).toBe(400);
    expect(await tableSnapshot(platform)).toBe(before);
  });

  it('unlinks from both ends, and a parent link frees the child', async () => {
    const [parent, child] = [await newCase('Outage'), await newCase('My mail is down')];
    expect((await link(parent, child, 'parentOf')).status).toBe(201);
    expect(await caseOf(child)).toMatchObject({ parentId: parent, version: 2 });
    expect(await linksOf(child)).toEqual([[parent, 'childOf']]);

    const removed = await call('agent', 'DELETE', `/cases/${child}/links/${parent}`);
    expect(removed.status).toBe(204);
    expect(await linksOf(parent)).toEqual([]);
    expect(await linksOf(child)).toEqual([]);
    expect(await caseOf(child)).toMatchObject({ parentId: null, version: 3 });
    expect((await call('agent', 'DELETE', `/cases/${child}/links/${parent}`)).status).toBe(404);
    expect(await verified(parent)).toBe(true);
    expect(await verified(child)).toBe(true);
  });

  it('gives a case at most one parent and never lets a tree close into a loop', async () => {
    const [a, b, c, d] = [await newCase('a'), await newCase('b'), await newCase('c'), await newCase('d')];
    expect((await link(a, b, 'parentOf')).status).toBe(201);
    expect((await link(c, b, 'childOf')).status).toBe(201); // c is b's child: a > b > c

    const second = await link(d, c, 'parentOf');
    expect(second.status).toBe(409);
    expect(second.body.errors).toEqual([expect.objectContaining({ rule: 'one_parent' })]);

    const loop = await link(c, a, 'parentOf');
    expect(loop.status).toBe(409);
    expect(loop.body.errors).toEqual([expect.objectContaining({ rule: 'no_cycles' })]);
    expect(loop.body.detail).toContain(`${a} > ${b} > ${c} > ${a}`);
    expect((await link(a, c, 'childOf')).body.errors).toEqual([expect.objectContaining({ rule: 'no_cycles' })]);
  });

  it('never closes a loop when two links race from opposite ends of a chain', async () => {
    // a > b and c > d exist; "b parent of c" and "d parent of a" each look fine alone, together they make a loop.
    for (let round = 0; round < 4; round++) {
      const [a, b, c, d] = [await newCase('a'), await newCase('b'), await newCase('c'), await newCase('d')];
      await link(a, b, 'parentOf');
      await link(c, d, 'parentOf');
      const results = await Promise.all([link(b, c, 'parentOf'), link(d, a, 'parentOf')]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      const parents = new Map<string, string | null>();
      for (const id of [a, b, c, d]) parents.set(id, (await caseOf(id)).parentId);
      for (const start of [a, b, c, d]) {
        const seen = new Set<string>();
        for (let at: string | null | undefined = start; at; at = parents.get(at)) {
          expect(seen.has(at)).toBe(false);
          seen.add(at);
        }
      }
    }
  });

  it('links a case opened with a parent on both ends, with an event on the parent, even when children arrive at once', async () => {
    const parent = await newCase('Outage');
    const children = await Promise.all(Array.from({ length: 6 }, (_, n) => newCase(`Affected ${n}`, { parentId: parent })));
    expect((await linksOf(parent)).sort()).toEqual(children.map((c) => [c, 'parentOf']).sort());
    for (const child of children) {
      expect(await linksOf(child)).toEqual([[parent, 'childOf']]);
      expect(await caseOf(child)).toMatchObject({ parentId: parent, version: 1 });
    }
    const linked = ((await call('agent', 'GET', `/cases/${parent}/history`)).body.items as Body[]).filter((e) => e.action === 'CaseLinked');
    expect(linked.map((e) => e.target.id).sort()).toEqual([...children].sort());
    expect(await verified(parent)).toBe(true);

    const merged = await newCase('Merged parent');
    await call('agent', 'POST', `/cases/${merged}/merge`, { survivorId: parent, reason: 'dup' });
    const refused = await call('agent', 'POST', '/cases', {
      subject: 'Late child',
      description: 'd',
      requester: { id: 'demo-requester' },
      parentId: merged,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain(parent);
  });

  it('is staff work: requesters cannot link, even their own cases', async () => {
    const [mine, alsoMine] = [await newCase(), await newCase()];
    expect((await link(mine, alsoMine, 'related', 'requester')).status).toBe(403);
    expect((await call('requester', 'GET', `/cases/${mine}/links`)).status).toBe(403);
    expect((await link(mine, alsoMine, 'related', 'requester2')).status).toBe(404);
  });
});

describe('merge', () => {
  it('closes the duplicate with a pointer; its comments and history stay and show from the survivor', async () => {
    const [survivor, duplicate] = [await newCase('VPN down'), await newCase('Cannot reach VPN')];
    await call('requester', 'POST', `/cases/${duplicate}/comments`, { body: 'Since 9 am' });
    await call('agent', 'POST', `/cases/${duplicate}/comments`, { body: 'Same as the outage', visibility: 'internal' });
    await call('agent', 'POST', `/cases/${survivor}/comments`, { body: 'Working on it' });
    const trailBefore = (await call('agent', 'GET', `/cases/${duplicate}/history`)).body.items as Body[];

    const merged = await call('agent', 'POST', `/cases/${duplicate}/merge`, { survivorId: survivor, reason: 'Same outage' });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ caseId: duplicate, mergedInto: survivor, status: 'closed', statusCategory: 'closed', version: 2 });
    expect(await linksOf(duplicate)).toEqual([[survivor, 'duplicateOf']]);
    expect(await linksOf(survivor)).toEqual([[duplicate, 'hasDuplicate']]);

    const comments = (await call('agent', 'GET', `/cases/${survivor}/comments?includeMerged=true`)).body.items as Body[];
    expect(comments.map((c) => [c.caseId, c.body])).toEqual([
      [duplicate, 'Since 9 am'],
      [duplicate, 'Same as the outage'],
      [survivor, 'Working on it'],
    ]);
    expect(((await call('agent', 'GET', `/cases/${survivor}/comments`)).body.items as Body[]).map((c) => c.body)).toEqual(['Working on it']);
    const asRequester = (await call('requester', 'GET', `/cases/${survivor}/comments?includeMerged=true`)).body.items as Body[];
    expect(asRequester.map((c) => c.body)).toEqual(['Since 9 am', 'Working on it']);

    const history = (await call('agent', 'GET', `/cases/${survivor}/history?includeMerged=true&limit=100`)).body.items as Body[];
    expect(history.map((e) => [e.caseId, e.action])).toEqual([
      [survivor, 'CaseCreated'],
      [survivor, 'CommentAdded'],
      [survivor, 'MergeReceived'],
      [duplicate, 'CaseCreated'],
      [duplicate, 'CommentAdded'],
      [duplicate, 'CommentAdded'],
      [duplicate, 'CaseMerged'],
    ]);
    // The duplicate's trail is untouched: the same events, byte for byte, with one appended.
    const trailAfter = (await call('agent', 'GET', `/cases/${duplicate}/history`)).body.items as Body[];
    expect(trailAfter.slice(0, trailBefore.length)).toEqual(trailBefore);
    expect(trailAfter.at(-1)).toMatchObject({ action: 'CaseMerged', reason: 'Same outage', target: { kind: 'case', id: survivor } });
    expect(await verified(duplicate)).toBe(true);
    expect(await verified(survivor)).toBe(true);
  });

  it('refuses every write to a merged case with a 409 naming the survivor, and writes nothing', async () => {
    const [survivor, duplicate] = [await newCase(), await newCase()];
    expect((await call('agent', 'POST', `/cases/${duplicate}/merge`, { survivorId: survivor, reason: 'dup' })).status).toBe(200);
    const other = await newCase();
    const before = await tableSnapshot(platform);
    const writes = [
      call('agent', 'PATCH', `/cases/${duplicate}`, { subject: 'x' }, { 'if-match': '"2"' }),
      call('agent', 'POST', `/cases/${duplicate}/comments`, { body: 'hello?' }),
      call('requester', 'POST', `/cases/${duplicate}/comments`, { body: 'hello?' }),
      call('agent', 'POST', `/cases/${duplicate}/transitions`, { to: 'in_review', reason: 'reopen' }),
      call('agent', 'POST', `/cases/${duplicate}/tasks`, { title: 'Call back' }),
      link(duplicate, other, 'related'),
      link(other, duplicate, 'related'),
      call('agent', 'POST', `/cases/${duplicate}/merge`, { survivorId: other, reason: 'again' }),
    ];
    for (const refused of await Promise.all(writes)) {
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toContain(survivor);
    }
    expect(await tableSnapshot(platform)).toBe(before);
    // ...and merging into it points at its survivor.
    const into = await call('agent', 'POST', `/cases/${other}/merge`, { survivorId: duplicate, reason: 'dup' });
    expect(into.status).toBe(409);
    expect(into.body).toMatchObject({ mergedInto: survivor, errors: [expect.objectContaining({ rule: 'survivor_merged' })] });
    const self = await call('agent', 'POST', `/cases/${other}/merge`, { survivorId: other, reason: 'dup' });
    expect(self.status).toBe(400);
    expect(self.body.errors).toEqual([expect.objectContaining({ rule: 'no_self_merge' })]);
    expect((await call('agent', 'DELETE', `/cases/${survivor}/links/${duplicate}`)).status).toBe(409);
  });

  it("cancels the duplicate's open tasks in the merge, so none is left open on a case that takes no writes", async () => {
    const [survivor, duplicate] = [await newCase(), await newCase()];
    const open = await call('agent', 'POST', `/cases/${duplicate}/tasks`, { title: 'Call the customer', assignee: 'merge-tester' });
    const done = await call('agent', 'POST', `/cases/${duplicate}/tasks`, { title: 'Read the logs' });
    await call('agent', 'PATCH', `/cases/${duplicate}/tasks/${done.body.taskId}`, { status: 'done' });
    expect((await call('agent', 'GET', '/tasks?assignee=merge-tester')).body.items).toHaveLength(1);

    expect((await call('agent', 'POST', `/cases/${duplicate}/merge`, { survivorId: survivor, reason: 'dup' })).status).toBe(200);
    const statuses = ((await call('agent', 'GET', `/cases/${duplicate}/tasks`)).body.items as Body[]).map((t) => [t.title, t.status, t.version]);
    expect(statuses.sort()).toEqual([
      ['Call the customer', 'cancelled', 2],
      ['Read the logs', 'done', 2],
    ]);
    expect((await call('agent', 'GET', '/tasks?assignee=merge-tester')).body.items).toEqual([]);
    const merged = ((await call('agent', 'GET', `/cases/${duplicate}/history`)).body.items as Body[]).at(-1)!;
    expect(merged.changes).toContainEqual({ field: 'tasks.cancelled', before: null, after: [open.body.taskId] });
    expect(await verified(duplicate)).toBe(true);
  });

  it("shows a merged survivor's own duplicates from the final survivor", async () => {
    const [first, second, last] = [await newCase('1'), await newCase('2'), await newCase('3')];
    await call('agent', 'POST', `/cases/${first}/comments`, { body: 'on the first' });
    expect((await call('agent', 'POST', `/cases/${first}/merge`, { survivorId: second, reason: 'dup' })).status).toBe(200);
    expect((await call('agent', 'POST', `/cases/${second}/merge`, { survivorId: last, reason: 'dup' })).status).toBe(200);
    const comments = (await call('agent', 'GET', `/cases/${last}/comments?includeMerged=true`)).body.items as Body[];
    expect(comments.map((c) => [c.caseId, c.body])).toEqual([[first, 'on the first']]);
  });

  it('lets exactly one of two crossing merges (A into B, B into A) land, every round', async () => {
    for (let round = 0; round < 6; round++) {
      const [a, b] = [await newCase('A'), await newCase('B')];
      const results = await Promise.all([
        call('agent', 'POST', `/cases/${a}/merge`, { survivorId: b, reason: 'race' }),
        call('supervisor', 'POST', `/cases/${b}/merge`, { survivorId: a, reason: 'race' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const [ca, cb] = [await caseOf(a), await caseOf(b)];
      expect([ca.mergedInto, cb.mergedInto].filter(Boolean)).toHaveLength(1);
      expect(await verified(a)).toBe(true);
      expect(await verified(b)).toBe(true);
    }
  });

  it('lets exactly one of ten identical merges of a pair land', async () => {
    const [a, b] = [await newCase('A'), await newCase('B')];
    const results = await Promise.all(
      Array.from({ length: 10 }, () => call('agent', 'POST', `/cases/${a}/merge`, { survivorId: b, reason: 'race' })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
    const received = ((await call('agent', 'GET', `/cases/${b}/history`)).body.items as Body[]).filter((e) => e.action === 'MergeReceived');
    expect(received).toHaveLength(1);
  });

  it('never merges a case twice when it races into two survivors, nor into a case already merged away', async () => {
    for (let round = 0; round < 4; round++) {
      const [a, b, c] = [await newCase('A'), await newCase('B'), await newCase('C')];
      const results = await Promise.all([
        call('agent', 'POST', `/cases/${a}/merge`, { survivorId: b, reason: 'race' }),
        call('agent', 'POST', `/cases/${a}/merge`, { survivorId: c, reason: 'race' }),
        call('agent', 'POST', `/cases/${b}/merge`, { survivorId: c, reason: 'race' }),
      ]);
      expect(results.some((r) => r.status === 200)).toBe(true);
      for (const r of results) expect([200, 409]).toContain(r.status);
      const cases = await Promise.all([a, b, c].map(caseOf));
      // A merge into a case happens before that case is merged away, never after: its trail says so.
      const actionsOfB = ((await call('agent', 'GET', `/cases/${b}/history`)).body.items as Body[]).map((e) => e.action);
      if (cases[1]!.mergedInto) expect(actionsOfB.at(-1)).toBe('CaseMerged');
      if (cases[0]!.mergedInto === b && cases[1]!.mergedInto)
        expect(actionsOfB.indexOf('MergeReceived')).toBeLessThan(actionsOfB.indexOf('CaseMerged'));
      // No case was merged twice.
      const receivedOfA = (
        await Promise.all(
          [b, c].map(async (id) =>
            ((await call('agent', 'GET', `/cases/${id}/history`)).body.items as Body[]).filter(
              (e) => e.action === 'MergeReceived' && e.target.id === a,
            ),
          ),
        )
      ).flat();
      expect(receivedOfA.length).toBe(cases[0]!.mergedInto ? 1 : 0);
      for (const id of [a, b, c]) expect(await verified(id)).toBe(true);
    }
  });
});

describe('handoff brief', () => {
  it('is generated when a case changes owner or queue, stored beside the case and carried by the audit event', async () => {
    const id = await newCase('Invoice wrong', { fields: { product: 'billing', category: 'question' } });
    await call('requester', 'POST', `/cases/${id}/comments`, { body: 'The total is off by 10 EUR' });
    await call('agent', 'POST', `/cases/${id}/comments`, { body: 'Checked the ledger, VAT applied twice', visibility: 'internal' });
    await call('agent', 'POST', `/cases/${id}/tasks`, { title: 'Ask finance for a credit note', mandatory: true });
    const moved = await call('agent', 'POST', `/cases/${id}/transitions`, { to: 'in_review' }); // start_review: the caller takes it
    expect(moved.status).toBe(200);
    expect(moved.body.handoff).toMatchObject({ from: { queue: 'support', owner: null }, to: { queue: 'support', owner: 'demo-agent' } });

    const patched = await call(
      'agent',
      'PATCH',
      `/cases/${id}`,
      { queue: 'billing', owner: 'demo-supervisor', reason: 'Billing owns refunds' },
      { 'if-match': moved.etag! },
    );
    expect(patched.status).toBe(200);
    const brief = patched.body.handoff as Body;
    expect(brief).toMatchObject({ from: { queue: 'support', owner: 'demo-agent' }, to: { queue: 'billing', owner: 'demo-supervisor' } });
    expect(brief.asked).toContain('Invoice wrong');
    expect(brief.asked).toContain('Product: billing');
    expect(brief.tried.join('\n')).toContain('VAT applied twice');
    expect(brief.tried.join('\n')).toContain('to In Review');
    expect(brief.pending.join('\n')).toContain('Ask finance for a credit note');
    expect(brief.generatedFrom.length).toBeGreaterThan(0);

    const event = ((await call('agent', 'GET', `/cases/${id}/history?limit=100`)).body.items as Body[]).at(-1)!;
    expect(event).toMatchObject({ action: 'CaseUpdated', handoff: brief });
    const read = await call('supervisor', 'GET', `/cases/${id}/handoff`);
    expect(read).toMatchObject({ status: 200, body: { handoff: brief }, etag: patched.etag });
    expect(await verified(id)).toBe(true);

    // The brief sits beside the case item, so status changes do not rewrite it with the case and its index entries.
    const raw = async (sk: string) =>
      (await platform.dynamodb.client.send(new GetCommand({ TableName: platform.tableName, Key: { pk: `CASE#${id}`, sk } }))).Item;
    expect((await raw('#CASE'))!.handoff).toBeUndefined();
    expect((await raw('#HANDOFF'))!.brief).toEqual(brief);
    expect((await call('supervisor', 'GET', `/cases/${id}`)).body.handoff).toEqual(brief);
    const listed = ((await call('supervisor', 'GET', '/cases?owner=demo-supervisor&limit=100')).body.items as Body[]).find((c) => c.caseId === id)!;
    expect(listed).toBeDefined();
    expect(listed.handoff).toBeUndefined();
  });

  it('is edited by the receiving staff with If-Match, audited as HandoffEdited, and hidden from requesters', async () => {
    const id = await newCase();
    const moved = await call('agent', 'PATCH', `/cases/${id}`, { owner: 'demo-supervisor' }, { 'if-match': '"1"' });
    const edit = { asked: 'Printer fire: replace tray 2', tried: ['Power cycled'], pending: ['Order the part'] };
    expect((await call('supervisor', 'PUT', `/cases/${id}/handoff`, edit)).status).toBe(428);
    expect((await call('supervisor', 'PUT', `/cases/${id}/handoff`, edit, { 'if-match': '"1"' })).status).toBe(412);
    expect((await call('requester', 'PUT', `/cases/${id}/handoff`, edit, { 'if-match': moved.etag! })).status).toBe(403);
    const edited = await call('supervisor', 'PUT', `/cases/${id}/handoff`, edit, { 'if-match': moved.etag! });
    expect(edited.status).toBe(200);
    expect(edited.body.handoff).toMatchObject({ ...edit, editedBy: 'demo-supervisor', from: { owner: null }, to: { owner: 'demo-supervisor' } });
    expect(edited.etag).toBe('"3"');
    const last = ((await call('agent', 'GET', `/cases/${id}/history`)).body.items as Body[]).at(-1)!;
    expect(last).toMatchObject({ action: 'HandoffEdited', changes: [{ field: 'handoff', after: edit }] });
    expect((await call('requester', 'GET', `/cases/${id}/handoff`)).status).toBe(403);
    expect((await call('requester', 'GET', `/cases/${id}`)).body.handoff).toBeNull();
    expect((await call('agent', 'GET', `/cases/${await newCase()}/handoff`)).status).toBe(404);
    expect(await verified(id)).toBe(true);
  });

  it('never carries a restricted field into the brief', async () => {
    const created = await call('agent', 'POST', '/cases', { type: LAB_TYPE, subject: 'Lab', description: 'd', requester: { id: 'demo-requester' } });
    const id = created.body.caseId as string;
    const secret = await call(
      'supervisor',
      'PATCH',
      `/cases/${id}`,
      { fields: { secret: 'launch codes', note: 'internal note' } },
      { 'if-match': '"1"' },
    );
    expect(secret.status).toBe(200);
    const moved = await call('supervisor', 'PATCH', `/cases/${id}`, { queue: 'elsewhere' }, { 'if-match': secret.etag! });
    const brief = JSON.stringify(moved.body.handoff);
    expect(brief).toContain('internal note');
    expect(brief).not.toContain('launch codes');
    expect(brief).not.toContain('secret');
  });
});
