/**
 * The one analysis chain for knowledge search: the embedded engine indexes and queries
 * with it, and the OpenSearch mapping reproduces it (standard tokenizer, possessive
 * stripping, lower-case, the same stop words, Porter stemming), so both engines agree on
 * what a "term" is and matchedTerms mean the same thing everywhere.
 */
import { stemmer } from 'stemmer';

/**
 * English function words: Lucene's list plus the question and filler words customers
 * put in every description ("how do I ...", "is it possible ..."), which otherwise
 * reward articles for phrasing rather than subject. Negations stay: "not working" is a
 * different problem from "working".
 */
export const STOP_WORDS: readonly string[] = [
  'a',
  'about',
  'after',
  'all',
  'also',
  'am',
  'an',
  'and',
  'any',
  'are',
  'as',
  'at',
  'be',
  'been',
  'being',
  'but',
  'by',
  'can',
  'could',
  'did',
  'do',
  'does',
  'doing',
  'for',
  'from',
  'had',
  'has',
  'have',
  'having',
  'he',
  'her',
  'here',
  'him',
  'his',
  'how',
  'i',
  'if',
  'in',
  'into',
  'is',
  'it',
  'its',
  'just',
  'me',
  'my',
  'of',
  'on',
  'or',
  'our',
  'possible',
  'please',
  'she',
  'should',
  'so',
  'some',
  'such',
  'than',
  'that',
  'the',
  'their',
  'them',
  'then',
  'there',
  'these',
  'they',
  'this',
  'those',
  'to',
  'too',
  'us',
  'very',
  'was',
  'way',
  'we',
  'were',
  'what',
  'when',
  'where',
  'which',
  'while',
  'who',
  'whom',
  'why',
  'will',
  'with',
  'would',
  'you',
  'your',
];

const STOP = new Set(STOP_WORDS);

/** Letters and digits, with inner apostrophes kept so "don't" stays one word. */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Stemming dominates indexing and highlighting time, and vocabularies repeat. */
const normalised = new Map<string, string | undefined>();
const MEMO_LIMIT = 100_000;

/** One word as the index stores it, or undefined for a stop word. */
export function normaliseWord(word: string): string | undefined {
  if (normalised.has(word)) return normalised.get(word);
  // Contractions: "I'd", "we've" keep their pronoun; every "n't" is a "not".
  const lower = word
    .toLowerCase()
    .replace(/n['’]t$/u, ' not')
    .replace(/['’](?:s|d|ll|re|ve|m)$/u, '')
    .replace(/['’]/gu, '');
  if (lower.endsWith(' not')) return 'not';
  const term = lower.length === 0 || STOP.has(lower) ? undefined : stemmer(lower);
  if (normalised.size >= MEMO_LIMIT) normalised.clear();
  normalised.set(word, term);
  return term;
}

/** The words of a text with their offsets, for highlighting the original text. */
export function wordsOf(text: string): { word: string; start: number; end: number }[] {
  return Array.from(text.matchAll(WORD), (m) => ({ word: m[0], start: m.index, end: m.index + m[0].length }));
}

/** The normalised terms of a text, in order, repeats kept (term frequency counts). */
export function termsOf(text: string): string[] {
  const terms: string[] = [];
  for (const { word } of wordsOf(text)) {
    const term = normaliseWord(word);
    if (term !== undefined) terms.push(term);
  }
  return terms;
}

/**
 * Character n-grams of the normalised terms, each word padded with "_", so "strike
 * through" and "strikethrough", or "mails" and "emails", share most of their grams.
 */
export function gramsOf(text: string, n = 4): string[] {
  const grams: string[] = [];
  for (const term of termsOf(text)) {
    const padded = `_${term}_`;
    if (padded.length <= n) grams.push(padded);
    else for (let i = 0; i + n <= padded.length; i++) grams.push(padded.slice(i, i + n));
  }
  return grams;
}

/** Two adjacent words of a text that also make a word of their own. */
export interface Compound {
  /** The two words joined, as typed: what the query adds. */
  readonly joined: string;
  readonly term: string;
  /** The terms of the two words: what a match on the compound matched of the query. */
  readonly parts: readonly [string, string];
}

/**
 * Adjacent word pairs written as one word ("back up" -> "backup", "e mail" -> "email",
 * "strike through" -> "strikethrough"): customers split and join compounds freely. Only
 * pairs of two content words whose joined form stems to a term of its own; a join the
 * index does not hold matches nothing, so callers may add them all to exact clauses.
 */
export function compoundsOf(text: string): Compound[] {
  const words = wordsOf(text).map(({ word }) => word);
  const compounds: Compound[] = [];
  for (let i = 0; i + 1 < words.length; i++) {
    const joined = words[i]! + words[i + 1]!;
    if (/['’]/u.test(joined)) continue;
    const first = normaliseWord(words[i]!);
    const second = normaliseWord(words[i + 1]!);
    const term = normaliseWord(joined);
    if (first === undefined || second === undefined || term === undefined || term === first || term === second) continue;
    compounds.push({ joined, term, parts: [first, second] });
  }
  return compounds;
}

/**
 * The words of `text` (lower-case, as typed, first occurrence order) whose terms are
 * among `terms`: what a person reads as "matched", where the index speaks in stems.
 */
export function wordsMatching(text: string, terms: Iterable<string>): string[] {
  const wanted = new Set(terms);
  const words = new Set<string>();
  for (const { word } of wordsOf(text)) {
    const term = normaliseWord(word);
    if (term !== undefined && wanted.has(term)) words.add(word.toLowerCase());
  }
  return [...words];
}
