/**
 * EventBridge's size rules as the publisher and the local bus apply them, and the
 * claim check of a large audit event. The same rules over real HTTP and a real
 * case are in test/integration/large-events.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimChecked, claimCheckedText, isClaimCheck } from '#core/claim-check.js';
import { PUT_EVENTS_MAX_BYTES, PUT_EVENTS_MAX_ENTRIES, putEventsBatches, putEventsEntryBytes } from '#core/event-size.js';

describe('an entry is sized as EventBridge sizes it', () => {
  it.each([
    ['ASCII', 'abc', 3],
    ['CJK, three bytes a character', '事件', 6],
    ['an emoji, four bytes (two UTF-16 units)', '📦', 4],
  ])('%s', (_, detail, bytes) => {
    expect(putEventsEntryBytes({ Source: 's', DetailType: 'T', Detail: detail })).toBe(2 + bytes);
  });

  it('a Time counts 14 bytes and each resource its own', () => {
    expect(putEventsEntryBytes({ Source: 'ab', DetailType: 'C', Detail: '{}', Time: new Date(), Resources: ['arn:x', 'y'] })).toBe(
      2 + 1 + 2 + 14 + 6,
    );
  });
});

describe('entries are cut into calls', () => {
  const entry = (size: number) => ({ Source: 's', DetailType: 'T', Detail: 'x'.repeat(size) });

  it('every call holds at most ten, under 256 KB together unless one entry alone is larger, in the order given', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 * 1024 }), { maxLength: 40 }), (sizes) => {
        const entries = sizes.map((size, i) => ({ ...entry(size), i }));
        const batches = putEventsBatches(entries);
        expect(batches.flat().map((e) => e.i)).toEqual(entries.map((e) => e.i));
        for (const batch of batches) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(PUT_EVENTS_MAX_ENTRIES);
          const bytes = batch.reduce((sum, e) => sum + putEventsEntryBytes(e), 0);
          if (batch.length > 1) expect(bytes).toBeLessThan(PUT_EVENTS_MAX_BYTES);
        }
      }),
    );
  });

  it('five events of 60 KB go in two calls, not one the bus would refuse', () => {
    expect(putEventsBatches(Array.from({ length: 5 }, () => entry(60 * 1024))).map((b) => b.length)).toEqual([4, 1]);
  });
});

describe('the claim check of a large audit event', () => {
  const audit = (description: string) => ({
    id: 'CASE-2026-000007/3',
    eventId: 'CASE-2026-000007/3',
    caseId: 'CASE-2026-000007',
    seq: 3,
    action: 'CaseUpdated',
    changes: [
      { field: 'description', before: 'short', after: description },
      { field: 'fields.salary', before: null, after: null, sensitivity: 'restricted' },
    ],
    routing: { step: 'decided', facts: { big: description } },
  });

  it('leaves an event under the limit whole', () => {
    const small = audit('a few words');
    expect(claimChecked(small, 64 * 1024)).toBe(small);
  });

  it('keeps what the event is and which fields changed, without their values, and says where the whole entry is', () => {
    const large = audit('事'.repeat(30_000));
    const checked = claimChecked(large, 64 * 1024);
    expect(isClaimCheck(checked)).toBe(true);
    expect(checked).toEqual({
      ...large,
      changes: [{ field: 'description' }, { field: 'fields.salary', sensitivity: 'restricted' }],
      routing: { step: 'decided' },
      claimCheck: { reason: 'size', bytes: Buffer.byteLength(JSON.stringify(large)), caseId: 'CASE-2026-000007', seq: 3 },
    });
    expect(Buffer.byteLength(JSON.stringify(checked))).toBeLessThan(1024);
  });

  it('as the text PutEvents takes, is the same detail, small or large', () => {
    for (const detail of [audit('a few words'), audit('事'.repeat(30_000))]) {
      expect(JSON.parse(claimCheckedText(detail, 64 * 1024))).toEqual(claimChecked(detail, 64 * 1024));
    }
  });

  it('leaves a large detail that names no audit entry as it is (nothing to point at)', () => {
    const offer = { offerId: 'o', note: 'x'.repeat(100_000) };
    expect(claimChecked(offer, 64 * 1024)).toBe(offer);
  });
});
