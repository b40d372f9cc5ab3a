import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, queryDigest } from '../../functions/adapters/dynamodb/cursor.js';
import { caseIndexKeys, shardOf, STATUS_SHARDS } from '../../functions/adapters/dynamodb/keys.js';
import { formatCaseId } from '../../functions/core/case-number.js';
import type { Case } from '../../functions/core/case.js';
import { DomainError } from '../../functions/core/errors.js';

describe('status shards', () => {
  it('spread sequential case ids evenly (no shard above 1.3x its share)', () => {
    const counts = new Array(STATUS_SHARDS).fill(0);
    for (let n = 1; n <= 80_000; n++) counts[shardOf(formatCaseId('CASE', 2026, n))]++;
    const share = 80_000 / STATUS_SHARDS;
    expect(Math.max(...counts)).toBeLessThan(share * 1.3);
    expect(Math.min(...counts)).toBeGreaterThan(share * 0.7);
  });

  it('leave unassigned cases out of the owner index (sparse)', () => {
    const c = { caseId: 'CASE-2026-000001', status: 'new', owner: null, requester: { id: 'r' }, createdAt: '2026-01-01T00:00:00.000Z' } as unknown as Case;
    const keys = caseIndexKeys(c);
    expect(keys).not.toHaveProperty('gsi2pk');
    expect(keys.gsi1pk).toMatch(/^STATUS#new#[0-7]$/);
    expect(keys.gsi3pk).toBe('REQUESTER#r');
    expect(caseIndexKeys({ ...c, owner: 'a1' }).gsi2pk).toBe('OWNER#a1');
  });
});

describe('cursors', () => {
  const digest = queryDigest({ list: 'cases', statuses: ['new'] });
  const partitions = ['STATUS#new#0', 'STATUS#new#1'];

  it('round-trip positions for their own query', () => {
    const state = { 'STATUS#new#0': { s: '2026#CASE-2026-000001', id: 'CASE-2026-000001' }, 'STATUS#new#1': null };
    expect(decodeCursor(encodeCursor(digest, state), digest, partitions)).toEqual(state);
  });

  it.each([
    ['garbage', 'not-a-cursor!'],
    ['valid base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['another query', encodeCursor(queryDigest({ other: true }), {})],
    ['a foreign partition', encodeCursor(digest, { 'STATUS#closed#0': null })],
    ['extra fields', Buffer.from(JSON.stringify({ v: 1, q: digest, p: {}, x: 1 })).toString('base64url')],
    ['an empty key value', encodeCursor(digest, { 'STATUS#new#0': { s: '' } })],
    ['an oversized key value', encodeCursor(digest, { 'STATUS#new#0': { s: 'é'.repeat(600) } })],
    ['a position naming no case', encodeCursor(digest, { 'STATUS#new#0': { s: '2026#x', id: 'nobody' } })],
  ])('reject %s as a 400 naming the cursor', (_name, cursor) => {
    try {
      decodeCursor(cursor, digest, partitions);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).issues[0]).toMatchObject({ field: 'query.cursor', rule: 'invalid_cursor' });
    }
  });
});
