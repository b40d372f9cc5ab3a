/**
 * Highlighted excerpts: the words of a text whose normalised form matched, wrapped in
 * <mark></mark>, in a window around the densest stretch of matches. The text is
 * HTML-escaped first, as OpenSearch does with encoder "html", so a fragment is safe to
 * render.
 */
import { normaliseWord, wordsOf } from './text.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** undefined when no word of the text matched. */
export function highlightFragment(text: string, matched: ReadonlySet<string>, maxChars = 160): string | undefined {
  const hits = wordsOf(text).filter(({ word }) => {
    const term = normaliseWord(word);
    return term !== undefined && matched.has(term);
  });
  if (hits.length === 0) return undefined;
  // The window that holds the most hits, starting at a hit.
  let bestStart = 0;
  let bestCount = 0;
  for (let i = 0; i < hits.length; i++) {
    let j = i;
    while (j + 1 < hits.length && hits[j + 1]!.end - hits[i]!.start <= maxChars) j++;
    if (j - i + 1 > bestCount) {
      bestCount = j - i + 1;
      bestStart = i;
    }
  }
  const first = hits[bestStart]!;
  const lead = Math.max(0, Math.floor((maxChars - (hits[bestStart + bestCount - 1]!.end - first.start)) / 3));
  let from = Math.max(0, first.start - lead);
  let to = Math.min(text.length, from + maxChars);
  // Whole words at both ends.
  if (from > 0) from = text.indexOf(' ', from) + 1 || from;
  if (to < text.length) to = text.lastIndexOf(' ', to) > first.start ? text.lastIndexOf(' ', to) : to;
  let out = '';
  let at = from;
  for (const hit of hits) {
    if (hit.start < from || hit.end > to) continue;
    out += escapeHtml(text.slice(at, hit.start)) + '<mark>' + escapeHtml(hit.word) + '</mark>';
    at = hit.end;
  }
  out += escapeHtml(text.slice(at, to));
  return (from > 0 ? '…' : '') + out.trim() + (to < text.length ? '…' : '');
}
