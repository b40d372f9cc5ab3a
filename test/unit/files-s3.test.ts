/**
 * The S3 file store against the real SDK client and presigner, without a network:
 * presigning is local computation, and HeadObject is caught at the last middleware
 * step before it would leave the process.
 */
import { S3Client, S3ServiceException, type HeadObjectCommandInput } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { contentDisposition } from '#adapters/file-store.js';
import { S3FileStore } from '#adapters/s3-files.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const client = () => new S3Client({ region: 'eu-west-1', credentials, requestChecksumCalculation: 'WHEN_REQUIRED' });
const SHA = 'a'.repeat(64);

function signedHeadersOf(url: string): string[] {
  return (new URL(url).searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
}

describe('presigned upload', () => {
  it('is a PUT to the key in the bucket whose signature covers type, exact length and checksum, and expires as asked', async () => {
    const store = new S3FileStore('caseway-attachments', client());
    const before = Date.now();
    const upload = await store.presignUpload({
      key: 'standard/CASE-2026-000001/a1/u1',
      contentType: 'application/pdf',
      size: 1234,
      maxBytes: 10_000,
      sha256: SHA,
      expiresInSeconds: 900,
    });
    const url = new URL(upload.url);
    expect(upload.method).toBe('PUT');
    expect(url.hostname).toBe('caseway-attachments.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/standard/CASE-2026-000001/a1/u1');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    expect(signedHeadersOf(upload.url)).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host', 'x-amz-checksum-sha256']));
    // The checksum stays a header S3 checks against the body, not a query parameter anyone could drop.
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false);
    // No SDK-computed checksum of an empty body that the real upload could never match.
    expect([...url.searchParams.keys()].filter((k) => /checksum|sdk-checksum/i.test(k))).toEqual([]);
    expect(upload.headers).toEqual({ 'content-type': 'application/pdf', 'x-amz-checksum-sha256': Buffer.from(SHA, 'hex').toString('base64') });
    expect(Date.parse(upload.expiresAt) - before).toBeGreaterThanOrEqual(900_000);
  });

  it('without a declared hash signs type and length only', async () => {
    const upload = await new S3FileStore('b', client()).presignUpload({
      key: 'transient/k',
      contentType: 'image/png',
      size: 5,
      maxBytes: 10,
      expiresInSeconds: 60,
    });
    expect(signedHeadersOf(upload.url).sort()).toEqual(['content-length', 'content-type', 'host']);
    expect(upload.headers).toEqual({ 'content-type': 'image/png' });
  });

  it('refuses to sign a size over the limit, or an empty file', async () => {
    const store = new S3FileStore('b', client());
    await expect(store.presignUpload({ key: 'k', contentType: 'image/png', size: 11, maxBytes: 10, expiresInSeconds: 60 })).rejects.toThrow(
      RangeError,
    );
    await expect(store.presignUpload({ key: 'k', contentType: 'image/png', size: 0, maxBytes: 10, expiresInSeconds: 60 })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('presigned download', () => {
  it('names the exact object version, and the name and type the browser gets', async () => {
    const download = await new S3FileStore('caseway-attachments', client()).presignDownload({
      key: 'legal/CASE-2026-000001/a1/u1',
      versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY',
      fileName: 'Schaden "Küche".pdf',
      contentType: 'application/pdf',
      expiresInSeconds: 300,
    });
    const url = new URL(download.url);
    expect(download.method).toBe('GET');
    expect(url.pathname).toBe('/legal/CASE-2026-000001/a1/u1');
    expect(url.searchParams.get('versionId')).toBe('3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY');
    expect(url.searchParams.get('response-content-type')).toBe('application/pdf');
    expect(url.searchParams.get('response-content-disposition')).toBe(contentDisposition('Schaden "Küche".pdf'));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
  });

  it('offers an ASCII name beside the UTF-8 one', () => {
    expect(contentDisposition('Schaden "Küche".pdf')).toBe(
      `attachment; filename="Schaden _K_che_.pdf"; filename*=UTF-8''Schaden%20%22K%C3%BCche%22.pdf`,
    );
  });
});

describe('head', () => {
  /** A client whose requests stop just before the wire, answering what `answer` says. */
  function capturing(answer: () => unknown) {
    const s3 = client();
    const seen: HeadObjectCommandInput[] = [];
    s3.middlewareStack.add(
      (_next, context) => async (args) => {
        seen.push(args.input as HeadObjectCommandInput);
        if (context.commandName !== 'HeadObjectCommand') throw new Error(`unexpected ${context.commandName}`);
        return { output: answer(), response: {} } as never;
      },
      { step: 'initialize', name: 'stopBeforeTheWire' },
    );
    return { s3, seen };
  }

  it('asks for the object with its checksum, and reads size, type, version and hash', async () => {
    const { s3, seen } = capturing(() => ({
      $metadata: {},
      ContentLength: 1234,
      ContentType: 'application/pdf',
      VersionId: 'v-1',
      ChecksumSHA256: Buffer.from(SHA, 'hex').toString('base64'),
    }));
    const object = await new S3FileStore('caseway-attachments', s3).head('standard/k');
    expect(seen).toEqual([{ Bucket: 'caseway-attachments', Key: 'standard/k', ChecksumMode: 'ENABLED' }]);
    expect(object).toEqual({ size: 1234, contentType: 'application/pdf', versionId: 'v-1', sha256: SHA });
  });

  it('names a version when asked', async () => {
    const { s3, seen } = capturing(() => ({ $metadata: {}, ContentLength: 1, ContentType: 'text/plain', VersionId: 'v-2' }));
    await new S3FileStore('b', s3).head('k', 'v-2');
    expect(seen[0]).toMatchObject({ VersionId: 'v-2' });
  });

  it('is undefined for a key that holds nothing (404), and rethrows anything else', async () => {
    const missing = capturing(() => {
      throw new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 } });
    });
    expect(await new S3FileStore('b', missing.s3).head('k')).toBeUndefined();
    const denied = capturing(() => {
      throw new S3ServiceException({ name: 'Forbidden', $fault: 'client', $metadata: { httpStatusCode: 403 } });
    });
    await expect(new S3FileStore('b', denied.s3).head('k')).rejects.toThrow(S3ServiceException);
  });
});
