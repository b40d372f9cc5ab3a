/**
 * The knowledge index object as a file (the seam: `snapshot-store.ts`), with S3's
 * conditional semantics: the entity tag is the content's SHA-256, and a replace compares
 * and writes under a lock file (created exclusively), so writers in several processes
 * race as they would on S3. The file itself is replaced by rename: a reader never sees
 * half of it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SnapshotRead, SnapshotStore } from './snapshot-store.js';

/** A lock older than this was left by a writer that died between taking and releasing it. */
const STALE_LOCK_MS = 10_000;

const etagOf = (body: Uint8Array) => `"${createHash('sha256').update(body).digest('hex')}"`;

export class LocalSnapshotStore implements SnapshotStore {
  private readonly path: string;

  constructor(dir: string, key: string) {
    if (key.split('/').some((part) => part === '..' || part === '')) throw new Error(`Not a snapshot key: '${key}'`);
    this.path = join(dir, key);
  }

  async read(known?: string): Promise<SnapshotRead> {
    const body = await this.current();
    if (body === undefined) return { changed: true, snapshot: undefined };
    const etag = etagOf(body);
    return etag === known ? { changed: false } : { changed: true, snapshot: { body, etag } };
  }

  async replace(body: Uint8Array, expected: string | undefined): Promise<string | undefined> {
    await mkdir(dirname(this.path), { recursive: true });
    const release = await this.lock();
    try {
      const current = await this.current();
      if ((current === undefined ? undefined : etagOf(current)) !== expected) return undefined;
      const temporary = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, body);
      await rename(temporary, this.path);
      return etagOf(body);
    } finally {
      await release();
    }
  }

  private async current(): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async lock(): Promise<() => Promise<void>> {
    const lockPath = `${this.path}.lock`;
    for (;;) {
      try {
        const handle = await open(lockPath, 'wx');
        await handle.close();
        return () => unlink(lockPath).catch(() => undefined);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const since = await stat(lockPath).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (since > STALE_LOCK_MS) await unlink(lockPath).catch(() => undefined);
        else await sleep(5);
      }
    }
  }
}
