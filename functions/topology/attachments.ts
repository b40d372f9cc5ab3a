/**
 * Attachments as topology: the retention classes (read by the CDK `Attachments`
 * construct, which turns each into S3 lifecycle rules on the class's key prefix,
 * and by the API, which validates `retentionClass` against the same names) and the
 * limits every upload is held to in both modes. Pure data: no CDK or AWS imports.
 */

/** S3 storage classes a retention class may move objects to (CDK `StorageClass` values). */
export type ArchiveStorageClass = 'STANDARD_IA' | 'INTELLIGENT_TIERING' | 'GLACIER_IR' | 'GLACIER' | 'DEEP_ARCHIVE';

export interface RetentionClass {
  readonly description: string;
  /** Move current objects to cheaper storage after so many days. */
  readonly transitions: readonly { readonly storageClass: ArchiveStorageClass; readonly afterDays: number }[];
  /** Delete current objects (they become noncurrent versions) after so many days. */
  readonly expireAfterDays: number;
  /**
   * Delete versions so many days after they stop being current. A confirmed upload is
   * only made noncurrent by a replay of its own presigned URL, so this is the class's
   * full retention: no replay can shorten how long the confirmed bytes are kept.
   */
  readonly noncurrentExpireAfterDays: number;
}

export const RETENTION_CLASSES = {
  transient: {
    description: 'Screenshots and logs needed while the case is worked: kept 90 days',
    transitions: [],
    expireAfterDays: 90,
    noncurrentExpireAfterDays: 90,
  },
  standard: {
    description: 'Ordinary case evidence: infrequent-access storage after 30 days, kept 3 years',
    transitions: [{ storageClass: 'STANDARD_IA', afterDays: 30 }],
    expireAfterDays: 3 * 365,
    noncurrentExpireAfterDays: 3 * 365,
  },
  legal: {
    description: 'Records under a legal or regulatory hold: Glacier Instant Retrieval after 90 days, kept 10 years',
    transitions: [
      { storageClass: 'STANDARD_IA', afterDays: 30 },
      { storageClass: 'GLACIER_IR', afterDays: 90 },
    ],
    expireAfterDays: 10 * 365,
    noncurrentExpireAfterDays: 10 * 365,
  },
} as const satisfies Record<string, RetentionClass>;

export type RetentionClassName = keyof typeof RETENTION_CLASSES;
export const RETENTION_CLASS_NAMES = Object.keys(RETENTION_CLASSES) as [RetentionClassName, ...RetentionClassName[]];
export const DEFAULT_RETENTION_CLASS: RetentionClassName = 'standard';

/** Every object of a class sits under this key prefix: lifecycle rules filter on it. */
export const retentionPrefix = (retentionClass: RetentionClassName): string => `${retentionClass}/`;

export const ATTACHMENT_LIMITS = {
  /** Largest file, in bytes (25 MiB: what mail systems pass, and a single PUT takes easily). */
  maxBytes: 25 * 1024 * 1024,
  /** Media types an upload may declare; anything else is refused before a URL is signed. */
  contentTypes: [
    'application/pdf',
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/webp',
    'text/plain',
    'text/csv',
    'application/json',
    'application/zip',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'message/rfc822',
  ],
  /** How long an upload URL works. */
  uploadUrlSeconds: 15 * 60,
  /** How long a download URL works. */
  downloadUrlSeconds: 5 * 60,
  /** Versions per attachment: they live in one item, which DynamoDB caps at 400 KB. */
  maxVersions: 100,
} as const;

/** Browser uploads and downloads go straight to the bucket: these are what the presigned requests carry. */
export const UPLOAD_CORS = {
  allowedMethods: ['PUT', 'GET', 'HEAD'],
  allowedHeaders: ['content-type', 'content-length', 'x-amz-checksum-sha256'],
  exposedHeaders: ['etag', 'x-amz-version-id'],
} as const;
