/** Routing rules, queues, agents, presence and offers: what the routing handler serves. */
import * as z from 'zod';
import { operation } from '../operation.js';
import {
  AgentBody,
  AgentParams,
  AgentRecord,
  OfferParams,
  OfferRecord,
  OffersQuery,
  PresenceBody,
  QueueBody,
  QueueParams,
  QueueRecord,
  RoutingCaseParams,
  RoutingRulesBody,
  RoutingRulesRecord,
  RoutingStateRecord,
} from '../routing-schemas.js';
import { IfMatch } from '../schemas.js';
import { VersionQuery } from '../workflow-schemas.js';
import { changeContextOf } from '../change-context.js';
import type { RoutingRulesInput } from '#core/routing/rules.js';
import * as useCases from '#services/routing.js';

const etag = (version: number) => ({ etag: `"${version}"` });

const OptionalIfMatch = { 'If-Match': { schema: IfMatch } };
const Versioned = { ETag: 'Version, for If-Match.' };
const itemsOf = (schema: z.ZodType, id: string) => z.object({ items: z.array(schema) }).meta({ id });

export const routing = {
  publishRoutingRules: operation({
    operationId: 'publishRoutingRules',
    method: 'POST',
    path: '/routing/rules',
    fn: 'routing',
    auth: 'jwt',
    summary: 'Publish the next version of the routing rules (admin); If-Match with the version edited',
    description:
      'Who: admin. Publish the next routing ruleset version (json-rules-engine conditions over the routing facts; actions queue, priority, skills, assignee, escalate); `If-Match` optional (412 if stale).',
    headers: OptionalIfMatch,
    body: RoutingRulesBody,
    responses: {
      201: { description: 'The published ruleset.', schema: RoutingRulesRecord, headers: { ...Versioned, Location: 'URL of this version.' } },
    },
    problems: [400, 401, 403, 412, 413, 415],
    handle: async (request) => {
      const published = await useCases.publishRules(request.body as RoutingRulesInput, request.headers['if-match'], changeContextOf(request));
      return { status: 201, body: published, headers: { ...etag(published.version), location: `/routing/rules?version=${published.version}` } };
    },
  }),
  getRoutingRules: operation({
    operationId: 'getRoutingRules',
    method: 'GET',
    path: '/routing/rules',
    fn: 'routing',
    auth: 'jwt',
    summary: 'The routing rules in force, or a published version (staff)',
    description: 'Who: staff. The rules in force, or `?version=`.',
    query: VersionQuery,
    responses: { 200: { description: 'The ruleset.', schema: RoutingRulesRecord, headers: Versioned } },
    problems: [400, 401, 403, 404],
    handle: async ({ query, caller }) => {
      const ruleset = await useCases.getRules(query.version, caller);
      return { status: 200, body: ruleset, headers: etag(ruleset.version) };
    },
  }),
  putRoutingQueue: operation({
    operationId: 'putRoutingQueue',
    method: 'PUT',
    path: '/routing/queues/{id}',
    fn: 'routing',
    auth: 'jwt',
    summary: 'Create or replace a queue (admin): optional-skill wait, overflow queue and timeout, offer timeout',
    description:
      'Who: admin. Create (201) or replace (200) a queue: `optionalSkillWaitSeconds`, `overflow {queue, afterSeconds}`, `offerTimeoutSeconds` (default 60).',
    params: QueueParams,
    headers: OptionalIfMatch,
    body: QueueBody,
    responses: {
      200: { description: 'The replaced queue.', schema: QueueRecord, headers: Versioned },
      201: { description: 'The queue, created.', schema: QueueRecord, headers: Versioned },
    },
    problems: [400, 401, 403, 412, 413, 415],
    handle: async (request) => {
      const { queue, created } = await useCases.putQueue(request.params.id, request.body, request.headers['if-match'], changeContextOf(request));
      return { status: created ? 201 : 200, body: queue, headers: etag(queue.version) };
    },
  }),
  listRoutingQueues: operation({
    operationId: 'listRoutingQueues',
    method: 'GET',
    path: '/routing/queues',
    fn: 'routing',
    auth: 'jwt',
    summary: 'Every queue (staff)',
    description: 'Who: staff. All queues.',
    responses: { 200: { description: 'The queues.', schema: itemsOf(QueueRecord, 'QueueList') } },
    problems: [401, 403],
    handle: async ({ caller }) => ({ status: 200, body: { items: await useCases.listQueues(caller) } }),
  }),
  putRoutingAgent: operation({
    operationId: 'putRoutingAgent',
    method: 'PUT',
    path: '/routing/agents/{id}',
    fn: 'routing',
    auth: 'jwt',
    summary: 'Create or reconfigure an agent (admin): skills with levels, capacity per channel, teams; load and presence are kept',
    description:
      'Who: admin. Create or reconfigure an agent: `skills {name: 1-10}`, `capacity {channel: n}`, optional `teams` (eligibility for types restricted to teams); load and presence are kept.',
    params: AgentParams,
    headers: OptionalIfMatch,
    body: AgentBody,
    responses: {
      200: { description: 'The reconfigured agent.', schema: AgentRecord, headers: Versioned },
      201: { description: 'The agent, created.', schema: AgentRecord, headers: Versioned },
    },
    problems: [400, 401, 403, 412, 413, 415],
    handle: async (request) => {
      const { agent, created } = await useCases.putAgent(request.params.id, request.body, request.headers['if-match'], changeContextOf(request));
      return { status: created ? 201 : 200, body: agent, headers: etag(agent.version) };
    },
  }),
  listRoutingAgents: operation({
    operationId: 'listRoutingAgents',
    method: 'GET',
    path: '/routing/agents',
    fn: 'routing',
    auth: 'jwt',
    summary: 'Every agent with load and presence (staff)',
    responses: { 200: { description: 'The agents.', schema: itemsOf(AgentRecord, 'AgentList') } },
    problems: [401, 403],
    handle: async ({ caller }) => ({ status: 200, body: { items: await useCases.listAgents(caller) } }),
  }),
  getRoutingAgent: operation({
    operationId: 'getRoutingAgent',
    method: 'GET',
    path: '/routing/agents/{id}',
    fn: 'routing',
    auth: 'jwt',
    summary: 'One agent (staff)',
    params: AgentParams,
    responses: { 200: { description: 'The agent.', schema: AgentRecord, headers: Versioned } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, caller }) => {
      const agent = await useCases.getAgent(params.id, caller);
      return { status: 200, body: agent, headers: etag(agent.version) };
    },
  }),
  setAgentPresence: operation({
    operationId: 'setAgentPresence',
    method: 'PUT',
    path: '/routing/agents/{id}/presence',
    fn: 'routing',
    auth: 'jwt',
    summary: 'Set presence (the agent, or a supervisor): available pulls waiting work at once',
    description: 'Who: the agent, supervisor, admin. `available`, `busy`, `away`, `offline`; becoming available dispatches at once.',
    params: AgentParams,
    body: PresenceBody,
    responses: { 200: { description: 'The agent.', schema: AgentRecord } },
    problems: [400, 401, 403, 404, 413, 415],
    handle: async (request) => ({
      status: 200,
      body: await useCases.setPresence(request.params.id, request.body.presence, changeContextOf(request)),
    }),
  }),
  listRoutingOffers: operation({
    operationId: 'listRoutingOffers',
    method: 'GET',
    path: '/routing/offers',
    fn: 'routing',
    auth: 'jwt',
    summary: 'Open offers to you (or, for supervisors, to an agent)',
    description: 'Who: the agent (supervisors: `?agentId=`). Open offers.',
    query: OffersQuery,
    responses: { 200: { description: 'The offers.', schema: itemsOf(OfferRecord, 'OfferList') } },
    problems: [400, 401, 403],
    handle: async ({ query, caller }) => ({ status: 200, body: { items: await useCases.listOffers(query.agentId, caller) } }),
  }),
  acceptRoutingOffer: operation({
    operationId: 'acceptRoutingOffer',
    method: 'POST',
    path: '/routing/offers/{id}/accept',
    fn: 'routing',
    auth: 'jwt',
    summary: 'Accept an offer (the agent offered): you become the case owner',
    description: "Who: the agent offered. The agent becomes the case's owner (`CaseUpdated`, then `Assigned`).",
    params: OfferParams,
    responses: {
      200: {
        description: 'The case, now yours.',
        schema: z.object({ caseId: z.string(), owner: z.string(), version: z.number().int() }).meta({ id: 'AcceptedOffer' }),
      },
    },
    problems: [400, 401, 403, 404, 409],
    handle: async (request) => {
      const accepted = await useCases.acceptOffer(request.params.id, changeContextOf(request));
      return { status: 200, body: { caseId: accepted.caseId, owner: accepted.owner, version: accepted.version } };
    },
  }),
  declineRoutingOffer: operation({
    operationId: 'declineRoutingOffer',
    method: 'POST',
    path: '/routing/offers/{id}/decline',
    fn: 'routing',
    auth: 'jwt',
    summary: 'Decline an offer (the agent offered): the case goes to someone else',
    description: 'Who: the agent offered. The case goes back to its queue, the capacity back to the agent, then a new dispatch.',
    params: OfferParams,
    responses: { 204: { description: 'Declined.' } },
    problems: [400, 401, 403, 404, 409],
    handle: async (request) => {
      await useCases.declineOffer(request.params.id, changeContextOf(request));
      return { status: 204 };
    },
  }),
  getCaseRouting: operation({
    operationId: 'getCaseRouting',
    method: 'GET',
    path: '/routing/cases/{id}',
    fn: 'routing',
    auth: 'jwt',
    summary: 'Where a case stands in routing, and why it is still waiting (staff)',
    description: "Who: staff. The case's routing state (waiting / offered / assigned / done) and, when waiting, why.",
    params: RoutingCaseParams,
    responses: { 200: { description: 'Its routing state.', schema: RoutingStateRecord } },
    problems: [400, 401, 403, 404],
    handle: async ({ params, caller }) => ({ status: 200, body: await useCases.caseRouting(params.id, caller) }),
  }),
};
