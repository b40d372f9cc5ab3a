import * as z from 'zod';
import { changeContextOf } from '../http/change-context.js';
import { httpHandler, httpRoutes } from '../http/http-handler.js';
import { IfMatch } from '../http/schemas.js';
import { VersionQuery } from '../http/workflow-schemas.js';
import { AgentBody, AgentParams, OfferParams, OffersQuery, PresenceBody, QueueBody, QueueParams, RoutingCaseParams, RoutingRulesBody } from '../http/routing-schemas.js';
import type { RoutingRulesInput } from '../core/routing/rules.js';
import * as routing from '../services/routing.js';

const IfMatchHeader = z.looseObject({ 'if-match': IfMatch.optional() });
const etag = (version: number) => ({ etag: `"${version}"` });

export const handler = httpRoutes({
  'POST /routing/rules': httpHandler({
    operation: 'PublishRoutingRules',
    headers: IfMatchHeader,
    body: RoutingRulesBody,
    handle: async (request) => {
      const published = await routing.publishRules(request.body as RoutingRulesInput, request.headers['if-match'], changeContextOf(request));
      return { status: 201, body: published, headers: { ...etag(published.version), location: `/routing/rules?version=${published.version}` } };
    },
  }),
  'GET /routing/rules': httpHandler({
    operation: 'GetRoutingRules',
    query: VersionQuery,
    handle: async ({ query, caller }) => {
      const ruleset = await routing.getRules(query.version, caller);
      return { status: 200, body: ruleset, headers: etag(ruleset.version) };
    },
  }),
  'PUT /routing/queues/{id}': httpHandler({
    operation: 'PutRoutingQueue',
    params: QueueParams,
    headers: IfMatchHeader,
    body: QueueBody,
    handle: async (request) => {
      const { queue, created } = await routing.putQueue(request.params.id, request.body, request.headers['if-match'], changeContextOf(request));
      return { status: created ? 201 : 200, body: queue, headers: etag(queue.version) };
    },
  }),
  'GET /routing/queues': httpHandler({
    operation: 'ListRoutingQueues',
    handle: async ({ caller }) => ({ status: 200, body: { items: await routing.listQueues(caller) } }),
  }),
  'PUT /routing/agents/{id}': httpHandler({
    operation: 'PutRoutingAgent',
    params: AgentParams,
    headers: IfMatchHeader,
    body: AgentBody,
    handle: async (request) => {
      const { agent, created } = await routing.putAgent(request.params.id, request.body, request.headers['if-match'], changeContextOf(request));
      return { status: created ? 201 : 200, body: agent, headers: etag(agent.version) };
    },
  }),
  'GET /routing/agents': httpHandler({
    operation: 'ListRoutingAgents',
    handle: async ({ caller }) => ({ status: 200, body: { items: await routing.listAgents(caller) } }),
  }),
  'GET /routing/agents/{id}': httpHandler({
    operation: 'GetRoutingAgent',
    params: AgentParams,
    handle: async ({ params, caller }) => {
      const agent = await routing.getAgent(params.id, caller);
      return { status: 200, body: agent, headers: etag(agent.version) };
    },
  }),
  'PUT /routing/agents/{id}/presence': httpHandler({
    operation: 'SetAgentPresence',
    params: AgentParams,
    body: PresenceBody,
    handle: async (request) => ({ status: 200, body: await routing.setPresence(request.params.id, request.body.presence, changeContextOf(request)) }),
  }),
  'GET /routing/offers': httpHandler({
    operation: 'ListRoutingOffers',
    query: OffersQuery,
    handle: async ({ query, caller }) => ({ status: 200, body: { items: await routing.listOffers(query.agentId, caller) } }),
  }),
  'POST /routing/offers/{id}/accept': httpHandler({
    operation: 'AcceptRoutingOffer',
    params: OfferParams,
    handle: async (request) => {
      const accepted = await routing.acceptOffer(request.params.id, changeContextOf(request));
      return { status: 200, body: { caseId: accepted.caseId, owner: accepted.owner, version: accepted.version } };
    },
  }),
  'POST /routing/offers/{id}/decline': httpHandler({
    operation: 'DeclineRoutingOffer',
    params: OfferParams,
    handle: async (request) => {
      await routing.declineOffer(request.params.id, changeContextOf(request));
      return { status: 204 };
    },
  }),
  'GET /routing/cases/{id}': httpHandler({
    operation: 'GetCaseRouting',
    params: RoutingCaseParams,
    handle: async ({ params, caller }) => ({ status: 200, body: await routing.caseRouting(params.id, caller) }),
  }),
});
