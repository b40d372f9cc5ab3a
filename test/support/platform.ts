/**
 * The local platform for integration and end-to-end tests: in memory, on free
 * ports, quiet. Call `startTestPlatform()` in `beforeAll` and `stop()` in
 * `afterAll`. Handlers read their configuration once per process, so start one
 * platform per test file (vitest runs each file in its own process).
 */
import { DEMO_USERS, type DemoUserKey, type Identity, type SignOptions } from '#lib/local/dev-issuer.js';
import { startPlatform, type Platform, type PlatformOptions } from '#lib/local/platform.js';
import { startValidationProxy, type ValidationProxy } from './validation-proxy.js';

export interface TestPlatform extends Platform {
  /** `fetch(url + path)` with the bearer token of a demo user (`'agent'`, `'requester2'`, ...) or of any identity. */
  fetchAs(who: DemoUserKey | Identity, path: string, init?: RequestInit): Promise<Response>;
  /** A token for any subject and roles, signed by the platform's dev issuer. */
  tokenFor(identity: Identity, options?: SignOptions): Promise<string>;
  /** With `validateResponses`: what Prism found in the answers that the OpenAPI document does not describe. */
  readonly validator?: Pick<ValidationProxy, 'url' | 'violations'>;
}

export interface TestPlatformOptions extends PlatformOptions {
  /**
   * Send `fetchAs` through Stoplight Prism (test/support/validation-proxy.ts): an answer
   * the API's own OpenAPI document does not describe then fails the call that got it.
   */
  readonly validateResponses?: boolean;
}

/**
 * What Prism says is wrong with an answer: with `--errors` an error-severity violation
 * replaces the answer with Prism's own 500 problem; every violation, warnings included
 * (an undocumented 4xx is one), is listed in the `sl-violations` header.
 */
async function responseViolations(response: Response): Promise<string | undefined> {
  const listed = (JSON.parse(response.headers.get('sl-violations') ?? '[]') as { location: string[] }[]).filter((v) => v.location[0] === 'response');
  if (listed.length > 0) return JSON.stringify(listed);
  if (response.status === 500 && (await response.clone().text()).includes('stoplight.io/prism/errors#VIOLATIONS')) return response.text();
  return undefined;
}

export async function startTestPlatform({ validateResponses, ...options }: TestPlatformOptions = {}): Promise<TestPlatform> {
  // Suites that test SLA ask for the example policies; the others keep their histories free of Sla* events.
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, seedSla: false, ...options });
  let validator: ValidationProxy | undefined;
  try {
    validator = validateResponses ? await startValidationProxy(platform.url) : undefined;
  } catch (error) {
    await platform.stop();
    throw error;
  }
  const base = validator?.url ?? platform.url;

  const tokenFor = (identity: Identity, signOptions?: SignOptions): Promise<string> =>
    platform.issuer.sign({ name: `Test ${identity.sub}`, email: `${identity.sub}@example.com`, ...identity }, signOptions);

  const fetchAs = async (who: DemoUserKey | Identity, path: string, init: RequestInit = {}): Promise<Response> => {
    const token = typeof who === 'string' ? platform.tokens[who] : await tokenFor(who);
    if (!token) throw new Error(`No demo user '${String(who)}': use one of ${Object.keys(DEMO_USERS).join(', ')}`);
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    const response = await fetch(`${base}${path}`, { ...init, headers });
    const violations = validator ? await responseViolations(response) : undefined;
    if (violations) throw new Error(`${init.method ?? 'GET'} ${path}: the answer is not one the OpenAPI document describes: ${violations}`);
    return response;
  };

  const stop = async () => {
    await validator?.close();
    await platform.stop();
  };
  return { ...platform, fetchAs, tokenFor, stop, ...(validator ? { validator } : {}) };
}
