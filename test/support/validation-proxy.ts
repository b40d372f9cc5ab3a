/**
 * Stoplight Prism as a validation proxy in front of the local API: every response
 * is checked against the OpenAPI document the API itself serves, by a validator
 * that shares no code with the document's generator. With `--errors`, a response
 * the document does not describe (an unlisted success status, a body off its schema)
 * comes back as Prism's 500 problem instead of the API's answer; lesser findings (an
 * unlisted 4xx) come back with an `sl-violations` header. Either fails the test that
 * made the call (test/support/platform.ts), and `violations` lists them all.
 * Requests are forwarded as sent (`--validate-request=false`): suites that send bad
 * input on purpose must still reach the API's own 400s.
 * Runs offline: the document is written to a file, and Prism fetches nothing else.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '#lib/local/ports.js';

const PRISM = fileURLToPath(new URL('../../node_modules/.bin/prism', import.meta.url));
const STARTUP_MS = 60_000;

export interface ValidationProxy {
  /** Base URL of the proxy: send the API's requests here instead of the API's own URL. */
  readonly url: string;
  /** Prism's reports of responses that do not match the document, as logged. */
  violations(): string[];
  close(): Promise<void>;
}

/** Starts Prism in front of `upstream`, validating against the document at `${upstream}/openapi.json`. */
export async function startValidationProxy(upstream: string): Promise<ValidationProxy> {
  const document = await (await fetch(`${upstream}/openapi.json`)).text();
  const dir = mkdtempSync(join(tmpdir(), 'caseway-prism-'));
  const file = join(dir, 'openapi.json');
  writeFileSync(file, document);
  const port = await findFreePort();
  const child = spawn(
    PRISM,
    ['proxy', file, upstream, '--port', String(port), '--host', '127.0.0.1', '--errors', '--validate-request=false', '--cors=false'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const close = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };

  const started = Date.now();
  while (!log.includes('Prism is listening')) {
    if (child.exitCode !== null || Date.now() - started > STARTUP_MS) {
      await close();
      throw new Error(`Prism did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    violations: () => log.split('\n').filter((line) => /violation/i.test(line) && /response/i.test(line)),
    close,
  };
}
