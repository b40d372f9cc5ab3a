/**
 * The search seam: knowledge search answers through this, OpenSearch in AWS and an
 * embedded engine locally. Results carry the terms that matched, so a suggestion
 * can always show why it was made.
 */
export interface SearchDocument {
  readonly id: string;
  readonly title: string;
  readonly body: string;
}

export interface SearchHit {
  readonly id: string;
  readonly score: number;
  readonly matchedTerms: string[];
}

export interface SearchIndex {
  upsert(documents: readonly SearchDocument[]): Promise<void>;
  remove(ids: readonly string[]): Promise<void>;
  search(query: string, limit: number): Promise<SearchHit[]>;
}

const tokens = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * A small local index: term frequency weighted by inverse document frequency,
 * titles counting double. Enough to stand behind the interface until the
 * embedded engine replaces it; not a ranking to tune.
 */
export class InMemorySearchIndex implements SearchIndex {
  private readonly docs = new Map<string, Map<string, number>>();

  async upsert(documents: readonly SearchDocument[]): Promise<void> {
    for (const doc of documents) {
      const weights = new Map<string, number>();
      for (const t of tokens(doc.title)) weights.set(t, (weights.get(t) ?? 0) + 2);
      for (const t of tokens(doc.body)) weights.set(t, (weights.get(t) ?? 0) + 1);
      this.docs.set(doc.id, weights);
    }
  }

  async remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.docs.delete(id);
  }

  async search(query: string, limit: number): Promise<SearchHit[]> {
    const terms = [...new Set(tokens(query))];
    const n = this.docs.size;
    const idf = new Map(terms.map((t) => [t, Math.log(1 + n / (1 + [...this.docs.values()].filter((d) => d.has(t)).length))]));
    const hits: SearchHit[] = [];
    for (const [id, weights] of this.docs) {
      const matchedTerms = terms.filter((t) => weights.has(t));
      if (matchedTerms.length === 0) continue;
      const score = matchedTerms.reduce((sum, t) => sum + weights.get(t)! * idf.get(t)!, 0);
      hits.push({ id, score, matchedTerms });
    }
    return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, limit);
  }
}
