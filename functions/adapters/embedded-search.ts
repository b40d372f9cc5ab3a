/**
 * TEMPORARY stand-in for the embedded knowledge search engine (the MiniSearch one
 * lands from the search-engine branch and replaces this file whole). It keeps the
 * documents in memory and scores by weighted term matches, and fills matchedTerms
 * and highlights as the real engines do, so the API around it can be built and
 * tested against the `SearchIndex` seam.
 */
import type { Highlight, KnowledgeDocument, SearchField, SearchHit, SearchIndex, SearchQuery } from './search.js';

const STOP_WORDS = new Set(['a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'how', 'i', 'in', 'is', 'it', 'my', 'no', 'not', 'of', 'on', 'or', 'the', 'to', 'what', 'when', 'with', 'why', 'you']);

export const termsOf = (text: string): string[] =>
  (text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').match(/[\p{L}\p{N}]+/gu) ?? []).filter((t) => t.length > 1 && !STOP_WORDS.has(t));

const WEIGHTS: Record<SearchField, number> = { title: 3, tags: 2, body: 1, learned: 1.5 };

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function fragmentOf(text: string, terms: readonly string[]): string | undefined {
  const words = text.split(/\s+/).filter(Boolean);
  const at = words.findIndex((w) => termsOf(w).some((t) => terms.includes(t)));
  if (at < 0) return undefined;
  return words
    .slice(Math.max(0, at - 8), at + 12)
    .map((w) => (termsOf(w).some((t) => terms.includes(t)) ? `<mark>${escapeHtml(w)}</mark>` : escapeHtml(w)))
    .join(' ');
}

export class EmbeddedSearchIndex implements SearchIndex {
  private readonly documents = new Map<string, KnowledgeDocument>();

  upsert(documents: readonly KnowledgeDocument[]): Promise<void> {
    for (const document of documents) this.documents.set(document.id, document);
    return Promise.resolve();
  }

  remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.documents.delete(id);
    return Promise.resolve();
  }

  search(query: SearchQuery): Promise<SearchHit[]> {
    const wanted = [...new Set(termsOf(query.text))];
    const { filter } = query;
    const hits: SearchHit[] = [];
    for (const doc of this.documents.values()) {
      if (filter?.visibility && !filter.visibility.includes(doc.visibility)) continue;
      if (filter?.status && !filter.status.includes(doc.status)) continue;
      if (filter?.category && filter.category !== doc.category) continue;
      const fields: Record<SearchField, string> = { title: doc.title, body: doc.body, tags: doc.tags.join(' '), learned: doc.learned.join('\n') };
      let score = 0;
      const matched = new Set<string>();
      const highlights: Highlight[] = [];
      for (const field of Object.keys(fields) as SearchField[]) {
        const terms = termsOf(fields[field]);
        const found = wanted.filter((t) => terms.includes(t));
        if (found.length === 0) continue;
        for (const t of found) {
          matched.add(t);
          score += WEIGHTS[field] * (1 + Math.log(terms.filter((x) => x === t).length));
        }
        const texts = field === 'learned' ? doc.learned : [fields[field]];
        const fragment = texts.map((text) => fragmentOf(text, found)).find((f) => f !== undefined);
        if (fragment) highlights.push({ field, fragment });
      }
      if (matched.size > 0) hits.push({ id: doc.id, score: Number(score.toFixed(4)), matchedTerms: [...matched], highlights });
    }
    return Promise.resolve(hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, query.limit));
  }
}
