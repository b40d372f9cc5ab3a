/**
 * The audit trail against tampering, and the workflow against races, with the
 * real handlers and DynamoDB Local: items are altered, removed and reordered
 * behind the API's back, and both `GET /cases/{id}/history/verify` and the
 * `audit:verify` CLI must say so; concurrent transitions must never give one
 * version two successors.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashOf } from '#core/audit-chain.js';
import { ensureLabType, LAB_TYPE } from '../support/case-types.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

let platform: TestPlatform;
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

beforeAll(async () => {
  platform = await startTestPlatform();
  await ensureLabType(platform);
});
afterAll(async () => {
  await platform?.stop();
});

/** A lab case with `events` audit events: created, then a comment per further event. */
async function caseWithHistory(events: number): Promise<string> {
  const created = await platform.fetchAs('agent', '/cases', {
    method: 'POST',
    ...json({ type: LAB_TYPE, subject: 'Audit me', description: 'D', requester: { id: 'cust-a' } }),
  });
  const { caseId } = (await created.json()) as { caseId: string };
  for (let n = 2; n <= events; n++) await platform.fetchAs('agent', `/cases/${caseId}/comments`, { method: 'POST', ...json({ body: `note ${n}` }) });
  return caseId;
}

const auditKey = (caseId: string, seq: number) => ({ pk: `CASE#${caseId}`, sk: `AUDIT#${String(seq).padStart(10, '0')}` });
const db = () => platform.dynamodb.client;
const table = () => platform.tableName;

async function verify(caseId: string): Promise<{ valid: boolean; problems: { kind: string; seq: number }[] }> {
  const response = await platform.fetchAs('supervisor', `/cases/${caseId}/history/verify`);
  expect(response.status).toBe(200);
  return (await response.json()) as { valid: boolean; problems: { kind: string; seq: number }[] };
}

const run = promisify(execFile);
async function cli(...caseIds: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run('npx', ['tsx', 'bin/audit-verify.ts', '--endpoint', platform.dynamodb.endpoint, '--table', table(), ...caseIds], {
      cwd: process.cwd(),
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

describe('tampering with the audit trail in DynamoDB', () => {
  it('an untouched trail verifies', async () => {
    const caseId = await caseWithHistory(5);
    expect(await verify(caseId)).toMatchObject({ valid: true, events: 5, problems: [] });
  });

  it('detects an altered event, even one whose own hash was recomputed to match', async () => {
    const altered = await caseWithHistory(4);
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: auditKey(altered, 2),
        UpdateExpression: 'SET visibility = :v',
        ExpressionAttributeValues: { ':v': 'public-ish' },
      }),
    );
    expect((await verify(altered)).problems).toEqual([expect.objectContaining({ kind: 'altered', seq: 2 })]);

    // A careful forger rehashes the event they changed: the next event no longer links to it.
    const forged = await caseWithHistory(4);
    const { Item } = await db().send(new GetCommand({ TableName: table(), Key: auditKey(forged, 2) }));
    const { pk: _pk, sk: _sk, entity: _entity, ...event } = Item!;
    const rewritten = { ...event, actor: { sub: 'someone-else', roles: ['agent'] } };
    await db().send(new PutCommand({ TableName: table(), Item: { ...Item, ...rewritten, hash: hashOf(rewritten) } }));
    expect((await verify(forged)).problems).toEqual([expect.objectContaining({ kind: 'broken-link', seq: 3 })]);
  });

  it('detects a removed event, in the middle or at the end', async () => {
    const middle = await caseWithHistory(5);
    await db().send(new DeleteCommand({ TableName: table(), Key: auditKey(middle, 3) }));
    expect((await verify(middle)).problems.map((p) => p.kind)).toEqual(['missing', 'broken-link']);

    const end = await caseWithHistory(5);
    await db().send(new DeleteCommand({ TableName: table(), Key: auditKey(end, 5) }));
    expect((await verify(end)).problems).toEqual([expect.objectContaining({ kind: 'head-mismatch' })]);
  });

  it('detects reordered events', async () => {
    const caseId = await caseWithHistory(5);
    const read = async (seq: number) => (await db().send(new GetCommand({ TableName: table(), Key: auditKey(caseId, seq) }))).Item!;
    const [second, fourth] = [await read(2), await read(4)];
    // Each item keeps its key and takes the other's content.
    await db().send(new PutCommand({ TableName: table(), Item: { ...fourth, ...auditKey(caseId, 2) } }));
    await db().send(new PutCommand({ TableName: table(), Item: { ...second, ...auditKey(caseId, 4) } }));
    const kinds = (await verify(caseId)).problems.map((p) => p.kind);
    expect(kinds).toContain('reordered');
    expect(new Set(kinds)).toEqual(new Set(['reordered', 'broken-link']));
  });

  it('says the same from the command line, with an exit status a script can test', async () => {
    const intact = await caseWithHistory(3);
    const tampered = await caseWithHistory(3);
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: auditKey(tampered, 1),
        UpdateExpression: 'SET #at = :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': '2020-01-01T00:00:00.000Z' },
      }),
    );

    const good = await cli(intact);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(new RegExp(`^${intact}: intact \\(3 events, head [0-9a-f]{12}\\.\\.\\.\\)`));

    const bad = await cli(intact, tampered, 'CASE-1999-000001');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${tampered}: TAMPERED (1 problem in 3 events)`);
    expect(bad.stdout).toContain('event 1: altered');
    expect(bad.stdout).toContain('CASE-1999-000001: NOT FOUND');
  }, 60_000);
});

describe('concurrent transitions', () => {
  it('never give one version two successors: without If-Match they apply one after another, each from the state before it', async () => {
    const created = await platform.fetchAs('agent', '/cases', {
      method: 'POST',
      ...json({ type: LAB_TYPE, subject: 'Race', description: 'D', requester: { id: 'cust-r' } }),
    });
    const { caseId } = (await created.json()) as { caseId: string };
    // From open, both start (to working) and park (to parked) are allowed; from each, so is the other.
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, n) =>
        platform.fetchAs('agent', `/cases/${caseId}/transitions`, { method: 'POST', ...json({ to: n % 2 ? 'working' : 'parked' }) }),
      ),
    );
    const statuses = results.map((r) => r.status);
    // Each succeeds or is refused because, by its turn, the case was already there (409); never a 500.
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const history = (await (await platform.fetchAs('agent', `/cases/${caseId}/history?limit=100`)).json()) as { items: Body[] };
    const moves = history.items.filter((e) => e.action === 'Transitioned');
    expect(moves.length).toBe(statuses.filter((s) => s === 200).length);
    // One successor per version: versions strictly increase by one, and each move starts where the last one ended.
    expect(moves.map((e) => e.caseVersion)).toEqual(moves.map((_, i) => i + 2));
    moves.forEach((e, i) => expect(e.transition.from).toBe(i === 0 ? 'open' : moves[i - 1]!.transition.to));
    expect(await verify(caseId)).toMatchObject({ valid: true });
  });

  it('with If-Match, exactly one of many transitions from one version lands', async () => {
    const created = await platform.fetchAs('agent', '/cases', {
      method: 'POST',
      ...json({ type: LAB_TYPE, subject: 'Race', description: 'D', requester: { id: 'cust-r' } }),
    });
    const { caseId } = (await created.json()) as { caseId: string };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        platform.fetchAs('agent', `/cases/${caseId}/transitions`, {
          method: 'POST',
          ...json({ to: n % 2 ? 'working' : 'parked' }, { 'if-match': '"1"' }),
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const history = (await (await platform.fetchAs('agent', `/cases/${caseId}/history`)).json()) as { items: Body[] };
    expect(history.items.map((e) => e.action)).toEqual(['CaseCreated', 'Transitioned']);
  });

  it('never finish a case past a mandatory task added at the same moment', async () => {
    for (let round = 0; round < 6; round++) {
      const created = await platform.fetchAs('agent', '/cases', {
        method: 'POST',
        ...json({ type: LAB_TYPE, subject: 'Race', description: 'D', requester: { id: 'cust-t' } }),
      });
      const { caseId } = (await created.json()) as { caseId: string };
      await platform.fetchAs('agent', `/cases/${caseId}/transitions`, { method: 'POST', ...json({ to: 'working' }) });
      const [task, finish] = await Promise.all([
        platform.fetchAs('agent', `/cases/${caseId}/tasks`, { method: 'POST', ...json({ title: 'Four-eyes check', mandatory: true }) }),
        platform.fetchAs('agent', `/cases/${caseId}/transitions`, { method: 'POST', ...json({ to: 'done' }) }),
      ]);
      expect(task.status).toBe(201);
      const history = (await (await platform.fetchAs('agent', `/cases/${caseId}/history`)).json()) as { items: Body[] };
      const added = history.items.find((e) => e.action === 'TaskAdded')!;
      const finished = history.items.find((e) => e.transition?.to === 'done');
      if (finish.status === 200) {
        // It finished first; the task came after, on a finished case.
        expect(finished!.seq).toBeLessThan(added.seq);
      } else {
        expect(finish.status).toBe(422);
        expect(finished).toBeUndefined();
      }
    }
  });
});
