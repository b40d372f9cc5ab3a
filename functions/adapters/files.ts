/**
 * The file-store seam: attachments are uploaded and downloaded through short-lived
 * signed URLs, straight between the client and the store, never through a Lambda
 * (API Gateway takes 10 MB, a synchronous Lambda 6 MB). S3 in AWS, files on disk
 * locally (`local-files.ts`, served by the local gateway); chosen at cold start
 * from configuration alone.
 *
 * Why a presigned PUT and not a presigned POST: the PUT's signature covers
 * `content-type`, `content-length` and `x-amz-checksum-sha256`, so S3 refuses any
 * upload whose type, exact size (not just a range) or bytes differ from what the
 * API validated, and S3 itself verifies the hash. A POST policy enforces a
 * `content-length-range` and a type condition but no checksum, needs another SDK
 * package, and takes a multipart form instead of the file as the body. The
 * completion step checks the stored object once more (`head`) either way.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from '../config.js';
import { LocalFileStore } from './local-files.js';

export interface UploadConstraints {
  /** Where the object goes. */
  readonly key: string;
  readonly contentType: string;
  /** The exact size the upload must have, in bytes. */
  readonly size: number;
  /** Refused (RangeError) above this, before anything is signed. */
  readonly maxBytes: number;
  /** Hex SHA-256 of the content, when the client declared it: the store verifies it. */
  readonly sha256?: string;
  readonly expiresInSeconds: number;
}

export interface DownloadRequest {
  readonly key: string;
  /** The stored version to serve: never "whatever is current". */
  readonly versionId: string;
  /** Offered to the browser as the download's name. */
  readonly fileName: string;
  readonly contentType: string;
  readonly expiresInSeconds: number;
}

/** A request the client makes itself, exactly as given. */
export interface PresignedRequest {
  readonly method: 'PUT' | 'GET';
  readonly url: string;
  /** Headers the request must carry (signed: other values are refused). */
  readonly headers: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

/** What the store holds under a key. */
export interface StoredObject {
  readonly size: number;
  readonly contentType: string;
  /** The store's id of this version of the object: downloads name it. */
  readonly versionId: string;
  /** Hex SHA-256, when the upload carried one. */
  readonly sha256?: string;
}

export interface FileStore {
  presignUpload(constraints: UploadConstraints): Promise<PresignedRequest>;
  presignDownload(request: DownloadRequest): Promise<PresignedRequest>;
  /** The current version under `key` (or the named one); undefined if there is none. */
  head(key: string, versionId?: string): Promise<StoredObject | undefined>;
}

export const hexToBase64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
export const base64ToHex = (base64: string): string => Buffer.from(base64, 'base64').toString('hex');

/** `attachment; filename=...` with the name in both the plain and the RFC 6266 UTF-8 form. */
export function contentDisposition(fileName: string): string {
  const plain = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function assertWithinLimit(constraints: UploadConstraints): void {
  if (!Number.isInteger(constraints.size) || constraints.size < 1 || constraints.size > constraints.maxBytes) {
    throw new RangeError(`An upload must be 1 to ${constraints.maxBytes} bytes, not ${constraints.size}`);
  }
}

export class S3FileStore implements FileStore {
  constructor(
    private readonly bucket: string,
    // Presigned URLs cannot carry a checksum the SDK computes over a body it never sees:
    // only ask for one when the request needs it (ours is the client's SHA-256, signed).
    private readonly client: S3Client = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }),
  ) {}

  async presignUpload(constraints: UploadConstraints): Promise<PresignedRequest> {
    assertWithinLimit(constraints);
    const checksum = constraints.sha256 ? hexToBase64(constraints.sha256) : undefined;
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: constraints.key,
      ContentType: constraints.contentType,
      ContentLength: constraints.size,
      ...(checksum ? { ChecksumSHA256: checksum } : {}),
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: constraints.expiresInSeconds,
      // The presigner leaves these out of the signature by default; signed, S3 enforces them.
      signableHeaders: new Set(['content-type', 'content-length']),
      // Kept as a header (not hoisted into the query) so S3 checks the body against it.
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    });
    return {
      method: 'PUT',
      url,
      headers: { 'content-type': constraints.contentType, ...(checksum ? { 'x-amz-checksum-sha256': checksum } : {}) },
      expiresAt: expiresAt(constraints.expiresInSeconds),
    };
  }

  async presignDownload(request: DownloadRequest): Promise<PresignedRequest> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: request.key,
      VersionId: request.versionId,
      ResponseContentType: request.contentType,
      ResponseContentDisposition: contentDisposition(request.fileName),
    });
    const url = await getSignedUrl(this.client, command, { expiresIn: request.expiresInSeconds });
    return { method: 'GET', url, headers: {}, expiresAt: expiresAt(request.expiresInSeconds) };
  }

  async head(key: string, versionId?: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}), ChecksumMode: 'ENABLED' }),
      );
      return {
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? 'application/octet-stream',
        // A versioned bucket always answers one; "null" is what S3 calls an unversioned object.
        versionId: out.VersionId ?? 'null',
        ...(out.ChecksumSHA256 ? { sha256: base64ToHex(out.ChecksumSHA256) } : {}),
      };
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
      throw error;
    }
  }
}

const expiresAt = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

let store: FileStore | undefined;

/** The store configuration names: files on disk behind the local gateway, or the S3 bucket. */
export function fileStore(): FileStore {
  if (store) return store;
  const { FILES_DIR, FILES_BASE_URL, FILES_SIGNING_KEY, ATTACHMENTS_BUCKET } = config();
  if (FILES_DIR) {
    if (!FILES_BASE_URL || !FILES_SIGNING_KEY) throw new Error('Caseway configuration is invalid: FILES_DIR needs FILES_BASE_URL and FILES_SIGNING_KEY');
    store = new LocalFileStore({ dir: FILES_DIR, baseUrl: FILES_BASE_URL, signingKey: FILES_SIGNING_KEY });
  } else if (ATTACHMENTS_BUCKET) {
    store = new S3FileStore(ATTACHMENTS_BUCKET);
  } else {
    throw new Error('Caseway configuration is invalid: attachments need ATTACHMENTS_BUCKET (AWS) or FILES_DIR (local)');
  }
  return store;
}
