/**
 * EventBridge's size rules, as pure functions, so the publisher, the local bus and
 * the tests count bytes the same way AWS does
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html):
 * an entry is its Source, DetailType, Detail and Resources in UTF-8 bytes, plus 14
 * bytes for a Time; the entries of one PutEvents call must together stay under
 * 256 KB, or the whole call is refused.
 */

/** One PutEvents call: its entries together stay under this (AWS: "less than 256KB"). */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;
/** One PutEvents call: at most this many entries. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/**
 * An event whose detail is larger travels as a claim check (./claim-check.ts).
 * EventBridge bills each 64 KB of an event as one event, and an event this size
 * leaves room for three more of the same audit item in one call.
 */
export const CLAIM_CHECK_BYTES = 64 * 1024;

export interface SizedEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Resources?: readonly string[];
  readonly Time?: unknown;
}

const utf8 = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));

/** An entry's size as EventBridge counts it. */
export function putEventsEntryBytes(entry: SizedEntry): number {
  return (
    (entry.Time === undefined ? 0 : 14) +
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + utf8(resource), 0)
  );
}

/**
 * Entries in order, cut into PutEvents calls that each hold at most ten and stay
 * under the byte limit. An entry too large for any call gets a call of its own
 * (EventBridge refuses it there, alone, and the others still go).
 */
export function putEventsBatches<T extends SizedEntry>(entries: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = putEventsEntryBytes(entry);
    if (current.length > 0 && (current.length === PUT_EVENTS_MAX_ENTRIES || bytes + size >= PUT_EVENTS_MAX_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
