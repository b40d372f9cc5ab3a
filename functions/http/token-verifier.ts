/**
 * ID token verification for the live WebSocket, which has no JWT authorizer in front
 * of it (a browser cannot send headers on a WebSocket; the token arrives in the first
 * message). The checks are the HTTP API authorizer's: a `kid` naming a key of the
 * issuer's JWKS, an RS256 signature, issuer, audience, `exp` (no grace), `iat` and
 * `nbf` at most CLOCK_SKEW_SECONDS ahead. Then the caller is made by the same code as
 * for HTTP requests (`caller-from-claims.ts`): roles and teams only from exact group names.
 */
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Verdict } from '#core/caller.js';
import { DomainError } from '#core/errors.js';
import { callerFromRequest, type CallerSettings } from './caller-from-claims.js';

/**
 * How far in the future a token's `iat` or `nbf` may lie: clocks of issuer and
 * verifier disagree a little. Past it the token is refused. `exp` gets no such grace.
 */
export const CLOCK_SKEW_SECONDS = 60;

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  /** The issuer's keys: a remote JWKS (AWS) or a local one (the dev issuer). */
  readonly keys: JWTVerifyGetKey;
  readonly callerSettings: CallerSettings;
  /** Epoch ms; tests pass a fixed one. */
  readonly now?: () => number;
}

/** Keys from a JWKS URL (fetched, cached and refreshed on an unknown kid by jose) or a JWKS document. */
export function keysFrom(source: { url?: string; jwks?: string }): JWTVerifyGetKey {
  if (source.url) return createRemoteJWKSet(new URL(source.url));
  if (source.jwks) return createLocalJWKSet(JSON.parse(source.jwks) as Parameters<typeof createLocalJWKSet>[0]);
  throw new Error('No JWKS: give a URL or a document');
}

class NoKeyId extends Error {}

/** API Gateway's wording for a refused token (its `www-authenticate` error_description), as far as it is documented. */
function describe(error: unknown): string {
  if (error instanceof NoKeyId) return 'the token has no kid header';
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the token does not have a valid audience';
    if (error.claim === 'iss') return 'the token does not have a valid issuer';
    if (error.claim === 'nbf' || error.claim === 'iat') return 'the token is not valid yet';
    return `the token has an invalid ${error.claim} claim`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return 'signature is invalid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'signing method is invalid';
  return 'the token is malformed';
}

/**
 * The HTTP API JWT authorizer's checks, in one place for the local authorizer and the live
 * WebSocket: a `kid` (API Gateway picks the key by it; with one key in the set jose would use
 * it for a token that names none), RS256, issuer, audience, `exp` with no grace, `iat` and
 * `nbf` at most CLOCK_SKEW_SECONDS ahead.
 */
export async function verifyIdToken(
  token: string,
  keys: JWTVerifyGetKey,
  expected: { readonly issuer: string; readonly audience: string | readonly string[]; readonly now?: number },
): Promise<{ readonly ok: true; readonly payload: JWTPayload } | { readonly ok: false; readonly reason: string }> {
  const now = expected.now ?? Date.now();
  try {
    if (typeof decodeProtectedHeader(token).kid !== 'string') throw new NoKeyId();
    const { payload } = await jwtVerify(token, keys, {
      issuer: expected.issuer,
      audience: typeof expected.audience === 'string' ? expected.audience : [...expected.audience],
      algorithms: ['RS256'],
      requiredClaims: ['exp'],
      // Grace for nbf; exp is checked below without any.
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(now),
    });
    const seconds = Math.floor(now / 1000);
    if (typeof payload.exp === 'number' && payload.exp <= seconds)
      throw new errors.JWTExpired('"exp" claim timestamp check failed', payload, 'exp', 'check_failed');
    if (typeof payload.iat === 'number' && payload.iat > seconds + CLOCK_SKEW_SECONDS)
      throw new errors.JWTClaimValidationFailed('"iat" claim lies in the future', payload, 'iat', 'check_failed');
    return { ok: true, payload };
  } catch (error) {
    return { ok: false, reason: describe(error) };
  }
}

/** String claims as API Gateway would hand them on; `callerFromRequest` checks them against the token itself. */
const stringClaims = (payload: JWTPayload): Record<string, string> =>
  Object.fromEntries(Object.entries(payload).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

export function createTokenVerifier(options: TokenVerifierOptions): (token: unknown) => Promise<Verdict> {
  const now = options.now ?? Date.now;
  return async (token) => {
    if (typeof token !== 'string' || token.length === 0) return { ok: false, status: 401, reason: 'no token' };
    const verified = await verifyIdToken(token, options.keys, { issuer: options.issuer, audience: options.audience, now: now() });
    if (!verified.ok) return { ok: false, status: 401, reason: verified.reason };
    const { payload } = verified;
    try {
      return { ok: true, caller: callerFromRequest({ claims: stringClaims(payload), authorization: token }, options.callerSettings) };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, status: error.kind === 'Forbidden' ? 403 : 401, reason: error.message };
      throw error;
    }
  };
}
