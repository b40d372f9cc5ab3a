/**
 * `/_local/clock`: move the local platform's clock, so a demo shows an eight-hour
 * SLA warn, breach and escalate in seconds. Local only (the gateway serves it
 * outside the route table; AWS has no such thing): `GET` reads the clock,
 * `POST {advanceMinutes}` or `POST {to}` (application/json only) moves it forward
 * (never back); the gateway refuses requests from other sites' pages (crossSiteRefusal).
 * Answers once the timers that fell due have run.
 */
import * as z from 'zod';
import type { AdjustableClock } from '#adapters/clock.js';
import type { LocalRequest, LocalResponse } from './local-request.js';
import { localProblem as problem } from './local-problem.js';

export const CLOCK_PATH = '/_local/clock';

const MoveSchema = z.union([
  z
    .object({
      advanceMinutes: z
        .number()
        .positive()
        .max(366 * 24 * 60),
    })
    .strict(),
  z.object({ to: z.iso.datetime({ offset: true }) }).strict(),
]);

/** Answers the clock's path; any other path is left to the other local services (undefined). */
export function clockRoute(clock: AdjustableClock, settled: () => Promise<void>): (request: LocalRequest) => Promise<LocalResponse | undefined> {
  return async (request) => {
    if (request.path !== CLOCK_PATH) return undefined;
    if (request.method === 'GET') return { status: 200, body: { now: clock.now().toISOString() } };
    if (request.method !== 'POST') return problem(405, 'Method Not Allowed', 'Use GET or POST.');
    // application/json is not a type a page may send cross-origin without a preflight (text/plain and forms are).
    const mediaType = String(request.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (mediaType !== 'application/json') {
      return problem(415, 'Unsupported Media Type', 'Send the move as application/json.', [
        { field: 'header.content-type', rule: 'mediaType', message: 'must be application/json' },
      ]);
    }
    if (request.body.length > 4096) return problem(413, 'Payload Too Large', 'The body may be at most 4096 bytes.');
    const text = request.body.toString('utf8');
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
      return problem(409, 'Conflict', `The clock only moves forward: it reads ${clock.now().toISOString()}.`, [
        { field: 'body.to', rule: 'notBefore', message: 'must not be before the clock' },
      ]);
    }
    clock.set(target);
    await settled();
    return { status: 200, body: { now: clock.now().toISOString() } };
  };
}
