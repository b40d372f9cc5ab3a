/**
 * Who a case of a type restricted to teams may be given to by hand: the same
 * team rule routing applies to offers. An assignee routing knows as an agent is
 * judged by the teams configured for them (`PUT /routing/agents/{id}`); a caller
 * taking the case themselves also counts with the teams their token carries.
 * An owner routing does not know is left to the identity provider: that person
 * still cannot read the case without the team.
 */
import { teamsOf, type Caller } from '#core/caller.js';
import { DomainError } from '#core/errors.js';
import { inTeamFor, notInTeamWhy } from '#core/routing/dispatch.js';
import * as routingStore from '#adapters/dynamodb/routing-repository.js';
import { accessOf } from './case-access.js';

/**
 * Refuse (422, nothing written) to make `owner` the owner of a case of type
 * `typeId` when the type is restricted to teams and `owner` is an agent outside
 * all of them.
 */
export async function assertAssigneeInTeams(typeId: string, owner: string | null | undefined, caller: Caller, field = 'body.owner'): Promise<void> {
  if (owner === null || owner === undefined) return;
  const access = await accessOf(typeId);
  if (!access) return;
  const agent = await routingStore.getAgent(owner);
  if (!agent) return;
  const teams = [...(agent.teams ?? []), ...(owner === caller.sub ? teamsOf(caller) : [])];
  if (inTeamFor({ teams }, access.teams)) return;
  throw new DomainError('AssignmentRefused', `Agent ${owner} may not own a ${typeId} case: ${notInTeamWhy(access.teams)}.`, [
    {
      field,
      rule: 'not_in_team',
      message: `${owner} is ${notInTeamWhy(access.teams)}; cases of ${typeId} go only to members of ${access.teams.join(', ')}.`,
    },
  ]);
}
