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
