/**
 * Live feed latency on the local platform: from posting a comment to its event
 * arriving on two agents' WebSockets (through the table's stream, the outbox
 * publisher, the EventBridge stand-in and the fan-out), and the replay of 100
 * missed events to a resuming client. `npx tsx test/bench/live.bench.ts [--runs 30]`.
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { startPlatform } from '#lib/local/platform.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const RUNS = Number(values.runs);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

async function main() {
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, seedSla: false });
  try {
    const call = async (who: keyof typeof platform.tokens, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${platform.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${platform.tokens[who]}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return (await response.json()) as Body;
    };
    const listen = (token: string, after?: string) =>
      new Promise<{ ws: WebSocket; seen: Body[]; wait: (match: (m: Body) => boolean) => Promise<void> }>((resolve) => {
        const ws = new WebSocket(platform.liveUrl);
        const seen: Body[] = [];
        const waiters = new Set<() => void>();
        const wait = (match: (m: Body) => boolean) =>
          new Promise<void>((done) => {
            const check = () => seen.some(match) && (waiters.delete(check), done());
            waiters.add(check);
            check();
          });
        ws.on('message', (data) => {
          const message = JSON.parse(String(data)) as Body;
          seen.push(message);
          for (const w of [...waiters]) w();
          if (message.type === 'ready') resolve({ ws, seen, wait });
        });
        ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token, ...(after ? { after } : {}) })));
      });
    const a = await listen(platform.tokens.agent);
    const b = await listen(platform.tokens.supervisor);
    const { caseId } = await call('agent', 'POST', '/cases', { subject: 'Live bench', description: 'Latency', requester: { id: 'bench-requester' } });
    await Promise.all([a.wait((m) => m.caseId === caseId), b.wait((m) => m.caseId === caseId)]);

    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const { commentId } = await call('agent', 'POST', `/cases/${caseId}/comments`, { body: `Run ${i}`, visibility: 'public' });
      const arrived = (m: Body) => m.event === 'CommentAdded' && m.detail?.comment?.id === commentId;
      await Promise.all([a.wait(arrived), b.wait(arrived)]);
      times.push(performance.now() - start);
    }
    times.sort((x, y) => x - y);

    // Resume: 100 events while away, then one reconnect with `after`.
    const last = b.seen.filter((m) => m.type === 'event').at(-1)!.id as string;
    b.ws.close();
    const missed = new Set<string>();
    for (let i = 0; i < 100; i++)
      missed.add((await call('agent', 'POST', `/cases/${caseId}/comments`, { body: `Missed ${i}`, visibility: 'public' })).commentId as string);
    const allMissed = (seen: Body[]) => () => [...missed].every((id) => seen.some((x) => x.detail?.comment?.id === id));
    await a.wait(allMissed(a.seen));
    const resumeStart = performance.now();
    const resumed = await listen(platform.tokens.supervisor, last);
    await resumed.wait(allMissed(resumed.seen));
    const resumeMs = performance.now() - resumeStart;
    a.ws.close();
    resumed.ws.close();

    console.log(
      `| comment posted -> event on 2 sockets (${RUNS} runs) | median ${percentile(times, 50).toFixed(0)} ms | p95 ${percentile(times, 95).toFixed(0)} ms |`,
    );
    console.log(
      `| resume with after: 100 missed events replayed | ${resumeMs.toFixed(0)} ms (connect, auth, replay until all 100 arrived; the replay also repeats the 10 s before after) |`,
    );
  } finally {
    await platform.stop();
  }
}

await main();
