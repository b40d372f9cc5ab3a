/**
 * Small JSON files the local platform keeps under its data directory (stream
 * checkpoints, pending event deliveries, dead letters). Each is written whole to a
 * temporary name and renamed over the real one: a rename within a directory is
 * atomic, so a process killed mid-write leaves the old file or the new one, never
 * half of either. No fsync: the files must survive the platform being killed, which
 * leaves the page cache to the kernel, not the machine losing power.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

let sequence = 0;

export function writeJsonAtomic(path: string, value: unknown): void {
  const temporary = `${path}.${process.pid}.${++sequence}.tmp`;
  writeFileSync(temporary, JSON.stringify(value));
  renameSync(temporary, path);
}

/** The parsed file, or undefined when it does not exist or is not JSON (a torn temporary never is the real name). */
export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A directory of `<id>.json` files, one per record. */
export class JsonDirectory<T> {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    // Temporaries of a write that a kill interrupted: the real file (old or new) is intact.
    for (const name of readdirSync(dir)) if (name.endsWith('.tmp')) rmSync(join(dir, name), { force: true });
  }

  put(id: string, value: T): void {
    writeJsonAtomic(this.path(id), value);
  }

  remove(id: string): void {
    rmSync(this.path(id), { force: true });
  }

  /** Every record, in no particular order. */
  all(): T[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.json'))
      .flatMap((name) => {
        const value = readJson(join(this.dir, name));
        return value === undefined ? [] : [value as T];
      });
  }

  private path(id: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(id) || id.startsWith('.')) throw new Error(`Not a file-safe record id: ${id}`);
    return join(this.dir, `${id}.json`);
  }
}
