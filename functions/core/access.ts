/**
 * Record-level access: who may see a case at all. Field clearance decides what
 * of a case a reader sees; this decides whether the case exists for them.
 *
 * - A requester sees their own cases only.
 * - Staff see every case, except cases of a type restricted to teams
 *   (`access.teams`): those only members of one of the teams see, whatever
 *   their role. Admins configure types but do not read restricted cases by
 *   virtue of the role: the restriction is about people, not powers.
 * - The requester of a restricted case keeps seeing it through the requester
 *   view (public fields, public comments): a reporter learns what became of
 *   their report. Staff are judged by team alone, even on a case they opened.
 */
import { type Caller, isStaff, teamsOf } from './caller.js';
import type { CaseAccess } from './case-type.js';

/** The subject of an access decision: only who asked for the case matters here. */
interface Subject {
  readonly requester: { readonly id: string };
}

/** Whether `caller` is a member of one of the teams `access` names (an unrestricted type lets everyone in). */
export function inTeams(caller: Caller, access: CaseAccess | undefined): boolean {
  if (!access) return true;
  const mine = teamsOf(caller);
  return access.teams.some((team) => mine.includes(team));
}

/** May `caller` see `subject`, a case of a type whose current access rule is `access`? */
export function maySeeCase(caller: Caller, subject: Subject, access: CaseAccess | undefined): boolean {
  // Staff are judged by team alone, even on a case they asked for: the staff view shows internal fields.
  if (isStaff(caller)) return inTeams(caller, access);
  return subject.requester.id === caller.sub;
}

/** Two access rules name the same teams (order and repeats aside). */
export function sameAccess(a: CaseAccess | undefined, b: CaseAccess | undefined): boolean {
  const set = (x: CaseAccess | undefined) => [...new Set(x?.teams ?? [])].sort().join(',');
  return set(a) === set(b);
}
