/**
 * The limits every value from outside must respect, against obviously-correct
 * oracles: a number is accepted exactly when DynamoDB stores it and JS reads it
 * back unchanged; a document is refused exactly when it nests too deep.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, SafeNumber, jsonIssues, unsafeNumberReason } from '#core/input-limits.js';
import { SignalBatch, SignalSchema } from '#http/device-schemas.js';

/** DynamoDB's documented range (1e-130 to 9.9999e125 in magnitude, or 0), and JS's safe range, spelled out. */
const storable = (n: number) =>
  Number.isFinite(n) && (n === 0 || (Math.abs(n) >= 1e-130 && Math.abs(n) < 1e126)) && Math.abs(n) <= Number.MAX_SAFE_INTEGER;

const edges = fc.constantFrom(
  0,
  -0,
  1e-130,
  -1e-130,
  9.99e-131,
  5e-324,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  2 ** 53,
  2 ** 53 + 2,
  1e125,
  1e126,
  1e200,
  Infinity,
  -Infinity,
  NaN,
);
const anyNumber = fc.oneof(fc.double(), edges, fc.integer(), fc.double({ min: -1e-120, max: 1e-120 }));

describe('safe numbers', () => {
  it('are exactly the numbers the table stores and JS reads back unchanged', () => {
    fc.assert(
      fc.property(anyNumber, (n) => {
        expect(SafeNumber.safeParse(n).success, String(n)).toBe(storable(n));
        expect(unsafeNumberReason(n) === undefined, String(n)).toBe(storable(n));
      }),
      { numRuns: 2000 },
    );
  });

  it('that pass also marshal for DynamoDB without an error', () => {
    fc.assert(
      fc.property(anyNumber, (n) => {
        if (SafeNumber.safeParse(n).success) expect(() => marshall({ n })).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});

/** A JSON value with a chain of arrays `depth` deep somewhere inside. */
const nested = (depth: number, leaf: unknown = 1): unknown => (depth === 0 ? leaf : [nested(depth - 1, leaf)]);

describe('the JSON document guard', () => {
  it('refuses a document exactly when it nests deeper than the limit, naming where', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.constantFrom('a', 'b'), (depth, key) => {
        const issues = jsonIssues({ [key]: nested(depth) });
        // The object itself is one level; the chain adds `depth` containers below it.
        const tooDeep = depth >= MAX_JSON_DEPTH;
        expect(issues.some((i) => i.rule === 'too_deep')).toBe(tooDeep);
        if (tooDeep) expect(issues[0]!.path).toBe([key, ...Array(MAX_JSON_DEPTH - 1).fill('0')].join('.'));
      }),
    );
  });

  it('checks 100,000 levels without overflowing its own stack', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonIssues(deep)).toEqual([expect.objectContaining({ rule: 'too_deep' })]);
  });

  it('names every unsafe number by its path, in document order', () => {
    expect(jsonIssues({ a: [1, 1e300, { b: 1e-200 }], c: 2 ** 60, d: 'fine', e: 0 }).map((i) => `${i.path}:${i.rule}`)).toEqual([
      'a.1:unsafe_number',
      'a.2.b:unsafe_number',
      'c:unsafe_number',
    ]);
  });

  it('flags exactly the numbers the table cannot store, in any shallow document', () => {
    const numbers = (v: unknown): number[] =>
      typeof v === 'number' ? [v] : v !== null && typeof v === 'object' ? Object.values(v).flatMap(numbers) : [];
    const doc = fc
      .jsonValue({ maxDepth: 6 })
      .chain((v) => fc.tuple(fc.constant(v), anyNumber))
      .map(([v, n]) => ({ v, n }));
    fc.assert(
      fc.property(doc, (d) => {
        const flagged = jsonIssues(d, MAX_JSON_DEPTH, Infinity).filter((i) => i.rule === 'unsafe_number');
        expect(flagged.length).toBe(numbers(d).filter((n) => !storable(n)).length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('device signals from IoT (no HTTP middleware in front)', () => {
  const reading = (i: number, value: number) => ({ assetId: 'pump-1', signalId: `s-${i}`, metric: 'temperature', value, at: '2026-11-27T12:00:00Z' });

  it('refuse the whole batch when any reading cannot be stored, naming it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.constantFrom(1e200, -1e300, 2 ** 53 + 2, 1e-200, 5e-324),
        (values, at, bad) => {
          const index = at % values.length;
          const signals = values.map((v, i) => reading(i, i === index ? bad : v));
          const parsed = SignalBatch.safeParse({ signals });
          expect(parsed.success).toBe(false);
          expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual([`signals.${index}.value`]);
        },
      ),
    );
    expect(SignalSchema.safeParse(reading(0, 1e-200)).success).toBe(false);
    expect(SignalSchema.safeParse(reading(0, 85.5)).success).toBe(true);
  });
});
