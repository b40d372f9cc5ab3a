/**
 * Use cases of routing: admins publish rules and define queues and agents;
 * agents set their presence and accept or decline offers; the routing consumer
 * decides where each case goes when it arrives or changes, and the dispatcher
 * offers waiting cases to agents whenever a case enters a queue or an agent frees
 * capacity. The periodic sweep moves what the clock moves (expired offers,
 * dropped optional skills, overflow).
 */
import { SLA_TIMER_CALLER, hasRole, isStaff, type Caller } from '#core/caller.js';
import { isOpen, type Case } from '#core/case.js';
import type { ChangeContext, FieldChange } from '#core/audit-event.js';
import type { CasePatch } from '#core/case-lifecycle.js';
import { conflict, forbidden, notFound, preconditionFailed, validationFailed } from '#core/errors.js';
import { placementOf, routingChange, ROUTING_CALLER, type Placement } from '#core/routing/decision.js';
import {
  DEFAULT_OFFER_TIMEOUT_SECONDS,
  freeCapacity,
  inTeamFor,
  notInTeamWhy,
  overflowsDue,
  planOffers,
  skillsInForce,
  waitingReason,
  type Agent,
  type PlannedOffer,
  type Presence,
  type Queue,
  type WaitingCase,
  type WaitingReason,
} from '#core/routing/dispatch.js';
import { evaluateRules } from '#core/routing/rule-engine.js';
import type { Channel } from '#core/vocabulary.js';
import { checkRules, decide, routingFacts, type RoutingDecision, type RoutingRuleset, type RoutingRulesInput } from '#core/routing/rules.js';
import { nowIso } from '#adapters/clock.js';
import * as store from '#adapters/dynamodb/routing-repository.js';
import { ROUTING_RULESET, routingQueues, routingRules } from '#adapters/dynamodb/config-kinds.js';
import type { RoutingState } from '#adapters/dynamodb/routing-repository.js';
import { commitCases } from '#adapters/dynamodb/transactions.js';
import type { DomainEventDetail } from '#contracts/domain-events.js';
import { alreadyProcessed, processedMark } from '#adapters/dynamodb/processed-events.js';
import { accessOf, judgeByCaseId, typeOf, untilWritten, visibleCase } from './case-access.js';
import * as caseRepo from '#adapters/dynamodb/case-repository.js';
import { reviseAlong } from './cases.js';
import { publishConfig, publishedBy, type Publishing } from './config-publish.js';

function assertAdmin(caller: Caller, what: string): void {
  if (!hasRole(caller, 'admin')) throw forbidden(`Only admins change ${what}.`);
}
function assertStaff(caller: Caller): void {
  if (!isStaff(caller)) throw forbidden('Routing is for staff.');
}

// Rules -------------------------------------------------------------------------

const rulesets: Publishing<RoutingRuleset, RoutingRulesInput> = {
  store: routingRules,
  authorise: (caller) => assertAdmin(caller, 'routing rules'),
  checkInput(input) {
    const issues = checkRules(input);
    if (issues.length > 0) throw validationFailed(issues, 'The ruleset is not well formed.');
  },
  draft: (input, _id, version, _previous, ctx) => ({ ...input, version, ...publishedBy(ctx) }),
  says: {
    notAt: (_id, current, ifMatch) => `The routing rules are at version ${current}, not ${ifMatch}; read them again and reapply your change.`,
    raced: () => 'Another version of the routing rules was published meanwhile; read them again.',
  },
};

export async function publishRules(input: RoutingRulesInput, ifMatch: number | undefined, ctx: ChangeContext): Promise<RoutingRuleset> {
  return (await publishConfig(rulesets, ROUTING_RULESET, input, 'upsert', ifMatch, ctx)).published;
}

export async function getRules(version: number | undefined, caller: Caller): Promise<RoutingRuleset> {
  assertStaff(caller);
  const ruleset = version === undefined ? await routingRules.current(ROUTING_RULESET) : await routingRules.version(ROUTING_RULESET, version);
  if (!ruleset)
    throw notFound(version === undefined ? 'No routing rules have been published yet.' : `There is no version ${version} of the routing rules.`);
  return ruleset;
}

// Queues and agents ---------------------------------------------------------------

export type QueueInput = Omit<Queue, 'queueId' | 'version' | 'offerTimeoutSeconds'> & { readonly offerTimeoutSeconds?: number };

/** Queues keep no history: each version replaces the one its writer read. */
const queues: Publishing<Queue, QueueInput> = {
  store: routingQueues,
  authorise: (caller) => assertAdmin(caller, 'queues'),
  checkInput(input, queueId) {
    if (input.overflow?.queue === queueId)
      throw validationFailed([{ field: 'body.overflow.queue', rule: 'not_self', message: 'A queue cannot overflow into itself.' }]);
  },
  draft: (input, queueId, version) => ({
    ...input,
    queueId,
    offerTimeoutSeconds: input.offerTimeoutSeconds ?? DEFAULT_OFFER_TIMEOUT_SECONDS,
    version,
  }),
  says: {
    notAt: (queueId, current, ifMatch) => `Queue ${queueId} is at version ${current}, not ${ifMatch}.`,
    raced: (queueId) => `Queue ${queueId} changed meanwhile; read it again.`,
  },
};

export async function putQueue(
  queueId: string,
  input: QueueInput,
  ifMatch: number | undefined,
  ctx: ChangeContext,
): Promise<{ queue: Queue; created: boolean }> {
  const { published, previous } = await publishConfig(queues, queueId, input, 'upsert', ifMatch, ctx);
  return { queue: published, created: !previous };
}

export async function listQueues(caller: Caller): Promise<Queue[]> {
  assertStaff(caller);
  return routingQueues.list();
}

export async function putAgent(
  agentId: string,
  input: Omit<store.AgentConfig, 'agentId'>,
  ifMatch: number | undefined,
  ctx: ChangeContext,
): Promise<{ agent: Agent; created: boolean }> {
  assertAdmin(ctx.caller, 'agents');
  const existing = await store.getAgent(agentId);
  if (ifMatch !== undefined && ifMatch !== (existing?.version ?? 0))
    throw preconditionFailed(`Agent ${agentId} is at version ${existing?.version ?? 0}, not ${ifMatch}.`, { currentVersion: existing?.version ?? 0 });
  const config = { ...input, agentId };
  const outcome = existing ? await store.reconfigureAgent(config, existing.version) : await store.createAgent(config, ctx.now);
  if (outcome === 'stale') throw preconditionFailed(`Agent ${agentId} changed meanwhile; read them again.`);
  if (existing) {
    // Taken out of a team: their open offers of that team's cases go back at once, for a member to have.
    const theirs = (await store.listOffers()).filter((o) => o.agentId === agentId);
    const withdrawn: string[] = [];
    for (const offer of await ineligibleOffers(theirs))
      if ((await withdrawOffer(offer, ctx.now, 'ineligible')) === 'written') withdrawn.push(offer.caseId);
    // The cases taken back go to whoever may have them; an agent new to a team may take its waiting cases.
    if (withdrawn.length > 0 || !sameJson(existing.teams ?? [], input.teams ?? [])) await dispatch({ cases: withdrawn, agents: [agentId] });
  }
  return { agent: (await store.getAgent(agentId))!, created: !existing };
}

export async function getAgent(agentId: string, caller: Caller): Promise<Agent> {
  if (!isStaff(caller)) throw forbidden('Routing is for staff.');
  const agent = await store.getAgent(agentId);
  if (!agent) throw notFound(`There is no agent ${agentId}.`);
  return agent;
}

export async function listAgents(caller: Caller): Promise<Agent[]> {
  assertStaff(caller);
  return store.listAgents();
}

const mayActFor = (caller: Caller, agentId: string) => caller.sub === agentId || hasRole(caller, 'supervisor') || hasRole(caller, 'admin');

/** Agents set their own presence (supervisors and admins may too); becoming available pulls work at once. */
export async function setPresence(agentId: string, presence: Presence, ctx: ChangeContext): Promise<Agent> {
  if (!isStaff(ctx.caller) || !mayActFor(ctx.caller, agentId)) throw forbidden('Agents set their own presence.');
  const agent = await store.setPresence(agentId, presence, ctx.now);
  if (!agent) throw notFound(`There is no agent ${agentId}.`);
  if (presence === 'available') await dispatch({ agents: [agentId] });
  return agent;
}

// Offers ------------------------------------------------------------------------------

export async function listOffers(agentId: string | undefined, caller: Caller): Promise<store.Offer[]> {
  const whose = agentId ?? caller.sub;
  if (!isStaff(caller) || !mayActFor(caller, whose)) throw forbidden('Agents see their own offers.');
  const offers = (await store.listOffers()).filter((o) => o.agentId === whose);
  // The case reads' rule: an offer of a case the caller may not see is not there for them (nor its id).
  const seen = await judgeByCaseId((o: store.Offer) => o.caseId)(caller, offers);
  return offers.filter((_, i) => seen[i]);
}

/** Accepting makes the agent the case's owner through the cases service, with the offer closed in the same transaction. */
export async function acceptOffer(offerId: string, ctx: ChangeContext): Promise<Case> {
  assertStaff(ctx.caller);
  const offer = await store.getOffer(offerId);
  if (!offer) throw notFound(`There is no open offer ${offerId}.`);
  if (ctx.caller.sub !== offer.agentId) throw forbidden('Only the agent a case was offered to may accept it.');
  if (offer.deadline <= ctx.now) throw conflict(`Offer ${offerId} expired at ${offer.deadline}.`);
  const { case: accepted } = await reviseAlong(offer.caseId, { owner: offer.agentId }, ctx, async (stored) => {
    const routing = (await store.getRoutedCase(offer.caseId))?.routing;
    if (routing?.state !== 'offered' || routing.offerId !== offerId) throw conflict(`Offer ${offerId} is no longer open.`);
    if (stored.case.owner !== null) throw conflict(`Case ${offer.caseId} was assigned to ${stored.case.owner} meanwhile.`);
    const { offerId: _closed, ...rest } = routing;
    return [...store.routingStateItems({ ...rest, state: 'assigned', version: routing.version + 1 }, routing), store.deleteOfferItem(offerId)];
  });
  return accepted;
}

export async function declineOffer(offerId: string, ctx: ChangeContext): Promise<void> {
  assertStaff(ctx.caller);
  const offer = await store.getOffer(offerId);
  if (!offer) throw notFound(`There is no open offer ${offerId}.`);
  if (ctx.caller.sub !== offer.agentId) throw forbidden('Only the agent a case was offered to may decline it.');
  if ((await withdrawOffer(offer, ctx.now, 'declined')) !== 'written') throw conflict(`Offer ${offerId} is no longer open.`);
  // The case goes to someone else; the agent's freed seat to the best case they have not declined.
  await dispatch({ cases: [offer.caseId], agents: [offer.agentId] });
}

/**
 * Put an offered case back in the queue, the agent's capacity back. A decline
 * takes the agent off the case's list (until it changes queue); a timeout does
 * not: silence is not a no, so the agent goes behind everyone else who could take
 * it and gets it again if nobody else can. The case re-enters at its priority as
 * it is now (it may have changed while offered).
 */
async function withdrawOffer(offer: store.Offer, now: string, why: 'declined' | 'timedOut' | 'ineligible'): Promise<'written' | 'stale' | 'gone'> {
  const routed = await store.getRoutedCase(offer.caseId);
  const routing = routed?.routing;
  if (!routed || routing?.state !== 'offered' || routing.offerId !== offer.offerId) return 'gone';
  const { offerId: _o, agentId: _a, ...rest } = routing;
  const timedOutBy = (routing.timedOutBy ?? []).filter((a) => a !== offer.agentId);
  const next: RoutingState = {
    ...rest,
    state: 'waiting',
    priority: routed.stored.case.priority,
    // An agent no longer eligible is neither a decline nor a lapse: the team rule keeps them off it while it holds.
    ...(why === 'declined'
      ? { declinedBy: [...routing.declinedBy, offer.agentId], timedOutBy }
      : why === 'timedOut'
        ? { timedOutBy: [...timedOutBy, offer.agentId] }
        : {}),
    version: routing.version + 1,
  };
  return store.transactUnlessStale([
    ...store.routingStateItems(next, routing),
    store.releaseCapacity(offer.agentId, offer.channel, now),
    store.deleteOfferItem(offer.offerId),
  ]);
}

// Dispatch -----------------------------------------------------------------------------

async function makeOffer(plan: PlannedOffer, waiting: WaitingCase, queue: Queue | undefined, now: string): Promise<store.WriteOutcome> {
  // `teams` is resolved per pass from the type's current rule, never stored.
  const { routingVersion, teams, ...entry } = waiting;
  const previous: RoutingState = { ...entry, state: 'waiting', version: routingVersion };
  const offerId = `${plan.caseId}.${routingVersion + 1}`;
  const deadline = new Date(Date.parse(now) + (queue?.offerTimeoutSeconds ?? DEFAULT_OFFER_TIMEOUT_SECONDS) * 1000).toISOString();
  return store.transactUnlessStale([
    ...store.routingStateItems({ ...previous, state: 'offered', offerId, agentId: plan.agentId, version: routingVersion + 1 }, previous),
    store.takeCapacity(plan.agentId, plan.channel, now, true, teams),
    store.putOfferItem({ offerId, caseId: plan.caseId, agentId: plan.agentId, channel: plan.channel, queue: plan.queue, offeredAt: now, deadline }),
  ]);
}

async function inBatches<T>(items: readonly T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(run));
}

/**
 * The waiting cases with the teams each one's type is restricted to now (the
 * type's current access rule, as the case reads use). An entry written before
 * routing recorded the type is judged by reading its case.
 */
export async function withTeams(waiting: readonly WaitingCase[]): Promise<WaitingCase[]> {
  const rules = new Map<string, Promise<readonly string[] | undefined>>();
  const teamsOfType = (typeId: string) => {
    if (!rules.has(typeId))
      rules.set(
        typeId,
        accessOf(typeId).then((access) => access?.teams),
      );
    return rules.get(typeId)!;
  };
  return Promise.all(
    waiting.map(async (w) => {
      const typeId = w.caseType ?? (await caseRepo.getCase(w.caseId))?.case.type;
      // A case that is gone cannot be judged: nobody gets it (the sweep or its release clears the entry).
      const teams = typeId === undefined ? [] : await teamsOfType(typeId);
      return teams === undefined ? w : { ...w, teams };
    }),
  );
}

/**
 * The full pass: plan from one read of every agent and the whole waiting list,
 * then one conditional transaction per offer. Another dispatcher may win some
 * of them; then plan again from fresh reads, a few times. It reads everything,
 * so only the sweep runs it (it catches what the targeted passes below leave:
 * optional skills dropped, overflow, another container's agent changes).
 */
export async function dispatchOnce(maxPasses = 4): Promise<{ offered: number }> {
  let offered = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    const [agents, waiting, queues] = await Promise.all([store.listAgents(), store.listWaiting().then(withTeams), routingQueues.list()]);
    const queueOf = new Map(queues.map((q) => [q.queueId, q]));
    const now = nowIso();
    const plan = planOffers(waiting, agents, queueOf, now);
    if (plan.length === 0) break;
    const entry = new Map(waiting.map((w) => [w.caseId, w]));
    let lost = 0;
    await inBatches(plan, 8, async (p) => {
      if ((await makeOffer(p, entry.get(p.caseId)!, queueOf.get(p.queue), now)) === 'written') offered++;
      else lost++;
    });
    if (lost === 0) break;
  }
  return { offered };
}

/**
 * Offer one case that has just entered (or re-entered) the waiting list to its
 * best agent, from the agent snapshot: no read of the waiting list (every case
 * already in it had no agent free for it when it came, or was offered when an
 * agent freed up) and none of every agent. A lost offer (the agent filled up or
 * went away meanwhile) marks the agent to be read again; then choose again.
 */
export async function placeCase(caseId: string, maxTries = 4): Promise<{ offered: number }> {
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const state = await store.getRoutingState(caseId);
    if (state?.state !== 'waiting') return { offered: 0 };
    const [[waiting], agents] = await Promise.all([withTeams([store.waitingOf(state)]), store.agentSnapshot()]);
    const queue = await routingQueues.current(waiting!.queue);
    const now = nowIso();
    const [plan] = planOffers([waiting!], agents, new Map(queue ? [[queue.queueId, queue]] : []), now);
    if (!plan) return { offered: 0 };
    if ((await makeOffer(plan, waiting!, queue, now)) === 'written') return { offered: 1 };
  }
  return { offered: 0 };
}

/** How deep into the waiting list a targeted pass looks for cases its agents may take; deeper is the sweep's. */
export const SERVE_DEPTH = 256;

/**
 * Offer waiting cases to agents who have just freed capacity or become available:
 * the waiting list's best cases (the shards' merged heads), read only as far as
 * these agents' free seats take, or `SERVE_DEPTH` cases. Only these agents are
 * read (by key) and offered anything: every other agent's standing has not changed
 * since their own last pass.
 */
export async function serveAgents(agentIds: readonly string[], maxPasses = 4): Promise<{ offered: number; read: number }> {
  let offered = 0;
  let read = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    // Just these agents, read by key: the snapshot (and its refresh) is for choosing among all of them.
    const agents = (await Promise.all([...new Set(agentIds)].map((id) => store.getAgent(id)))).filter(
      (a): a is Agent => a !== undefined && a.presence === 'available',
    );
    if (!agents.some((a) => Object.keys(a.capacity).some((ch) => freeCapacity(a, ch as Channel) > 0))) break;
    const queues = new Map((await routingQueues.list()).map((q) => [q.queueId, q]));
    const now = nowIso();
    const pool = new Map(agents.map((a) => [a.agentId, a]));
    const plan: { plan: PlannedOffer; waiting: WaitingCase }[] = [];
    const heads = store.waitingHeads();
    let seen = 0;
    let batch: WaitingCase[] = [];
    const planBatch = async () => {
      const judged = await withTeams(batch);
      batch = [];
      for (const p of planOffers(judged, [...pool.values()], queues, now)) {
        const agent = pool.get(p.agentId)!;
        pool.set(p.agentId, { ...agent, load: { ...agent.load, [p.channel]: (agent.load[p.channel] ?? 0) + 1 }, idleSince: now });
        plan.push({ plan: p, waiting: judged.find((w) => w.caseId === p.caseId)! });
      }
    };
    const seats = () =>
      [...pool.values()].reduce((n, a) => n + Object.keys(a.capacity).reduce((m, ch) => m + Math.max(0, freeCapacity(a, ch as Channel)), 0), 0);
    for await (const w of heads) {
      seen++;
      batch.push(w);
      // Plan in small batches: the teams of a case's type are one read per type, shared across the batch.
      if (batch.length >= 8) {
        await planBatch();
        if (seats() === 0) break;
      }
      if (seen >= SERVE_DEPTH) break;
    }
    if (batch.length > 0) await planBatch();
    await heads.return(undefined);
    read += seen;
    if (plan.length === 0) break;
    let lost = 0;
    await inBatches(plan, 8, async ({ plan: p, waiting }) => {
      if ((await makeOffer(p, waiting, queues.get(p.queue), now)) === 'written') offered++;
      else lost++;
    });
    if (lost === 0) break;
  }
  return { offered, read };
}

/** What a dispatch is asked to look at: cases that entered the waiting list, agents that freed capacity, or everything. */
export interface DispatchWork {
  readonly cases?: readonly string[];
  readonly agents?: readonly string[];
  readonly full?: boolean;
}

const pending = { cases: new Set<string>(), agents: new Set<string>(), full: false };
/** The pass that will take the pending work (not started yet), and the end of the last one queued. */
let queued: Promise<{ offered: number }> | undefined;
let tail: Promise<unknown> = Promise.resolve();

async function runPass(work: { cases: string[]; agents: string[]; full: boolean }): Promise<{ offered: number }> {
  if (work.full) return dispatchOnce();
  // Agents first: the cases they take from the head are better than (or as good as) a newcomer.
  let offered = work.agents.length > 0 ? (await serveAgents(work.agents)).offered : 0;
  await inBatches(work.cases, 8, async (caseId) => {
    offered += (await placeCase(caseId)).offered;
  });
  return { offered };
}

/**
 * Dispatch, one pass at a time per container: work that arrives while a pass runs
 * joins the next one (its case may have entered after the running pass read),
 * and its caller waits for that pass only. Separate containers still dispatch
 * side by side; their transactions' conditions keep that safe.
 */
export function dispatch(work: DispatchWork = { full: true }): Promise<{ offered: number }> {
  work.cases?.forEach((c) => pending.cases.add(c));
  work.agents?.forEach((a) => pending.agents.add(a));
  if (work.full) pending.full = true;
  if (!pending.full && pending.cases.size === 0 && pending.agents.size === 0) return Promise.resolve({ offered: 0 });
  if (queued) return queued;
  const pass = tail.then(() => {
    // Taken in the same turn as `queued` is cleared: later work queues the pass after this one.
    queued = undefined;
    const taken = { cases: [...pending.cases], agents: [...pending.agents], full: pending.full };
    pending.cases.clear();
    pending.agents.clear();
    pending.full = false;
    return runPass(taken);
  });
  queued = pass;
  tail = pass.catch(() => undefined);
  return pass;
}

/**
 * Open offers whose agent may no longer have the case: its type was restricted to
 * teams, or the agent was taken out of the type's teams, after the offer was made.
 */
async function ineligibleOffers(offers: readonly store.Offer[]): Promise<store.Offer[]> {
  if (offers.length === 0) return [];
  const agents = new Map((await store.listAgents()).map((a) => [a.agentId, a]));
  const judged = await withTeams(
    offers.map((o) => ({
      caseId: o.caseId,
      queue: o.queue,
      priority: 'low',
      channel: o.channel,
      skills: [],
      since: o.offeredAt,
      queuedAt: o.offeredAt,
      declinedBy: [],
      routingVersion: 0,
    })),
  );
  return offers.filter((o, i) => !inTeamFor(agents.get(o.agentId) ?? {}, judged[i]!.teams));
}

/**
 * What the clock moves: expired offers go back to the queue, as do offers their
 * agent is no longer in the case's teams for; overdue cases overflow; then a dispatch pass.
 */
export async function sweep(): Promise<{ expired: number; withdrawn: number; overflowed: number; offered: number }> {
  const now = nowIso();
  let expired = 0;
  const open = await store.listOffers();
  for (const offer of open.filter((o) => o.deadline <= now)) {
    if ((await withdrawOffer(offer, now, 'timedOut')) === 'written') expired++;
  }
  let withdrawn = 0;
  for (const offer of await ineligibleOffers(open.filter((o) => o.deadline > now))) {
    if ((await withdrawOffer(offer, now, 'ineligible')) === 'written') withdrawn++;
  }
  const [waiting, queues] = await Promise.all([store.listWaiting(), routingQueues.list()]);
  let overflowed = 0;
  for (const due of overflowsDue(waiting, new Map(queues.map((q) => [q.queueId, q])), now)) {
    if ((await overflow(due.caseId, due.from, due.to, now)) === 'written') overflowed++;
  }
  const { offered } = await dispatch();
  return { expired, withdrawn, overflowed, offered };
}

const routingContext = (correlationId: string, now = nowIso()): ChangeContext => ({ caller: ROUTING_CALLER, now, channel: 'api', correlationId });

async function overflow(caseId: string, from: string, to: string, now: string): Promise<store.WriteOutcome | 'gone'> {
  const routed = await store.getRoutedCase(caseId);
  const routing = routed?.routing;
  if (!routed || routing?.state !== 'waiting' || routing.queue !== from) return 'gone';
  const { stored } = routed;
  const change = routingChange(
    stored,
    await typeOf(stored.case),
    stored.case.queue !== to ? { queue: to } : {},
    routingContext(`overflow-${caseId}`, now),
    {
      step: 'overflow',
      from,
      to,
      queuedAt: routing.queuedAt,
    },
  );
  // A new queue, a new chance: its agents have not declined it yet.
  const next: RoutingState = { ...routing, queue: to, queuedAt: now, declinedBy: [], timedOutBy: [], version: routing.version + 1 };
  return commitCases({
    head: stored.head,
    audit: change.audit,
    ...(change.case ? { case: { next: change.case, expectedVersion: stored.case.version } } : {}),
    items: store.routingStateItems(next, routing),
  });
}

// Deciding ------------------------------------------------------------------------------

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Run the rules on the case as it is now and route it: revise queue and priority
 * (and owner, for a rule's assignee with room), record the decision as a
 * `RoutingDecided` event, put the case in the waiting list; one transaction,
 * which also marks `eventId` handled. A case already offered or assigned, owned
 * by hand, or no longer open is left alone (an offered one keeps its priority and
 * placement up to date for when it comes back). A case a person or an escalation
 * placed (`cause` or an earlier event moved its queue or owner) is not put
 * through the rules again: it waits where it was put, at its priority, and the
 * decision records why.
 */
export async function decideAndRoute(caseId: string, trigger: string, eventId: string, cause?: CaseEventDetail): Promise<'routed' | 'unchanged'> {
  const fresh = cause ? placementOf(cause, SLA_TIMER_CALLER.sub) : undefined;
  return untilWritten(`Routing of ${caseId}`, async () => {
    const routed = await store.getRoutedCase(caseId);
    if (!routed) return 'unchanged';
    const { stored, routing } = routed;
    const c = stored.case;
    if (c.mergedInto || !isOpen(c)) return 'unchanged';
    const placement = fresh ?? routing?.placement;
    const now = nowIso();
    if (routing?.state === 'offered' && (routing.priority !== c.priority || !sameJson(routing.placement, placement))) {
      const kept: RoutingState = { ...routing, priority: c.priority, ...(placement ? { placement } : {}), version: routing.version + 1 };
      const outcome = await store.transactUnlessStale([...store.routingStateItems(kept, routing), processedMark(ROUTING_CONSUMER, eventId)]);
      if (outcome === 'written') return 'routed';
      return (await alreadyProcessed(ROUTING_CONSUMER, eventId)) ? 'unchanged' : 'stale';
    }
    if (c.owner !== null || routing?.state === 'offered' || routing?.state === 'assigned') return 'unchanged';
    const ruleset = await routingRules.current(ROUTING_RULESET);
    const facts = routingFacts(c);
    const waitingBefore = routing?.state === 'waiting' ? routing : undefined;
    const decision: RoutingDecision = placement
      ? {
          rulesetVersion: ruleset?.version ?? null,
          trigger,
          facts,
          fired: [],
          stoppedAt: null,
          // Where it was put, at the priority it has; a rule's skills stay only while it stays in that queue.
          actions: { queue: c.queue, priority: c.priority, skills: routing && routing.queue === c.queue ? routing.skills : [] },
        }
      : decide(
          ruleset ?? { version: null, rules: [] },
          await evaluateRules(ruleset?.rules ?? [], facts, ruleset ? `v${ruleset.version}` : undefined),
          facts,
          c,
          trigger,
        );
    const { queue, priority, skills } = decision.actions;

    let assignee: Agent | undefined;
    let reservedFor: string | undefined;
    let notEligible: { agentId: string; why: string } | undefined;
    const named = decision.actions.assignee;
    const teams = (await accessOf(c.type))?.teams;
    if (named) {
      const agent = await store.getAgent(named);
      // A rule cannot give a restricted case to someone outside its teams: it waits for a team member instead.
      if (agent && !inTeamFor(agent, teams)) notEligible = { agentId: named, why: notInTeamWhy(teams!) };
      else if (agent && freeCapacity(agent, c.channel) > 0) assignee = agent;
      else if (agent) reservedFor = named;
    }
    const sameQueue = waitingBefore?.queue === queue;
    if (
      trigger !== 'CaseCreated' &&
      sameQueue &&
      !assignee &&
      waitingBefore.priority === priority &&
      sameJson(waitingBefore.skills, skills) &&
      waitingBefore.reservedFor === reservedFor &&
      sameJson(waitingBefore.placement, placement) &&
      c.queue === queue &&
      c.priority === priority
    ) {
      return 'unchanged';
    }
    const base = {
      caseId,
      queue,
      priority,
      channel: c.channel,
      skills,
      since: waitingBefore?.since ?? now,
      queuedAt: sameQueue ? waitingBefore.queuedAt : now,
      declinedBy: sameQueue ? waitingBefore.declinedBy : [],
      ...(sameQueue && waitingBefore.timedOutBy ? { timedOutBy: waitingBefore.timedOutBy } : {}),
      ...(placement ? { placement } : {}),
      caseType: c.type,
      version: (routing?.version ?? 0) + 1,
    };
    const next: RoutingState = assignee
      ? { ...base, state: 'assigned', agentId: assignee.agentId }
      : { ...base, state: 'waiting', ...(reservedFor ? { reservedFor } : {}) };
    const patch: CasePatch = {
      ...(queue !== c.queue ? { queue } : {}),
      ...(priority !== c.priority ? { priority } : {}),
      ...(assignee ? { owner: assignee.agentId } : {}),
    };
    if (!ruleset && Object.keys(patch).length === 0 && !assignee && !reservedFor) {
      // No rules published, and the case stays where intake put it: it joins its queue's waiting list,
      // and its history is left alone (there is no decision to explain, and the chain is not contended).
      const queued = await store.transactUnlessStale([...store.routingStateItems(next, routing), processedMark(ROUTING_CONSUMER, eventId)]);
      if (queued === 'written') return 'routed';
      return (await alreadyProcessed(ROUTING_CONSUMER, eventId)) ? 'unchanged' : 'stale';
    }
    const outcome = assignee ? 'assigned' : reservedFor ? 'reservedForAssignee' : 'queued';
    const record = {
      step: 'decided',
      ...decision,
      outcome,
      ...(named && !assignee && !reservedFor && !notEligible ? { unknownAssignee: named } : {}),
      ...(notEligible
        ? { assigneeNotEligible: notEligible, why: `${notEligible.agentId} ${notEligible.why}: the case waits in ${queue} for a member.` }
        : {}),
      ...(placement
        ? {
            placement,
            rulesApplied: false,
            why: `${placement.by === 'escalation' ? 'An SLA escalation' : `${placement.actor}`} set the case's ${placement.field} (event ${placement.eventId}): routing rules no longer move it; it waits in ${queue}.`,
          }
        : {}),
    };
    const change = routingChange(stored, await typeOf(c), patch, routingContext(eventId, now), record);
    const written = await commitCases({
      head: stored.head,
      audit: change.audit,
      ...(change.case ? { case: { next: change.case, expectedVersion: c.version } } : {}),
      items: [
        ...store.routingStateItems(next, routing),
        processedMark(ROUTING_CONSUMER, eventId),
        ...(assignee ? [store.takeCapacity(assignee.agentId, c.channel, now, false, teams)] : []),
      ],
    });
    if (written === 'written') return 'routed';
    return (await alreadyProcessed(ROUTING_CONSUMER, eventId)) ? 'unchanged' : 'stale';
  });
}

/**
 * Routing lets go of a case (resolved, closed, taken by hand): its queue place, offer or capacity goes back.
 * Returns the agent whose capacity it gave back, if any, for dispatch to serve.
 */
async function release(caseId: string, reason: string, eventId: string, placement?: Placement): Promise<string | undefined> {
  let freed: string | undefined;
  await untilWritten(`Routing of ${caseId}`, async () => {
    freed = undefined;
    const routing = (await store.getRoutedCase(caseId))?.routing;
    if (!routing || routing.state === 'done') return 'done';
    const now = nowIso();
    const { offerId, agentId, reservedFor: _r, ...rest } = routing;
    const next: RoutingState = { ...rest, state: 'done', doneReason: reason, ...(placement ? { placement } : {}), version: routing.version + 1 };
    const outcome = await store.transactUnlessStale([
      ...store.routingStateItems(next, routing),
      ...(agentId && (routing.state === 'offered' || routing.state === 'assigned') ? [store.releaseCapacity(agentId, routing.channel, now)] : []),
      ...(offerId ? [store.deleteOfferItem(offerId)] : []),
      processedMark(ROUTING_CONSUMER, eventId),
    ]);
    if (outcome === 'written') {
      if (agentId && (routing.state === 'offered' || routing.state === 'assigned')) freed = agentId;
      return 'done';
    }
    return (await alreadyProcessed(ROUTING_CONSUMER, eventId)) ? 'done' : 'stale';
  });
  return freed;
}

/** Changes of these fields can change what the rules decide; an owner change alone cannot. */
const decidingChange = (c: FieldChange) =>
  c.field === 'queue' || c.field === 'priority' || c.field === 'priorityScore' || c.field.startsWith('fields.');

/** A domain event as routing receives it (`functions/contracts/domain-events.ts`). */
export type CaseEventDetail = DomainEventDetail;

/** Routing's name on its processed-event marks (`processed-events.ts`). */
export const ROUTING_CONSUMER = 'routing';

/**
 * The routing consumer's work for one domain event (idempotent on `detail.id`:
 * each write carries the event's mark, `processedMark(ROUTING_CONSUMER, ...)`, and
 * the event wrapper skips an event whose mark exists).
 */
export async function onCaseEvent(type: string, detail: CaseEventDetail): Promise<void> {
  const { caseId } = detail;
  const freed: string[] = [];
  const letGo = async (...args: Parameters<typeof release>) => {
    const agentId = await release(...args);
    if (agentId) freed.push(agentId);
  };
  switch (type) {
    case 'CaseCreated':
      await decideAndRoute(caseId, type, detail.id);
      break;
    case 'CaseUpdated':
      if (detail.changes.some(decidingChange)) await decideAndRoute(caseId, type, detail.id, detail);
      break;
    case 'StatusChanged': {
      if (detail.action === 'CaseCreated') return;
      const routed = await store.getRoutedCase(caseId);
      if (!routed) return;
      if (!isOpen(routed.stored.case)) await letGo(caseId, routed.stored.case.statusCategory, detail.id);
      else await decideAndRoute(caseId, type, detail.id, detail);
      break;
    }
    case 'Assigned': {
      const routed = await store.getRoutedCase(caseId);
      const routing = routed?.routing;
      if (!routed || !routing) return;
      const owner = routed.stored.case.owner;
      if (routing.state === 'done') {
        // Taken by hand earlier and now nobody's: back into routing, or it would wait unseen.
        if (owner === null && isOpen(routed.stored.case)) await decideAndRoute(caseId, type, detail.id, detail);
        break;
      }
      if (routing.state === 'assigned' && routing.agentId === owner) return;
      if (routing.state === 'waiting' && owner === null) return;
      // An owner change by hand (or a workflow step a person took) places the case: rules will not move it again.
      await letGo(caseId, owner === null ? 'unassigned' : 'reassigned', detail.id, placementOf(detail, SLA_TIMER_CALLER.sub));
      // Unassigned by hand: back into routing, into the queue it is in.
      if (owner === null) await decideAndRoute(caseId, type, `${detail.id}/requeue`, detail);
      break;
    }
    default:
      return;
  }
  // Only what this event changed: the case, if it now waits, and the agent it freed.
  await dispatch({ cases: [caseId], agents: freed });
}

/** Where a case stands in routing, and (waiting) why nobody has it yet. */
export async function caseRouting(caseId: string, caller: Caller): Promise<RoutingState & { reason?: WaitingReason; why?: string }> {
  assertStaff(caller);
  const { case: c } = await visibleCase(caseId, caller);
  const routing = (await store.getRoutedCase(caseId))?.routing;
  if (!routing) throw notFound(`Case ${caseId} has not been routed.`);
  if (routing.state !== 'waiting') return routing;
  const [agents, queue, [waiting]] = await Promise.all([
    store.listAgents(),
    routingQueues.current(routing.queue),
    withTeams([{ ...store.waitingOf(routing), caseType: c.type }]),
  ]);
  const reason = waitingReason(waiting!, agents, skillsInForce(waiting!, queue, nowIso()));
  return {
    ...routing,
    reason,
    ...(reason === 'noAgentInTeam' && waiting!.teams
      ? { why: `No agent is in team ${waiting!.teams!.join(' or ')}: every other agent is ${notInTeamWhy(waiting!.teams!)}.` }
      : {}),
  };
}
