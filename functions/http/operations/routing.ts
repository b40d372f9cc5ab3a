/** OpenAPI descriptions of routing: rules, queues, agents, presence, offers. */
import * as z from 'zod';
import { json, type Operation } from './shared.js';
import { IfMatch } from '../schemas.js';
import { VersionQuery } from '../workflow-schemas.js';
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

const OptionalIfMatch = z.object({ 'If-Match': IfMatch.optional() });
const Versioned = { ETag: 'Version, for If-Match.' };
const itemsOf = (schema: z.ZodType, id: string) => z.object({ items: z.array(schema) }).meta({ id });

export const routingOperations: Record<string, Operation> = {
  'POST /routing/rules': {
    operationId: 'publishRoutingRules',
    summary: 'Publish the next version of the routing rules (admin); If-Match with the version edited',
    request: { headers: OptionalIfMatch, body: { ...json(RoutingRulesBody), required: true } },
    ok: { status: 201, description: 'The published ruleset.', schema: RoutingRulesRecord, headers: { ...Versioned, Location: 'URL of this version.' } },
    problems: [400, 401, 403, 412, 413, 415],
  },
  'GET /routing/rules': {
    operationId: 'getRoutingRules',
    summary: 'The routing rules in force, or a published version (staff)',
    request: { query: VersionQuery },
    ok: { status: 200, description: 'The ruleset.', schema: RoutingRulesRecord, headers: Versioned },
    problems: [400, 401, 403, 404],
  },
  'PUT /routing/queues/{id}': {
    operationId: 'putRoutingQueue',
    summary: 'Create or replace a queue (admin): optional-skill wait, overflow queue and timeout, offer timeout',
    request: { params: QueueParams, headers: OptionalIfMatch, body: { ...json(QueueBody), required: true } },
    ok: { status: 200, description: 'The queue (201 when created).', schema: QueueRecord, headers: Versioned },
    problems: [400, 401, 403, 412, 413, 415],
  },
  'GET /routing/queues': {
    operationId: 'listRoutingQueues',
    summary: 'Every queue (staff)',
    ok: { status: 200, description: 'The queues.', schema: itemsOf(QueueRecord, 'QueueList') },
    problems: [401, 403],
  },
  'PUT /routing/agents/{id}': {
    operationId: 'putRoutingAgent',
    summary: 'Create or reconfigure an agent (admin): skills with levels, capacity per channel, teams; load and presence are kept',
    request: { params: AgentParams, headers: OptionalIfMatch, body: { ...json(AgentBody), required: true } },
    ok: { status: 200, description: 'The agent (201 when created).', schema: AgentRecord, headers: Versioned },
    problems: [400, 401, 403, 412, 413, 415],
  },
  'GET /routing/agents': {
    operationId: 'listRoutingAgents',
    summary: 'Every agent with load and presence (staff)',
    ok: { status: 200, description: 'The agents.', schema: itemsOf(AgentRecord, 'AgentList') },
    problems: [401, 403],
  },
  'GET /routing/agents/{id}': {
    operationId: 'getRoutingAgent',
    summary: 'One agent (staff)',
    request: { params: AgentParams },
    ok: { status: 200, description: 'The agent.', schema: AgentRecord, headers: Versioned },
    problems: [400, 401, 403, 404],
  },
  'PUT /routing/agents/{id}/presence': {
    operationId: 'setAgentPresence',
    summary: 'Set presence (the agent, or a supervisor): available pulls waiting work at once',
    request: { params: AgentParams, body: { ...json(PresenceBody), required: true } },
    ok: { status: 200, description: 'The agent.', schema: AgentRecord },
    problems: [400, 401, 403, 404, 413, 415],
  },
  'GET /routing/offers': {
    operationId: 'listRoutingOffers',
    summary: 'Open offers to you (or, for supervisors, to an agent)',
    request: { query: OffersQuery },
    ok: { status: 200, description: 'The offers.', schema: itemsOf(OfferRecord, 'OfferList') },
    problems: [400, 401, 403],
  },
  'POST /routing/offers/{id}/accept': {
    operationId: 'acceptRoutingOffer',
    summary: 'Accept an offer (the agent offered): you become the case owner',
    request: { params: OfferParams },
    ok: { status: 200, description: 'The case, now yours.', schema: z.object({ caseId: z.string(), owner: z.string(), version: z.number().int() }).meta({ id: 'AcceptedOffer' }) },
    problems: [400, 401, 403, 404, 409],
  },
  'POST /routing/offers/{id}/decline': {
    operationId: 'declineRoutingOffer',
    summary: 'Decline an offer (the agent offered): the case goes to someone else',
    request: { params: OfferParams },
    ok: { status: 204, description: 'Declined.' },
    problems: [400, 401, 403, 404, 409],
  },
  'GET /routing/cases/{id}': {
    operationId: 'getCaseRouting',
    summary: 'Where a case stands in routing, and why it is still waiting (staff)',
    request: { params: RoutingCaseParams },
    ok: { status: 200, description: 'Its routing state.', schema: RoutingStateRecord },
    problems: [400, 401, 403, 404],
  },
};
