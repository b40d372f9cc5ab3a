import { routing as declared } from '#http/api/routing.js';
import { changeContextOf } from '#http/change-context.js';
import { serve } from '#http/http-handler.js';
import type { RoutingRulesInput } from '#core/routing/rules.js';
import * as routing from '#services/routing.js';

const etag = (version: number) => ({ etag: `"${version}"` });

export const handler = serve(declared, {
  publishRoutingRules: async (request) => {
    const published = await routing.publishRules(request.body as RoutingRulesInput, request.headers['if-match'], changeContextOf(request));
    return { status: 201, body: published, headers: { ...etag(published.version), location: `/routing/rules?version=${published.version}` } };
  },
  getRoutingRules: async ({ query, caller }) => {
    const ruleset = await routing.getRules(query.version, caller);
    return { status: 200, body: ruleset, headers: etag(ruleset.version) };
  },
  putRoutingQueue: async (request) => {
    const { queue, created } = await routing.putQueue(request.params.id, request.body, request.headers['if-match'], changeContextOf(request));
    return { status: created ? 201 : 200, body: queue, headers: etag(queue.version) };
  },
  listRoutingQueues: async ({ caller }) => ({ status: 200, body: { items: await routing.listQueues(caller) } }),
  putRoutingAgent: async (request) => {
    const { agent, created } = await routing.putAgent(request.params.id, request.body, request.headers['if-match'], changeContextOf(request));
    return { status: created ? 201 : 200, body: agent, headers: etag(agent.version) };
  },
  listRoutingAgents: async ({ caller }) => ({ status: 200, body: { items: await routing.listAgents(caller) } }),
  getRoutingAgent: async ({ params, caller }) => {
    const agent = await routing.getAgent(params.id, caller);
    return { status: 200, body: agent, headers: etag(agent.version) };
  },
  setAgentPresence: async (request) => ({
    status: 200,
    body: await routing.setPresence(request.params.id, request.body.presence, changeContextOf(request)),
  }),
  listRoutingOffers: async ({ query, caller }) => ({ status: 200, body: { items: await routing.listOffers(query.agentId, caller) } }),
  acceptRoutingOffer: async (request) => {
    const accepted = await routing.acceptOffer(request.params.id, changeContextOf(request));
    return { status: 200, body: { caseId: accepted.caseId, owner: accepted.owner, version: accepted.version } };
  },
  declineRoutingOffer: async (request) => {
    await routing.declineOffer(request.params.id, changeContextOf(request));
    return { status: 204 };
  },
  getCaseRouting: async ({ params, caller }) => ({ status: 200, body: await routing.caseRouting(params.id, caller) }),
});
