/**
 * Routing's answers to the trust issue, against DynamoDB Local over real HTTP:
 * update expressions for every combination of optional fields, placements made
 * by people or escalation that rules leave alone, offers that time out and come
 * back, the waiting reason, and a waiting case re-ranked when its priority moves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock, useClock } from '../../functions/adapters/clock.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
type Who = 'agent' | 'supervisor' | 'admin' | { sub: string; roles: ('agent' | 'supervisor' | 'admin')[] };

let platform: TestPlatform;
const clock = new AdjustableClock();

beforeAll(async () => {
  useClock(clock);
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

async function call(who: Who, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init = body === undefined ? { method, headers } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } };
  const response = await platform.fetchAs(who, path, init);
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: (text ? JSON.parse(text) : undefined) as Body };
}

describe('PUT /routing/agents/{id}: every combination of optional fields, on create and on reconfigure', () => {
  const NAMES = [undefined, 'Ada'] as const;
  const CAPACITIES = [{}, { web: 1 }, { web: 2, email: 1 }] as const;
  const SKILLS = [{}, { legal: 3 }] as const;
  const combos = NAMES.flatMap((name) => CAPACITIES.flatMap((capacity) => SKILLS.map((skills) => ({ ...(name ? { name } : {}), capacity, skills }))));
  let n = 0;

  it.each(combos.flatMap((before) => combos.map((after) => [before, after] as const)))('%j then %j', async (before, after) => {
    const id = `combo-${n++}`;
    const created = await call('admin', 'PUT', `/routing/agents/${id}`, before);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const again = await call('admin', 'PUT', `/routing/agents/${id}`, after, { 'if-match': '"1"' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ agentId: id, skills: after.skills, capacity: after.capacity, version: 2, presence: 'offline' });
    // A name given is the new name; none given keeps the old one.
    expect(again.body.name).toBe(after.name ?? before.name);
    // Load is kept where it was and starts at zero on a new channel.
    for (const channel of Object.keys(after.capacity)) expect(again.body.load[channel]).toBe(0);
  });

  it.each(['available', 'busy', 'away', 'offline'])('sets presence %s', async (presence) => {
    const id = `presence-${presence}`;
    expect((await call('admin', 'PUT', `/routing/agents/${id}`, { skills: {}, capacity: {} })).status).toBe(201);
    const set = await call({ sub: id, roles: ['agent'] }, 'PUT', `/routing/agents/${id}/presence`, { presence });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.presence).toBe(presence);
  });
});
