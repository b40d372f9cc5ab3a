/**
 * `npm start` stopped (Ctrl+C) or killed with SIGKILL, then started again on the
 * same data directory, as a person's laptop does it.
 *
 * - Events: every case committed just before a kill is still published and handled
 *   (its intake acknowledgement is sent), because the stream is read on from its
 *   durable checkpoint and the bus resumes its pending deliveries. Before, the stream
 *   reader started at the stream's end after a restart and the bus kept its
 *   deliveries in memory, so such cases were never acknowledged.
 * - SLA clocks: the timers of cases made before a stop or a kill are re-armed from
 *   the table on start, so moving the demo clock past their deadlines warns and
 *   breaches them. Before, they lived only in the process that armed them.
 * - Cursors: one handed out before the kill still opens after it (the cursor key is
 *   kept in the data directory).
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ACK_TEMPLATE } from '#core/intake/acknowledgement.js';
import { findFreePort } from '#lib/local/ports.js';

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
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--data-dir', dataDir, '--port', String(port)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  for (let waited = 0; !out.includes('Press Ctrl+C') && child.exitCode === null && waited < 90_000; waited += 100) await delay(100);
  expect(out, out).toContain('Press Ctrl+C');
  const token = out.match(/^ {2}agent +demo-agent[^\n]*\n\s+(\S+)/m)?.[1] ?? '';
  const dynamoPort = Number(out.match(/DynamoDB Local +http:\/\/127\.0\.0\.1:(\d+)/)?.[1]);
  return { child, exited, token, dynamoPort, output: () => out };
}

const javaOnPort = (port: number) => spawnSync('pgrep', ['-f', '--', `DynamoDBLocal.jar.* -port ${port}( |$)`]).status === 0;

const dataDirs: string[] = [];
const newDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'caseway-restart-'));
  dataDirs.push(dir);
  return dir;
};
const started: Running[] = [];
afterAll(async () => {
  for (const run of started) run.child.kill('SIGKILL');
  await Promise.all(started.map((run) => run.exited));
  for (const run of started) for (let i = 0; i < 50 && javaOnPort(run.dynamoPort); i++) await delay(100);
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** SIGKILL: no handler runs, nothing is flushed or stopped; its DynamoDB Local goes with it (the watchdog's pipe closes). */
async function kill(run: Running): Promise<void> {
  run.child.kill('SIGKILL');
  await run.exited;
  for (let i = 0; i < 100 && javaOnPort(run.dynamoPort); i++) await delay(100);
  expect(javaOnPort(run.dynamoPort)).toBe(false);
}

describe('npm start after kill -9', () => {
  it('publishes and handles every change committed before the kill', async () => {
    const dataDir = newDataDir();
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
          body: JSON.stringify({
            subject: `Burst ${i}`,
            description: 'written just before the kill',
            requester: { id: `crash-${i}`, email: `crash-${i}@example.com` },
          }),
        });
        expect(response.status, `${await response.clone().text()}\n${first.output().slice(-4000)}`).toBe(201);
        return ((await response.json()) as { caseId: string }).caseId;
      }),
    );
    // A cursor handed out before the kill: its key is kept in the data directory, so it still opens afterwards.
    const page = async (token: string, cursor?: string) => {
      const response = await fetch(`${url}/cases?status=new&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as { items: { caseId: string }[]; nextCursor?: string };
    };
    const before = await page(first.token);
    expect(before.nextCursor).toBeTruthy();
    // Acknowledged to the client: now the process dies without any chance to finish its work.
    await kill(first);

    const second = await start(dataDir, port);
    started.push(second);
    const after = await page(second.token, before.nextCursor);
    expect(after.items).toHaveLength(1);
    expect(after.items[0]!.caseId).not.toBe(before.items[0]!.caseId);
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
  }, 240_000);

  it('re-arms SLA clocks from the table after a stop and after a kill, so they warn and breach by the demo clock', async () => {
    const dataDir = newDataDir();
    const port = await findFreePort();
    const url = `http://localhost:${port}`;
    const clocks: { warnAt: string; dueAt: string }[] = [];
    const createSupportCase = async (token: string, subject: string) => {
      const response = await fetch(`${url}/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'support',
          priority: 'low',
          subject,
          description: 'Smoke from tray 2.',
          requester: { id: 'cust-1', name: 'Carla Customer' },
          fields: { product: 'web-app', category: 'problem', impact: 'team', urgency: 'high' },
        }),
      });
      const body = (await response.json()) as {
        caseId: string;
        sla?: { clocks?: Record<string, { status: string; warnAt: string; dueAt: string }> };
      };
      expect(response.status, JSON.stringify(body)).toBe(201);
      // The example policy (support-basic) runs a first-response clock on it: a warning, then a deadline, hours away.
      expect(body.sla?.clocks?.firstResponse).toMatchObject({ status: 'running' });
      clocks.push(body.sla!.clocks!.firstResponse!);
      return body.caseId;
    };

    // Made, then Ctrl+C.
    const first = await start(dataDir, port);
    started.push(first);
    const stopped = await createSupportCase(first.token, 'Armed before a stop');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    // Made, then SIGKILL.
    const second = await start(dataDir, port);
    started.push(second);
    const killed = await createSupportCase(second.token, 'Armed before a kill');
    await kill(second);

    const third = await start(dataDir, port);
    started.push(third);
    // The clock answers once the timers that fell due have run. A warning that fires when its clock is already due is
    // skipped for the breach (as in AWS), so first just past both warnings, then just past both deadlines.
    const latest = (instants: string[]) => new Date(Math.max(...instants.map(Date.parse)) + 60_000).toISOString();
    const moveTo = async (to: string) => {
      const moved = await fetch(`${url}/_local/clock`, {
        method: 'POST',
        headers: { authorization: `Bearer ${third.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to }),
      });
      expect(moved.status, await moved.clone().text()).toBe(200);
    };
    const actions = async (caseId: string) => {
      const response = await fetch(`${url}/cases/${caseId}/history`, { headers: { authorization: `Bearer ${third.token}` } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: { action: string }[] }).items.map((e) => e.action);
    };
    const expectInHistory = async (action: string) => {
      for (const caseId of [stopped, killed]) {
        let seen: string[] = [];
        for (let waited = 0; !seen.includes(action) && waited < 20_000; waited += 250) {
          seen = await actions(caseId);
          if (!seen.includes(action)) await delay(250);
        }
        expect(seen, `${caseId}:\n${third.output().slice(-3000)}`).toContain(action);
      }
    };
    const warnings = latest(clocks.map((c) => c.warnAt));
    expect(Date.parse(warnings)).toBeLessThan(Math.min(...clocks.map((c) => Date.parse(c.dueAt))));
    await moveTo(warnings);
    await expectInHistory('SlaWarning');
    await moveTo(latest(clocks.map((c) => c.dueAt)));
    await expectInHistory('SlaBreached');

    third.child.kill('SIGINT');
    expect(await third.exited).toBe(0);
  }, 300_000);
});
