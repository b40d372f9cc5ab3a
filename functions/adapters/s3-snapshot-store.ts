/**
 * The knowledge index object in S3 (the seam: `snapshot-store.ts`). A reader asks with
 * If-None-Match, so an unchanged index costs one GET answered 304 with no body; a writer
 * replaces with If-Match on the entity tag it read (If-None-Match `*` for the first), so
 * of two writers that read the same version only one succeeds and the other reads again.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SnapshotRead, SnapshotStore } from './snapshot-store.js';

/** 412: the object is no longer the one read. 409: another conditional write of the key is in flight; S3 says retry. */
const LOST_RACE = new Set([409, 412]);

const statusOf = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;

export class S3SnapshotStore implements SnapshotStore {
  constructor(
    private readonly bucket: string,
    private readonly key: string,
    private readonly client: Pick<S3Client, 'send'> = new S3Client({}),
  ) {}

  async read(known?: string): Promise<SnapshotRead> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key, ...(known ? { IfNoneMatch: known } : {}) }));
      if (!out.Body || !out.ETag) throw new Error(`s3://${this.bucket}/${this.key}: GetObject answered without a body or an ETag`);
      return { changed: true, snapshot: { body: await out.Body.transformToByteArray(), etag: out.ETag } };
    } catch (error) {
      const status = statusOf(error);
      if (status === 304) return { changed: false };
      // NoSuchKey: no article indexed yet (ListBucket is granted so that S3 says 404, not 403).
      if (status === 404) return { changed: true, snapshot: undefined };
      throw error;
    }
  }

  async replace(body: Uint8Array, expected: string | undefined): Promise<string | undefined> {
    try {
      const out = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          Body: body,
          ContentType: 'application/gzip',
          ...(expected ? { IfMatch: expected } : { IfNoneMatch: '*' }),
        }),
      );
      if (!out.ETag) throw new Error(`s3://${this.bucket}/${this.key}: PutObject answered without an ETag`);
      return out.ETag;
    } catch (error) {
      if (LOST_RACE.has(statusOf(error) ?? 0)) return undefined;
      throw error;
    }
  }
}
