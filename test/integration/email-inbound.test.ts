/**
 * The AWS door of email intake (S3 "Object Created" on EventBridge -> the
 * handler) against DynamoDB Local. S3 is the one boundary replaced: the adapter
 * that reads the stored message returns the raw bytes SES would have stored
 * (its request shape is unit-tested in test/unit/inbound-mail.test.ts).
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rawEmail } from '../support/emails.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eventBridgeEvent } from '../support/bus-events.js';

const stored = new Map<string, Buffer>();
const reads: string[] = [];
vi.mock('#adapters/inbound-mail.js', () => ({
  readRawMail: async (bucket: string, key: string) => {
    reads.push(`${bucket}/${key}`);
    const raw = stored.get(key);
    if (!raw) throw new Error(`NoSuchKey ${key}`);
    return raw;
  },
}));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;
let platform: TestPlatform;
let handler: (event: EventBridgeEvent<'Object Created', unknown>) => Promise<Body>;

beforeAll(async () => {
  platform = await startTestPlatform();
  handler = (await import('#handlers/email-inbound.js')).handler as typeof handler;
});
afterAll(async () => {
  await platform?.stop();
});

const objectCreated = (key: string): EventBridgeEvent<'Object Created', unknown> =>
  // S3 sends keys URL-encoded, spaces as '+'.
  eventBridgeEvent('aws.s3', 'Object Created', {
    version: '0',
    bucket: { name: 'mail-bucket' },
    object: { key: encodeURIComponent(key).replace(/%20/g, '+'), size: 100 },
  });

describe('inbound email from S3', () => {
  it('takes a stored message through intake, once however often the event comes', async () => {
    stored.set(
      'inbound/abc 1',
      Buffer.from(rawEmail({ from: 'Olga <olga@example.org>', subject: 'Heating off in room 12', text: 'It is 14 degrees.' })),
    );
    const first = await handler(objectCreated('inbound/abc 1'));
    expect(first).toMatchObject({ result: { outcome: 'created' }, replayed: false });
    expect(reads.at(-1)).toBe('mail-bucket/inbound/abc 1');
    const again = await handler(objectCreated('inbound/abc 1'));
    expect(again).toMatchObject({ result: { caseId: first.result.caseId }, replayed: true });

    const response = await platform.fetchAs('agent', `/cases/${first.result.caseId}`);
    expect(await response.json()).toMatchObject({ channel: 'email', subject: 'Heating off in room 12', requester: { email: 'olga@example.org' } });
  });

  it('leaves a message intake refuses in the bucket (no retry could help), and throws on what a retry might fix', async () => {
    stored.set('inbound/nosender', Buffer.from('Subject: hi\r\nMessage-ID: <q@x>\r\n\r\nhello\r\n'));
    expect(await handler(objectCreated('inbound/nosender'))).toMatchObject({
      refused: 'The request is not valid.',
      issues: [{ field: 'body.from', rule: 'required' }],
    });
    await expect(handler(objectCreated('inbound/missing'))).rejects.toThrow('NoSuchKey');
  });
});
