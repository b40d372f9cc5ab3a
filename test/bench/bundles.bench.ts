/**
 * `npm run bench:bundles`: what each Lambda weighs and how long it takes to load,
 * now and at a baseline commit, measured in the same run.
 *
 * Both trees are bundled with the stack's esbuild settings (minified ESM, source
 * map off, the AWS SDK inside), each with what its own stack adds (the ESM banner,
 * and module aliases where it had them): each tree as it was deployed. The cold-start figure is
 * what a Lambda's init pays for the code: a fresh Node 22 process imports the
 * bundle, and the time from before the import to after it is taken, `--runs`
 * times per function, alternating baseline and current so that load on the
 * machine falls on both alike; the median is reported.
 *
 * Functions are found by file, not by either tree's registry, so the two trees need
 * not share a layout: `functions/handlers/<name>.ts` today, `functions/<name>/handler.ts`
 * before issue 15. A function present in one tree only is listed apart.
 *
 * The empty handler's import is measured in the same run, `--runs` times at the start and
 * at the end: the floor any function stands on, so "ms over empty" is what our code costs.
 *
 *   --baseline REF   the commit to compare with (default: the last commit before issue 15)
 *   --sdk-external   compare instead with the working tree bundled with the AWS SDK left out,
 *                    as if taken from the Lambda runtime (loaded from node_modules here)
 *   --runs N         imports per function and tree (default 5; --smoke: 1)
 *   --only a,b       just these functions
 *   --smoke          three functions, one run each
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleLambda, type BundleSettings } from '../support/lambda-bundle.js';
import { SMOKE } from './smoke.js';

/** The last commit on main before issue 15's first change ("Dev dependency: Stoplight Prism ..."). */
const BEFORE_ISSUE_15 = '3d14fdd';

const { values } = parseArgs({
  options: {
    baseline: { type: 'string', default: BEFORE_ISSUE_15 },
    runs: { type: 'string' },
    only: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    'sdk-external': { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const RUNS = Number(values.runs ?? (SMOKE ? 1 : 5));
const ROOT = resolve(import.meta.dirname, '../..');
// The Lambda runtime's major: the project's `node` dev dependency puts Node 22 here.
const NODE = existsSync(join(ROOT, 'node_modules/.bin/node')) ? join(ROOT, 'node_modules/.bin/node') : process.execPath;

/** Every Lambda entry of a tree, by function name. */
function entriesOf(tree: string): Map<string, string> {
  const entries = new Map<string, string>();
  const handlers = join(tree, 'functions/handlers');
  if (existsSync(handlers)) {
    for (const file of readdirSync(handlers)) if (file.endsWith('.ts')) entries.set(basename(file, '.ts'), join(handlers, file));
  }
  for (const dir of readdirSync(join(tree, 'functions'))) {
    const file = join(tree, 'functions', dir, 'handler.ts');
    if (existsSync(file)) entries.set(dir, file);
  }
  return entries;
}

/** What a tree's own stack adds to esbuild's options; stacks before the credential substitute had no aliases. */
async function settingsOf(tree: string): Promise<BundleSettings> {
  const stack = (await import(pathToFileURL(join(tree, 'lib/constructs/caseway-function.ts')).href)) as Partial<{
    ESM_REQUIRE_BANNER: string;
    LAMBDA_BUNDLE_ALIASES: Record<string, string>;
  }>;
  if (stack.ESM_REQUIRE_BANNER === undefined) throw new Error(`${tree}: lib/constructs/caseway-function.ts exports no ESM_REQUIRE_BANNER`);
  return { banner: stack.ESM_REQUIRE_BANNER, aliases: stack.LAMBDA_BUNDLE_ALIASES ?? {} };
}

async function bundle(entry: string, tree: string, settings: BundleSettings, outFile: string): Promise<number> {
  const { code } = await bundleLambda(entry, tree, settings);
  writeFileSync(outFile, code);
  return code.byteLength;
}

/** Settings a function might read while its modules load; none is reached (nothing is invoked). */
const IMPORT_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'caseway-bench',
  EVENT_BUS_NAME: 'caseway-bench',
  ATTACHMENTS_BUCKET: 'caseway-bench-attachments',
  CURSOR_KEY: 'bench-cursor-key-of-at-least-32-characters',
  POWERTOOLS_SERVICE_NAME: 'caseway',
  POWERTOOLS_METRICS_NAMESPACE: 'Caseway',
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

const IMPORT_TIMER = `
const started = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - started));
`;

function importMs(bundleFile: string): number {
  const run = spawnSync(NODE, ['--input-type=module', '-e', IMPORT_TIMER, bundleFile], { env: IMPORT_ENV, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0)
    throw new Error(`importing ${bundleFile} failed: ${(run.stderr || run.stdout).split('\n').slice(-8).join('\n').slice(-2000)}`);
  return Number(run.stdout);
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const pct = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %`;

/** The baseline's commit; in a clone without it (a shallow one), HEAD, said aloud, so the run still checks its own paths. */
function baselineCommit(ref: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', '--verify', `${ref}^{commit}`], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    console.log(
      `Baseline ${ref} is not in this clone (a shallow one?): comparing with HEAD (${head}) instead. Fetch the history for the real figures.`,
    );
    return head;
  }
}

async function main() {
  const sdkExternal = values['sdk-external'];
  // A bundle that leaves the SDK out finds it in node_modules only from inside the repository.
  const work = mkdtempSync(sdkExternal ? join(ROOT, '.bundles-') : join(tmpdir(), 'caseway-bundles-'));
  const baselineTree = sdkExternal ? ROOT : join(work, 'baseline');
  const commit = sdkExternal ? 'the working tree with the AWS SDK left out' : baselineCommit(values.baseline!);
  if (!sdkExternal) execFileSync('git', ['worktree', 'add', '--detach', '--quiet', baselineTree, commit], { cwd: ROOT });
  try {
    // The baseline bundles against today's installed packages: what differs is our code, not theirs.
    if (!sdkExternal) symlinkSync(join(ROOT, 'node_modules'), join(baselineTree, 'node_modules'));
    const before = entriesOf(baselineTree);
    const nowSettings = await settingsOf(ROOT);
    const beforeSettings: BundleSettings = sdkExternal
      ? { banner: nowSettings.banner, aliases: {}, external: ['@aws-sdk/*', '@smithy/*'] }
      : await settingsOf(baselineTree);
    const now = entriesOf(ROOT);
    let names = [...now.keys()].filter((name) => before.has(name)).sort();
    if (values.only) names = names.filter((name) => values.only!.split(',').includes(name));
    if (SMOKE) names = names.slice(0, 3);
    const onlyOne = [...new Set([...before.keys(), ...now.keys()])].filter((name) => !(before.has(name) && now.has(name)));

    console.log(`Bundles and cold imports: baseline ${commit} against the working tree, ${names.length} functions, ${RUNS} imports each (${NODE})`);
    mkdirSync(join(work, 'out'));
    // The floor every function stands on: Node 22 importing a handler that does nothing, bundled the same way.
    const emptyEntry = join(work, 'empty-handler.ts');
    writeFileSync(emptyEntry, 'export const handler = async () => ({});\n');
    const emptyFile = join(work, 'out', 'empty.mjs');
    const emptyBytes = await bundle(emptyEntry, ROOT, nowSettings, emptyFile);
    const emptyMs: number[] = [];
    const sampleEmpty = () => {
      for (let run = 0; run < RUNS; run++) emptyMs.push(importMs(emptyFile));
    };
    sampleEmpty();
    const rows: { name: string; beforeBytes: number; nowBytes: number; beforeMs: number; nowMs: number }[] = [];
    for (const name of names) {
      const beforeFile = join(work, 'out', `${name}.before.mjs`);
      const nowFile = join(work, 'out', `${name}.now.mjs`);
      const beforeBytes = await bundle(before.get(name)!, baselineTree, beforeSettings, beforeFile);
      const nowBytes = await bundle(now.get(name)!, ROOT, nowSettings, nowFile);
      const beforeMs: number[] = [];
      const nowMs: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        // Alternate which goes first, so a burst of load does not always land on one side.
        if (run % 2 === 0) {
          beforeMs.push(importMs(beforeFile));
          nowMs.push(importMs(nowFile));
        } else {
          nowMs.push(importMs(nowFile));
          beforeMs.push(importMs(beforeFile));
        }
      }
      rows.push({ name, beforeBytes, nowBytes, beforeMs: median(beforeMs), nowMs: median(nowMs) });
    }

    // Sampled again at the end, so load that came and went during the run weighs on the floor as on the functions.
    sampleEmpty();
    const floorMs = median(emptyMs);
    console.log(
      `\nEmpty handler (the floor): ${kib(emptyBytes)} KiB, import ${floorMs.toFixed(1)} ms (median of ${emptyMs.length}). "over empty" is a function's import now less that.`,
    );
    console.log('\n| function | KiB before | KiB now | size | import ms before | import ms now | import | ms over empty now |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) {
      console.log(
        `| ${r.name} | ${kib(r.beforeBytes)} | ${kib(r.nowBytes)} | ${pct(r.nowBytes / r.beforeBytes)} | ${r.beforeMs.toFixed(0)} | ${r.nowMs.toFixed(0)} | ${pct(r.nowMs / r.beforeMs)} | ${(r.nowMs - floorMs).toFixed(0)} |`,
      );
    }
    const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + pick(r), 0);
    const sizeRatios = rows.map((r) => r.nowBytes / r.beforeBytes);
    const msRatios = rows.map((r) => r.nowMs / r.beforeMs);
    console.log(
      `\nAll ${rows.length} bundles: ${kib(sum((r) => r.beforeBytes))} KiB before, ${kib(sum((r) => r.nowBytes))} KiB now (${pct(sum((r) => r.nowBytes) / sum((r) => r.beforeBytes))}).`,
    );
    console.log(
      `Size per function: median ${pct(median(sizeRatios))}, largest growth ${pct(Math.max(...sizeRatios))}, largest cut ${pct(Math.min(...sizeRatios))}.`,
    );
    console.log(
      `Cold import per function: median ${pct(median(msRatios))}, worst ${pct(Math.max(...msRatios))}, best ${pct(Math.min(...msRatios))}.`,
    );
    console.log(
      `Cold import summed over the functions: ${sum((r) => r.beforeMs).toFixed(0)} ms before, ${sum((r) => r.nowMs).toFixed(0)} ms now (${pct(sum((r) => r.nowMs) / sum((r) => r.beforeMs))}).`,
    );
    if (onlyOne.length > 0) console.log(`In one tree only (not compared): ${onlyOne.join(', ')}`);
  } finally {
    if (!sdkExternal) execFileSync('git', ['worktree', 'remove', '--force', baselineTree], { cwd: ROOT });
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
