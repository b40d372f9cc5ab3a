/**
 * A replay repeats the first answer, on every door that takes a delivery or an
 * Idempotency-Key: the same status (201 stays 201, 200 stays 200), the same
 * case, the same duplicate headers, marked `Idempotent-Replayed: true`. Real
 * HTTP against DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLabType, LAB_TYPE } from '../support/case-types.js';
import { newMessageId, rawEmail } from '../support/emails.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

let platform: TestPlatform;
let n = 0;

beforeAll(async () => {
  // Through Prism: every replayed status must be one the OpenAPI document lists.
  platform = await startTestPlatform({ validateResponses: true });
  await ensureLabType(platform);
});
afterAll(async () => {
  await platform?.stop();
});

interface Answer {
  status: number;
  body: Body;
  headers: Headers;
}

async function send(who: 'integration' | 'agent', path: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const response = await platform.fetchAs(who, path, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body, headers: response.headers };
}

const email = (raw: string) => () => send('integration', '/channels/email', raw, { 'content-type': 'message/rfc822' });
const chat = (message: Body) => () => send('integration', '/channels/messages', JSON.stringify(message), { 'content-type': 'application/json' });
const createCase = (body: Body, key: string, prefer?: string) => () =>
  send('agent', '/cases', JSON.stringify(body), { 'content-type': 'application/json', 'idempotency-key': key, ...(prefer ? { prefer } : {}) });

const sender = () => `Replay Person ${++n} <replay${n}@example.org>`;
const newCase = (requester: string) => ({
  type: LAB_TYPE,
  subject: 'Printer jams on tray 2',
  description: 'Every second page jams on tray 2 since Monday.',
  requester: { id: requester },
});

/** Each door: what to do before (the first request), the request to repeat, and the first answer's status. */
const DOORS: { name: string; setup?: () => Promise<unknown>; request: () => () => Promise<Answer>; status: number; duplicate?: boolean }[] = [
  {
    name: 'email that opens a case',
    request: () => email(rawEmail({ from: sender(), messageId: newMessageId(), subject: 'Badge reader broken', text: 'Door 3 does not open.' })),
    status: 201,
  },
  {
    name: 'automated email (ignored)',
    request: () =>
      email(
        rawEmail({
          from: sender(),
          messageId: newMessageId(),
          subject: 'Out of office',
          text: 'Away.',
          headers: { 'auto-submitted': 'auto-replied' },
        }),
      ),
    status: 200,
  },
  {
    name: 'chat message that opens a case',
    request: () =>
      chat({
        channel: 'chat',
        deliveryId: `d-${++n}`,
        externalThreadId: `t-${n}`,
        author: { id: `u${n}` },
        type: LAB_TYPE,
        text: 'My order never arrived',
      }),
    status: 201,
  },
  { name: 'POST /cases with an Idempotency-Key', request: () => createCase(newCase(`cust-${++n}`), `key-${n}`), status: 201 },
  {
    name: 'POST /cases (Prefer: dedup) that joined an open case',
    request: () => {
      const requester = `cust-${++n}`;
      const first = createCase(newCase(requester), `first-${n}`, 'dedup');
      const join = createCase({ ...newCase(requester), subject: 'Printer jams on tray 2!' }, `join-${n}`, 'dedup');
      let opened = false;
      return async () => {
        if (!opened) {
          expect((await first()).status).toBe(201);
          opened = true;
        }
        return join();
      };
    },
    status: 200,
    duplicate: true,
  },
];

describe('a replay repeats the first answer', () => {
  it.each(DOORS)('$name', async (door) => {
    const request = door.request();
    const first = await request();
    expect(first.status, JSON.stringify(first.body)).toBe(door.status);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    for (let again = 0; again < 3; again++) {
      const replayed = await request();
      expect(replayed.status, JSON.stringify(replayed.body)).toBe(door.status);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');
      expect(replayed.body.caseId).toBe(first.body.caseId);
      expect(replayed.headers.get('location')).toBe(first.headers.get('location'));
      expect(replayed.headers.get('caseway-duplicate-of')).toBe(first.headers.get('caseway-duplicate-of'));
      if (door.duplicate) expect(replayed.headers.get('caseway-duplicate-of')).toBe(first.body.caseId);
    }
  });

  it('a joined POST /cases replayed without Prefer: dedup still answers as it did', async () => {
    const requester = `cust-${++n}`;
    expect((await createCase(newCase(requester), `a-${n}`, 'dedup')()).status).toBe(201);
    const body = { ...newCase(requester), subject: 'Printer jams on tray 2!' };
    const joined = await createCase(body, `b-${n}`, 'dedup')();
    expect(joined.status).toBe(200);
    const again = await createCase(body, `b-${n}`)();
    expect(again.status).toBe(200);
    expect(again.headers.get('caseway-duplicate-of')).toBe(joined.body.caseId);
  });
});
