/**
 * The local file store on a real directory: it must hold signed URLs to the rules
 * S3 holds presigned ones to (signature, expiry, signed type, exact size, checksum)
 * and keep every upload as a version.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFileStore, type FileRequest } from '#adapters/local-files.js';

const BASE = 'http://127.0.0.1:3000';
let dir: string;
let clock: number;
let store: LocalFileStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'caseway-files-test-'));
  clock = Date.parse('2026-11-27T10:00:00Z');
  store = new LocalFileStore({ dir, baseUrl: BASE, signingKey: 'k'.repeat(40), now: () => clock });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function* chunks(bytes: Uint8Array) {
  yield bytes;
}

/** The request the gateway would hand the store for `fetch(url, {method, headers, body})`. */
function request(method: string, url: string, headers: Record<string, string>, body: Uint8Array = Buffer.alloc(0)): FileRequest {
  const { pathname, search } = new URL(url);
  return { method, url: pathname + search, headers: { 'content-length': String(body.length), ...headers }, body: chunks(body) };
}

async function upload(bytes: Buffer, options: { key?: string; contentType?: string; sha?: boolean } = {}) {
  const granted = await store.presignUpload({
    key: options.key ?? 'standard/CASE-2026-000001/a1/u1',
    contentType: options.contentType ?? 'text/plain',
    size: bytes.length,
    maxBytes: 1000,
    ...(options.sha ? { sha256: sha256(bytes) } : {}),
    expiresInSeconds: 60,
  });
  return granted;
}

describe('signed uploads', () => {
  it('store exactly the signed file, and head reports it', async () => {
    const bytes = Buffer.from('hello attachments');
    const granted = await upload(bytes, { sha: true });
    expect(granted.url.startsWith(`${BASE}/_files/standard/CASE-2026-000001/a1/u1?`)).toBe(true);
    const answer = await store.serve(request('PUT', granted.url, granted.headers, bytes));
    expect(answer.status).toBe(200);
    const versionId = answer.headers['x-amz-version-id'];
    expect(await store.head('standard/CASE-2026-000001/a1/u1')).toEqual({
      size: bytes.length,
      contentType: 'text/plain',
      versionId,
      sha256: sha256(bytes),
    });
  });

  it('refuse a tampered URL: any signed parameter, the key, or the signature itself', async () => {
    const bytes = Buffer.from('twelve bytes');
    const granted = await upload(bytes);
    const tamperings = [
      granted.url.replace('ct=text%2Fplain', 'ct=text%2Fcsv'),
      granted.url.replace(/len=\d+/, 'len=13'),
      granted.url.replace(/max=\d+/, 'max=99999'),
      granted.url.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 3600}`),
      granted.url.replace('/a1/u1', '/a1/u2'),
      granted.url.replace(/signature=[^&]+/, 'signature=AAAA'),
      granted.url.replace(/&signature=[^&]+/, ''),
    ];
    for (const url of tamperings) {
      const answer = await store.serve(request('PUT', url, { 'content-type': 'text/plain' }, bytes));
      expect(answer.status, url).toBe(403);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuse an expired URL', async () => {
    const bytes = Buffer.from('late');
    const granted = await upload(bytes);
    clock += 61_000;
    const answer = await store.serve(request('PUT', granted.url, granted.headers, bytes));
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body.toString())).toMatchObject({ code: 'AccessDenied' });
  });

  it('refuse another type, another declared length, a body longer or shorter than signed, and other bytes than the signed hash', async () => {
    const bytes = Buffer.from('exact');
    const granted = await upload(bytes, { sha: true });
    const put = (headers: Record<string, string>, body: Buffer) => store.serve(request('PUT', granted.url, headers, body));
    expect((await put({ ...granted.headers, 'content-type': 'text/csv' }, bytes)).status).toBe(403);
    expect((await put(granted.headers, Buffer.from('exact!'))).status).toBe(403);
    // A client that lies in content-length: the body itself is counted.
    expect(
      (
        await store.serve({
          ...request('PUT', granted.url, granted.headers),
          headers: { ...granted.headers, 'content-length': '5' },
          body: chunks(Buffer.from('exactly too long')),
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await store.serve({
          ...request('PUT', granted.url, granted.headers),
          headers: { ...granted.headers, 'content-length': '5' },
          body: chunks(Buffer.from('exa')),
        })
      ).status,
    ).toBe(400);
    expect((await put(granted.headers, Buffer.from('EXACT'))).status).toBe(400);
    expect(await store.head('standard/CASE-2026-000001/a1/u1')).toBeUndefined();
  });

  it('refuse to sign anything over the maximum or empty', async () => {
    await expect(store.presignUpload({ key: 'k', contentType: 'text/plain', size: 1001, maxBytes: 1000, expiresInSeconds: 60 })).rejects.toThrow(
      RangeError,
    );
    await expect(store.presignUpload({ key: 'k', contentType: 'text/plain', size: 0, maxBytes: 1000, expiresInSeconds: 60 })).rejects.toThrow(
      RangeError,
    );
  });

  it('are for PUT only', async () => {
    const granted = await upload(Buffer.from('x'));
    expect((await store.serve(request('GET', granted.url, {}))).status).toBe(405);
  });
});

describe('versions and downloads', () => {
  it('keep every upload to a key as a version, each downloadable by its id', async () => {
    const first = Buffer.from('first');
    const second = Buffer.from('second!');
    const one = await store.serve(request('PUT', (await upload(first)).url, { 'content-type': 'text/plain' }, first));
    clock += 1000;
    const two = await store.serve(request('PUT', (await upload(second)).url, { 'content-type': 'text/plain' }, second));
    const [v1, v2] = [one.headers['x-amz-version-id']!, two.headers['x-amz-version-id']!];
    expect(v1).not.toBe(v2);
    expect((await store.head('standard/CASE-2026-000001/a1/u1'))?.versionId).toBe(v2);
    expect((await store.head('standard/CASE-2026-000001/a1/u1', v1))?.size).toBe(first.length);

    const download = await store.presignDownload({
      key: 'standard/CASE-2026-000001/a1/u1',
      versionId: v1,
      fileName: 'Ärger.txt',
      contentType: 'text/plain',
      expiresInSeconds: 60,
    });
    const answer = await store.serve(request('GET', download.url, {}));
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe('first');
    expect(answer.headers['content-disposition']).toBe(`attachment; filename*=UTF-8''%C3%84rger.txt`);
    expect((await store.serve(request('GET', download.url.replace(v1, v2), {}))).status).toBe(403);
    clock += 61_000;
    expect((await store.serve(request('GET', download.url, {}))).status).toBe(403);
  });

  it('never reach outside the directory', async () => {
    expect(await store.head('../../etc/passwd')).toBeUndefined();
    expect(await store.head('standard/k', '../../x')).toBeUndefined();
    const answer = await store.serve(request('GET', `${BASE}/_files/..%2F..%2Fetc%2Fpasswd?op=get&signature=x`, {}));
    expect(answer.status).toBe(403);
  });
});
