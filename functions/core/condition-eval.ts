/**
 * Evaluating a condition (conditions.ts has the language and its schema): plain code with no
 * imports beyond types, so the web console shows and requires intake questions by the very
 * rules the API applies, without shipping the schema library to the browser.
 */
import type { FieldValue } from './vocabulary.js';

export const COMPARISONS = ['equals', 'notEquals', 'in', 'notIn', 'present', 'absent', 'gt', 'gte', 'lt', 'lte', 'contains'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export type Condition =
  | { readonly field: string; readonly op: Comparison; readonly value?: string | number | boolean | readonly (string | number)[] }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition };

/** What a condition is evaluated against: custom fields plus the case's own attributes. */
export type Facts = Readonly<Record<string, FieldValue | null | undefined>>;

const isPresent = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

function compare(actual: FieldValue | null | undefined, op: Comparison, expected: unknown): boolean {
  switch (op) {
    case 'present':
      return isPresent(actual);
    case 'absent':
      return !isPresent(actual);
    case 'equals':
      return Array.isArray(actual) ? false : actual === expected;
    case 'notEquals':
      return Array.isArray(actual) ? true : actual !== expected;
    case 'in':
      return !Array.isArray(actual) && (expected as unknown[]).includes(actual);
    case 'notIn':
      return Array.isArray(actual) || !(expected as unknown[]).includes(actual);
    case 'contains':
      return Array.isArray(actual)
        ? actual.includes(expected as string)
        : typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      // Numbers compare as numbers; ISO dates (strings) compare as text, which orders them correctly.
      if (!isPresent(actual) || typeof actual !== typeof expected) return false;
      const a = actual as number | string;
      const b = expected as number | string;
      return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
    }
  }
}

export function holds(condition: Condition, facts: Facts): boolean {
  if ('all' in condition) return condition.all.every((c) => holds(c, facts));
  if ('any' in condition) return condition.any.some((c) => holds(c, facts));
  if ('not' in condition) return !holds(condition.not, facts);
  return compare(facts[condition.field], condition.op, condition.value);
}
