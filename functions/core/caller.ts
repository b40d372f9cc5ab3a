/**
 * Who is calling, as the domain sees it: an identity and roles, nothing about JWTs.
 * `functions/http/caller-from-claims.ts` builds this from the authorizer's claims.
 */
export const ROLES = ['requester', 'agent', 'supervisor', 'admin', 'integration'] as const;
export type Role = (typeof ROLES)[number];

/** Where roles are when nobody says otherwise: Cognito puts a user's groups here. */
export const DEFAULT_ROLES_CLAIM = 'cognito:groups';

export interface Caller {
  readonly sub: string;
  readonly name?: string;
  readonly email?: string;
  readonly roles: readonly Role[];
  /**
   * Teams the caller belongs to (record-level access: a case type may be
   * restricted to teams). Absent means none: system callers and tokens without teams.
   */
  readonly teams?: readonly string[];
}

/** Staff and integrations work across all cases; a requester only on their own. */
const CROSS_CASE_ROLES: readonly Role[] = ['agent', 'supervisor', 'admin', 'integration'];

/** What checking a bearer token concluded: who calls, or why not (401 unauthenticated, 403 refused). */
export type Verdict = { readonly ok: true; readonly caller: Caller } | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

export const isStaff = (caller: Caller): boolean => caller.roles.some((role) => CROSS_CASE_ROLES.includes(role));
export const hasRole = (caller: Caller, role: Role): boolean => caller.roles.includes(role);

export const teamsOf = (caller: Caller): readonly string[] => caller.teams ?? [];

/**
 * Who the audit trail says acted when the platform's SLA timer moved a case, with staff
 * rights to do so. Here rather than with the timers, since routing tells the timer's
 * moves from a person's by it and must not load the timers' calendars to know it.
 */
export const SLA_TIMER_CALLER: Caller = { sub: 'caseway-sla-timer', name: 'SLA timer', roles: ['integration'] };
