/** Attachments in S3 behind presigned PUT and GET URLs (the seam and why PUT: `file-store.ts`). */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  hexToBase64,
  base64ToHex,
  contentDisposition,
  assertWithinLimit,
  type UploadConstraints,
  type DownloadRequest,
  type PresignedRequest,
  type StoredObject,
  type FileStore,
} from './file-store.js';

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
