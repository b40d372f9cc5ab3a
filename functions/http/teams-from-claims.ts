/**
 * The caller's teams, from the groups of their verified token (read as a real array by
 * caller-from-claims, never from API Gateway's flattened string). Teams are not a claim of
 * their own in most identity providers; they are groups. An operator maps group names to
 * team names exactly (TEAM_GROUPS, e.g. `{"caseway-fraud":"fraud"}`), so no group counts as a
 * team by accident of its name, and renaming a group in the provider is one line of
 * configuration. Kept apart from the roles mapping on purpose: a role says what someone may
 * do, a team which records they may see.
 */

/** Group name -> team. A Map, so `__proto__` or `constructor` are just names. */
export type TeamMapping = ReadonlyMap<string, string>;

/** The teams the given group names belong to: only exact keys of the mapping, each once, sorted. */
export function teamsFromGroups(groups: readonly unknown[], mapping: TeamMapping): string[] {
  const teams = new Set<string>();
  for (const group of groups) {
    if (typeof group !== 'string') continue;
    const team = mapping.get(group);
    if (team !== undefined) teams.add(team);
  }
  return [...teams].sort();
}
