/**
 * Device signals through the local API against DynamoDB Local: `npm run bench:devices`.
 *
 * Throughput: signals per second through `POST /devices/signals`, one signal per
 * request and in batches, against plain `POST /cases` measured in the same run
 * (same concurrency, same platform), so the figures are ratios, not absolutes a
 * laptop would change. Capacity: mean units per signal (table plus indexes, reads
 * and writes summed) for each thing a signal can do, against one case create.
 *
 * Options: --requests N (default 400), --concurrency C (default 16), --batch B (default 25);
 * --smoke: small defaults (smoke.ts).
 *
 * DynamoDB Local's ConsumedCapacity for TransactWriteItems does not grow with the
 * number of items (an append with a comment reports what a bare append does), so
 * the write side of transactions is understated here; the per-item arithmetic
 * (2 units per transactional item write per KB, plus index writes) is in the notes.
 */
import { parseArgs } from 'node:util';
import { startPlatform } from '#lib/local/platform.js';
import { sized } from './smoke.js';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: sized('400', '8') },
    concurrency: { type: 'string', default: sized('16', '4') },
    batch: { type: 'string', default: sized('25', '4') },
    smoke: { type: 'boolean', default: false },
  },
});
const REQUESTS = Number(args.requests);
const CONCURRENCY = Number(args.concurrency);
const BATCH = Number(args.batch);

async function main() {
  // Each request's own units: the bus's consumers (routing, acknowledgements, SLA timers) would add theirs to the same meter.
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, publishEvents: false });
  const { onConsumedCapacity } = await import('#adapters/dynamodb/capacity-meter.js');
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const call = async (who: 'admin' | 'integration' | 'agent', path: string, body: unknown): Promise<any> => {
      const response = await fetch(`${platform.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platform.tokens[who]}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const ASSETS = sized(64, 4);
    const assetIds = Array.from({ length: ASSETS }, (_, i) => `bench-${i}`);
    for (const assetId of assetIds) {
      await call('admin', '/assets', {
        assetId,
        name: assetId,
        owner: { id: 'bench-owner' },
        thresholds: [{ metric: 'temperature', direction: 'above', value: 80, hysteresis: 5 }],
        anomaly: { enabled: true, window: 30, minSamples: 10, zOpen: 6, zRecover: 2 },
        autoResolve: true,
      });
    }
    let seq = 0;
    // Normal readings spread over the assets: the path nearly every real signal takes (judge, learn, receipt).
    const normal = (i: number) => ({
      assetId: assetIds[i % ASSETS]!,
      signalId: `b-${++seq}`,
      metric: 'temperature',
      value: 50 + (seq % 7),
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, seq)).toISOString(),
    });

    /** `total` calls of `fn`, `inFlight` at a time; items per second. */
    const rate = async (total: number, perCall: number, fn: (i: number) => Promise<unknown>, inFlight = CONCURRENCY) => {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < total) await fn(next++);
        }),
      );
      return (total * perCall) / ((performance.now() - started) / 1000);
    };
    const createCase = () => call('agent', '/cases', { subject: 'Bench', description: 'A short description.', requester: { id: 'bench' } });
    // Warm every handler and the case-number block before timing.
    await createCase();
    await call('integration', '/devices/signals', normal(0));

    const casesPerSecond = await rate(REQUESTS, 1, createCase);
    const singlePerSecond = await rate(REQUESTS, 1, (i) => call('integration', '/devices/signals', normal(i)));
    let base = 0;
    const batch = () => {
      const first = base;
      base += BATCH;
      return call('integration', '/devices/signals', { signals: Array.from({ length: BATCH }, (_, j) => normal(first + j)) });
    };
    const batches = Math.ceil(REQUESTS / BATCH);
    // Two ways to compare: as many requests in flight as the single run (so BATCH times the signals), and about as many signals in flight.
    const batchedPerSecond = await rate(batches, BATCH, batch);
    const sameSignalsInFlight = Math.max(1, Math.round(CONCURRENCY / BATCH));
    const batchedEvenPerSecond = await rate(batches, BATCH, batch, sameSignalsInFlight);
    const ratio = (x: number) => `${(x / casesPerSecond).toFixed(2)}x`;
    console.log(`\nThroughput (${REQUESTS} requests or signals each, ${CONCURRENCY} in flight, ${ASSETS} assets, batches of ${BATCH}):`);
    console.table([
      { path: 'POST /cases (baseline)', perSecond: Math.round(casesPerSecond), vsBaseline: '1.00x' },
      { path: 'signals, one per request', perSecond: Math.round(singlePerSecond), vsBaseline: ratio(singlePerSecond) },
      {
        path: `signals, ${BATCH} per request, ${CONCURRENCY} requests in flight`,
        perSecond: Math.round(batchedPerSecond),
        vsBaseline: ratio(batchedPerSecond),
      },
      {
        path: `signals, ${BATCH} per request, ${sameSignalsInFlight} in flight`,
        perSecond: Math.round(batchedEvenPerSecond),
        vsBaseline: ratio(batchedEvenPerSecond),
      },
    ]);

    // Capacity per signal, one at a time so nothing else is metered.
    let units = 0;
    const stop = onConsumedCapacity((_command, u) => (units += u));
    const metered = async (fn: () => Promise<unknown>) => {
      units = 0;
      await fn();
      return units;
    };
    const runs = sized(10, 2);
    const rows: { signal: string; units: number; vsCreate: string }[] = [];
    let createUnits = 0;
    for (let i = 0; i < runs; i++) createUnits += await metered(createCase);
    createUnits /= runs;
    const record = (name: string, total: number) =>
      rows.push({ signal: name, units: Number((total / runs).toFixed(2)), vsCreate: `${(total / runs / createUnits).toFixed(2)}x` });
    rows.push({ signal: 'POST /cases (baseline)', units: Number(createUnits.toFixed(2)), vsCreate: '1.00x' });

    const totals = { learn: 0, open: 0, append: 0, appendComment: 0, resolve: 0, duplicate: 0 };
    for (let i = 0; i < runs; i++) {
      const assetId = assetIds[i]!;
      const at = (k: number) => new Date(Date.UTC(2026, 0, 2, 0, i, k)).toISOString();
      const send = (value: number, k: number, signalId = `c-${i}-${k}`) =>
        call('integration', '/devices/signals', { assetId, signalId, metric: 'temperature', value, at: at(k) });
      totals.learn += await metered(() => send(55, 1));
      totals.open += await metered(() => send(85, 2));
      totals.append += await metered(() => send(86, 3));
      totals.appendComment += await metered(() => send(99, 4));
      totals.duplicate += await metered(() => send(99, 4));
      totals.resolve += await metered(() => send(60, 5));
    }
    stop();
    record('normal reading (judged, learned)', totals.learn);
    record('crossing: opens a case', totals.open);
    record('over the limit: appends', totals.append);
    record('much worse: appends with a comment', totals.appendComment);
    record('back inside: resolves the case', totals.resolve);
    record('redelivered (duplicate)', totals.duplicate);
    console.log(`\nCapacity units per signal (mean of ${runs}; table and indexes, reads and writes):`);
    console.table(rows);
  } finally {
    await platform.stop();
  }
}

await main();
