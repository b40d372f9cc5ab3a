/**
 * Tamper evidence for audit trails. Each event carries the hash of the one before
 * it (`prevHash`) and its own (`hash`, over its canonical JSON without `hash`), so
 * changing, removing or reordering any event breaks a link that `verifyChain` finds.
 * The first event links to a genesis hash derived from the trail's own name, so a
 * chain cannot be transplanted from one case to another. Removing events from the
 * end leaves a shorter chain that still links, which is why the writer also keeps
 * the head (last seq and hash) on an item of its own and verification compares it.
 */
import { canonicalJson, sha256 } from './fingerprint.js';

export interface Chained {
  /** 1-based, gapless position in the trail. */
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** Where a trail ends: kept beside it and advanced in the same transaction as each event. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/** The `prevHash` of event 1 of the trail named `trail` (for cases, the case id). */
export const genesisHash = (trail: string): string => sha256(`caseway:audit:${trail}`);

/** The hash an event must carry: over everything in it except the hash itself. */
export function hashOf(event: object): string {
  const { hash: _ignored, ...rest } = event as { hash?: unknown };
  return sha256(canonicalJson(rest));
}

/** Seal an event as the successor of `head` (or as the first event of `trail`). */
export function seal<T extends { seq: number }>(trail: string, head: ChainHead | undefined, event: T): T & Chained {
  const expectedSeq = (head?.seq ?? 0) + 1;
  if (event.seq !== expectedSeq) throw new RangeError(`event ${event.seq} cannot follow ${head?.seq ?? 0} in ${trail}`);
  const linked = { ...event, prevHash: head?.hash ?? genesisHash(trail) };
  return { ...linked, hash: hashOf(linked) };
}

export type ChainProblemKind =
  /** The event's content no longer matches its hash. */
  | 'altered'
  /** The event does not link to the one stored before it (something before it was removed, reordered or altered). */
  | 'broken-link'
  /** Positions are missing: events were removed. */
  | 'missing'
  /** Positions are out of order, or an event sits at a position that is not its own. */
  | 'reordered'
  /** The trail ends somewhere other than its recorded head: events were removed from (or added to) the end. */
  | 'head-mismatch';

export interface ChainProblem {
  readonly kind: ChainProblemKind;
  /** The position the problem was found at. */
  readonly seq: number;
  readonly detail: string;
}

export interface ChainReport {
  readonly trail: string;
  readonly valid: boolean;
  /** Events examined. */
  readonly events: number;
  readonly head: ChainHead | null;
  readonly problems: ChainProblem[];
}

/** An event as stored, with the position its storage key gives it (which must equal its own `seq`). */
export interface StoredChained extends Chained {
  readonly position: number;
}

/**
 * Check a whole trail, oldest first, against its recorded head. Reports every
 * problem rather than the first, so an auditor sees the extent of a tampering.
 */
export function verifyChain(trail: string, stored: readonly StoredChained[], head: ChainHead | undefined): ChainReport {
  const problems: ChainProblem[] = [];
  let previous: StoredChained | undefined;
  for (const event of stored) {
    const at = event.position;
    if (event.seq !== at) {
      problems.push({ kind: 'reordered', seq: at, detail: `position ${at} holds event ${event.seq}` });
    }
    const expectedPosition = (previous?.position ?? 0) + 1;
    if (at > expectedPosition) {
      problems.push({ kind: 'missing', seq: at, detail: `events ${expectedPosition}..${at - 1} are missing` });
    } else if (at < expectedPosition) {
      problems.push({ kind: 'reordered', seq: at, detail: `position ${at} comes after ${expectedPosition - 1}` });
    }
    const { position: _position, ...event_ } = event;
    if (hashOf(event_) !== event.hash) {
      problems.push({ kind: 'altered', seq: at, detail: `event ${at} does not match its hash` });
    }
    const expectedPrev = previous ? previous.hash : genesisHash(trail);
    if (event.prevHash !== expectedPrev) {
      problems.push({
        kind: 'broken-link',
        seq: at,
        detail: `event ${at} does not link to ${previous ? `event ${previous.position}` : 'the start of the trail'}`,
      });
    }
    previous = event;
  }
  const last = stored.at(-1);
  if (head && (!last || last.position !== head.seq || last.hash !== head.hash)) {
    problems.push({
      kind: 'head-mismatch',
      seq: last?.position ?? 0,
      detail: `the trail ends at ${last ? `event ${last.position}` : 'nothing'} but its head records event ${head.seq}`,
    });
  }
  if (!head && last) {
    problems.push({ kind: 'head-mismatch', seq: last.position, detail: 'the trail has events but no recorded head' });
  }
  return { trail, valid: problems.length === 0, events: stored.length, head: head ?? null, problems };
}
