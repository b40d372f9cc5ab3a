/**
 * Opaque pagination cursors. A cursor holds, per partition queried, where the
 * last page stopped (`null`: that partition is exhausted), plus a digest of the
 * query it belongs to. Start keys are rebuilt server-side from these parts, so a
 * forged cursor can at worst start a listing elsewhere in what the caller may
 * already read; it can never make DynamoDB reject the request (no 500).
 */
import * as z from 'zod';
import { validationFailed } from '../../core/errors.js';
import { sha256 } from '../../core/fingerprint.js';
import { CASE_ID_PATTERN } from '../../core/case-number.js';

// Key values DynamoDB accepts: non-empty, and (as printable ASCII) far under its 1 KiB sort-key limit.
const Position = z.object({ s: z.string().regex(/^[\x21-\x7e]{1,300}$/), id: z.string().regex(CASE_ID_PATTERN).optional() }).strict();
export type Position = z.infer<typeof Position>;

const CursorShape = z.object({ v: z.literal(1), q: z.string().length(16), p: z.record(z.string().max(300), Position.nullable()) }).strict();
export type CursorState = Record<string, Position | null>;

export const queryDigest = (query: unknown): string => sha256(JSON.stringify(query)).slice(0, 16);

export function encodeCursor(digest: string, positions: CursorState): string {
  return Buffer.from(JSON.stringify({ v: 1, q: digest, p: positions })).toString('base64url');
}

const badCursor = (message: string) => validationFailed([{ field: 'query.cursor', rule: 'invalid_cursor', message }]);

/** Decode a cursor for `digest`'s query over `partitions`; anything else is a 400 naming the cursor. */
export function decodeCursor(cursor: string | undefined, digest: string, partitions: readonly string[]): CursorState {
  if (cursor === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('The cursor is not one this API issued.');
  }
  const parsed = CursorShape.safeParse(raw);
  if (!parsed.success) throw badCursor('The cursor is not one this API issued.');
  if (parsed.data.q !== digest) throw badCursor('The cursor belongs to a different query; repeat the same filters with it.');
  if (Object.keys(parsed.data.p).some((p) => !partitions.includes(p))) throw badCursor('The cursor is not one this API issued.');
  return parsed.data.p;
}
