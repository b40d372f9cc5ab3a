/**
 * `npm run smoke`, the deployment smoke test the pipeline runs after each stage, run here as a person
 * runs it (its own process) against the local platform's gateway: it must pass, and it must fail,
 * exit non-zero and say which step, against an API that is absent or broken.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '#lib/local/ports.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run smoke -- <args>`: exit code and everything it printed. */
function smoke(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'smoke', '--', ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

let platform: TestPlatform;
let broken: Server;
beforeAll(async () => {
  platform = await startTestPlatform();
  // A gateway whose integration is down: every route answers 502, as API Gateway does then.
  broken = createServer((_, res) => res.writeHead(502, { 'content-type': 'application/json' }).end('{"message":"Internal Server Error"}'));
  await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => broken?.close(resolve));
  await platform?.stop();
});

describe('npm run smoke', () => {
  it("walks the requester's journey against the local gateway and passes", async () => {
    const { code, out } = await smoke(['--api', platform.url, '--token', platform.tokens.requester!]);
    expect(out).toMatch(/ok {2}GET \/openapi\.json serves the API description \(200\)/);
    expect(out).toMatch(/ok {2}GET \/cases without a token is refused \(401\)/);
    expect(out).toMatch(/ok {2}POST \/cases opens a case \(201\)/);
    expect(out).toMatch(/ok {2}POST \/cases\/CASE-\S+\/comments adds a reply \(201\)/);
    expect(out).toMatch(/ok {2}GET \/cases\/CASE-2000-999999 is not found \(404\)/);
    expect(out).toContain('Smoke test passed');
    expect(code, out).toBe(0);
    // The case it opened is really there, as the requester's.
    const listed = (await (await platform.fetchAs('requester', '/cases')).json()) as { items: { subject: string }[] };
    expect(listed.items.some((c) => c.subject.startsWith('Smoke test '))).toBe(true);
  }, 120_000);

  it('checks only the routes that need no token when given none, and says so', async () => {
    const { code, out } = await smoke(['--api', platform.url]);
    expect(out).toContain('the signed-in journey was skipped');
    expect(code, out).toBe(0);
  }, 120_000);

  it('fails with the step and the answer against an API that is broken', async () => {
    const { code, out } = await smoke(['--api', `http://127.0.0.1:${(broken.address() as AddressInfo).port}`, '--token', 'x']);
    expect(code).toBe(1);
    expect(out).toMatch(/Smoke test FAILED: GET \/openapi\.json serves the API description: expected 200, got 502/);
  }, 120_000);

  it('fails saying it cannot reach an API that is not there', async () => {
    const { code, out } = await smoke(['--api', `http://127.0.0.1:${await findFreePort()}`]);
    expect(code).toBe(1);
    expect(out).toMatch(/Smoke test FAILED: cannot reach http:\/\/127\.0\.0\.1:\d+\/openapi\.json: ECONNREFUSED/);
  }, 120_000);

  it('fails when a signed-in step is refused: a token the gateway does not accept', async () => {
    const { code, out } = await smoke(['--api', platform.url, '--token', `${platform.tokens.requester!.slice(0, -4)}AAAA`]);
    expect(code).toBe(1);
    expect(out).toMatch(/Smoke test FAILED: POST \/cases opens a case: expected 201, got 401/);
  }, 120_000);

  it('refuses to run without --api', async () => {
    const { code, out } = await smoke([]);
    expect(code).toBe(1);
    expect(out).toContain('--api <base URL> is required');
  }, 120_000);
});
