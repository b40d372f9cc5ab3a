/**
 * The local platform for integration and end-to-end tests: in memory, on free
 * ports, quiet. Call `startTestPlatform()` in `beforeAll` and `stop()` in
 * `afterAll`. Handlers read their configuration once per process, so start one
 * platform per test file (vitest runs each file in its own process).
 */
import { DEMO_USERS, type DemoUserKey, type Identity, type SignOptions } from '../../lib/local/dev-issuer.js';
import { startPlatform, type Platform, type PlatformOptions } from '../../lib/local/platform.js';

export interface TestPlatform extends Platform {
  /** `fetch(url + path)` with the bearer token of a demo user (`'agent'`, `'requester2'`, ...) or of any identity. */
  fetchAs(who: DemoUserKey | Identity, path: string, init?: RequestInit): Promise<Response>;
  /** A token for any subject and roles, signed by the platform's dev issuer. */
  tokenFor(identity: Identity, options?: SignOptions): Promise<string>;
}

export async function startTestPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  // Suites that test SLA ask for the example policies; the others keep their histories free of Sla* events.
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, seedSla: false, ...options });

  const tokenFor = (identity: Identity, signOptions?: SignOptions): Promise<string> =>
    platform.issuer.sign({ name: `Test ${identity.sub}`, email: `${identity.sub}@example.com`, ...identity }, signOptions);

  const fetchAs = async (who: DemoUserKey | Identity, path: string, init: RequestInit = {}): Promise<Response> => {
    const token = typeof who === 'string' ? platform.tokens[who] : await tokenFor(who);
    if (!token) throw new Error(`No demo user '${String(who)}': use one of ${Object.keys(DEMO_USERS).join(', ')}`);
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    return fetch(`${platform.url}${path}`, { ...init, headers });
  };

  return { ...platform, fetchAs, tokenFor };
}
