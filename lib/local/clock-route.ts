/**
 * `/_local/clock`: move the local platform's clock, so a demo shows an eight-hour
 * SLA warn, breach and escalate in seconds. Local only (the gateway serves it
 * outside the route table; AWS has no such thing): `GET` reads the clock,
 * `POST {advanceMinutes}` or `POST {to}` moves it forward (never back).
 * Answers once the timers that fell due have run.
 */
import * as z from 'zod';
import type { AdjustableClock } from '../../functions/adapters/clock.js';
import type { FileRequest, FileResponse } from '../../functions/adapters/local-files.js';

export const CLOCK_PATH = '/_local/clock';

const MoveSchema = z.union([
  z.object({ advanceMinutes: z.number().positive().max(366 * 24 * 60) }).strict(),
  z.object({ to: z.iso.datetime({ offset: true }) }).strict(),
]);

const json = (status: number, body: unknown, type = 'application/json'): FileResponse => ({ status, headers: { 'content-type': type }, body: Buffer.from(JSON.stringify(body)) });
const problem = (status: number, title: string, detail: string, errors: { field: string; rule: string; message: string }[] = []) =>
  json(status, { type: 'about:blank', title, status, detail, ...(errors.length ? { errors } : {}) }, 'application/problem+json');

async function readBody(body: AsyncIterable<Uint8Array>, limit = 4096): Promise<string | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function clockRoute(clock: AdjustableClock, settled: () => Promise<void>): (request: FileRequest) => Promise<FileResponse> {
  return async (request) => {
    if ((request.url.split('?')[0] ?? '') !== CLOCK_PATH) return problem(404, 'Not Found', `No local route ${request.url}`);
    if (request.method === 'GET') return json(200, { now: clock.now().toISOString() });
    if (request.method !== 'POST') return problem(405, 'Method Not Allowed', 'Use GET or POST.');
    const text = await readBody(request.body);
    if (text === undefined) return problem(413, 'Payload Too Large', 'The body may be at most 4096 bytes.');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return problem(400, 'Bad Request', 'The body is not JSON.', [{ field: 'body', rule: 'json', message: 'must be a JSON object' }]);
    }
    const parsed = MoveSchema.safeParse(body);
    if (!parsed.success) {
      return problem(400, 'Bad Request', 'Give either advanceMinutes (a positive number) or to (an ISO instant).', [
        { field: 'body', rule: 'oneOf', message: 'expected {"advanceMinutes": number} or {"to": "<ISO instant>"}' },
      ]);
    }
    const move = parsed.data;
    const target = 'to' in move ? new Date(move.to) : new Date(clock.now().getTime() + move.advanceMinutes * 60_000);
    if (target.getTime() < clock.now().getTime()) {
      return problem(409, 'Conflict', `The clock only moves forward: it reads ${clock.now().toISOString()}.`, [{ field: 'body.to', rule: 'notBefore', message: 'must not be before the clock' }]);
    }
    clock.set(target);
    await settled();
    return json(200, { now: clock.now().toISOString() });
  };
}
