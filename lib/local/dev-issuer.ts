/**
 * A development token issuer that stands in for the Cognito user pool locally.
 * It signs RS256 tokens shaped like Cognito ID tokens, so the gateway's JWT check
 * and the handlers' claim parsing run exactly the code paths they run in AWS.
 *
 * With a directory, the signing key is kept there, so tokens printed by an earlier
 * `npm start` keep working after a restart; without one, the key lives in memory.
 * The issuer is a fixed URN rather than a URL with the port in it for the same reason.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { DEFAULT_ROLES_CLAIM, type Role } from '#core/caller.js';
import { SetupError } from './errors.js';

export const DEV_ISSUER = 'urn:caseway:local:dev-issuer';
export const DEV_AUDIENCE = 'caseway-local';
/** The local platform's group -> team mapping (TEAM_GROUPS), which the demo users' groups are written for. */
export const DEV_TEAM_GROUPS: Readonly<Record<string, string>> = { 'fraud-team': 'fraud' };
const ALGORITHM = 'RS256';
const KEY_FILE = 'dev-issuer-key.json';

export interface Identity {
  readonly sub: string;
  readonly name?: string;
  readonly email?: string;
  readonly roles: readonly Role[];
  /**
   * Further groups in the roles claim, as an identity provider lists them
   * (`fraud-team`); the handlers map groups to teams with TEAM_GROUPS.
   */
  readonly groups?: readonly string[];
}

export interface SignOptions {
  /** Lifetime: seconds, or a jose time span such as '12h' (default '12h'). */
  readonly expiresIn?: number | string;
  /** Epoch seconds; set it in the past (with a short expiresIn) to mint an expired token. */
  readonly issuedAt?: number;
  /** Override the audience, e.g. to prove that the gateway rejects other clients' tokens. */
  readonly audience?: string;
  /**
   * Put these group names in the roles claim instead of the identity's roles, as a
   * directory or federated IdP would (`IT admin`, `x,admin`): the mapping decides what they grant.
   */
  readonly groups?: readonly string[];
  /** Epoch seconds for `nbf`, e.g. in the future, to prove the gateway refuses a token not valid yet. */
  readonly notBefore?: number;
  /** Sign without a `kid` header, to prove the gateway refuses such a token as API Gateway does. */
  readonly withoutKid?: boolean;
  /** The OIDC `nonce` the sign-in request carried (the dev issuer's authorize endpoint). */
  readonly nonce?: string;
}

export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The claim that carries the roles, as the handlers read it (ROLES_CLAIM). */
  readonly rolesClaim: string;
  /** Public keys, as the JWT authorizer would fetch them from the issuer's jwks_uri. */
  readonly jwks: JSONWebKeySet;
  sign(identity: Identity, options?: SignOptions): Promise<string>;
}

/**
 * One demo user per role, plus a second requester so tests can show requesters
 * are kept apart, and a fraud-team agent and supervisor (group `fraud-team`,
 * mapped to team `fraud` locally) who alone see fraud investigations.
 */
export const DEMO_USERS = {
  requester: { sub: 'demo-requester', name: 'Rita Requester', email: 'rita.requester@example.com', roles: ['requester'] },
  requester2: { sub: 'demo-requester-2', name: 'Remy Requester', email: 'remy.requester@example.com', roles: ['requester'] },
  agent: { sub: 'demo-agent', name: 'Alex Agent', email: 'alex.agent@example.com', roles: ['agent'] },
  supervisor: { sub: 'demo-supervisor', name: 'Sam Supervisor', email: 'sam.supervisor@example.com', roles: ['supervisor'] },
  admin: { sub: 'demo-admin', name: 'Ada Admin', email: 'ada.admin@example.com', roles: ['admin'] },
  integration: { sub: 'demo-integration', name: 'Iris Integration', email: 'integration@example.com', roles: ['integration'] },
  fraudAgent: { sub: 'demo-fraud-agent', name: 'Frida Fraud', email: 'frida.fraud@example.com', roles: ['agent'], groups: ['fraud-team'] },
  fraudSupervisor: {
    sub: 'demo-fraud-supervisor',
    name: 'Felix Fraud',
    email: 'felix.fraud@example.com',
    roles: ['supervisor'],
    groups: ['fraud-team'],
  },
} as const satisfies Record<string, Identity>;

export type DemoUserKey = keyof typeof DEMO_USERS;
export const DEMO_USER_KEYS = Object.keys(DEMO_USERS) as DemoUserKey[];

export interface DevIssuerOptions {
  /** Directory that keeps the signing key across restarts; omit for an in-memory key. */
  readonly keyDir?: string;
  readonly rolesClaim?: string;
}

export async function createDevIssuer(options: DevIssuerOptions = {}): Promise<DevIssuer> {
  const privateJwk = options.keyDir ? await loadOrCreateKey(options.keyDir) : await generatePrivateJwk();
  const privateKey = (await importJWK(privateJwk, ALGORITHM)) as CryptoKey;
  const { kty, n, e, kid } = privateJwk;
  const jwks: JSONWebKeySet = { keys: [{ kty, n, e, kid, alg: ALGORITHM, use: 'sig' } as JWK] };
  const rolesClaim = options.rolesClaim ?? DEFAULT_ROLES_CLAIM;

  async function sign(identity: Identity, signOptions: SignOptions = {}): Promise<string> {
    const issuedAt = signOptions.issuedAt ?? Math.floor(Date.now() / 1000);
    const expiresIn = signOptions.expiresIn ?? '12h';
    // The claims of a Cognito ID token that a handler could look at.
    const claims = {
      token_use: 'id',
      'cognito:username': identity.sub,
      [rolesClaim]: [...(signOptions.groups ?? [...identity.roles, ...(identity.groups ?? [])])],
      ...(identity.name ? { name: identity.name } : {}),
      ...(identity.email ? { email: identity.email, email_verified: true } : {}),
      auth_time: issuedAt,
      ...(signOptions.nonce ? { nonce: signOptions.nonce } : {}),
    };
    const jwt = new SignJWT(claims)
      .setProtectedHeader(signOptions.withoutKid ? { alg: ALGORITHM, typ: 'JWT' } : { alg: ALGORITHM, kid: kid!, typ: 'JWT' })
      .setIssuer(DEV_ISSUER)
      .setAudience(signOptions.audience ?? DEV_AUDIENCE)
      .setSubject(identity.sub)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(typeof expiresIn === 'number' ? issuedAt + expiresIn : expiresIn);
    if (signOptions.notBefore !== undefined) jwt.setNotBefore(signOptions.notBefore);
    return jwt.sign(privateKey);
  }

  return { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, rolesClaim, jwks, sign };
}

async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg: ALGORITHM, kid: await calculateJwkThumbprint(jwk) };
}

/** Reads the key file, or writes a new one; `wx` makes two platforms starting at once agree on one key. */
async function loadOrCreateKey(dir: string): Promise<JWK> {
  const file = join(dir, KEY_FILE);
  mkdirSync(dir, { recursive: true });
  try {
    const fresh = await generatePrivateJwk();
    writeFileSync(file, JSON.stringify(fresh, null, 2), { flag: 'wx', mode: 0o600 });
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    if (stored.kty !== 'RSA' || !stored.d || !stored.kid) throw new Error('not an RSA private JWK with a kid');
    return stored;
  } catch (error) {
    throw new SetupError(`The dev issuer key ${file} is unreadable (${(error as Error).message}): delete it to make a new one.`, { cause: error });
  }
}
