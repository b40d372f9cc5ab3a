/**
 * The local platform's cursor key (CURSOR_KEY for the handlers). With a data
 * directory it is kept there, like the dev issuer's signing key, so a cursor printed
 * before a restart still opens after it; in memory, each start makes a new one.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SetupError } from './errors.js';

const KEY_FILE = 'cursor-key';

const freshKey = () => randomBytes(32).toString('hex');

export function cursorKeyFor(dataDir: string | undefined): string {
  if (!dataDir) return freshKey();
  const file = join(dataDir, KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  // `wx`: two platforms starting on one data directory at once agree on one key.
  try {
    const key = freshKey();
    writeFileSync(file, `${key}\n`, { flag: 'wx', mode: 0o600 });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stored = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(stored))
    throw new SetupError(`The cursor key ${file} is not 64 hex digits: delete it to make a new one (open cursors stop working).`);
  return stored;
}
