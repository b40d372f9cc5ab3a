/**
 * Every bench script in package.json (`bench` and `bench:*`, read from the file, so a
 * new one is run here without anyone listing it) runs as a person runs it,
 * `npm run <script> -- --smoke`, in its own process: the same code paths at tiny sizes
 * (test/bench/smoke.ts), its own correctness checks included. It must exit 0 and print
 * its figures. This is what keeps the benches from rotting between the runs that
 * produce the README's figures.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const scripts = Object.keys((JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts).filter(
  (name) => /^bench(:|$)/.test(name),
);

/** What each bench prints when it has measured: its headline figures, as a smoke run prints them too. */
const FIGURES: Record<string, RegExp[]> = {
  bench: [
    /Capacity units per operation/,
    /history: verify \d+ events/,
    /Throughput at concurrency \d+/,
    /Ratio: POST \/cases runs at [\d.]+% of the raw PutItem rate/,
  ],
  'bench:links': [/Capacity units per related-case operation/, /'merge'/],
  'bench:attachments': [/Capacity units per attachment operation/, /Upload of 1 MiB .* p50 [\d.]+ ms/],
  'bench:knowledge-api': [/Capacity units per knowledge operation/, /Publish -> first search hit .* p50 \d+ ms/],
  'bench:knowledge': [
    /BM25 title\+answers +MRR [\d.]+/,
    /Cross-validated/,
    /Leave-linked-cases-out/,
    /Caseway embedded engine +MRR [\d.]+ +P@1 [\d.]+/,
  ],
  'bench:search-latency': [/\d+ articles: build [\d.]+ s, search p50 [\d.]+ ms, p99 [\d.]+ ms/],
  'bench:knowledge-index': [
    /\d+ articles, 400-word bodies: object [\d.]+ MB gzipped .* cold load [\d.]+ m?s, indexer update of one article [\d.]+ m?s, refresh after it [\d.]+ m?s/,
  ],
  'bench:events': [/baseline +POST \/cases answered +median [\d.]+ ms/, /ratio +delivery \/ create +median [\d.]+x/, /dead letters: 0/],
  'bench:sla': [/Deadline maths/, /naive minute walk/, /Capacity units per request, support case/, /first public staff reply/],
  'bench:devices': [/Throughput \(/, /signals, one per request/, /Capacity units per signal/, /back inside: resolves the case/],
  'bench:intake': [/Intake latency and capacity/, /email: reply threaded/, /message: appended to thread/],
  'bench:sla-timers': [/SLA timers: state transitions per case/, /met before warning/, /breached \+ 4 rungs/],
  'bench:routing': [/best eligible agent of \d+/, /rules decision/, /Decision \+ transaction vs round-robin \+ transaction: [\d.]+x/],
  'bench:routing-scale': [
    /\| agent frees a seat: waiting shard heads \| [\d,.]+ \|/,
    /Incremental vs full re-read: agent freed [\d.]+x/,
    /Hottest routing partition at 2,000 routed\/s: \S+ at [\d.]+x the limit/,
  ],
  'bench:intake-e2e': [/Intake to assignment/, /message in -> owner set \(rule assignee\)/, /message in -> owner set after accept \(push\)/],
  'bench:bundles': [
    /Bundles and cold imports: baseline \w+ against the working tree/,
    /All \d+ bundles: [\d.]+ KiB before, [\d.]+ KiB now/,
    /Cold import per function: median [+-][\d.]+ %/,
  ],
  'bench:costs': [
    /- DynamoDB: [\d.]+ writes \([\d.]+ WRU: [\d.]+ table, [\d.]+ index entries; [\d.]+ refused [^)]*\), [\d.]+ reads \([\d.]+ RRU/,
    /- Step Functions: [\d.]+ SLA clock executions, [\d.]+ state transitions/,
    /\| Lambda \(arm64\) \| [\d.]+ invocations, [\d.]+ GB-s \| \$[\d.]+ \|/,
    /Total for 1,000 cases: \$[\d.]+ \(\$[\d.]+ a case\)/,
  ],
  'bench:stacks': [/\| Caseway\/Caseway\/FrontDoor \| \d+ \| \d+ % \|/, /All templates: \d+ resources/],
  'bench:key-heat': [
    /many requesters: hottest \w+ \S+ at [\d.]+x the limit/,
    /one integration: hottest \w+ \S+ at [\d.]+x the limit/,
    /\| gsi1 \| STATUS#new#<shard> \| \d+ \| [\d,]+ \|/,
  ],
  'bench:console': [
    /JavaScript for the first page .*budget/,
    /agent: sign-in -> \/inbox +\d+ files .* gzipped/,
    /interactive inbox of \d+ cases +\d+ ms +\d+ ms +[\d.]+x/,
    /case with \d+ timeline entries +\d+ ms +\d+ ms +[\d.]+x/,
  ],
};

/** A whole smoke run may take this long on a loaded 2-core machine; an unloaded one needs a tenth of it. */
const TIMEOUT_MS = 240_000;

function run(script: string): Promise<{ code: number | null; out: string; ms: number }> {
  const started = performance.now();
  // Its own process group, so a run that overstays is killed with everything it started (DynamoDB Local included).
  const child = spawn('npm', ['run', script, '--', '--smoke'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), TIMEOUT_MS - 5_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, ms: performance.now() - started });
    }),
  );
}

describe('every bench script, in smoke mode', () => {
  const took: string[] = [];
  afterAll(() => console.log(`Bench smoke runs: ${took.join(', ')}`));

  it('has its figures named here (a new bench: add what it prints to FIGURES)', () => {
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((s) => !FIGURES[s])).toEqual([]);
    expect(Object.keys(FIGURES).filter((s) => !scripts.includes(s))).toEqual([]);
  });

  it.each(scripts)(
    'npm run %s -- --smoke exits 0 and prints its figures',
    async (script) => {
      const { code, out, ms } = await run(script);
      took.push(`${script} ${(ms / 1000).toFixed(1)} s`);
      expect(code, out).toBe(0);
      expect(out, 'the bench did not see --smoke').toContain('SMOKE RUN');
      for (const figure of FIGURES[script] ?? []) expect(out).toMatch(figure);
      expect(out, 'a figure came out as NaN or Infinity').not.toMatch(/\bNaN\b|Infinity/);
    },
    TIMEOUT_MS,
  );
});
