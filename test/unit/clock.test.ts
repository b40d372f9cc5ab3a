import { afterEach, describe, expect, it } from 'vitest';
import { AdjustableClock, clock, nowIso, systemClock, useClock } from '#adapters/clock.js';

describe('the clock seam', () => {
  afterEach(() => useClock(systemClock));

  it('reads the system clock unless another is installed', () => {
    const before = Date.now();
    const read = clock().now().getTime();
    expect(read).toBeGreaterThanOrEqual(before);
    expect(read).toBeLessThanOrEqual(Date.now());
  });

  it('answers every reader with the installed clock', () => {
    const fixed = { now: () => new Date('2026-03-29T00:30:00.000Z') };
    useClock(fixed);
    expect(clock()).toBe(fixed);
    expect(nowIso()).toBe('2026-03-29T00:30:00.000Z');
  });
});

describe('AdjustableClock', () => {
  const frozenSystem = () => Date.parse('2026-11-27T12:00:00.000Z');

  it('moves forward by jumps and tells its listeners the new instant', () => {
    const adjustable = new AdjustableClock(frozenSystem);
    const heard: string[] = [];
    const unsubscribe = adjustable.onChange((at) => heard.push(at.toISOString()));
    adjustable.advance(8 * 3600_000);
    adjustable.set(new Date('2026-11-30T09:00:00.000Z'));
    unsubscribe();
    adjustable.advance(60_000);
    expect(heard).toEqual(['2026-11-27T20:00:00.000Z', '2026-11-30T09:00:00.000Z']);
    expect(adjustable.now().toISOString()).toBe('2026-11-30T09:01:00.000Z');
  });

  it('keeps flowing with the system clock after a jump', () => {
    let system = frozenSystem();
    const adjustable = new AdjustableClock(() => system);
    adjustable.advance(3600_000);
    system += 1500;
    expect(adjustable.now().toISOString()).toBe('2026-11-27T13:00:01.500Z');
  });

  it('refuses to go back, or to move by a nonsense amount', () => {
    const adjustable = new AdjustableClock(frozenSystem);
    expect(() => adjustable.set(new Date('2026-11-27T11:59:59.000Z'))).toThrow(RangeError);
    expect(() => adjustable.advance(-1)).toThrow(RangeError);
    expect(() => adjustable.advance(Number.NaN)).toThrow(RangeError);
    expect(adjustable.now().toISOString()).toBe('2026-11-27T12:00:00.000Z');
  });
});
