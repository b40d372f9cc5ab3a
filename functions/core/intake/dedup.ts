/**
 * Duplicate detection at intake, as plain data. Every intake of a requester
 * remembers a short fingerprint (its comparable text, the case it went to, when)
 * on one guard item per requester; a new message is compared with those inside
 * the window, and the best match at or above the threshold wins. The service
 * commits the decision with a condition on the guard's version, so two
 * near-identical messages at once are decided one after the other.
 */
import { similarity } from './similarity.js';

/** Fingerprints kept per requester: enough for a burst of resends, small enough to stay a few KB. */
export const MAX_RECENT = 10;
/** Characters of comparable text kept per fingerprint. */
export const FINGERPRINT_CHARS = 600;

export interface RecentIntake {
  readonly caseId: string;
  readonly at: string;
  readonly text: string;
}

export interface DedupPolicy {
  readonly windowMinutes: number;
  /** Jaccard score at or above which a message is the same request again. */
  readonly threshold: number;
}

export interface DuplicateMatch {
  readonly caseId: string;
  readonly score: number;
  /** When the matched intake happened. */
  readonly matchedAt: string;
  readonly windowMinutes: number;
  readonly threshold: number;
}

const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;

/**
 * An entry newer than `now` is inside too: concurrent intakes each read the time
 * when they start, so the one that commits first may carry a later time than the
 * one that then re-reads it (and Lambdas' clocks differ by a little).
 */
export const withinWindow = (entry: RecentIntake, now: string, windowMinutes: number): boolean => minutesBetween(entry.at, now) <= windowMinutes;

/**
 * The earlier intake this text repeats, if any: the highest score at or above the
 * threshold inside the window (ties: the most recent). `isOpen` says whether the
 * case an entry went to still takes work: a closed case is never a duplicate target.
 */
export function findDuplicate(
  text: string,
  recent: readonly RecentIntake[],
  now: string,
  policy: DedupPolicy,
  isOpen: (caseId: string) => boolean,
): DuplicateMatch | undefined {
  let best: DuplicateMatch | undefined;
  for (const entry of recent) {
    if (!withinWindow(entry, now, policy.windowMinutes) || !isOpen(entry.caseId)) continue;
    const score = similarity(text, entry.text);
    if (score < policy.threshold) continue;
    if (!best || score > best.score || (score === best.score && entry.at > best.matchedAt)) {
      best = { caseId: entry.caseId, score, matchedAt: entry.at, windowMinutes: policy.windowMinutes, threshold: policy.threshold };
    }
  }
  return best;
}

/** The fingerprints to keep after this intake: the new one first, expired ones dropped, at most MAX_RECENT. */
export function remember(recent: readonly RecentIntake[], added: RecentIntake, now: string, windowMinutes: number): RecentIntake[] {
  const kept = recent.filter((e) => withinWindow(e, now, windowMinutes) && !(e.caseId === added.caseId && e.text === added.text));
  return [{ ...added, text: added.text.slice(0, FINGERPRINT_CHARS) }, ...kept].slice(0, MAX_RECENT);
}
