/**
 * Capacity units of related-case operations through the local API (DynamoDB
 * Local reports ReturnConsumedCapacity as DynamoDB does): `npx tsx test/bench/links.bench.ts`.
 * Mean of 10 requests each, table plus indexes, reads and writes summed. `-- --smoke`: tiny sizes (smoke.ts).
 */
import { startPlatform } from '#lib/local/platform.js';
import { sized } from './smoke.js';

async function main() {
  // Each request's own units: the bus's consumers (routing, acknowledgements, SLA timers) would add theirs to the same meter.
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, publishEvents: false });
  const { onConsumedCapacity } = await import('#adapters/dynamodb/capacity-meter.js');
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const call = async (path: string, init: RequestInit = {}): Promise<any> => {
      const response = await fetch(`${platform.url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${platform.tokens.agent}`,
          'content-type': 'application/json',
          ...(init.headers as Record<string, string>),
        },
      });
      if (response.status >= 300) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
      return response.status === 204 ? undefined : response.json();
    };
    const open = async (parentId?: string) =>
      (
        await call('/cases', {
          method: 'POST',
          body: JSON.stringify({
            subject: 'Bench',
            description: 'A short description.',
            requester: { id: 'bench' },
            ...(parentId ? { parentId } : {}),
          }),
        })
      ).caseId as string;
    for (let i = 0; i < sized(10, 2); i++) await open();

    let units = 0;
    const stop = onConsumedCapacity((_command, u) => (units += u));
    const runs = sized(10, 1);
    const rows: { operation: string; units: number }[] = [];
    const measure = async (operation: string, prepare: () => Promise<string[]>, fn: (ids: string[]) => Promise<unknown>) => {
      let total = 0;
      for (let i = 0; i < runs; i++) {
        const ids = await prepare();
        units = 0;
        await fn(ids);
        total += units;
      }
      rows.push({ operation, units: Number((total / runs).toFixed(2)) });
    };
    const pair = async () => [await open(), await open()];
    await measure(
      'create (no parent)',
      async () => [],
      () => open(),
    );
    const root = await open();
    await measure(
      'create with a parent (root parent)',
      async () => [],
      () => open(root),
    );
    await measure('link related', pair, ([a, b]) =>
      call(`/cases/${a}/links`, { method: 'POST', body: JSON.stringify({ targetId: b, kind: 'related' }) }),
    );
    await measure(
      'link parentOf (parent at depth 3)',
      async () => {
        const [g, p] = [await open(), await open()];
        const q = await open(g);
        await call(`/cases/${p}/links`, { method: 'POST', body: JSON.stringify({ targetId: q, kind: 'childOf' }) });
        return [p, await open()];
      },
      ([p, c]) => call(`/cases/${p}/links`, { method: 'POST', body: JSON.stringify({ targetId: c, kind: 'parentOf' }) }),
    );
    await measure(
      'unlink',
      async () => {
        const [a, b] = await pair();
        await call(`/cases/${a}/links`, { method: 'POST', body: JSON.stringify({ targetId: b, kind: 'related' }) });
        return [a!, b!];
      },
      ([a, b]) => call(`/cases/${a}/links/${b}`, { method: 'DELETE' }),
    );
    await measure('merge', pair, ([a, b]) => call(`/cases/${a}/merge`, { method: 'POST', body: JSON.stringify({ survivorId: b, reason: 'dup' }) }));
    await measure(
      'PATCH subject (no handover)',
      async () => [await open()],
      ([a]) => call(`/cases/${a}`, { method: 'PATCH', body: JSON.stringify({ subject: 'x' }), headers: { 'if-match': '"1"' } }),
    );
    await measure(
      'PATCH owner (handover: brief built)',
      async () => [await open()],
      ([a]) => call(`/cases/${a}`, { method: 'PATCH', body: JSON.stringify({ owner: 'someone' }), headers: { 'if-match': '"1"' } }),
    );
    const survivor = await open();
    for (let i = 0; i < 3; i++) {
      const dup = await open();
      await call(`/cases/${dup}/comments`, { method: 'POST', body: JSON.stringify({ body: 'note' }) });
      await call(`/cases/${dup}/merge`, { method: 'POST', body: JSON.stringify({ survivorId: survivor, reason: 'dup' }) });
    }
    await measure(
      'comments (page of 25)',
      async () => [],
      () => call(`/cases/${survivor}/comments`),
    );
    await measure(
      'comments includeMerged (3 merged, page of 25)',
      async () => [],
      () => call(`/cases/${survivor}/comments?includeMerged=true`),
    );
    await measure(
      'history includeMerged (3 merged, page of 25)',
      async () => [],
      () => call(`/cases/${survivor}/history?includeMerged=true`),
    );
    stop();
    console.log(`Capacity units per related-case operation (mean of ${runs}):`);
    console.table(rows);
  } finally {
    await platform.stop();
  }
}

await main();
