/**
 * Intake latency per channel against a plain `POST /cases` measured in the same
 * run, and the DynamoDB capacity units each intake costs (DynamoDB Local reports
 * ReturnConsumedCapacity as DynamoDB does): `npm run bench:intake [-- --runs 40]`.
 *
 * Each operation runs `runs` times one after the other on the local platform
 * (handlers in process, DynamoDB Local in memory), after a warm-up, with fresh
 * senders/threads so every run does the same work: no run is a replay, and no run
 * is a duplicate unless the row says so. Figures are medians and p95 in ms, the
 * ratio of medians against the baseline, and mean capacity units per request
 * (reads and writes, table and indexes summed). `-- --smoke`: 2 runs after 1 warm-up
 * (smoke.ts).
 */
import { randomUUID } from 'node:crypto';
import { startPlatform } from '#lib/local/platform.js';
import { rawEmail } from '../support/emails.js';
import { sized } from './smoke.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg === -1 ? sized(30, 2) : Number(process.argv[runsArg + 1]);
const WARM_UP = sized(3, 1);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  // Each request's own units: the bus's consumers (routing, acknowledgements, SLA timers) would add theirs to the same meter.
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, publishEvents: false });
  const { onConsumedCapacity } = await import('#adapters/dynamodb/capacity-meter.js');
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const post = async (path: string, body: string, contentType: string, extra: Record<string, string> = {}): Promise<any> => {
      const response = await fetch(`${platform.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platform.tokens.integration}`, 'content-type': contentType, ...extra },
        body,
      });
      if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const json = (path: string, body: unknown, extra: Record<string, string> = {}) => post(path, JSON.stringify(body), 'application/json', extra);
    const n = () => randomUUID().slice(0, 8);

    const baseline = () =>
      json('/cases', { subject: `Printer ${n()}`, description: 'Smoke from tray 2.', channel: 'partner', requester: { id: `bench-${n()}` } });
    const baselineDedup = () =>
      json(
        '/cases',
        { subject: `Printer ${n()}`, description: 'Smoke from tray 2.', channel: 'partner', requester: { id: `bench-${n()}` } },
        { prefer: 'dedup' },
      );
    const email = () =>
      post(
        '/channels/email',
        rawEmail({ from: `b-${n()}@example.org`, subject: `VPN drops ${n()}`, text: 'Since Monday the VPN disconnects hourly.' }),
        'message/rfc822',
      );
    const emailWithAttachment = () =>
      post(
        '/channels/email',
        rawEmail({
          from: `b-${n()}@example.org`,
          subject: `Invoice ${n()}`,
          text: 'See attached.',
          attachments: [{ name: 'invoice.pdf', contentType: 'application/pdf', content: Buffer.alloc(200_000, 1) }],
        }),
        'message/rfc822',
      );
    const message = () =>
      json('/channels/messages', { channel: 'chat', deliveryId: n(), externalThreadId: n(), author: { id: n() }, text: 'My order never arrived' });

    // Prepared targets for the appending operations: one case per run, so no run appends to a case another grew.
    const replyTargets: { from: string; caseId: string }[] = [];
    const threadTargets: { thread: string; author: string }[] = [];
    const dupTargets: { from: string }[] = [];
    const prepare = async () => {
      for (let i = 0; i < RUNS + WARM_UP; i++) {
        const from = `r-${n()}@example.org`;
        const created = await post('/channels/email', rawEmail({ from, subject: `Laptop ${n()}`, text: 'Screen cracked.' }), 'message/rfc822');
        replyTargets.push({ from, caseId: created.caseId });
        const thread = n();
        const author = n();
        await json('/channels/messages', { channel: 'chat', deliveryId: n(), externalThreadId: thread, author: { id: author }, text: 'Hello' });
        threadTargets.push({ thread, author });
        const dupFrom = `d-${n()}@example.org`;
        await post(
          '/channels/email',
          rawEmail({ from: dupFrom, subject: 'Cannot log in to the portal', text: 'Invalid password after two resets.' }),
          'message/rfc822',
        );
        dupTargets.push({ from: dupFrom });
      }
    };
    await prepare();
    const emailReply = () => {
      const t = replyTargets.pop()!;
      return post(
        '/channels/email',
        rawEmail({ from: t.from, inReplyTo: `<${t.caseId}.n1@caseway.example>`, subject: 'Re: x', text: 'More detail.' }),
        'message/rfc822',
      );
    };
    const messageAppend = () => {
      const t = threadTargets.pop()!;
      return json('/channels/messages', {
        channel: 'chat',
        deliveryId: n(),
        externalThreadId: t.thread,
        author: { id: t.author },
        text: 'Order 7781',
      });
    };
    const emailDuplicate = () =>
      post(
        '/channels/email',
        rawEmail({ from: dupTargets.pop()!.from, subject: 'Cannot log in to the portal', text: 'Invalid password after two resets.' }),
        'message/rfc822',
      );
    const retryRaw = rawEmail({ from: `x-${n()}@example.org`, subject: 'Retry', text: 'Same message again.' });
    await post('/channels/email', retryRaw, 'message/rfc822');
    const emailReplay = () => post('/channels/email', retryRaw, 'message/rfc822');

    const operations: [string, () => Promise<unknown>][] = [
      ['POST /cases (baseline)', baseline],
      ['POST /cases, Prefer: dedup', baselineDedup],
      ['email: new case', email],
      ['email: new case, 200 KB attachment', emailWithAttachment],
      ['email: reply threaded (In-Reply-To)', emailReply],
      ['email: duplicate joined', emailDuplicate],
      ['email: retry replayed', emailReplay],
      ['message: new thread', message],
      ['message: appended to thread', messageAppend],
    ];
    // Warm-up: module loads and JIT, outside the figures.
    for (const [, fn] of operations) for (let i = 0; i < WARM_UP; i++) await fn();

    let units = 0;
    const stop = onConsumedCapacity((_command, u) => (units += u));
    const results: { operation: string; median: number; p95: number; units: number }[] = [];
    for (const [operation, fn] of operations) {
      const times: number[] = [];
      let totalUnits = 0;
      for (let i = 0; i < RUNS; i++) {
        units = 0;
        const start = performance.now();
        await fn();
        times.push(performance.now() - start);
        totalUnits += units;
      }
      times.sort((a, b) => a - b);
      results.push({ operation, median: percentile(times, 50), p95: percentile(times, 95), units: totalUnits / RUNS });
    }
    stop();
    const base = results[0]!.median;
    console.log(`Intake latency and capacity, ${RUNS} sequential runs each, local platform (DynamoDB Local in memory):`);
    console.table(
      results.map((r) => ({
        operation: r.operation,
        'median ms': Number(r.median.toFixed(1)),
        'p95 ms': Number(r.p95.toFixed(1)),
        'x baseline (median)': Number((r.median / base).toFixed(2)),
        'capacity units': Number(r.units.toFixed(1)),
      })),
    );
  } finally {
    await platform.stop();
  }
}

await main();
