/**
 * `npm run bench:knowledge -- [--articles A] [--linked L] [--queries Q] [--latency] [--latency-sizes 10000,100000]`
 *  1. Quality on StackFAQ (Karan & Šnajder 2018, via ML-Recipes/BERT-FAQ, MIT; see
 *     /work/shared/datasets/README.md): MRR, P@1, Recall@5 of the embedded engine next
 *     to two baselines measured in the same run (BM25 over title+answers, and BM25 with
 *     the linked case texts appended), so the figures read as ratios.
 *  2. Honest estimates: 2-fold cross-validation on the dev queries (ranking parameters
 *     picked on one half, reported on the other), and leave-linked-cases-out (5 folds of
 *     the linked cases become queries, the rest stays as memory).
 *  3. With --latency: index build time and p50/p99 search latency on synthetic corpora.
 * The datasets are read from shared/ beside the clone (../shared/datasets), or from
 * $CASEWAY_DATASETS. `--smoke`: the first 40 queries and 100 linked cases, 2 ranking
 * candidates, latency sizes divided by 100 (smoke.ts).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_RANKING, type RankingParams } from '#core/knowledge/ranking.js';
import { bm25Ranker, documentsOf, engineRanker, evaluate, readArticles, readJsonl, type Figures, type LabelledText } from './knowledge-quality.js';
import { latencyBench } from './knowledge-latency.js';
import { SMOKE } from './smoke.js';

const datasets = resolve(process.env.CASEWAY_DATASETS ?? resolve(import.meta.dirname, '../../../shared/datasets'), 'stackfaq');
const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    articles: { type: 'string', default: resolve(datasets, 'articles.json') },
    linked: { type: 'string', default: resolve(datasets, 'linked-cases.jsonl') },
    queries: { type: 'string', default: resolve(datasets, 'dev-queries.jsonl') },
    latency: { type: 'boolean', default: false },
    'latency-sizes': { type: 'string', default: '10000' },
    'no-quality': { type: 'boolean', default: false },
  },
});

const fmt = (f: Figures, base?: Figures) =>
  `MRR ${f.mrr.toFixed(3)}  P@1 ${f.p1.toFixed(3)}  R@5 ${f.recall5.toFixed(3)}  (n=${f.queries})` +
  (base ? `   x${(f.mrr / base.mrr).toFixed(2)} MRR, x${(f.p1 / base.p1).toFixed(2)} P@1 vs BM25` : '');

/** The parameters cross-validation searches over; each stays a plausible setting. */
function grid(): RankingParams[] {
  const out: RankingParams[] = [];
  if (SMOKE) return [DEFAULT_RANKING, { ...DEFAULT_RANKING, grams: 1 }];
  for (const grams of [0, 0.1, 0.3, 1])
    for (const learnedWeight of [0.3, 0.4, 0.5, 0.6])
      for (const neighbours of [1, 3]) out.push({ ...DEFAULT_RANKING, grams, learnedWeight, neighbours });
  return out;
}

const describe = (p: RankingParams) => `grams ${p.grams}, learnedWeight ${p.learnedWeight}, neighbours ${p.neighbours}`;

async function quality() {
  for (const file of [args.articles, args.linked, args.queries])
    if (!existsSync(file))
      throw new Error(
        `${file} not found: put shared/ (with datasets/stackfaq) beside the clone, set CASEWAY_DATASETS, or pass --articles/--linked/--queries`,
      );
  const articles = readArticles(args.articles);
  const linked = readJsonl(args.linked).slice(0, SMOKE ? 100 : undefined);
  const queries = readJsonl(args.queries).slice(0, SMOKE ? 40 : undefined);
  console.log(`StackFAQ: ${articles.length} articles, ${linked.length} linked cases, ${queries.length} queries (${args.queries})\n`);

  const plain = await evaluate(bm25Ranker(articles, undefined), queries);
  const appended = await evaluate(bm25Ranker(articles, linked), queries);
  const documents = documentsOf(articles, linked);
  const engine = await evaluate(await engineRanker(documents), queries);
  console.log('Full query set (defaults were chosen looking at it: optimistic)');
  console.log(`  BM25 title+answers           ${fmt(plain)}`);
  console.log(`  BM25 + linked texts appended ${fmt(appended, plain)}`);
  console.log(`  Caseway embedded engine      ${fmt(engine, plain)}\n`);

  // 2-fold cross-validation: alternate queries form the folds.
  const folds: LabelledText[][] = [queries.filter((_, i) => i % 2 === 0), queries.filter((_, i) => i % 2 === 1)];
  const candidates = grid();
  const perFold = await Promise.all(
    folds.map(async (fold) => {
      const figures: Figures[] = [];
      for (const params of candidates) figures.push(await evaluate(await engineRanker(documents, params), fold));
      return figures;
    }),
  );
  const held: Figures[] = [];
  for (const [tune, test] of [
    [0, 1],
    [1, 0],
  ] as const) {
    const best = perFold[tune]!.reduce((b, f, i) => (f.mrr > perFold[tune]![b]!.mrr ? i : b), 0);
    const figure = perFold[test]![best]!;
    held.push(figure);
    console.log(`  CV fold ${test + 1}: tuned on fold ${tune + 1} (${describe(candidates[best]!)}) -> ${fmt(figure)}`);
  }
  const mean = (k: keyof Figures) => held.reduce((s, f) => s + f[k] * f.queries, 0) / queries.length;
  const cv = { queries: queries.length, mrr: mean('mrr'), p1: mean('p1'), recall5: mean('recall5') };
  console.log(`Cross-validated (2-fold, held-out halves pooled)\n  Caseway embedded engine      ${fmt(cv, plain)}\n`);

  // Leave linked cases out: memory without the fold, the fold as new descriptions.
  const K = 5;
  const pooled = { engine: [] as Figures[], appended: [] as Figures[], plain: [] as Figures[] };
  for (let k = 0; k < K; k++) {
    const asQueries = linked.filter((_, i) => i % K === k);
    const memory = linked.filter((_, i) => i % K !== k);
    pooled.engine.push(await evaluate(await engineRanker(documentsOf(articles, memory)), asQueries));
    pooled.appended.push(await evaluate(bm25Ranker(articles, memory), asQueries));
    pooled.plain.push(await evaluate(bm25Ranker(articles, undefined), asQueries));
  }
  const pool = (fs: Figures[]): Figures => {
    const n = fs.reduce((s, f) => s + f.queries, 0);
    const w = (k: keyof Figures) => fs.reduce((s, f) => s + f[k] * f.queries, 0) / n;
    return { queries: n, mrr: w('mrr'), p1: w('p1'), recall5: w('recall5') };
  };
  const lo = { plain: pool(pooled.plain), appended: pool(pooled.appended), engine: pool(pooled.engine) };
  console.log(`Leave-linked-cases-out (${K} folds of the linked cases as queries, default parameters)`);
  console.log(`  BM25 title+answers           ${fmt(lo.plain)}`);
  console.log(`  BM25 + linked texts appended ${fmt(lo.appended, lo.plain)}`);
  console.log(`  Caseway embedded engine      ${fmt(lo.engine, lo.plain)}\n`);
}

if (!args['no-quality']) await quality();
const latencySizes = args['latency-sizes'].split(',').map(Number);
if (args.latency) await latencyBench(SMOKE ? latencySizes.map((n) => Math.max(50, Math.round(n / 100))) : latencySizes, SMOKE ? 20 : undefined);
