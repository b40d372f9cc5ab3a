/**
 * Shard counts follow the design rate (`CASES_PER_SECOND`, shard-plan.ts) and may grow
 * without re-keying: cases written under a small plan stay in the low shards, cases
 * written after the rate is raised spread over the new ones, and readers under the
 * grown plan find every one of them, in order, once. Against DynamoDB Local, through
 * the services and repositories the handlers use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase } from '#services/cases.js';
import { listCases, type CaseSelector } from '#adapters/dynamodb/case-repository.js';
import { appendEntry, entriesAfter } from '#adapters/dynamodb/live-repository.js';
import { shardPlan, shardPlanFor, SHARD_FLOORS, stableHash } from '#adapters/dynamodb/shard-plan.js';
import { statusPartition } from '#adapters/dynamodb/keys.js';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { liveIdOf, type LiveEntry } from '#core/live.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { scanTable } from '../support/table-snapshot.js';

let platform: TestPlatform;
const REQUESTER = 'growth-partner';
const SMALL = '1';
const GROWN = '30000';
const before: string[] = [];
const after: string[] = [];

const ctx = () => ({
  caller: { sub: 'growth-agent', roles: ['agent' as const, 'supervisor' as const] },
  now: new Date().toISOString(),
  channel: 'web' as const,
  correlationId: 'shard-growth',
});

async function createMany(count: number, into: string[]) {
  for (let i = 0; i < count; i++) {
    const { case: created } = await createCase(
      { type: 'support', subject: `Growth ${into.length}`, description: 'Shard growth.', requester: { id: REQUESTER }, priority: 'medium' },
      ctx(),
    );
    into.push(created.caseId);
  }
}

/** Every page of a listing, following the cursors. */
async function listAll(selector: CaseSelector): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listCases(selector, 7, cursor);
    ids.push(...page.items.map((c) => c.caseId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

const withRate = (rate: string) => {
  process.env.CASES_PER_SECOND = rate;
};

beforeAll(async () => {
  platform = await startTestPlatform();
  withRate(SMALL);
  await createMany(24, before);
  withRate(GROWN);
  await createMany(24, after);
});
afterAll(async () => {
  delete process.env.CASES_PER_SECOND;
  await platform?.stop();
});

describe('shards grown with the design rate', () => {
  it('the small plan is the floors and the grown one spreads wider', () => {
    expect(shardPlanFor(1)).toEqual(SHARD_FLOORS);
    withRate(GROWN);
    expect(shardPlan().status).toBe(75);
    expect(shardPlan().requester).toBe(75);
  });

  it('keeps old cases in the old shards and spreads new ones over the new', async () => {
    const items = await scanTable(platform);
    const caseItem = (id: string) => items.find((i) => i.pk === `CASE#${id}` && i.sk === '#CASE')!;
    const shardOf = (key: unknown) => Number(String(key).split('#').at(-1));
    for (const id of before) {
      expect(shardOf(caseItem(id).gsi1pk)).toBeLessThan(SHARD_FLOORS.status);
      expect(caseItem(id).gsi3pk).toBe(`REQUESTER#${REQUESTER}`);
    }
    const newStatusShards = new Set(after.map((id) => shardOf(caseItem(id).gsi1pk)));
    expect([...newStatusShards].some((s) => s >= SHARD_FLOORS.status)).toBe(true);
    expect(after.some((id) => caseItem(id).gsi3pk !== `REQUESTER#${REQUESTER}`)).toBe(true);
  });

  it.each<[string, CaseSelector]>([
    ['by requester', { requester: REQUESTER }],
    ['by status', { statuses: ['new'] }],
    ['open work', {}],
  ])('a reader under the grown plan lists every case %s once, newest first', async (_, selector) => {
    withRate(GROWN);
    const listed = (await listAll(selector)).filter((id) => before.includes(id) || after.includes(id));
    expect(listed).toEqual([...before, ...after].reverse());
  });

  it('fills a whole page from many shards without a filter (the merge reads every shard that bounds the page)', async () => {
    // 400 copies of a real case in a status nobody else uses, over the 75 shards of the grown plan: about five a shard,
    // so each shard's first read (its share of the page and one more) stops short of its end.
    withRate(GROWN);
    const items = await scanTable(platform);
    const template = items.find((i) => i.pk === `CASE#${after[0]}` && i.sk === '#CASE')!;
    const copies = Array.from({ length: 400 }, (_, n) => {
      const caseId = `CASE-2026-${String(900_000 + n).padStart(6, '0')}`;
      const createdAt = new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
      return {
        ...template,
        pk: `CASE#${caseId}`,
        caseId,
        createdAt,
        status: 'held',
        gsi1pk: statusPartition('held', stableHash(caseId) % shardPlan().status),
        gsi1sk: `${createdAt}#${caseId}`,
      };
    });
    for (let i = 0; i < copies.length; i += 25)
      await platform.dynamodb.client.send(
        new BatchWriteCommand({ RequestItems: { [platform.tableName]: copies.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }),
      );
    let cursor: string | undefined;
    const seen: string[] = [];
    for (let page = 0; page < 4; page++) {
      const listed = await listCases({ statuses: ['held'] }, 25, cursor);
      expect(listed.items).toHaveLength(25);
      seen.push(...listed.items.map((c) => c.caseId));
      cursor = listed.nextCursor;
    }
    expect(seen).toEqual(
      copies
        .map((c) => c.caseId)
        .reverse()
        .slice(0, 100),
    );
  });

  it('the live log replays entries logged under both plans, in order', async () => {
    const at = Date.now();
    const logged: string[] = [];
    for (const [rate, ids] of [
      [SMALL, before],
      [GROWN, after],
    ] as const) {
      withRate(rate);
      for (const [i, caseId] of ids.slice(0, 12).entries()) {
        const id = liveIdOf(at + logged.length, `growth-${rate}-${i}`);
        const entry = {
          id,
          event: 'CaseCreated',
          caseId,
          source: { kind: 'audit', audit: { caseId } },
          scope: { requesterId: REQUESTER, type: { fields: [], clearance: null } },
        } as unknown as LiveEntry;
        await appendEntry(entry, `growth-${rate}-${i}`, at);
        logged.push(id);
      }
    }
    withRate(GROWN);
    const replayed = await entriesAfter(liveIdOf(at - 1, 'start'), at + 1000);
    expect(replayed.map((e) => e.id).filter((id) => logged.includes(id))).toEqual(logged);
  });
});
