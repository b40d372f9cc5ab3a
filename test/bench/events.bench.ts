/**
 * How long a committed change takes to reach a rule target on the local platform
 * (stream pump -> outbox publisher -> PutEvents over HTTP -> stand-in bus -> target),
 * as a ratio of the HTTP create that made it, measured in the same run:
 * `npm run bench:events`. Figures depend on the pump's idle poll (50 ms) and the
 * machine; the ratio is what to compare between runs. `npm run bench:events -- 80` runs
 * 80 creates; `-- --smoke`, a few (smoke.ts).
 */
import type { BusEvent } from '#lib/local/event-bus.js';
import { startPlatform } from '#lib/local/platform.js';
import { sized } from './smoke.js';

const runsArg = process.argv.slice(2).find((a) => !a.startsWith('-'));
const RUNS = Number(runsArg ?? sized(40, 3));
const GIVE_UP_MS = 30_000;

async function main() {
  const arrived = new Map<string, number>();
  const platform = await startPlatform({
    port: 0,
    inMemory: true,
    quiet: true,
    eventRules: [
      {
        name: 'bench-target',
        pattern: { source: ['caseway.cases'], 'detail-type': ['CaseCreated'] },
        handler: (event: BusEvent) => void arrived.set((event.detail as { caseId: string }).caseId, performance.now()),
      },
    ],
  });
  try {
    const create = async () => {
      const response = await fetch(`${platform.url}/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platform.tokens.agent}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'Bench', description: 'A short description.', requester: { id: 'bench' } }),
      });
      if (response.status !== 201) throw new Error(`create: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { caseId: string }).caseId;
    };
    for (let i = 0; i < sized(5, 1); i++) await create(); // warm: handlers imported, clients connected
    const creates: number[] = [];
    const deliveries: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const caseId = await create();
      const answered = performance.now();
      while (!arrived.has(caseId)) {
        if (performance.now() - answered > GIVE_UP_MS) throw new Error(`CaseCreated for ${caseId} did not reach the target in ${GIVE_UP_MS} ms`);
        await new Promise((r) => setTimeout(r, 2));
      }
      creates.push(answered - started);
      deliveries.push(arrived.get(caseId)! - started);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
    console.log(`runs: ${RUNS}`);
    console.log(`baseline  POST /cases answered       median ${median(creates).toFixed(1)} ms, p90 ${p90(creates).toFixed(1)} ms`);
    console.log(`measured  CaseCreated at the target   median ${median(deliveries).toFixed(1)} ms, p90 ${p90(deliveries).toFixed(1)} ms`);
    console.log(
      `ratio     delivery / create           median ${(median(deliveries) / median(creates)).toFixed(2)}x, p90 ${(p90(deliveries) / p90(creates)).toFixed(2)}x`,
    );
    console.log(`dead letters: ${platform.events.deadLetters().length}`);
    // Let the other rule targets finish with the last event before stopping: platform.stop() closes the SLA
    // timers while the bus may still be delivering, and an SLA clock armed after that holds the process for a minute.
    await platform.events.idle();
  } finally {
    await platform.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
