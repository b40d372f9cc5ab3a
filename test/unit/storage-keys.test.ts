import { describe, expect, it } from 'vitest';
import { caseIndexKeys, shardOf, STATUS_SHARDS } from '#adapters/dynamodb/keys.js';
import { formatCaseId } from '#core/case-number.js';
import type { Case } from '#core/case.js';

describe('status shards', () => {
  it('spread sequential case ids evenly (no shard above 1.3x its share)', () => {
    const counts = new Array(STATUS_SHARDS).fill(0);
    for (let n = 1; n <= 80_000; n++) counts[shardOf(formatCaseId('CASE', 2026, n))]++;
    const share = 80_000 / STATUS_SHARDS;
    expect(Math.max(...counts)).toBeLessThan(share * 1.3);
    expect(Math.min(...counts)).toBeGreaterThan(share * 0.7);
  });

  it('leave unassigned cases out of the owner index (sparse)', () => {
    const c = {
      caseId: 'CASE-2026-000001',
      status: 'new',
      owner: null,
      requester: { id: 'r' },
      createdAt: '2026-01-01T00:00:00.000Z',
    } as unknown as Case;
    const keys = caseIndexKeys(c);
    expect(keys).not.toHaveProperty('gsi2pk');
    expect(keys.gsi1pk).toMatch(/^STATUS#new#[0-7]$/);
    expect(keys.gsi3pk).toBe('REQUESTER#r');
    expect(caseIndexKeys({ ...c, owner: 'a1' }).gsi2pk).toBe('OWNER#a1');
  });
});
