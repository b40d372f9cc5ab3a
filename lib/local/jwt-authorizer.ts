/**
 * The local twin of API Gateway's HTTP API JWT authorizer: the same checks (a `kid`
 * naming a key of the issuer, RS256 signature, issuer, audience, exp; iat and nbf
 * not more than CLOCK_SKEW_SECONDS ahead), the same 401 answer, and the claims handed on in
 * the same shape: every claim as a string, arrays written the way API Gateway
 * writes them (`[agent supervisor]`), and nothing friendlier. That form is ambiguous
 * (`["IT admin"]` and `["IT", "admin"]` both print `[IT admin]`), so handlers read
 * groups from the verified token in the Authorization header instead (caller-from-claims.ts).
 */
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';

/**
 * How far in the future a token's `iat` or `nbf` may lie: clocks of issuer and
 * gateway disagree a little. Past it the token is refused. `exp` gets no such grace.
 */
export const CLOCK_SKEW_SECONDS = 60;

/** What the authorizer trusts; a `DevIssuer` satisfies it. */
export interface JwtAuthorizerConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: JSONWebKeySet;
}

export type AuthorizerClaims = Record<string, string>;

export type AuthorizerOutcome =
  | { readonly authorized: true; readonly claims: AuthorizerClaims; readonly scopes: string[] | null }
  | { readonly authorized: false; readonly wwwAuthenticate: string; readonly reason: string };

export type JwtAuthorizer = (authorizationHeader: string | undefined) => Promise<AuthorizerOutcome>;

export function createJwtAuthorizer(config: JwtAuthorizerConfig): JwtAuthorizer {
  const keys = createLocalJWKSet(config.jwks);
  return async (authorizationHeader) => {
    // The identity source is $request.header.Authorization; API Gateway takes the token with or without "Bearer ".
    const token = authorizationHeader?.replace(/^Bearer\s+/i, '').trim();
    if (!token) return { authorized: false, wwwAuthenticate: 'Bearer', reason: 'no token' };
    try {
      // API Gateway picks the key by kid; with one key in the set jose would use it for a token that names none.
      if (typeof decodeProtectedHeader(token).kid !== 'string') throw new NoKeyId();
      const { payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
        // Grace for nbf; exp is checked below without any.
        clockTolerance: CLOCK_SKEW_SECONDS,
      });
      const now = Math.floor(Date.now() / 1000);
      if (typeof payload.exp === 'number' && payload.exp <= now) throw new errors.JWTExpired('"exp" claim timestamp check failed', payload, 'exp', 'check_failed');
      if (typeof payload.iat === 'number' && payload.iat > now + CLOCK_SKEW_SECONDS) throw new errors.JWTClaimValidationFailed('"iat" claim lies in the future', payload, 'iat', 'check_failed');
      return { authorized: true, claims: claimsAsApiGatewayPassesThem(payload), scopes: scopesOf(payload) };
    } catch (error) {
      const description = describeRejection(error);
      return {
        authorized: false,
        wwwAuthenticate: `Bearer scope="" error="invalid_token" error_description="${description}"`,
        reason: description,
      };
    }
  };
}

class NoKeyId extends Error {}

/** API Gateway's wording in `www-authenticate`, as far as it is documented. */
function describeRejection(error: unknown): string {
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
 * API Gateway hands JWT claims to the integration as strings, formatted the way Go's
 * `%v` prints them: `"[a b]"` for arrays, `"map[k:v]"` for objects, numbers in plain notation.
 */
export function claimsAsApiGatewayPassesThem(payload: JWTPayload): AuthorizerClaims {
  return Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, formatClaim(value)]));
}

function formatClaim(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatClaim).join(' ')}]`;
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${formatClaim(v)}`).join(' ')}]`;
  }
  return String(value);
}

/** Scopes come from an access token's `scope` (space separated) or `scp`; ID tokens have none. */
function scopesOf(payload: JWTPayload): string[] | null {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  if (Array.isArray(payload.scp)) return payload.scp.map(String);
  return null;
}
