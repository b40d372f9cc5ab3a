/**
 * Which file store this process uses, chosen at cold start from configuration alone:
 * files on disk behind the local gateway, or the S3 bucket (the seam: `file-store.ts`).
 */
import { config } from '../config.js';
import type { FileStore } from './file-store.js';
import { LocalFileStore } from './local-files.js';
import { S3FileStore } from './s3-files.js';

let store: FileStore | undefined;

/** The store configuration names: files on disk behind the local gateway, or the S3 bucket. */
export function fileStore(): FileStore {
  if (store) return store;
  const { FILES_DIR, FILES_BASE_URL, FILES_SIGNING_KEY, ATTACHMENTS_BUCKET } = config();
  if (FILES_DIR) {
    if (!FILES_BASE_URL || !FILES_SIGNING_KEY)
      throw new Error('Caseway configuration is invalid: FILES_DIR needs FILES_BASE_URL and FILES_SIGNING_KEY');
    store = new LocalFileStore({ dir: FILES_DIR, baseUrl: FILES_BASE_URL, signingKey: FILES_SIGNING_KEY });
  } else if (ATTACHMENTS_BUCKET) {
    store = new S3FileStore(ATTACHMENTS_BUCKET);
  } else {
    throw new Error('Caseway configuration is invalid: attachments need ATTACHMENTS_BUCKET (AWS) or FILES_DIR (local)');
  }
  return store;
}
