/**
 * The caller's teams, from their token. Teams are not a claim of their own in
 * most identity providers; they are groups. An operator maps group names to
 * team names exactly (TEAM_GROUPS, e.g. `{"caseway-fraud":"fraud"}`), so no
 * group counts as a team by accident of its name, and renaming a group in the
 * provider is one line of configuration. Kept apart from the roles mapping on
 * purpose: a role says what someone may do, a team which records they may see.
 */
import { parseRolesClaim } from './caller-from-claims.js';

type Claims = Record<string, string | number | boolean | string[]> | undefined;

export function teamsFromClaims(claims: Claims, groupsClaim: string, teamOfGroup: Readonly<Record<string, string>>): string[] {
  const teams = parseRolesClaim(claims?.[groupsClaim]).flatMap((group) => (Object.hasOwn(teamOfGroup, group) ? [teamOfGroup[group]!] : []));
  return [...new Set(teams)].sort();
}
