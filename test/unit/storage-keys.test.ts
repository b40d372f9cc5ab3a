import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { caseIndexKeys } from '#adapters/dynamodb/keys.js';
import {
  PARTITION_WRITE_UNITS,
  PLANNED_SHARE,
  SHARD_FLOORS,
  UNITS_PER_CASE,
  shardPlan,
  shardPlanFor,
  stableHash,
  type ShardedKind,
} from '#adapters/dynamodb/shard-plan.js';
import { formatCaseId } from '#core/case-number.js';
import type { Case } from '#core/case.js';
import { DEFAULT_CASES_PER_SECOND, MAX_CASES_PER_SECOND } from '#topology/table.js';

const KINDS = Object.keys(UNITS_PER_CASE) as ShardedKind[];

afterEach(() => {
  delete process.env.CASES_PER_SECOND;
});

describe('the shard plan', () => {
  it('plans every shared partition at or under 40 % of its write limit, at any rate up to the maximum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_CASES_PER_SECOND }), (rate) => {
        const plan = shardPlanFor(rate);
        for (const kind of KINDS) expect((rate * UNITS_PER_CASE[kind]) / plan[kind]).toBeLessThanOrEqual(PARTITION_WRITE_UNITS * PLANNED_SHARE);
      }),
    );
  });

  it('only grows with the rate, and never below the counts earlier versions wrote with', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_CASES_PER_SECOND }), fc.integer({ min: 1, max: MAX_CASES_PER_SECOND }), (a, b) => {
        const [low, high] = [shardPlanFor(Math.min(a, b)), shardPlanFor(Math.max(a, b))];
        for (const kind of KINDS) {
          expect(high[kind]).toBeGreaterThanOrEqual(low[kind]);
          expect(low[kind]).toBeGreaterThanOrEqual(SHARD_FLOORS[kind]);
        }
      }),
    );
  });

  it('gives the case listings their eight shards at the default rate, and 25 at 10,000 creates a second', () => {
    expect(shardPlanFor(DEFAULT_CASES_PER_SECOND)).toMatchObject({ status: 8, open: 8, slaDue: 8 });
    expect(shardPlanFor(10_000)).toEqual({ status: 25, open: 25, slaDue: 25, requester: 25, liveLog: 200 });
  });

  it('follows CASES_PER_SECOND and names it when it is out of range', () => {
    expect(shardPlan()).toEqual(shardPlanFor(DEFAULT_CASES_PER_SECOND));
    process.env.CASES_PER_SECOND = '10000';
    expect(shardPlan().status).toBe(25);
    process.env.CASES_PER_SECOND = '0';
    expect(() => shardPlan()).toThrow(/CASES_PER_SECOND/);
  });

  it.each([8, 25, 75, 200])('spreads sequential case ids evenly over %i shards (none above 1.3x its share)', (shards) => {
    const counts = new Array<number>(shards).fill(0);
    const ids = shards * 2000;
    for (let n = 1; n <= ids; n++) counts[stableHash(formatCaseId('CASE', 2026, n)) % shards]!++;
    expect(Math.max(...counts)).toBeLessThan(2000 * 1.3);
    expect(Math.min(...counts)).toBeGreaterThan(2000 * 0.7);
  });
});

describe('case index keys', () => {
  const c = {
    caseId: 'CASE-2026-000001',
    status: 'new',
    owner: null,
    requester: { id: 'r' },
    createdAt: '2026-01-01T00:00:00.000Z',
  } as unknown as Case;

  it('leave unassigned cases out of the owner index (sparse)', () => {
    const keys = caseIndexKeys(c);
    expect(keys).not.toHaveProperty('gsi2pk');
    expect(keys.gsi1pk).toMatch(/^STATUS#new#[0-7]$/);
    expect(caseIndexKeys({ ...c, owner: 'a1' }).gsi2pk).toBe('OWNER#a1');
  });

  it("keep a requester's shard 0 on the unsharded key earlier versions wrote", () => {
    process.env.CASES_PER_SECOND = '1';
    expect(caseIndexKeys(c).gsi3pk).toBe('REQUESTER#r');
    process.env.CASES_PER_SECOND = '100000';
    const shard = stableHash(c.caseId) % shardPlan().requester;
    expect(caseIndexKeys(c).gsi3pk).toBe(shard === 0 ? 'REQUESTER#r' : `REQUESTER#r#${shard}`);
  });
});
