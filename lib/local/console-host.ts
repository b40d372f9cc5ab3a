/**
 * The web console on the local gateway, as CloudFront + S3 serve it in AWS: the built files
 * of `web/dist` at `/` (index.html for the console's own client paths), `/config.json` telling
 * the console where the API and the sign-in are, and the dev issuer's OIDC endpoints under
 * `/_oidc/`. API routes (functions/topology/routes.ts) always win: the console's paths avoid them.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { matchRoute } from '#topology/routes.js';
import { CONSOLE_CONFIG_PATH, CONSOLE_SCOPES, ConsoleConfig } from '#topology/console-config.js';
import type { DevIssuer } from './dev-issuer.js';
import { createDevOidc, OIDC_PATH_PREFIX } from './dev-oidc.js';

export interface ConsoleHostOptions {
  readonly issuer: DevIssuer;
  /** The built console (web/dist). */
  readonly webDir: string;
  /** Where the browser reached the gateway, when the Host header cannot say (the gateway's own URL). */
  readonly fallbackOrigin: () => string;
  /** The live feed's URL for this origin, once there is one. */
  readonly liveUrl?: (origin: string) => string | null;
}

/** Answers the request and resolves true, or resolves false for the gateway's API routes to answer. */
export type ConsoleHost = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Caseway console not built</title></head><body><main>
<h1>The Caseway console is not built</h1><p>Run <code>npm run build:web</code> (or restart <code>npm start</code>, which builds it when it is missing or stale).</p>
<p>The API is here all the same: <a href="/openapi.json">/openapi.json</a>.</p></main></body></html>`;

export function createConsoleHost(options: ConsoleHostOptions): ConsoleHost {
  const oidc = createDevOidc(options.issuer);
  const root = normalize(options.webDir);

  function originOf(request: IncomingMessage): string {
    const host = request.headers.host;
    // Only a host of this machine: the answer names the API and the sign-in to trust.
    return host && /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host) ? `http://${host}` : options.fallbackOrigin();
  }

  function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer, head: boolean): void {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    response.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-length': bytes.length });
    response.end(head ? undefined : bytes);
  }

  async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 64 * 1024) throw new Error('form too large');
      chunks.push(chunk);
    }
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  }

  function fileFor(path: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    const file = normalize(join(root, decoded));
    if (!file.startsWith(root + sep)) return undefined; // ../ out of the console's directory
    return existsSync(file) && statSync(file).isFile() ? file : undefined;
  }

  function sendFile(response: ServerResponse, file: string, head: boolean): void {
    const immutable = file.startsWith(join(root, 'static') + sep);
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      // Content-hashed assets never change; index.html must be asked for again to find new ones.
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (head) response.end();
    else createReadStream(file).pipe(response);
  }

  return async (request, response) => {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', 'http://local');
    const path = url.pathname;

    if (path === OIDC_PATH_PREFIX || path.startsWith(`${OIDC_PATH_PREFIX}/`)) {
      const form = method === 'POST' ? await readForm(request) : new URLSearchParams();
      const answer = await oidc({ method, path: path.slice(OIDC_PATH_PREFIX.length), query: url.searchParams, origin: originOf(request), form });
      if (!answer) return false;
      send(response, answer.status, answer.headers, answer.body, false);
      return true;
    }

    if (method !== 'GET' && method !== 'HEAD') return false;
    const head = method === 'HEAD';
    if (matchRoute('GET', path).match) return false;

    if (path === CONSOLE_CONFIG_PATH) {
      const origin = originOf(request);
      const config = ConsoleConfig.parse({
        apiUrl: origin,
        liveUrl: options.liveUrl?.(origin) ?? null,
        auth: { authority: `${origin}${OIDC_PATH_PREFIX}`, clientId: options.issuer.audience, scope: CONSOLE_SCOPES.join(' ') },
      });
      send(response, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' }, JSON.stringify(config), head);
      return true;
    }

    const file = path === '/' ? undefined : fileFor(path);
    if (file) {
      sendFile(response, file, head);
      return true;
    }
    // The console's client paths (/my, /inbox/cases/...) load index.html; other clients keep the API's 404 problem.
    const wantsPage = path === '/' || (request.headers.accept ?? '').includes('text/html');
    if (!wantsPage) return false;
    const index = join(root, 'index.html');
    if (existsSync(index)) sendFile(response, index, head);
    else send(response, 503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, NOT_BUILT, head);
    return true;
  };
}
