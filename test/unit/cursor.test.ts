/**
 * Sealed listing cursors: they round-trip for their own query, reveal nothing of
 * the positions they hold, and every cursor that is not exactly one this API sealed
 * for this query (garbage, tampered with, for another query, expired, or sealed
 * with another key) is a 400 naming `query.cursor`, never anything else; and the
 * key, from Secrets Manager (request shape) or the local key file.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CURSOR_LIFETIME_SECONDS, decodeCursor, encodeCursor, queryDigest, type CursorState } from '#adapters/dynamodb/cursor.js';
import { AdjustableClock, systemClock, useClock } from '#adapters/clock.js';
import { cursorKeyFrom, fetchSecretText, useCursorSecret } from '#adapters/cursor-key.js';
import { DomainError } from '#core/errors.js';
import { cursorKeyFor } from '#lib/local/cursor-key-file.js';
import { SetupError } from '#lib/local/errors.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const clock = new AdjustableClock(Date.now);
beforeAll(() => {
  useCursorSecret(SECRET);
  useClock(clock);
});
afterAll(() => {
  useCursorSecret(undefined);
  useClock(systemClock);
});

const digest = queryDigest({ list: 'cases', statuses: ['new'] });
const partitions = ['STATUS#new#0', 'STATUS#new#1'];
const HIDDEN = {
  'STATUS#new#0': { s: '2026-11-30T10:00:00.000Z#CASE-2026-000042', id: 'CASE-2026-000042' },
  'STATUS#new#1': null,
} satisfies CursorState;

/** Seal any payload in the cursor layout (version | IV | ciphertext | tag), as only a holder of the key could. */
function sealRaw(payload: unknown, secret = SECRET, version = 1): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', cursorKeyFrom(secret), iv);
  cipher.setAAD(Buffer.from([version]));
  const body = Buffer.concat([cipher.update(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([version]), iv, body, cipher.getAuthTag()]).toString('base64url');
}

async function rejection(cursor: string, forDigest = digest) {
  try {
    await decodeCursor(cursor, forDigest, partitions);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return undefined;
}

describe('cursors', () => {
  it('still open a cursor issued before they were deflated (version 1)', async () => {
    expect(await decodeCursor(sealRaw({ q: digest, t: Math.floor(Date.now() / 1000), p: HIDDEN }), digest, partitions)).toEqual(HIDDEN);
  });

  it('stay short enough for a URL over a hundred shards (four statuses at 10,000 creates a second)', async () => {
    const shards = Array.from({ length: 100 }, (_, i) => `STATUS#${['new', 'open', 'pending', 'solved'][i % 4]}#${Math.floor(i / 4)}`);
    const state = Object.fromEntries(
      shards.map((p, i) => {
        const id = `CASE-2026-${String(400_000 + i * 37).padStart(6, '0')}`;
        return [p, { s: `2026-12-03T22:${String(i % 60).padStart(2, '0')}:0${i % 10}.${String(i * 7).padStart(3, '0')}Z#${id}`, id }];
      }),
    );
    const cursor = await encodeCursor(digest, state);
    expect(await decodeCursor(cursor, digest, shards)).toEqual(state);
    expect(JSON.stringify(state).length).toBeGreaterThan(9000);
    // 9,161 characters of state; sealed without deflating it would be over 12,000.
    expect(cursor.length).toBeLessThan(2500);
  });

  it('round-trip positions for their own query', async () => {
    expect(await decodeCursor(await encodeCursor(digest, HIDDEN), digest, partitions)).toEqual(HIDDEN);
  });

  it('hide the positions they hold: decoding one as a client could shows neither the case id nor its time', async () => {
    const cursor = await encodeCursor(digest, HIDDEN);
    for (const view of [
      cursor,
      Buffer.from(cursor, 'base64url').toString('utf8'),
      Buffer.from(cursor, 'base64url').toString('latin1'),
      Buffer.from(cursor, 'base64url').toString('hex'),
    ]) {
      expect(view).not.toContain('CASE-2026-000042');
      expect(view).not.toContain('2026-11-30');
      expect(view).not.toContain('STATUS#');
    }
    // A fresh IV each time: the same state never seals to the same cursor, so equal positions cannot be matched up.
    expect(await encodeCursor(digest, HIDDEN)).not.toBe(cursor);
  });

  it.each([
    ['garbage', () => 'not-a-cursor!'],
    ['valid base64 of non-JSON', () => Buffer.from('hello').toString('base64url')],
    ['an unsealed cursor of the old format', () => Buffer.from(JSON.stringify({ v: 1, q: digest, p: HIDDEN })).toString('base64url')],
    ['a sealed non-JSON payload', () => sealRaw('hello')],
    ['sealed extra fields', () => sealRaw({ q: digest, t: Math.floor(Date.now() / 1000), p: {}, x: 1 })],
    ['a sealed foreign partition', () => sealRaw({ q: digest, t: Math.floor(Date.now() / 1000), p: { 'STATUS#closed#0': null } })],
    ['a sealed empty key value', () => sealRaw({ q: digest, t: Math.floor(Date.now() / 1000), p: { 'STATUS#new#0': { s: '' } } })],
    ['a sealed oversized key value', () => sealRaw({ q: digest, t: Math.floor(Date.now() / 1000), p: { 'STATUS#new#0': { s: 'é'.repeat(600) } } })],
    [
      'a sealed position naming no case',
      () => sealRaw({ q: digest, t: Math.floor(Date.now() / 1000), p: { 'STATUS#new#0': { s: '2026#x', id: 'nobody' } } }),
    ],
    [
      'a cursor sealed with another key',
      () => sealRaw({ q: digest, t: Math.floor(Date.now() / 1000), p: HIDDEN }, 'another-secret-of-at-least-thirty-two-chars'),
    ],
    ['a cursor of an unknown version', () => sealRaw({ q: digest, t: Math.floor(Date.now() / 1000), p: HIDDEN }, SECRET, 3)],
    ['a version 2 cursor whose sealed state is not deflated', () => sealRaw({ q: digest, t: Math.floor(Date.now() / 1000), p: HIDDEN }, SECRET, 2)],
    ['a cursor with characters base64url skips', () => `${sealRaw({ q: digest, t: Math.floor(Date.now() / 1000), p: HIDDEN })}!`],
  ])('reject %s as a 400 naming the cursor', async (_name, make) => {
    const error = await rejection(make());
    expect(error?.issues[0]).toMatchObject({ field: 'query.cursor', rule: 'invalid_cursor' });
  });

  it('accept what sealRaw seals, so the rejections above are for their content, not the layout', async () => {
    expect(await decodeCursor(sealRaw({ q: digest, t: Math.floor(Date.now() / 1000), p: HIDDEN }), digest, partitions)).toEqual(HIDDEN);
  });

  it('reject a cursor of another query, saying so', async () => {
    const error = await rejection(await encodeCursor(queryDigest({ other: true }), {}));
    expect(error?.issues[0]).toMatchObject({ field: 'query.cursor', rule: 'invalid_cursor', message: expect.stringMatching(/different query/) });
  });

  it('expire a day after they were issued', async () => {
    const cursor = await encodeCursor(digest, HIDDEN);
    clock.advance((CURSOR_LIFETIME_SECONDS - 60) * 1000);
    expect(await decodeCursor(cursor, digest, partitions)).toEqual(HIDDEN);
    clock.advance(120 * 1000);
    expect((await rejection(cursor))?.issues[0]).toMatchObject({
      field: 'query.cursor',
      rule: 'invalid_cursor',
      message: expect.stringMatching(/expired/),
    });
  });

  it('reject every cursor with any bit of its bytes flipped, any character changed, or cut short (property)', async () => {
    const cursor = await encodeCursor(digest, HIDDEN);
    const bytes = Buffer.from(cursor, 'base64url');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ kind: fc.constant('bit' as const), at: fc.nat(bytes.length - 1), bit: fc.nat(7) }),
          fc.record({ kind: fc.constant('char' as const), at: fc.nat(cursor.length - 1), to: fc.constantFrom(...alphabet) }),
          fc.record({ kind: fc.constant('cut' as const), at: fc.nat(cursor.length - 1) }),
        ),
        async (change) => {
          let tampered: string;
          if (change.kind === 'bit') {
            const copy = Buffer.from(bytes);
            copy[change.at]! ^= 1 << change.bit;
            tampered = copy.toString('base64url');
          } else if (change.kind === 'char') {
            fc.pre(cursor[change.at] !== change.to);
            tampered = cursor.slice(0, change.at) + change.to + cursor.slice(change.at + 1);
          } else {
            tampered = cursor.slice(0, change.at);
          }
          const error = await rejection(tampered);
          expect(error?.issues[0]).toMatchObject({ field: 'query.cursor', rule: 'invalid_cursor' });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reject any cursor sealed for another query (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), async (mine, theirs) => {
        fc.pre(JSON.stringify(mine) !== JSON.stringify(theirs));
        const error = await rejection(await encodeCursor(queryDigest(theirs), HIDDEN), queryDigest(mine));
        expect(error?.issues[0]).toMatchObject({ field: 'query.cursor', rule: 'invalid_cursor' });
      }),
      { numRuns: 200 },
    );
  });

  it('reject any string that is not a cursor (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 300 }),
          fc.base64String({ minLength: 1, maxLength: 300 }),
          fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b).toString('base64url')),
        ),
        async (text) => {
          const error = await rejection(text);
          expect(error?.issues[0]).toMatchObject({ field: 'query.cursor', rule: 'invalid_cursor' });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the cursor key from Secrets Manager', () => {
  const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CasewayCursorKey-AbCdEf';
  function intercepted(answer: (command: unknown) => unknown) {
    const client = new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const sent: unknown[] = [];
    client.send = (async (command: unknown) => {
      sent.push(command);
      return answer(command);
    }) as SecretsManagerClient['send'];
    return { client, sent };
  }

  it('is read with one GetSecretValue naming the secret, and derives the same key as the value given directly', async () => {
    const { client, sent } = intercepted(() => ({ SecretString: SECRET, ARN, Name: 'CasewayCursorKey' }));
    const text = await fetchSecretText(ARN, client);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(GetSecretValueCommand);
    expect((sent[0] as GetSecretValueCommand).input).toEqual({ SecretId: ARN });
    expect(cursorKeyFrom(text)).toEqual(cursorKeyFrom(SECRET));
    expect(cursorKeyFrom(SECRET)).toHaveLength(32);
  });

  it('refuses a secret with no text or too little of it', async () => {
    await expect(fetchSecretText(ARN, intercepted(() => ({ SecretBinary: new Uint8Array(32) })).client)).rejects.toThrow(/at least 32 characters/);
    await expect(fetchSecretText(ARN, intercepted(() => ({ SecretString: 'short' })).client)).rejects.toThrow(/at least 32 characters/);
  });
});

describe('the local key file', () => {
  it('is made once in the data directory, private, and read back on the next start: a cursor survives the restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caseway-cursor-key-'));
    try {
      const first = cursorKeyFor(dir);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(join(dir, 'cursor-key')).mode & 0o777).toBe(0o600);
      useCursorSecret(first);
      const cursor = await encodeCursor(digest, HIDDEN);
      // The next start: the same file, so the same key.
      useCursorSecret(cursorKeyFor(dir));
      expect(await decodeCursor(cursor, digest, partitions)).toEqual(HIDDEN);
      // In memory, every start has a key of its own, and the old cursor is refused.
      useCursorSecret(cursorKeyFor(undefined));
      expect((await rejection(cursor))?.issues[0]).toMatchObject({ field: 'query.cursor', rule: 'invalid_cursor' });
    } finally {
      useCursorSecret(SECRET);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what to do when the file is not a key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'caseway-cursor-key-'));
    try {
      writeFileSync(join(dir, 'cursor-key'), 'not a key\n');
      expect(() => cursorKeyFor(dir)).toThrow(SetupError);
      expect(() => cursorKeyFor(dir)).toThrow(/delete it to make a new one/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the cursor key from configuration', () => {
  const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CasewayCursorKey-AbCdEf';
  /** A cold start with this environment: fresh modules, so configuration is read again. */
  async function coldStart(env: Record<string, string>) {
    const saved = { ...process.env };
    for (const name of ['CURSOR_KEY', 'CURSOR_KEY_SECRET_ARN']) delete process.env[name];
    Object.assign(process.env, { TABLE_NAME: 'caseway-test' }, env);
    vi.resetModules();
    try {
      const fresh = (await import('#adapters/cursor-key.js')) as typeof import('#adapters/cursor-key.js');
      return await fresh.cursorKey();
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  }

  it('takes CURSOR_KEY as the secret text', async () => {
    expect(await coldStart({ CURSOR_KEY: SECRET })).toEqual(cursorKeyFrom(SECRET));
  });

  it('refuses both sources at once, and neither, naming the settings', async () => {
    await expect(coldStart({ CURSOR_KEY: SECRET, CURSOR_KEY_SECRET_ARN: ARN })).rejects.toThrow(
      /CURSOR_KEY: set CURSOR_KEY or CURSOR_KEY_SECRET_ARN, not both/,
    );
    await expect(coldStart({})).rejects.toThrow(/neither CURSOR_KEY nor CURSOR_KEY_SECRET_ARN/);
    await expect(coldStart({ CURSOR_KEY: 'too short' })).rejects.toThrow(/CURSOR_KEY/);
  });
});
