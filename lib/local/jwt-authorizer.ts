/**
 * The local twin of API Gateway's HTTP API JWT authorizer: the same checks (a `kid`
 * naming a key of the issuer, RS256 signature, issuer, audience, exp; iat and nbf
 * not more than CLOCK_SKEW_SECONDS ahead), the same 401 answer, and the claims handed on in
 * the same shape: every claim as a string, arrays written the way API Gateway
 * writes them (`[agent supervisor]`), and nothing friendlier. That form is ambiguous
 * (`["IT admin"]` and `["IT", "admin"]` both print `[IT admin]`), so handlers read
 * groups from the verified token in the Authorization header instead (caller-from-claims.ts).
 */
import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload } from 'jose';
import { CLOCK_SKEW_SECONDS, verifyIdToken } from '#http/token-verifier.js';

/** How far in the future a token's `iat` or `nbf` may lie (one value for every verifier of ours). */
export { CLOCK_SKEW_SECONDS };

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
    const verified = await verifyIdToken(token, keys, { issuer: config.issuer, audience: config.audience });
    if (!verified.ok) {
      return {
        authorized: false,
        wwwAuthenticate: `Bearer scope="" error="invalid_token" error_description="${verified.reason}"`,
        reason: verified.reason,
      };
    }
    return { authorized: true, claims: claimsAsApiGatewayPassesThem(verified.payload), scopes: scopesOf(verified.payload) };
  };
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
