/**
 * A dependency that stops answering makes the API answer 503 with Retry-After, a
 * problem+json body and the correlation id, not a 500 and not a hang: DynamoDB
 * Local is frozen (SIGSTOP: it keeps its connections but answers nothing, as a
 * stalled or black-holed endpoint does) while requests arrive over real HTTP, then
 * thawed, and the same requests succeed again.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/** Per DynamoDB call, so four attempts end well inside the gateway's 30 s. */
const TIMEOUT_MS = 1500;

let platform: TestPlatform;
let caseId: string;
let frozen: number[] = [];

/** The processes of this platform's DynamoDB Local (its java command line carries the platform's marker). */
const dynamoPids = () =>
  spawnSync('pgrep', ['-f', platform.dynamodb.marker], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid !== process.pid);

const freeze = () => {
  frozen = dynamoPids();
  expect(frozen.length).toBeGreaterThan(0);
  for (const pid of frozen) process.kill(pid, 'SIGSTOP');
};
const thaw = () => {
  for (const pid of frozen) process.kill(pid, 'SIGCONT');
  frozen = [];
};

beforeAll(async () => {
  // Read by the handlers at cold start, as DYNAMODB_TIMEOUT_MS is in AWS.
  process.env.DYNAMODB_TIMEOUT_MS = String(TIMEOUT_MS);
  platform = await startTestPlatform();
  const created = await platform.fetchAs('agent', '/cases', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subject: 'Before the outage', description: 'x', requester: { id: 'cust-1' } }),
  });
  expect(created.status).toBe(201);
  caseId = ((await created.json()) as { caseId: string }).caseId;
});
afterAll(async () => {
  thaw();
  await platform?.stop();
});

describe('a DynamoDB that stops answering', () => {
  it('gets 503 with Retry-After for reads and writes, then service resumes', async () => {
    freeze();
    try {
      const requests = [
        { method: 'GET', path: `/cases/${caseId}` },
        { method: 'GET', path: '/cases?status=new' },
        { method: 'POST', path: '/cases', body: { subject: 'During the outage', description: 'x', requester: { id: 'cust-1' } } },
        { method: 'POST', path: `/cases/${caseId}/comments`, body: { body: 'Anyone there?' } },
      ];
      for (const r of requests) {
        const started = Date.now();
        const response = await platform.fetchAs('agent', r.path, {
          method: r.method,
          headers: { 'content-type': 'application/json', 'x-correlation-id': `outage-${r.method}` },
          ...(r.body ? { body: JSON.stringify(r.body) } : {}),
        });
        const problem = (await response.json()) as Record<string, unknown>;
        expect(response.status, `${r.method} ${r.path}: ${JSON.stringify(problem)}`).toBe(503);
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.headers.get('x-correlation-id')).toBe(`outage-${r.method}`);
        expect(problem).toEqual(
          expect.objectContaining({ type: 'https://caseway.dev/problems/service-unavailable', status: 503, correlationId: `outage-${r.method}` }),
        );
        // Answered by the handler after its retries, well before the gateway's own 30 s timeout.
        expect(Date.now() - started).toBeLessThan(20_000);
      }
    } finally {
      thaw();
    }
    const after = await platform.fetchAs('agent', `/cases/${caseId}`);
    expect(after.status).toBe(200);
  });
});
