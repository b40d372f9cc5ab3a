import { describe, expect, it } from 'vitest';
import { CASE_ID_PATTERN, CaseNumberAllocator, formatCaseId, type NumberBlock } from '#core/case-number.js';

/** A counter like the storage one: atomic "add size, return the new last". */
function counter() {
  const last = new Map<number, number>();
  const calls: number[] = [];
  const reserve = async (year: number, size: number): Promise<NumberBlock> => {
    calls.push(year);
    await new Promise((r) => setTimeout(r, 1));
    const next = (last.get(year) ?? 0) + size;
    last.set(year, next);
    return { first: next - size + 1, last: next };
  };
  return { reserve, calls };
}

describe('case numbers', () => {
  it('formats readable ids that the path pattern accepts', () => {
    expect(formatCaseId('CASE', 2026, 123)).toBe('CASE-2026-000123');
    expect(formatCaseId('CASE', 2026, 12_345_678)).toBe('CASE-2026-12345678');
    expect(CASE_ID_PATTERN.test('CASE-2026-000123')).toBe(true);
    expect(CASE_ID_PATTERN.test('case-2026-1')).toBe(false);
  });

  it('hands out unique numbers to concurrent callers with one counter write per block', async () => {
    const { reserve, calls } = counter();
    const allocator = new CaseNumberAllocator(reserve, 10);
    const numbers = await Promise.all(Array.from({ length: 95 }, () => allocator.next(2026)));
    expect(new Set(numbers).size).toBe(95);
    expect(Math.min(...numbers)).toBe(1);
    expect(calls.length).toBe(10);
  });

  it('keeps years apart and shares the counter between processes without overlap', async () => {
    const { reserve } = counter();
    const a = new CaseNumberAllocator(reserve, 5);
    const b = new CaseNumberAllocator(reserve, 5);
    const got = await Promise.all([
      ...Array.from({ length: 12 }, () => a.next(2026)),
      ...Array.from({ length: 12 }, () => b.next(2026)),
      a.next(2027),
    ]);
    expect(new Set(got.slice(0, 24)).size).toBe(24);
    expect(got[24]).toBe(1);
  });

  it('rejects a nonsensical block size', () => {
    expect(() => new CaseNumberAllocator(counter().reserve, 0)).toThrow(RangeError);
  });
});
