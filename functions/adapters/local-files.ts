/**
 * The local file store: objects as files under a directory, every upload a new
 * version (as in a versioned bucket), reached through URLs signed with an HMAC key
 * and an expiry, which the local gateway serves under `/_files/` (a path outside
 * the API's route table, as S3 is outside API Gateway). It holds uploads to the
 * rules S3 holds a presigned PUT to: the signed content type, the exact signed
 * size (never above the signed maximum) and, when signed, the SHA-256 of the bytes.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assertWithinLimit,
  type DownloadRequest,
  type FileStore,
  type PresignedRequest,
  type StoredObject,
  type UploadConstraints,
} from './file-store.js';

/** The path prefix the gateway hands to `serve`. */
export const FILES_PATH_PREFIX = '/_files/';

export interface LocalFileStoreOptions {
  readonly dir: string;
  /** The gateway's base URL, e.g. http://127.0.0.1:3000 */
  readonly baseUrl: string;
  /** Secret of the URL signatures (at least 32 characters). */
  readonly signingKey: string;
  /** The clock, in ms (tests move it). */
  readonly now?: () => number;
}

export interface FileRequest {
  readonly method: string;
  /** Path and query, as received: `/_files/<key>?...`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: AsyncIterable<Uint8Array>;
}

export interface FileResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

interface ObjectMeta extends StoredObject {
  readonly storedAt: string;
}

/** Keys the platform makes: `<class>/<caseId>/<attachmentId>/<uploadId>`. Nothing that could climb out of the directory. */
const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
const VERSION_ID = /^[0-9]{15}-[0-9a-f]{8}$/;

/** The signed parameters of a URL, in signing order. */
const SIGNED_PARAMS = ['op', 'ct', 'len', 'max', 'sha256', 'version', 'name', 'expires'] as const;
type Signed = Partial<Record<(typeof SIGNED_PARAMS)[number], string>>;

export class LocalFileStore implements FileStore {
  private readonly now: () => number;

  constructor(private readonly options: LocalFileStoreOptions) {
    if (options.signingKey.length < 32) throw new Error('The local file store needs a signing key of at least 32 characters');
    this.now = options.now ?? Date.now;
  }

  async presignUpload(constraints: UploadConstraints): Promise<PresignedRequest> {
    assertWithinLimit(constraints);
    const params: Signed = {
      op: 'put',
      ct: constraints.contentType,
      len: String(constraints.size),
      max: String(constraints.maxBytes),
      ...(constraints.sha256 ? { sha256: constraints.sha256 } : {}),
      expires: String(Math.floor(this.now() / 1000) + constraints.expiresInSeconds),
    };
    const checksum = constraints.sha256 ? Buffer.from(constraints.sha256, 'hex').toString('base64') : undefined;
    return {
      method: 'PUT',
      url: this.signedUrl(constraints.key, params),
      headers: { 'content-type': constraints.contentType, ...(checksum ? { 'x-amz-checksum-sha256': checksum } : {}) },
      expiresAt: new Date(Number(params.expires) * 1000).toISOString(),
    };
  }

  async presignDownload(request: DownloadRequest): Promise<PresignedRequest> {
    const params: Signed = {
      op: 'get',
      ct: request.contentType,
      version: request.versionId,
      name: request.fileName,
      expires: String(Math.floor(this.now() / 1000) + request.expiresInSeconds),
    };
    return { method: 'GET', url: this.signedUrl(request.key, params), headers: {}, expiresAt: new Date(Number(params.expires) * 1000).toISOString() };
  }

  async head(key: string, versionId?: string): Promise<StoredObject | undefined> {
    if (!KEY.test(key) || (versionId !== undefined && !VERSION_ID.test(versionId))) return undefined;
    const versions = await this.versionsOf(key);
    const chosen = versionId ?? versions.at(-1);
    if (!chosen || !versions.includes(chosen)) return undefined;
    const { storedAt: _storedAt, ...object } = JSON.parse(await readFile(join(this.objectDir(key), `${chosen}.json`), 'utf8')) as ObjectMeta;
    return object;
  }

  /** Answer a request to a signed URL, as S3 would answer a presigned one. */
  async serve(request: FileRequest): Promise<FileResponse> {
    const url = new URL(request.url, 'http://files.local');
    const key = decodeURIComponent(url.pathname.slice(FILES_PATH_PREFIX.length));
    const params: Signed = Object.fromEntries(
      SIGNED_PARAMS.flatMap((name) => (url.searchParams.has(name) ? [[name, url.searchParams.get(name)!]] : [])),
    );
    const signature = url.searchParams.get('signature') ?? '';
    if (!KEY.test(key) || !this.verify(key, params, signature)) return refusal(403, 'SignatureDoesNotMatch', 'The URL is not one this store signed.');
    if (Number(params.expires) * 1000 < this.now()) return refusal(403, 'AccessDenied', 'The URL has expired.');
    const method = request.method.toUpperCase();
    if (params.op === 'put' && method === 'PUT') return this.receive(key, params, request);
    if (params.op === 'get' && (method === 'GET' || method === 'HEAD')) return this.send(key, params, method);
    return refusal(405, 'MethodNotAllowed', `This URL is for ${params.op === 'put' ? 'PUT' : 'GET'} only.`);
  }

  private async receive(key: string, params: Signed, request: FileRequest): Promise<FileResponse> {
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(',') : value;
    };
    const length = Number(params.len);
    if (length > Number(params.max)) return refusal(400, 'EntityTooLarge', `The signed size ${length} is over the maximum ${params.max}.`);
    if (header('content-type') !== params.ct) return refusal(403, 'SignatureDoesNotMatch', `content-type must be ${params.ct}.`);
    if (header('content-length') !== params.len) return refusal(403, 'SignatureDoesNotMatch', `content-length must be ${params.len}.`);
    const checksum = header('x-amz-checksum-sha256');
    if (checksum !== undefined && (!params.sha256 || checksum !== Buffer.from(params.sha256, 'hex').toString('base64'))) {
      return refusal(403, 'SignatureDoesNotMatch', 'x-amz-checksum-sha256 is not the signed checksum.');
    }

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request.body) {
      size += chunk.length;
      // Never hold more than was signed for.
      if (size > length) return refusal(400, 'IncompleteBody', `The body is longer than the signed ${length} bytes.`);
      chunks.push(Buffer.from(chunk));
    }
    if (size !== length) return refusal(400, 'IncompleteBody', `The body has ${size} bytes, not the signed ${length}.`);
    const bytes = Buffer.concat(chunks);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (params.sha256 && sha256 !== params.sha256) return refusal(400, 'BadDigest', 'The SHA-256 of the body is not the signed one.');

    const versionId = `${String(this.now()).padStart(15, '0')}-${randomBytes(4).toString('hex')}`;
    const dir = this.objectDir(key);
    await mkdir(dir, { recursive: true });
    const meta: ObjectMeta = {
      size,
      contentType: params.ct!,
      versionId,
      ...(params.sha256 ? { sha256 } : {}),
      storedAt: new Date(this.now()).toISOString(),
    };
    // Bytes first, then the metadata that makes the version visible, each renamed into place whole.
    await writeFile(join(dir, `${versionId}.bin.tmp`), bytes);
    await rename(join(dir, `${versionId}.bin.tmp`), join(dir, `${versionId}.bin`));
    await writeFile(join(dir, `${versionId}.json.tmp`), JSON.stringify(meta));
    await rename(join(dir, `${versionId}.json.tmp`), join(dir, `${versionId}.json`));
    return { status: 200, headers: { 'x-amz-version-id': versionId, etag: `"${sha256}"` }, body: Buffer.alloc(0) };
  }

  private async send(key: string, params: Signed, method: string): Promise<FileResponse> {
    const versionId = params.version ?? '';
    const object = await this.head(key, versionId);
    if (!object) return refusal(404, 'NoSuchVersion', 'There is no such object version.');
    const body = method === 'HEAD' ? Buffer.alloc(0) : await readFile(join(this.objectDir(key), `${versionId}.bin`));
    return {
      status: 200,
      headers: {
        'content-type': params.ct ?? object.contentType,
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(params.name ?? 'download')}`,
        'x-amz-version-id': versionId,
        ...(method === 'HEAD' ? { 'content-length': String(object.size) } : {}),
      },
      body,
    };
  }

  private signedUrl(key: string, params: Signed): string {
    const query = new URLSearchParams(Object.entries(params) as [string, string][]);
    query.set('signature', this.signatureOf(key, params));
    return `${this.options.baseUrl}${FILES_PATH_PREFIX}${key.split('/').map(encodeURIComponent).join('/')}?${query.toString()}`;
  }

  private signatureOf(key: string, params: Signed): string {
    const canonical = [key, ...SIGNED_PARAMS.map((name) => `${name}=${params[name] ?? ''}`)].join('\n');
    return createHmac('sha256', this.options.signingKey).update(canonical).digest('base64url');
  }

  private verify(key: string, params: Signed, signature: string): boolean {
    const expected = Buffer.from(this.signatureOf(key, params));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private objectDir(key: string): string {
    return join(this.options.dir, ...key.split('/'));
  }

  private async versionsOf(key: string): Promise<string[]> {
    try {
      const names = await readdir(this.objectDir(key));
      return names
        .filter((n) => n.endsWith('.json'))
        .map((n) => n.slice(0, -'.json'.length))
        .filter((v) => VERSION_ID.test(v))
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw error;
    }
  }
}

function refusal(status: number, code: string, message: string): FileResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ code, message })) };
}
