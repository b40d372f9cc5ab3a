/**
 * The detection core: the rolling baseline against a direct two-pass computation
 * over the last `size` readings (fast-check), and what a signal decides.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANOMALY, type Asset } from '#core/devices/asset.js';
import { decide, type ConditionState, type OpenCondition } from '#core/devices/conditions.js';
import { EMPTY_WINDOW, pushReading, statsOf, zScore, type RollingWindow } from '#core/devices/rolling-window.js';
import type { Signal } from '#core/devices/signal.js';

/** The oracle: the last `size` readings, mean and sample variance by the textbook two-pass formula. */
function direct(readings: readonly number[], size: number) {
  const last = readings.slice(Math.max(0, readings.length - size));
  const n = last.length;
  const mean = n === 0 ? 0 : last.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? last.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
  return { last, n, mean, variance };
}

const reading = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, scale);

describe('rolling window', () => {
  it('holds exactly the last `size` readings and their mean and variance, however many came', () => {
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 300 }), fc.integer({ min: 1, max: 100 }), (readings, size) => {
        const window = readings.reduce<RollingWindow>((w, v) => pushReading(w, v, size), EMPTY_WINDOW);
        const oracle = direct(readings, size);
        expect(window.values).toEqual(oracle.last);
        const stats = statsOf(window);
        const scale = Math.max(...oracle.last.map(Math.abs), 1);
        expect(stats.count).toBe(oracle.n);
        expect(close(stats.mean, oracle.mean, scale)).toBe(true);
        expect(close(stats.variance, oracle.variance, scale * scale)).toBe(true);
      }),
    );
  });

  it('stays accurate for readings with a large offset and a small spread, where sums of squares cancel', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 2, maxLength: 100 }), (noise) => {
        const readings = noise.map((x) => 1e9 + x);
        const stats = statsOf({ values: readings });
        const oracle = direct(noise, 100);
        // The same spread as the noise alone: the offset must not leak into the variance.
        expect(Math.abs(stats.variance - oracle.variance)).toBeLessThan(1e-5);
      }),
    );
  });

  it('scores a reading in standard deviations from the mean; no spread makes any other value infinitely far', () => {
    expect(zScore(statsOf({ values: [1, 2, 3, 4, 5] }), 3 + 2 * Math.sqrt(2.5))).toBeCloseTo(2);
    expect(zScore(statsOf({ values: [7, 7, 7] }), 7)).toBe(0);
    expect(zScore(statsOf({ values: [7, 7, 7] }), 6)).toBe(Number.NEGATIVE_INFINITY);
  });
});

const asset = (extra: Partial<Asset> = {}): Asset => ({
  assetId: 'a1',
  name: 'Boiler',
  owner: { id: 'owner-1' },
  entitlementId: null,
  thresholds: [
    { metric: 'temp', direction: 'above', value: 100, hysteresis: 10 },
    { metric: 'temp', direction: 'below', value: 0, hysteresis: 2 },
  ],
  anomaly: DEFAULT_ANOMALY,
  autoResolve: true,
  priority: 'high',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  version: 1,
  ...extra,
});
const telemetry = (value: number): Signal => ({ assetId: 'a1', signalId: 's', metric: 'temp', value, at: '2026-01-01T00:00:00Z', kind: 'telemetry' });
const open = (kind: OpenCondition['kind'], extra: Partial<OpenCondition> = {}, caseOpen = true): ConditionState => ({
  caseOpen,
  condition: {
    assetId: 'a1',
    metric: 'temp',
    kind,
    caseId: 'C-1',
    limit: 100,
    openedAt: '',
    openedBy: 's0',
    count: 1,
    lastValue: 105,
    lastAt: '',
    peak: 105,
    reportedPeak: 105,
    recovered: false,
    ...extra,
  },
});

describe('decide', () => {
  it('opens on a crossing, appends while over, waits inside the hysteresis band, recovers past it', () => {
    expect(decide(asset(), telemetry(101), EMPTY_WINDOW, []).actions).toEqual([{ type: 'open', kind: 'above', limit: 100, severity: 101 }]);
    expect(decide(asset(), telemetry(106), EMPTY_WINDOW, [open('above')]).actions).toEqual([
      expect.objectContaining({ type: 'append', newPeak: true, comment: null }),
    ]);
    expect(decide(asset(), telemetry(95), EMPTY_WINDOW, [open('above')])).toEqual({ actions: [], learn: false, z: null });
    expect(decide(asset(), telemetry(90), EMPTY_WINDOW, [open('above')]).actions).toEqual([expect.objectContaining({ type: 'recover' })]);
    expect(decide(asset(), telemetry(-1), EMPTY_WINDOW, []).actions).toEqual([{ type: 'open', kind: 'below', limit: 0, severity: -1 }]);
  });

  it('comments only when the peak gets worse by a tenth of the limit, or when a recovered condition breaches again', () => {
    expect(decide(asset(), telemetry(114), EMPTY_WINDOW, [open('above')]).actions[0]).toMatchObject({ comment: null });
    expect(decide(asset(), telemetry(116), EMPTY_WINDOW, [open('above')]).actions[0]).toMatchObject({ comment: expect.stringContaining('worse') });
    expect(decide(asset(), telemetry(101), EMPTY_WINDOW, [open('above', { recovered: true })]).actions[0]).toMatchObject({
      comment: expect.stringContaining('again'),
    });
  });

  it('replaces a condition whose case a person resolved, and forgets it on recovery', () => {
    expect(decide(asset(), telemetry(120), EMPTY_WINDOW, [open('above', {}, false)]).actions[0]).toMatchObject({
      type: 'open',
      replaces: { caseId: 'C-1' },
    });
    expect(decide(asset(), telemetry(50), EMPTY_WINDOW, [open('above', {}, false)]).actions).toEqual([expect.objectContaining({ type: 'drop' })]);
  });

  it('learns only normal readings while nothing is open for the metric', () => {
    expect(decide(asset(), telemetry(50), EMPTY_WINDOW, []).learn).toBe(true);
    expect(decide(asset(), telemetry(150), EMPTY_WINDOW, []).learn).toBe(false);
    expect(decide(asset(), telemetry(50), EMPTY_WINDOW, [open('alert')]).learn).toBe(false);
    expect(decide(asset(), telemetry(50), EMPTY_WINDOW, [open('above')]).learn).toBe(true);
  });

  it('judges anomalies only once the baseline is ready, and not for a reading whose limit already has a case', () => {
    const anomaly = { enabled: true, window: 30, minSamples: 5, zOpen: 3, zRecover: 1 };
    const noisy: RollingWindow = { values: [10, 11, 9, 10, 11, 9, 10] };
    expect(decide(asset({ anomaly }), telemetry(30), { values: [10, 11, 9] }, []).actions).toEqual([]);
    const decided = decide(asset({ anomaly }), telemetry(30), noisy, []);
    expect(decided.actions).toEqual([expect.objectContaining({ type: 'open', kind: 'anomaly' })]);
    expect(decided.z).toBeGreaterThan(3);
    expect(decide(asset({ anomaly }), telemetry(130), noisy, []).actions.map((a) => a.type === 'open' && a.kind)).toEqual(['above']);
    expect(decide(asset({ anomaly }), telemetry(10.2), noisy, [open('anomaly', { limit: null })]).actions).toEqual([
      expect.objectContaining({ type: 'recover' }),
    ]);
  });

  it('recovers every open condition of the metric on a recovery signal, and learns nothing from it', () => {
    const decided = decide(asset(), { ...telemetry(0), kind: 'recovery' }, EMPTY_WINDOW, [
      open('above'),
      open('alert', { caseId: 'C-2' }),
      open('anomaly', { recovered: true }),
    ]);
    expect(decided.actions.map((a) => [a.type, a.type === 'open' ? null : a.condition.kind])).toEqual([
      ['recover', 'above'],
      ['recover', 'alert'],
    ]);
    expect(decided.learn).toBe(false);
  });
});

describe('case numbers a lost race gives back', () => {
  it('are handed out again before new ones, so losing the race to open a case leaves no gap', async () => {
    const { CaseNumberAllocator } = await import('#core/case-number.js');
    let counter = 0;
    const allocator = new CaseNumberAllocator(async (_year, size) => ({ first: counter + 1, last: (counter += size) }), 10);
    const taken = await Promise.all(Array.from({ length: 5 }, () => allocator.next(2026)));
    expect(taken).toEqual([1, 2, 3, 4, 5]);
    allocator.giveBack(2026, 2);
    allocator.giveBack(2026, 4);
    expect([await allocator.next(2026), await allocator.next(2026), await allocator.next(2026)]).toEqual([2, 4, 6]);
    expect(await allocator.next(2027)).toBe(11);
  });
});
