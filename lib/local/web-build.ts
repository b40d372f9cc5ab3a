/**
 * Builds the web console (web/ -> web/dist) when its sources changed since the last build,
 * keyed on a hash of the sources rather than on times, so a checkout of another branch or a
 * test run after an edit never serves a stale console, and an unchanged one is not rebuilt.
 * `npm start` and the browser tests call it; a lock keeps two at once from building together.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './platform.js';

const WEB_DIR = join(REPO_ROOT, 'web');
const DIST_DIR = join(WEB_DIR, 'dist');
const HASH_FILE = join(DIST_DIR, '.source-hash');
const LOCK_DIR = join(REPO_ROOT, '.caseway', 'web-build.lock');
/**
 * The environment of every build. Vitest sets NODE_ENV=test and a vite child inherits it:
 * React then bundles its development build (half as much JavaScript again, and slower), so a
 * console built by the browser tests or a bench run under them was not the one users get.
 * Part of the hash, so a build made before this was pinned is not reused.
 */
const BUILD_ENV = { NODE_ENV: 'production' } as const;
/** What the build reads besides web/src. */
const INPUTS = [
  'web/index.html',
  'web/vite.config.ts',
  'web/tsconfig.json',
  'functions/topology/console-config.ts',
  'functions/topology/console-paths.ts',
  'package-lock.json',
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

export function webSourceHash(): string {
  const hash = createHash('sha256').update(JSON.stringify(BUILD_ENV)).update('\0');
  const files = [...INPUTS.map((file) => join(REPO_ROOT, file)), ...filesUnder(join(WEB_DIR, 'src'))].sort();
  for (const file of files) {
    hash.update(relative(REPO_ROOT, file)).update('\0');
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update('(missing)');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

function builtHash(): string | undefined {
  try {
    return readFileSync(HASH_FILE, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function takeLock(): boolean {
  mkdirSync(join(REPO_ROOT, '.caseway'), { recursive: true });
  try {
    mkdirSync(LOCK_DIR);
    writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
    return true;
  } catch {
    // A lock left by a process that is gone is no lock (a lock without its pid yet is one being taken).
    let pid: number | undefined;
    try {
      pid = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
    } catch {
      pid = undefined;
    }
    const age = Date.now() - (statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (!(pid !== undefined && isAlive(pid)) && (pid !== undefined || age > 2_000)) rmSync(LOCK_DIR, { recursive: true, force: true });
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface WebBuildResult {
  readonly built: boolean;
  readonly ms: number;
}

/** Builds web/dist unless it was built from these very sources; returns whether it built. */
export async function ensureWebBuilt(log: (line: string) => void = () => undefined): Promise<WebBuildResult> {
  const started = Date.now();
  const wanted = webSourceHash();
  for (;;) {
    if (builtHash() === wanted) return { built: false, ms: Date.now() - started };
    if (takeLock()) break;
    await new Promise((done) => setTimeout(done, 200));
  }
  try {
    if (builtHash() === wanted) return { built: false, ms: Date.now() - started };
    log('Building the web console (web/ changed since the last build)...');
    const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const result = spawnSync(process.execPath, [vite, 'build', '--config', join(WEB_DIR, 'vite.config.ts'), '--logLevel', 'warn'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...BUILD_ENV },
    });
    if (result.status !== 0) throw new Error(`vite build failed (${result.status ?? result.signal}):\n${result.stderr || result.stdout}`);
    writeFileSync(HASH_FILE, wanted);
    return { built: true, ms: Date.now() - started };
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}
