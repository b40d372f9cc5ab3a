/**
 * `npm start` as a person runs it: the real entry point in its own process, its
 * banner read for the URL and a token, a case created with that token, then Ctrl+C.
 * The API calls go through Stoplight Prism, which checks each answer against the
 * OpenAPI document the running API serves. It must exit cleanly and take DynamoDB
 * Local with it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findFreePort, isPortFree } from '#lib/local/ports.js';
import { startValidationProxy, type ValidationProxy } from '../support/validation-proxy.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start', () => {
  it('prints a working URL and tokens, and stops everything on Ctrl+C', async () => {
    const port = await findFreePort();
    // As `npm start` runs it: one node process with tsx's loader. (The tsx CLI runs the script in a child and, if that
    // child does not answer a relayed signal within 30 ms, kills it with SIGKILL: under load Ctrl+C then orphaned DynamoDB Local.)
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--in-memory', '--port', String(port)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    let prism: ValidationProxy | undefined;
    try {
      for (let waited = 0; !out.includes('Press Ctrl+C') && waited < 60_000; waited += 200) await delay(200);
      expect(out).toContain(`Caseway is running at http://localhost:${port}`);
      // The console is built (or already was) and served at the URL the banner prints.
      expect(out).toContain(`Console           http://127.0.0.1:${port}/`);
      const home = await fetch(`http://127.0.0.1:${port}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toContain('text/html');

      const token = out.match(/^ {2}agent +demo-agent[^\n]*\n\s+(\S+)/m)?.[1];
      expect(token, out).toMatch(/^eyJ/);
      const dynamoPort = Number(out.match(/DynamoDB Local +http:\/\/127\.0\.0\.1:(\d+)/)?.[1]);
      expect(dynamoPort).toBeGreaterThan(0);

      // Through the validation proxy: an answer the served document does not describe would come back as Prism's 500.
      prism = await startValidationProxy(`http://127.0.0.1:${port}`);
      const created = await fetch(`${prism.url}/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'From the banner token', description: 'e2e', requester: { id: 'someone' } }),
      });
      expect(created.status).toBe(201);
      const { caseId } = (await created.json()) as { caseId: string };
      const read = await fetch(`${prism.url}/cases/${caseId}`, { headers: { authorization: `Bearer ${token}` } });
      expect(read.status).toBe(200);
      const unknown = await fetch(`${prism.url}/cases/CASE-2026-999999`, { headers: { authorization: `Bearer ${token}` } });
      expect(unknown.status).toBe(404);
      expect(prism.violations()).toEqual([]);
      await prism.close();

      // The java process is findable by its port while running (so the check below means something).
      const javaOnPort = () => spawnSync('pgrep', ['-f', '--', `DynamoDBLocal.jar.* -port ${dynamoPort}( |$)`]).status;
      expect(javaOnPort()).toBe(0);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      // DynamoDB Local is gone: no java with its port, and the port is free again.
      expect(javaOnPort()).toBe(1);
      expect(await isPortFree(dynamoPort)).toBe(true);
      expect(await isPortFree(port)).toBe(true);
    } finally {
      await prism?.close();
      child.kill('SIGKILL');
    }
  }, 90_000);
});
