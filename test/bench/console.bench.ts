/**
 * The console's weight and speed in a real browser, against a static HTML page of the same
 * content served by the same server in the same run: `npm run bench:console`.
 *
 * - Weight: the JavaScript the first page loads (sign-in landing -> the requester's /my, and
 *   the agent's /inbox), from the browser's network log, gzipped at level 9 here because the
 *   local gateway serves files uncompressed (CloudFront compresses in AWS), against the
 *   issue's budget of 200 KB gzipped.
 * - Interactive inbox: navigation to a row visible with every seeded case listed and `j`
 *   moving the focus to the first case.
 * - Case with a long timeline: navigation to the timeline's first entries on screen.
 *
 * Times are wall-clock from this process (playwright's round trips are in both the console's
 * figure and the baseline's, which is why the ratio is the figure to compare), the median of
 * RUNS after one warm-up (so with a warm HTTP cache, as an agent's second visit). A static page
 * is written under web/dist/_bench-<pid>/ for the run and removed after it.
 * `-- --smoke` (smoke.ts) runs the same at tiny sizes; `-- 15` runs 15 times.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_USERS, type DemoUserKey } from '#lib/local/dev-issuer.js';
import { startPlatform, WEB_DIST_DIR, type Platform } from '#lib/local/platform.js';
import { ensureWebBuilt } from '#lib/local/web-build.js';
import { sized } from './smoke.js';

const runsArg = process.argv.slice(2).find((a) => !a.startsWith('-'));
const RUNS = Number(runsArg ?? sized(9, 1));
const CASES = sized(100, 5);
const ENTRIES = sized(500, 10);
/** Runs before the measured ones: compiled code and cached files, as a returning agent has them. */
const WARM_UPS = sized(1, 0);
const BUDGET_GZIP_BYTES = 200 * 1024;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function api(platform: Platform, who: DemoUserKey, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${platform.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${platform.tokens[who]}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** CASES cases through the API, the last of which gets ENTRIES history entries (one field change each). */
async function seed(platform: Platform): Promise<{ longCaseId: string }> {
  let last = '';
  for (let i = 0; i < CASES; i++) {
    const created = await api(platform, 'requester', 'POST', '/cases', {
      type: 'support',
      subject: `Bench case ${i + 1}: the printer on floor ${(i % 9) + 1} is offline`,
      description: 'Created by the console bench.',
      fields: { product: 'web-app', category: 'problem' },
    });
    last = created.caseId as string;
  }
  let version = (await api(platform, 'agent', 'GET', `/cases/${last}`)).version as number;
  for (let i = 1; i < ENTRIES; i++) {
    // The case's creation is its first entry; each change of subject is one more.
    const patched = await api(platform, 'agent', 'PATCH', `/cases/${last}`, { subject: `Long history, change ${i}` }, { 'if-match': `"${version}"` });
    version = patched.version as number;
  }
  const history = await api(platform, 'agent', 'GET', `/cases/${last}/history?limit=100`);
  if (!Array.isArray(history.items) || history.items.length === 0) throw new Error('the long case has no history');
  return { longCaseId: last };
}

/** The baseline: the same content as plain HTML, with the same `j` shortcut, from the same server. */
function writeBaseline(dir: string, entries: number): void {
  const shortcut = `<script>let at=-1;document.addEventListener('keydown',(e)=>{if(e.key!=='j')return;const links=document.querySelectorAll('a[data-case-link]');at=Math.min(links.length-1,at+1);links[at]?.focus();});</script>`;
  const rows = Array.from(
    { length: CASES },
    (_, i) =>
      `<tr data-testid="inbox-row"><td><a data-case-link href="#c${i}">CASE-${1000 + i}</a></td><td>Bench case ${i + 1}: the printer on floor ${(i % 9) + 1} is offline</td><td>New</td><td>support</td><td>normal</td><td><span data-testid="sla-badge">4h 0m</span></td><td>03/12/2026, 10:00</td></tr>`,
  ).join('\n');
  writeFileSync(
    join(dir, 'inbox.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Inbox</title></head><body><main><h1>Inbox</h1><table><thead><tr><th>Case</th><th>Subject</th><th>Status</th><th>Queue</th><th>Priority</th><th>SLA</th><th>Updated</th></tr></thead><tbody>\n${rows}\n</tbody></table></main>${shortcut}</body></html>`,
  );
  const items = Array.from(
    { length: entries },
    (_, i) =>
      `<li data-testid="timeline-event"><div><strong>Alex Agent</strong> <time>03/12/2026, 10:${String(i % 60).padStart(2, '0')}</time></div><p>CaseUpdated: subject: Long history, change ${i} → Long history, change ${i + 1}</p></li>`,
  ).join('\n');
  writeFileSync(
    join(dir, 'case.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Case</title></head><body><main><h1>Long history</h1><ol aria-label="Timeline">\n${items}\n</ol></main></body></html>`,
  );
}

async function signIn(context: BrowserContext, url: string, user: DemoUserKey): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForURL(/\/_oidc\/authorize/);
  await page.getByRole('button', { name: new RegExp(DEMO_USERS[user].name) }).click();
  await page.getByTestId('signed-in-user').waitFor();
  return page;
}

/** JS the browser fetched while signing in and landing on `path`: per file, raw and gzip -9 (or as sent, if the server compressed). */
async function firstPageJs(context: BrowserContext, base: string, path: string, user: DemoUserKey, ready: (page: Page) => Promise<void>) {
  const seen = new Map<string, Promise<{ raw: number; gzip: number; encoded: boolean }>>();
  context.on('response', (response) => {
    const request = response.request();
    if (request.resourceType() !== 'script' || seen.has(response.url())) return;
    seen.set(
      response.url(),
      (async () => {
        const headers = await response.allHeaders();
        // A body the page navigated away from (the sign-in redirect) is gone from the browser: the same URL
        // serves the same content-hashed file, so read it again from here.
        const body = await response.body().catch(async () => Buffer.from(await (await fetch(response.url())).arrayBuffer()));
        // playwright hands back the decoded body; when the server compressed, its own encoding is what travelled.
        const encoded = headers['content-encoding'] === 'gzip' || headers['content-encoding'] === 'br';
        const sent = encoded ? Number(headers['content-length'] ?? NaN) : NaN;
        return { raw: body.length, gzip: encoded && Number.isFinite(sent) ? sent : gzipSync(body, { level: 9 }).length, encoded };
      })(),
    );
  });
  const page = await signIn(context, `${base}${path}`, user);
  await ready(page);
  await page.waitForLoadState('networkidle');
  const files = await Promise.all([...seen].map(async ([url, size]) => ({ file: new URL(url).pathname, ...(await size) })));
  return {
    files,
    raw: files.reduce((sum, f) => sum + f.raw, 0),
    gzip: files.reduce((sum, f) => sum + f.gzip, 0),
    serverCompressed: files.some((f) => f.encoded),
  };
}

/** Navigation (from a blank page, same tab so the sign-in holds) until `until` resolves; ms. */
async function timed(page: Page, url: string, until: (page: Page) => Promise<void>): Promise<number> {
  await page.goto('about:blank');
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await until(page);
  return performance.now() - started;
}

async function measure(page: Page, url: string, until: (page: Page) => Promise<void>): Promise<number> {
  for (let i = 0; i < WARM_UPS; i++) await timed(page, url, until);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(page, url, until));
  return median(times);
}

/** Every seeded case listed, a row visible, and `j` moves the focus to the first case. */
async function inboxInteractive(page: Page): Promise<void> {
  await page.waitForFunction(`document.querySelectorAll('[data-testid="inbox-row"]').length >= ${CASES}`, undefined, { polling: 'raf' });
  await page.getByTestId('inbox-row').first().waitFor({ state: 'visible' });
  await page.keyboard.press('j');
  await page.waitForFunction(`document.activeElement?.hasAttribute('data-case-link') === true`, undefined, { polling: 'raf' });
}

/** The timeline's first entries on screen. */
async function timelineShown(page: Page): Promise<void> {
  await page.locator('[data-testid="timeline-event"], [data-testid="timeline-comment"]').first().waitFor({ state: 'visible' });
}

async function main() {
  await ensureWebBuilt();
  // Started side by side: DynamoDB Local's JVM and Chromium are most of a smoke run's time.
  const [started, launched] = await Promise.allSettled([
    startPlatform({ port: 0, inMemory: true, quiet: true, seedSla: true }),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
  ]);
  if (started.status === 'rejected' || launched.status === 'rejected') {
    if (started.status === 'fulfilled') await started.value.stop();
    if (launched.status === 'fulfilled') await launched.value.close();
    throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason;
  }
  const platform = started.value;
  const browser = launched.value;
  const baselineDir = join(WEB_DIST_DIR, `_bench-${process.pid}`);
  try {
    const seeding = performance.now();
    const { longCaseId } = await seed(platform);
    console.log(
      `seeded ${CASES} cases and one with ${ENTRIES} history entries in ${((performance.now() - seeding) / 1000).toFixed(1)} s; runs: ${RUNS} (median, after ${WARM_UPS} warm-up)\n`,
    );
    mkdirSync(baselineDir, { recursive: true });
    writeBaseline(baselineDir, ENTRIES);
    const baselineUrl = `${platform.url}/_bench-${process.pid}`;

    const newContext = () => browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'Europe/Berlin' });

    // (a) Weight of the first page, each journey in a fresh context (cold cache).
    const requesterContext = await newContext();
    const requester = await firstPageJs(requesterContext, platform.url, '/my', 'requester', (page) =>
      page.getByRole('heading', { level: 1 }).first().waitFor(),
    );
    await requesterContext.close();
    const agentContext = await newContext();
    const agent = await firstPageJs(agentContext, platform.url, '/inbox?view=queues', 'agent', inboxInteractive);

    // (b), (c) on the agent's signed-in tab; the baselines in a context of their own.
    const agentPage = agentContext.pages()[0]!;
    const inboxMs = await measure(agentPage, `${platform.url}/inbox?view=queues`, inboxInteractive);
    const caseMs = await measure(agentPage, `${platform.url}/inbox/cases/${longCaseId}`, timelineShown);
    const renderedEntries = await agentPage.locator('[data-testid="timeline-event"], [data-testid="timeline-comment"]').count();
    await agentContext.close();
    const baselineContext = await newContext();
    const baselinePage = await baselineContext.newPage();
    const baselineInboxMs = await measure(baselinePage, `${baselineUrl}/inbox.html`, inboxInteractive);
    const baselineCaseMs = await measure(baselinePage, `${baselineUrl}/case.html`, timelineShown);
    await baselineContext.close();

    const compression =
      requester.serverCompressed || agent.serverCompressed ? 'as sent by the server' : 'gzip -9 here: the local gateway does not compress';
    console.log(`JavaScript for the first page (${compression}), budget ${kb(BUDGET_GZIP_BYTES)} gzipped:`);
    for (const [who, weight] of [
      ['requester: sign-in -> /my', requester],
      ['agent: sign-in -> /inbox', agent],
    ] as const) {
      const verdict = weight.gzip <= BUDGET_GZIP_BYTES ? 'within budget' : 'OVER BUDGET';
      console.log(
        `  ${who.padEnd(28)} ${String(weight.files.length).padStart(2)} files  ${kb(weight.raw).padStart(10)} raw  ${kb(weight.gzip).padStart(9)} gzipped  ${((weight.gzip / BUDGET_GZIP_BYTES) * 100).toFixed(0)}% of budget, ${verdict}`,
      );
      for (const file of weight.files.sort((a, b) => b.gzip - a.gzip))
        console.log(`      ${file.file.padEnd(40)} ${kb(file.raw).padStart(9)} raw  ${kb(file.gzip).padStart(8)} gzipped`);
    }
    console.log('');
    const table = [
      ['', 'console', 'static HTML', 'ratio'],
      [
        `interactive inbox of ${CASES} cases`,
        `${inboxMs.toFixed(0)} ms`,
        `${baselineInboxMs.toFixed(0)} ms`,
        `${(inboxMs / baselineInboxMs).toFixed(2)}x`,
      ],
      [
        `case with ${ENTRIES} timeline entries`,
        `${caseMs.toFixed(0)} ms`,
        `${baselineCaseMs.toFixed(0)} ms`,
        `${(caseMs / baselineCaseMs).toFixed(2)}x`,
      ],
    ];
    for (const row of table) console.log(`  ${row[0]!.padEnd(36)} ${row[1]!.padStart(10)} ${row[2]!.padStart(12)} ${row[3]!.padStart(8)}`);
    console.log(
      `  (timeline entries in the console's DOM after opening the case: ${renderedEntries} of ${ENTRIES}; the static page has all ${ENTRIES})`,
    );
    if (requester.gzip > BUDGET_GZIP_BYTES || agent.gzip > BUDGET_GZIP_BYTES) process.exitCode = 1;
  } finally {
    rmSync(baselineDir, { recursive: true, force: true });
    await browser.close().catch(() => undefined);
    await platform.events.idle().catch(() => undefined);
    await platform.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
