/**
 * The caller, from the verified token. Roles come only from group names that are
 * exactly a key of the operator's role mapping: no splitting, trimming, case folding
 * or JSON parsing of a group name, because a directory or federated IdP group may be
 * called anything (`IT admin`, `x,admin`, `"admin"`) and must not grant `admin`.
 *
 * The groups are read as a real JSON array from the token in the Authorization header,
 * not from the authorizer's claims: API Gateway flattens an array claim to `[a b]`,
 * which cannot tell `["IT admin"]` from `["IT", "admin"]`. Reading the header is safe
 * because that header is the authorizer's identity source: API Gateway (and the local
 * gateway) verified exactly that token before invoking the handler. To be sure the
 * header still holds the verified token, its string claims (sub and iss at least) must
 * equal the authorizer's copies; otherwise the caller gets no roles.
 */
import { decodeJwt, type JWTPayload } from 'jose';
import { ROLES, type Caller, type Role } from '#core/caller.js';
import { DomainError } from '#core/errors.js';

type Claims = Record<string, string | number | boolean | string[]> | undefined;

/** Group name -> Caseway role. A Map, so `__proto__` or `constructor` are just names. */
export type RoleMapping = ReadonlyMap<string, Role>;

/** Group name -> team, likewise a Map. */
export type TeamMapping = ReadonlyMap<string, string>;

/** The default: each Caseway role is granted by the group of exactly that name (the Cognito pool's groups). */
export const IDENTITY_ROLE_MAPPING: RoleMapping = new Map(ROLES.map((role) => [role, role]));

export interface CallerSettings {
  /** The claim holding the caller's groups (`cognito:groups`). */
  readonly rolesClaim: string;
  readonly roleMapping: RoleMapping;
  /** The claim holding the groups that map to teams (usually the same as rolesClaim). */
  readonly teamsClaim?: string;
  /** Exact group name -> team (TEAM_GROUPS); absent: nobody is in a team. */
  readonly teamGroups?: TeamMapping;
}

export interface CallerInput {
  /** The claims the JWT authorizer handed on (API Gateway's string form). */
  readonly claims: Claims;
  /** The request's Authorization header: the token the authorizer verified. */
  readonly authorization: string | undefined;
}

/** What the given group names are mapped to: only exact keys of the mapping count, each value once. */
function mappedFrom<T>(groups: readonly unknown[], mapping: ReadonlyMap<string, T>): Set<T> {
  const mapped = new Set<T>();
  for (const group of groups) {
    if (typeof group !== 'string') continue;
    const value = mapping.get(group);
    if (value !== undefined) mapped.add(value);
  }
  return mapped;
}

/** The roles the given group names grant, each once, in ROLES order. */
export function rolesFromGroups(groups: readonly unknown[], mapping: RoleMapping): Role[] {
  const granted = mappedFrom(groups, mapping);
  return ROLES.filter((role) => granted.has(role));
}

/**
 * The teams the given group names belong to, each once, sorted. Teams are not a claim of their
 * own in most identity providers; they are groups, mapped exactly (TEAM_GROUPS,
 * `{"caseway-fraud":"fraud"}`) so no group is a team by accident of its name. Kept apart from
 * the roles mapping on purpose: a role says what someone may do, a team which records they may see.
 */
export function teamsFromGroups(groups: readonly unknown[], mapping: TeamMapping): string[] {
  return [...mappedFrom(groups, mapping)].sort();
}

/** A compact JWS: three base64url parts and nothing else (no second token joined on with a comma). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The payload of the token in the Authorization header, if it is the token the authorizer
 * verified; undefined otherwise. API Gateway takes the token with or without "Bearer ".
 */
export function verifiedPayload(authorization: string | undefined, claims: Claims): JWTPayload | undefined {
  const token = authorization?.replace(/^Bearer\s+/i, '').trim();
  if (!token || !COMPACT_JWS.test(token) || !claims) return undefined;
  let payload: JWTPayload;
  try {
    payload = decodeJwt(token);
  } catch {
    return undefined;
  }
  // String claims pass through API Gateway unchanged: sub and iss must agree with what the authorizer
  // saw, and so must every other string claim the authorizer handed on (jti, token_use, email, ...).
  if (typeof payload.sub !== 'string' || typeof payload.iss !== 'string') return undefined;
  if (claims.sub !== payload.sub || claims.iss !== payload.iss) return undefined;
  const agrees = Object.entries(payload).every(([name, value]) => typeof value !== 'string' || !(name in claims) || claims[name] === value);
  return agrees ? payload : undefined;
}

/** The groups claim of the verified token: an array of names, or one name when an issuer sends a plain string. */
export function groupsOf(payload: JWTPayload | undefined, rolesClaim: string): unknown[] {
  const value = payload?.[rolesClaim];
  if (Array.isArray(value)) return value as unknown[];
  if (typeof value === 'string') return [value];
  return [];
}

export function callerFromRequest(input: CallerInput, settings: CallerSettings): Caller {
  const { claims } = input;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) {
    throw new DomainError('Unauthenticated', 'The token carries no subject.');
  }
  const payload = verifiedPayload(input.authorization, claims);
  const roles = rolesFromGroups(groupsOf(payload, settings.rolesClaim), settings.roleMapping);
  if (roles.length === 0) {
    throw new DomainError(
      'Forbidden',
      `The token carries no group that is mapped to a Caseway role (${ROLES.join(', ')}) in its ${settings.rolesClaim} claim.`,
    );
  }
  const text = (key: string) => (typeof claims?.[key] === 'string' && claims[key] ? { [key]: claims[key] as string } : {});
  const teams = teamsFromGroups(groupsOf(payload, settings.teamsClaim ?? settings.rolesClaim), settings.teamGroups ?? new Map());
  return { sub, roles, teams, ...text('name'), ...text('email') };
}
