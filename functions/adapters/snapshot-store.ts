/**
 * The seam under the stored knowledge index (`stored-search.ts`): one object, read only
 * when it changed and replaced only if nobody replaced it since it was read. S3 in AWS
 * (`s3-snapshot-store.ts`: GetObject with If-None-Match, PutObject with If-Match), a file
 * locally (`local-snapshot-store.ts`), chosen at cold start from configuration. The
 * entity tag is the store's own: opaque, compared only for equality.
 */
export interface Snapshot {
  readonly body: Uint8Array;
  readonly etag: string;
}

/** `changed: false`: still the object of the entity tag given; `snapshot` undefined: there is none. */
export type SnapshotRead = { readonly changed: false } | { readonly changed: true; readonly snapshot: Snapshot | undefined };

export interface SnapshotStore {
  /** The object, unless it is still the one tagged `known`. */
  read(known?: string): Promise<SnapshotRead>;
  /**
   * Replace the object if it is still the one tagged `expected` (undefined: only if there is
   * none). The new entity tag; undefined when another writer came first (nothing written).
   */
  replace(body: Uint8Array, expected: string | undefined): Promise<string | undefined>;
}
