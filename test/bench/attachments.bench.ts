/**
 * Attachment figures for the README: DynamoDB capacity units per attachment
 * operation through the local API (ReturnConsumedCapacity, mean of 20), and the
 * time of a whole upload (declare, PUT 1 MiB to the signed URL, confirm) and of a
 * download through the local file store.
 *
 *   npx tsx test/bench/attachments.bench.ts [--smoke]   (smoke: tiny sizes, see smoke.ts)
 */
import { startPlatform } from '#lib/local/platform.js';
import { sized } from './smoke.js';

interface Granted {
  attachmentId: string;
  uploadId: string;
  complete: string;
  upload: { url: string; headers: Record<string, string> };
}

async function main() {
  // Each request's own units: the bus's consumers (routing, acknowledgements, SLA timers) would add theirs to the same meter.
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, publishEvents: false });
  const { onConsumedCapacity } = await import('#adapters/dynamodb/capacity-meter.js');
  try {
    const call = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
      const response = await fetch(`${platform.url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${platform.tokens.agent}`,
          'content-type': 'application/json',
          ...(init.headers as Record<string, string>),
        },
      });
      if (response.status >= 300) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    const { caseId } = await call<{ caseId: string }>('/cases', {
      method: 'POST',
      body: JSON.stringify({ subject: 'Bench', description: 'Attachments', requester: { id: 'bench' } }),
    });
    const small = Buffer.from('a small text attachment');
    const declare = (path: string, file: Buffer) =>
      call<Granted>(path, { method: 'POST', body: JSON.stringify({ fileName: 'f.txt', contentType: 'text/plain', size: file.length }) });
    const store = async (granted: Granted, file: Buffer) => {
      const response = await fetch(granted.upload.url, { method: 'PUT', headers: granted.upload.headers, body: file });
      if (response.status !== 200) throw new Error(`PUT ${response.status}`);
    };
    const confirm = (granted: Granted) =>
      call<{ attachmentId: string }>(granted.complete, { method: 'POST', body: JSON.stringify({ uploadId: granted.uploadId }) });

    // Warm up: load the handler modules.
    const warm = await declare(`/cases/${caseId}/attachments`, small);
    await store(warm, small);
    const { attachmentId } = await confirm(warm);

    let units = 0;
    const stop = onConsumedCapacity((_command, u) => (units += u));
    const RUNS = sized(20, 2);
    const measure = async (op: string, prepare: () => Promise<Granted | undefined>, fn: (g: Granted | undefined) => Promise<unknown>) => {
      let total = 0;
      for (let i = 0; i < RUNS; i++) {
        const g = await prepare();
        units = 0;
        await fn(g);
        total += units;
      }
      return { op, units: total / RUNS };
    };
    const prepared = async (path: string) => {
      const g = await declare(path, small);
      await store(g, small);
      return g;
    };
    const freshCase = async () =>
      (
        await call<{ caseId: string }>('/cases', {
          method: 'POST',
          body: JSON.stringify({ subject: 'Bench', description: 'Attachments', requester: { id: 'bench' } }),
        })
      ).caseId;
    const capacity = [
      await measure(
        'declare (upload URL + pending item)',
        async () => undefined,
        () => declare(`/cases/${caseId}/attachments`, small),
      ),
      await measure(
        'confirm the first attachment of a case',
        async () => prepared(`/cases/${await freshCase()}/attachments`),
        (g) => confirm(g!),
      ),
      await measure(
        'confirm its second version',
        async () => {
          const other = await freshCase();
          const first = await prepared(`/cases/${other}/attachments`);
          await confirm(first);
          return prepared(`/cases/${other}/attachments/${first.attachmentId}/versions`);
        },
        (g) => confirm(g!),
      ),
      await measure(
        `confirm an attachment on a case holding ${RUNS} to ${2 * RUNS}`,
        () => prepared(`/cases/${caseId}/attachments`),
        (g) => confirm(g!),
      ),
      await measure(
        `confirm version ${RUNS + 1} to ${2 * RUNS} of one attachment`,
        () => prepared(`/cases/${caseId}/attachments/${attachmentId}/versions`),
        (g) => confirm(g!),
      ),
      await measure(
        'list (page of 25)',
        async () => undefined,
        () => call(`/cases/${caseId}/attachments?limit=25`),
      ),
      await measure(
        'download URL',
        async () => undefined,
        () => call(`/cases/${caseId}/attachments/${attachmentId}`),
      ),
    ];
    stop();

    const mib = Buffer.alloc(1024 * 1024, 7);
    const timings: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const g = await declare(`/cases/${caseId}/attachments`, mib);
      await store(g, mib);
      await confirm(g);
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);

    console.log(`Capacity units per attachment operation (mean of ${RUNS}):`);
    console.table(capacity.map((c) => ({ operation: c.op, 'capacity units': Number(c.units.toFixed(2)) })));
    console.log(
      `Upload of 1 MiB (declare + PUT + confirm), ${RUNS} runs: p50 ${timings[Math.floor(RUNS / 2)]!.toFixed(1)} ms, max ${timings.at(-1)!.toFixed(1)} ms`,
    );
  } finally {
    await platform.stop();
  }
}

await main();
