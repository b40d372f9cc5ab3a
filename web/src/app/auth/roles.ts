/**
 * What the console shows whom. The API decides what anyone may do; this only picks the
 * navigation, from the same groups claim the API reads roles from (ROLES_CLAIM, Cognito's
 * default). A group the console does not know simply adds nothing.
 */
export type Role = 'requester' | 'agent' | 'supervisor' | 'admin' | 'integration';

const ROLES_CLAIM = 'cognito:groups';
const KNOWN: readonly Role[] = ['requester', 'agent', 'supervisor', 'admin', 'integration'];

export function rolesOf(profile: Record<string, unknown>): Role[] {
  const claim = profile[ROLES_CLAIM];
  const groups = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(',') : [];
  return KNOWN.filter((role) => groups.includes(role));
}

export const isStaff = (roles: readonly Role[]): boolean => roles.some((role) => role === 'agent' || role === 'supervisor' || role === 'admin');
