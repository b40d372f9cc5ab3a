import { readArticles, readJsonl, documentsOf, evaluate, engineRanker } from './knowledge-quality.js';
import { DEFAULT_RANKING, type RankingParams } from '../../functions/core/knowledge/ranking.js';
const D='/work/shared/datasets/stackfaq/';
const arts=readArticles(D+'articles.json'), linked=readJsonl(D+'linked-cases.jsonl'), dev=readJsonl(D+'dev-queries.jsonl');
const docs=documentsOf(arts, linked);
const K=5; const llo = [...Array(K).keys()].map(k=>({q:linked.filter((_,i)=>i%K===k), d:documentsOf(arts, linked.filter((_,i)=>i%K!==k))}));
const variants: [string, Partial<RankingParams>][] = JSON.parse(process.argv[2]!);
for (const [name,p] of variants) {
  const params={...DEFAULT_RANKING,...p} as RankingParams;
  const a=await evaluate(await engineRanker(docs,params), dev);
  let rr=0,p1=0,n=0; for (const f of llo){const e=await evaluate(await engineRanker(f.d,params), f.q); rr+=e.mrr*e.queries; p1+=e.p1*e.queries; n+=e.queries;}
  console.log(name.padEnd(24), 'dev', a.mrr.toFixed(3), a.p1.toFixed(3), ' llo', (rr/n).toFixed(3), (p1/n).toFixed(3));
}
