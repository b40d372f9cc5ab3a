/**
 * Character n-gram similarity between a query and short problem statements, BM25+
 * over grams (MiniSearch's formula). Grams match far more documents than words do, so
 * they are never looked up in an inverted index: only the statements of articles that
 * already matched on words are scored, and only the gram document frequencies are kept.
 */
import { gramsOf } from './text.js';

const K = 1.2;
const B = 0.7;
const D = 0.5;

const countsOf = (grams: readonly string[]) => {
  const counts = new Map<string, number>();
  for (const g of grams) counts.set(g, (counts.get(g) ?? 0) + 1);
  return counts;
};

export class GramScorer {
  private readonly documentFrequency = new Map<string, number>();
  private documents = 0;
  private totalLength = 0;

  add(text: string): void {
    const grams = gramsOf(text);
    this.documents++;
    this.totalLength += grams.length;
    for (const g of new Set(grams)) this.documentFrequency.set(g, (this.documentFrequency.get(g) ?? 0) + 1);
  }

  remove(text: string): void {
    const grams = gramsOf(text);
    this.documents--;
    this.totalLength -= grams.length;
    for (const g of new Set(grams)) {
      const left = (this.documentFrequency.get(g) ?? 1) - 1;
      if (left > 0) this.documentFrequency.set(g, left);
      else this.documentFrequency.delete(g);
    }
  }

  /** A scorer for one query; 0 for a statement sharing no gram with it. */
  forQuery(query: string): (statement: string) => number {
    const queryGrams = [...new Set(gramsOf(query))];
    const averageLength = this.documents > 0 ? this.totalLength / this.documents : 1;
    const idf = new Map(
      queryGrams.map((g) => {
        const df = this.documentFrequency.get(g) ?? 0;
        return [g, Math.log(1 + (this.documents - df + 0.5) / (df + 0.5))];
      }),
    );
    return (statement) => {
      const grams = gramsOf(statement);
      const counts = countsOf(grams);
      let score = 0;
      for (const g of queryGrams) {
        const tf = counts.get(g);
        if (tf === undefined) continue;
        score += idf.get(g)! * (D + (tf * (K + 1)) / (tf + K * (1 - B + (B * grams.length) / averageLength)));
      }
      return score;
    };
  }
}
