/**
 * How alike two messages are, for duplicate detection: exact Jaccard similarity
 * of character shingles over normalised text.
 *
 * Why exact Jaccard and not MinHash: the candidates are one requester's recent
 * intakes inside the window (a handful, bounded by MAX_RECENT in `dedup.ts`), so
 * comparing the sets outright is cheap and gives the true score, which the audit
 * trail records as evidence. MinHash (and LSH over it) pays off when one message
 * must be compared against millions of cases; here it would only add estimation
 * noise around the threshold.
 *
 * Why character shingles (k = 4) rather than word shingles: "printer wont print"
 * and "printer won't print!" should score high, and short subjects have too few
 * words for word n-grams to say anything.
 */

export const SHINGLE_SIZE = 4;

/** Reply and forward markers a client adds to a subject: "Re: Fwd: AW: ...". */
const SUBJECT_PREFIX = /^\s*((re|fw|fwd|aw|wg|sv|vs|antw)\s*(\[\d+\])?\s*:\s*)+/i;

/** Lower case, accents and punctuation gone, whitespace collapsed: what a person would call "the same text". */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export const normaliseSubject = (subject: string): string => normaliseText(subject.replace(SUBJECT_PREFIX, ''));

/** The set of k-character substrings of the normalised text; a text shorter than k is its own single shingle. */
export function shingles(normalised: string, k = SHINGLE_SIZE): Set<string> {
  const out = new Set<string>();
  if (normalised.length === 0) return out;
  if (normalised.length <= k) {
    out.add(normalised);
    return out;
  }
  for (let i = 0; i + k <= normalised.length; i++) out.add(normalised.slice(i, i + k));
  return out;
}

/** |A ∩ B| / |A ∪ B|; two empty sets are identical (1). */
export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const item of small) if (large.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}

/** The text of a message that dedup compares: its subject (without reply prefixes) and its body. */
export const comparableText = (subject: string, body: string, maxChars = 2000): string =>
  `${normaliseSubject(subject)} ${normaliseText(body)}`.trim().slice(0, maxChars);

/** Similarity of two comparable texts, rounded to 4 places so the recorded evidence reads cleanly. */
export const similarity = (a: string, b: string): number => Math.round(jaccard(shingles(a), shingles(b)) * 10_000) / 10_000;
