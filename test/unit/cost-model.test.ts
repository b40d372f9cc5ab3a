/**
 * The arithmetic of `npm run bench:costs` (test/bench/cost-model.ts) against the rules on the
 * AWS pricing pages: DynamoDB's 1 KB write and 4 KB read boundaries, transactional doubling and
 * eventually consistent halving; EventBridge's 64 KB chunks; Lambda's millisecond rounding; and
 * dollars from counts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AWS_PRICES } from '../bench/aws-prices.js';
import { costLines, eventBridgeEvents, gbSeconds, openSearchFloorPerMonth, readUnits, writeUnits, type Measured } from '../bench/cost-model.js';

describe('DynamoDB write request units', () => {
  it.each([
    [0, 1],
    [1, 1],
    [1024, 1],
    [1025, 2],
    [2048, 2],
    [2049, 3],
    [400 * 1024, 400],
  ])('a %i-byte item takes %i WRU, twice that in a transaction', (bytes, units) => {
    expect(writeUnits(bytes)).toBe(units);
    expect(writeUnits(bytes, { transactional: true })).toBe(2 * units);
  });

  it('is one unit per started KB, never less than one, for any size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 1024 }), (bytes) => {
        const units = writeUnits(bytes);
        expect(units).toBeGreaterThanOrEqual(1);
        expect(units * 1024).toBeGreaterThanOrEqual(bytes);
        if (bytes > 1024) expect((units - 1) * 1024).toBeLessThan(bytes);
      }),
    );
  });
});

describe('DynamoDB read request units', () => {
  it.each([
    [0, 0.5, 1, 2],
    [4096, 0.5, 1, 2],
    [4097, 1, 2, 4],
    // The pricing page's own example: an 8 KB item.
    [8192, 1, 2, 4],
    [3500, 0.5, 1, 2],
    [10 * 1024, 1.5, 3, 6],
  ])('reading %i bytes: %d eventually consistent, %d strongly, %d in a transaction', (bytes, eventual, strong, transactional) => {
    expect(readUnits(bytes, 'eventual')).toBe(eventual);
    expect(readUnits(bytes, 'strong')).toBe(strong);
    expect(readUnits(bytes, 'transactional')).toBe(transactional);
  });

  it('halves for eventual consistency and doubles for transactions, whatever the size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1024 * 1024 }), (bytes) => {
        expect(readUnits(bytes, 'eventual') * 2).toBe(readUnits(bytes, 'strong'));
        expect(readUnits(bytes, 'transactional')).toBe(readUnits(bytes, 'strong') * 2);
      }),
    );
  });
});

describe('EventBridge and Lambda units', () => {
  it.each([
    [1, 1],
    [64 * 1024, 1],
    [64 * 1024 + 1, 2],
    // The pricing page's example: a 256 KB payload is billed as 4 events.
    [256 * 1024, 4],
  ])('a %i-byte entry is %i billed events', (bytes, events) => expect(eventBridgeEvents(bytes)).toBe(events));

  it('bills duration rounded up to the millisecond, at the configured memory', () => {
    expect(gbSeconds(1000, 1024)).toBe(1);
    expect(gbSeconds(99.2, 512)).toBeCloseTo(0.05, 10);
    expect(gbSeconds(0.1, 1024)).toBeCloseTo(0.001, 10);
  });
});

describe('dollars per 1,000 cases', () => {
  const measured: Measured = {
    cases: 500,
    lambda: { invocations: 1_000_000, gbSeconds: 100_000 },
    dynamodb: { readUnits: 2_000_000, writeUnits: 1_000_000 },
    stepFunctions: { transitions: 4000 },
    eventBridge: { events: 1_000_000 },
    apiGateway: { requests: 2_000_000 },
    ses: { emails: 1000 },
  };
  const lines = costLines(measured, AWS_PRICES);
  const cost = (service: string) => lines.find((l) => l.service.startsWith(service))!.per1000Cases;

  it('prices each service from its counts, scaled from the cases measured to 1,000', () => {
    // 500 cases measured: every figure doubles for 1,000.
    expect(cost('Lambda')).toBeCloseTo(2 * (0.2 + 100_000 * 0.0000133334), 10);
    expect(cost('DynamoDB')).toBeCloseTo(2 * (0.625 + 2 * 0.125), 10);
    expect(cost('Step Functions')).toBeCloseTo(2 * 4 * 0.025, 10);
    expect(cost('EventBridge')).toBeCloseTo(2 * 1.0, 10);
    expect(cost('API Gateway')).toBeCloseTo(2 * 2.0, 10);
    expect(cost('SES')).toBeCloseTo(2 * 0.1, 10);
  });

  it('ends with the total of the services above it', () => {
    const total = lines.at(-1)!;
    expect(total.service).toBe('Total');
    expect(total.per1000Cases).toBeCloseTo(
      lines.slice(0, -1).reduce((sum, l) => sum + l.per1000Cases, 0),
      10,
    );
  });

  it('keeps the search floor apart: OCUs all month, whatever the cases', () => {
    expect(openSearchFloorPerMonth(2, AWS_PRICES)).toBeCloseTo(2 * 730 * 0.24, 10);
  });
});
