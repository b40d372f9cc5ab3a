/**
 * The caller, from the claims the JWT authorizer passed on. API Gateway hands
 * claims to the integration as strings: an array claim such as Cognito's groups
 * arrives as "[agent supervisor]". The local gateway reproduces that exactly.
 */
import { ROLES, type Caller, type Role } from '../core/caller.js';
import { DomainError } from '../core/errors.js';

type Claims = Record<string, string | number | boolean | string[]> | undefined;

export function parseRolesClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[') && trimmed.includes('"')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // Not JSON: fall through to API Gateway's "[a b]" form.
    }
  }
  return trimmed
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

export function callerFromClaims(claims: Claims, rolesClaim: string): Caller {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) {
    throw new DomainError('Unauthenticated', 'The token carries no subject.');
  }
  const roles = parseRolesClaim(claims?.[rolesClaim]).filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  if (roles.length === 0) {
    throw new DomainError('Forbidden', `The token carries none of the Caseway roles (${ROLES.join(', ')}) in its ${rolesClaim} claim.`);
  }
  const text = (key: string) => (typeof claims?.[key] === 'string' && claims[key] ? { [key]: claims[key] as string } : {});
  return { sub, roles, ...text('name'), ...text('email') };
}
