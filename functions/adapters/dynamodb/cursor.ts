/**
 * Sealed pagination cursors. A cursor holds, per partition queried, where the last
 * page stopped (`null`: that partition is exhausted), the digest of the query it
 * belongs to and when it was issued. Where a merged listing stopped in a partition
 * can be a case the caller may not see, so the whole state is sealed with
 * AES-256-GCM: a client can neither read a cursor nor make one. Anything that does
 * not open, or opens for another query, or has expired, is a 400 naming the cursor
 * (never a 500). Start keys are still rebuilt from validated parts after opening,
 * so even a cursor sealed by a leaked key cannot make DynamoDB reject a request.
 *
 * Layout (then base64url): version byte | 96-bit random IV | ciphertext | 128-bit tag;
 * the version byte is authenticated as associated data. Version 2 deflates the state
 * before sealing it: positions in neighbouring shards share most of their characters,
 * and a listing over many shards (a high design rate, several statuses) must still fit
 * in a URL. Version 1 (not deflated) is still read, for the day it was issued.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import * as z from 'zod';
import { validationFailed } from '#core/errors.js';
import { sha256 } from '#core/fingerprint.js';
import { CASE_ID_PATTERN } from '#core/case-number.js';
import { clock } from '../clock.js';
import { cursorKey } from '../cursor-key.js';

const VERSION = 2;
const PLAIN_VERSION = 1;
/** Far more than any real state (a position is at most ~600 bytes); a cursor never inflates past it. */
const MAX_STATE_BYTES = 256 * 1024;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Long enough to page through any listing at a human pace, short enough that a cursor is no lasting token. */
export const CURSOR_LIFETIME_SECONDS = 24 * 3600;
/** Lambdas' clocks differ a little: a cursor issued slightly "in the future" is still one of ours. */
const CLOCK_SKEW_SECONDS = 300;

// Key values DynamoDB accepts: non-empty, and (as printable ASCII) far under its 1 KiB sort-key limit.
const Position = z.object({ s: z.string().regex(/^[\x21-\x7e]{1,300}$/), id: z.string().regex(CASE_ID_PATTERN).optional() }).strict();
export type Position = z.infer<typeof Position>;

const CursorShape = z
  .object({ q: z.string().length(16), t: z.number().int().nonnegative(), p: z.record(z.string().max(300), Position.nullable()) })
  .strict();
export type CursorState = Record<string, Position | null>;

export const queryDigest = (query: unknown): string => sha256(JSON.stringify(query)).slice(0, 16);

const nowSeconds = () => Math.floor(clock().now().getTime() / 1000);

export async function encodeCursor(digest: string, positions: CursorState): Promise<string> {
  const key = await cursorKey();
  const header = Buffer.from([VERSION]);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  const state = deflateRawSync(Buffer.from(JSON.stringify({ q: digest, t: nowSeconds(), p: positions }), 'utf8'));
  const sealed = Buffer.concat([cipher.update(state), cipher.final()]);
  return Buffer.concat([header, iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

const badCursor = (message: string) => validationFailed([{ field: 'query.cursor', rule: 'invalid_cursor', message }]);
const NOT_OURS = 'The cursor is not one this API issued.';

/** The sealed state, or undefined if this is not a cursor sealed with this key. */
function open(cursor: string, key: Buffer): unknown {
  const bytes = Buffer.from(cursor, 'base64url');
  // Node skips characters that are not base64url and ignores spare low bits: only the canonical spelling is ours.
  if (bytes.toString('base64url') !== cursor) return undefined;
  const version = bytes[0];
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES + 1 || (version !== VERSION && version !== PLAIN_VERSION)) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(bytes.subarray(0, 1));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const opened = Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    const plain = version === VERSION ? inflateRawSync(opened, { maxOutputLength: MAX_STATE_BYTES }) : opened;
    return JSON.parse(plain.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Open a cursor for `digest`'s query over `partitions`; anything else is a 400 naming the cursor. */
export async function decodeCursor(cursor: string | undefined, digest: string, partitions: readonly string[]): Promise<CursorState> {
  if (cursor === undefined) return {};
  const parsed = CursorShape.safeParse(open(cursor, await cursorKey()));
  if (!parsed.success) throw badCursor(NOT_OURS);
  if (parsed.data.q !== digest) throw badCursor('The cursor belongs to a different query; repeat the same filters with it.');
  const age = nowSeconds() - parsed.data.t;
  if (age > CURSOR_LIFETIME_SECONDS || age < -CLOCK_SKEW_SECONDS) throw badCursor('The cursor has expired; start the listing again.');
  if (Object.keys(parsed.data.p).some((p) => !partitions.includes(p))) throw badCursor(NOT_OURS);
  return parsed.data.p;
}
