/**
 * `npm start` killed with SIGKILL right after it acknowledged a burst of writes, then
 * started again on the same data directory: every case committed before the kill
 * is still published and handled (its intake acknowledgement is sent), because the
 * stream is read on from its durable checkpoint and the bus resumes its pending
 * deliveries. Before, the stream reader started at the stream's end after a restart
 * and the bus kept its deliveries in memory, so such cases were never acknowledged.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ACK_TEMPLATE } from '../../functions/core/intake/acknowledgement.js';
import { findFreePort } from '../../lib/local/ports.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Running {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly exited: Promise<number | null>;
  readonly token: string;
  readonly dynamoPort: number;
  output(): string;
}

/** `npm start` on a data directory, as a person runs it; resolves once its banner is out. */
async function start(dataDir: string, port: number): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--data-dir', dataDir, '--port', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  for (let waited = 0; !out.includes('Press Ctrl+C') && child.exitCode === null && waited < 45_000; waited += 100) await delay(100);
  expect(out, out).toContain('Press Ctrl+C');
  const token = out.match(/^ {2}agent +demo-agent[^\n]*\n\s+(\S+)/m)?.[1] ?? '';
  const dynamoPort = Number(out.match(/DynamoDB Local +http:\/\/127\.0\.0\.1:(\d+)/)?.[1]);
  return { child, exited, token, dynamoPort, output: () => out };
}

const javaOnPort = (port: number) => spawnSync('pgrep', ['-f', '--', `DynamoDBLocal.jar.* -port ${port}( |$)`]).status === 0;

const dataDir = mkdtempSync(join(tmpdir(), 'caseway-crash-'));
const started: Running[] = [];
afterAll(async () => {
  for (const run of started) run.child.kill('SIGKILL');
  await Promise.all(started.map((run) => run.exited));
  for (const run of started) for (let i = 0; i < 50 && javaOnPort(run.dynamoPort); i++) await delay(100);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start after kill -9', () => {
  it('publishes and handles every change committed before the kill', async () => {
    const port = await findFreePort();
    const first = await start(dataDir, port);
    started.push(first);
    const url = `http://localhost:${port}`;

    const N = 24;
    const created = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const response = await fetch(`${url}/cases`, {
          method: 'POST',
          headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ subject: `Burst ${i}`, description: 'written just before the kill', requester: { id: `crash-${i}`, email: `crash-${i}@example.com` } }),
        });
        expect(response.status, `${await response.clone().text()}\n${first.output().slice(-4000)}`).toBe(201);
        return ((await response.json()) as { caseId: string }).caseId;
      }),
    );
    // Acknowledged to the client: now the process dies without any chance to finish its work.
    first.child.kill('SIGKILL');
    await first.exited;
    // Its DynamoDB Local goes with it (the watchdog's pipe closed); the next one opens the same files.
    for (let i = 0; i < 100 && javaOnPort(first.dynamoPort); i++) await delay(100);
    expect(javaOnPort(first.dynamoPort)).toBe(false);

    const second = await start(dataDir, port);
    started.push(second);
    const acknowledgements = async (caseId: string) => {
      const response = await fetch(`${url}/notifications?caseId=${caseId}`, { headers: { authorization: `Bearer ${second.token}` } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: { template: string }[] }).items.filter((n) => n.template === ACK_TEMPLATE);
    };
    let missing = created;
    for (let waited = 0; missing.length > 0 && waited < 60_000; waited += 250) {
      const counts = await Promise.all(missing.map(async (caseId) => [caseId, (await acknowledgements(caseId)).length] as const));
      missing = counts.filter(([, n]) => n === 0).map(([caseId]) => caseId);
      if (missing.length > 0) await delay(250);
    }
    expect(missing, `never acknowledged after the restart:\n${second.output().slice(-3000)}`).toEqual([]);
    // At least once, and the consumer is idempotent: a redelivered event sends nothing twice.
    for (const caseId of created) expect(await acknowledgements(caseId)).toHaveLength(1);

    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 150_000);
});
