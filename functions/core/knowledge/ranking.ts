/**
 * How knowledge search ranks: two lexical signals fused per query.
 *  - the article itself (BM25 over title, body, tags and the learned texts as a field);
 *  - its nearest learned cases: every linked case description is its own small
 *    document, and an article scores by its best few matches among them. A new
 *    description usually reads like one earlier description, not like the average of
 *    all of them, which appending them into one long field dilutes.
 * Each signal is divided by its best score for the query before mixing, so the weights
 * stay meaningful whatever the query's length or the corpus's size.
 */
export interface RankingParams {
  readonly boosts: { readonly title: number; readonly body: number; readonly tags: number; readonly learned: number };
  /** Maximum edit distance as a fraction of term length; 0 turns typo tolerance off. */
  readonly fuzzy: number;
  /**
   * Score factor of a fuzzy (typo) match against an exact one. Only words the index
   * does not know are matched fuzzily, so their nearest spelling is their best reading;
   * MiniSearch still discounts a match by its edit distance.
   */
  readonly fuzzyWeight: number;
  /** How many learned cases of an article count. */
  readonly neighbours: number;
  /** Each further learned case counts this much of the one before it. */
  readonly neighbourDecay: number;
  /** Weight of character n-gram matches against whole-term matches in learned cases; 0 turns them off. */
  readonly grams: number;
  /** Share of the nearest-cases signal in the fused score (0..1). */
  readonly learnedWeight: number;
}

export const DEFAULT_RANKING: RankingParams = {
  boosts: { title: 2, body: 1, tags: 1.5, learned: 1 },
  fuzzy: 0.2,
  fuzzyWeight: 1,
  neighbours: 3,
  neighbourDecay: 0.5,
  grams: 0.3,
  learnedWeight: 0.4,
};

/** An article's nearest-cases score from its matching learned case scores. */
export function neighbourScore(caseScores: readonly number[], params: Pick<RankingParams, 'neighbours' | 'neighbourDecay'>): number {
  const best = [...caseScores].sort((a, b) => b - a).slice(0, params.neighbours);
  return best.reduce((sum, s, i) => sum + s * params.neighbourDecay ** i, 0);
}

/** Fused scores, best first; ids missing from one signal score 0 on it. */
export function fuseScores(
  articleScores: ReadonlyMap<string, number>,
  learnedScores: ReadonlyMap<string, number>,
  learnedWeight: number,
): { id: string; score: number }[] {
  const maxOf = (m: ReadonlyMap<string, number>) => Math.max(0, ...m.values()) || 1;
  const aMax = maxOf(articleScores);
  const lMax = maxOf(learnedScores);
  const ids = new Set([...articleScores.keys(), ...learnedScores.keys()]);
  return [...ids]
    .map((id) => ({
      id,
      score: (1 - learnedWeight) * ((articleScores.get(id) ?? 0) / aMax) + learnedWeight * ((learnedScores.get(id) ?? 0) / lMax),
    }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
