/**
 * Limits every value from outside must respect, so bad input is refused as the
 * client's 400 before anything is written, never found out by DynamoDB halfway
 * through a batch (a 500 and a partial write).
 *
 * Numbers: DynamoDB stores magnitudes from 1e-130 to 9.9999e125 with 38 digits;
 * a JS number past 2^53 has already lost digits when JSON.parse made it (and the
 * document client refuses to marshal it). So a number from outside is finite, its
 * magnitude at most Number.MAX_SAFE_INTEGER, and, unless zero, at least 1e-130.
 */
import * as z from 'zod';

/** Smallest magnitude DynamoDB stores, other than zero. */
export const MIN_STORABLE_MAGNITUDE = 1e-130;
/** How deep a JSON document may nest (objects and arrays): deeper is no document this API defines. */
export const MAX_JSON_DEPTH = 32;
/** Longest path parameter: every id of the API is far shorter, and ids become parts of keys. */
export const MAX_PATH_PARAM_LENGTH = 256;
/** Longest query parameter value (a cursor is the longest the API issues). */
export const MAX_QUERY_PARAM_LENGTH = 4096;

/** Why `value` cannot be stored and read back as sent, or undefined when it can. */
export function unsafeNumberReason(value: number): string | undefined {
  if (!Number.isFinite(value)) return 'must be a finite number';
  const magnitude = Math.abs(value);
  if (magnitude > Number.MAX_SAFE_INTEGER)
    return `must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER} (larger numbers lose precision)`;
  if (magnitude !== 0 && magnitude < MIN_STORABLE_MAGNITUDE) return 'must be 0 or at least 1e-130 in magnitude';
  return undefined;
}

/** A number that survives the trip to the table and back unchanged: use it for every number from outside. */
export const SafeNumber = z
  .number()
  .min(-Number.MAX_SAFE_INTEGER)
  .max(Number.MAX_SAFE_INTEGER)
  .refine((value) => value === 0 || Math.abs(value) >= MIN_STORABLE_MAGNITUDE, {
    message: 'must be 0 or at least 1e-130 in magnitude',
    params: { rule: 'unsafe_number' },
  });

/** The same rule on a number schema that sets its own bounds (a positive weight, say): nothing too small to store. */
export const storableNumber = (schema: z.ZodNumber) =>
  schema.refine((value) => unsafeNumberReason(value) === undefined, {
    message: 'must be 0 or at least 1e-130 in magnitude',
    params: { rule: 'unsafe_number' },
  });

export interface JsonIssue {
  /** Dotted path inside the document ('' for the document itself). */
  readonly path: string;
  readonly rule: 'too_deep' | 'unsafe_number';
  readonly message: string;
}

/**
 * The first thing in a parsed JSON document no schema should have to think about:
 * nesting deeper than `maxDepth`, or a number that cannot be stored as sent.
 * Iterative, so a hostile document cannot overflow the stack of the check itself.
 */
export function jsonIssues(document: unknown, maxDepth = MAX_JSON_DEPTH, maxIssues = 20): JsonIssue[] {
  const issues: JsonIssue[] = [];
  const stack: { value: unknown; path: string[]; depth: number }[] = [{ value: document, path: [], depth: 0 }];
  while (stack.length > 0 && issues.length < maxIssues) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'number') {
      const reason = unsafeNumberReason(value);
      if (reason) issues.push({ path: path.join('.'), rule: 'unsafe_number', message: reason });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) {
      issues.push({ path: path.join('.'), rule: 'too_deep', message: `nests deeper than ${maxDepth} levels` });
      continue;
    }
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    // Pushed in reverse, so issues come out in document order.
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], path: [...path, entries[i]![0]], depth: depth + 1 });
  }
  return issues;
}
