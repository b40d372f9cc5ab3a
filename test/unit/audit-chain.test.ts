import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { genesisHash, hashOf, seal, verifyChain, type ChainHead, type StoredChained } from '#core/audit-chain.js';

interface Event {
  seq: number;
  action: string;
  changes: { field: string; before: unknown; after: unknown }[];
}

/** A trail of `n` sealed events, as storage returns them (position = seq), and its head. */
function trailOf(name: string, payloads: Omit<Event, 'seq'>[]): { events: (StoredChained & Event)[]; head: ChainHead | undefined } {
  let head: ChainHead | undefined;
  const events = payloads.map((payload, i) => {
    const sealed = seal(name, head, { seq: i + 1, ...payload });
    head = { seq: sealed.seq, hash: sealed.hash };
    return { ...sealed, position: sealed.seq };
  });
  return { events, head };
}

const payload = fc.record({
  action: fc.constantFrom('CaseCreated', 'CaseUpdated', 'CommentAdded', 'Transitioned'),
  changes: fc.array(fc.record({ field: fc.string({ minLength: 1, maxLength: 8 }), before: fc.jsonValue(), after: fc.jsonValue() }), { maxLength: 3 }),
});

describe('audit chain', () => {
  it('seals each event onto the one before, starting from a genesis of its own trail', () => {
    const { events, head } = trailOf('CASE-2026-000001', [
      { action: 'CaseCreated', changes: [] },
      { action: 'CaseUpdated', changes: [{ field: 'status', before: 'new', after: 'in_review' }] },
    ]);
    expect(events[0]!.prevHash).toBe(genesisHash('CASE-2026-000001'));
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
    expect(head).toEqual({ seq: 2, hash: events[1]!.hash });
    expect(verifyChain('CASE-2026-000001', events, head)).toMatchObject({ valid: true, events: 2, problems: [] });
    // The same events under another case's name do not verify: chains cannot be transplanted.
    expect(verifyChain('CASE-2026-000002', events, head).problems.map((p) => p.kind)).toEqual(['broken-link']);
  });

  it('refuses to seal an event out of turn', () => {
    expect(() => seal('t', { seq: 3, hash: 'x' }, { seq: 5 })).toThrow(RangeError);
  });

  it('hashes content, not key order', () => {
    expect(hashOf({ a: 1, b: { c: 2, d: 3 } })).toBe(hashOf({ b: { d: 3, c: 2 }, a: 1 }));
    expect(hashOf({ a: 1, hash: 'ignored' })).toBe(hashOf({ a: 1 }));
  });

  it('every untouched trail verifies', () => {
    fc.assert(
      fc.property(fc.array(payload, { minLength: 0, maxLength: 30 }), (payloads) => {
        const { events, head } = trailOf('T', payloads);
        expect(verifyChain('T', events, head).valid).toBe(true);
      }),
    );
  });

  it('any alteration, removal or reordering is detected, and says what it was', () => {
    const tampering = fc.oneof(
      fc.record({ kind: fc.constant('alter' as const), at: fc.nat(), value: fc.string({ minLength: 1 }) }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('removeTail' as const), count: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
      fc.record({ kind: fc.constant('swapContent' as const), at: fc.nat(), other: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(payload, { minLength: 2, maxLength: 25 }), tampering, (payloads, t) => {
        const { events, head } = trailOf('T', payloads);
        const n = events.length;
        let tampered = events.map((e) => ({ ...e }));
        let expected: string;
        switch (t.kind) {
          case 'alter': {
            const i = t.at % n;
            const before = tampered[i]!.action;
            tampered[i] = { ...tampered[i]!, action: before + t.value };
            expected = 'altered';
            break;
          }
          case 'remove':
            tampered.splice(t.at % n, 1);
            expected = t.at % n === n - 1 ? 'head-mismatch' : 'missing';
            break;
          case 'removeTail':
            tampered = tampered.slice(0, Math.max(0, n - Math.min(t.count, n)));
            expected = 'head-mismatch';
            break;
          case 'swap': {
            // Two events trade places in storage order, each keeping its own key.
            const i = t.at % n;
            const j = t.other % n;
            if (i === j) return;
            [tampered[i], tampered[j]] = [tampered[j]!, tampered[i]!];
            expected = 'reordered';
            break;
          }
          case 'swapContent': {
            // Two events trade contents but stay at their keys: positions no longer match seqs.
            const i = t.at % n;
            const j = t.other % n;
            if (i === j) return;
            const [a, b] = [tampered[i]!, tampered[j]!];
            tampered[i] = { ...b, position: a.position };
            tampered[j] = { ...a, position: b.position };
            expected = 'reordered';
            break;
          }
        }
        const report = verifyChain('T', tampered, head);
        expect(report.valid).toBe(false);
        expect(report.problems.map((p) => p.kind)).toContain(expected);
      }),
    );
  });

  it('a trail with events but no recorded head is not valid', () => {
    const { events } = trailOf('T', [{ action: 'CaseCreated', changes: [] }]);
    expect(verifyChain('T', events, undefined).problems.map((p) => p.kind)).toEqual(['head-mismatch']);
    expect(verifyChain('T', [], undefined).valid).toBe(true);
  });
});
