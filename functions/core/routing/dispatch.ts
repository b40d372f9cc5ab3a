/**
 * Push routing as plain data: who may take a waiting case, who should, in which
 * order waiting cases are served, and what the clock does to waiting cases
 * (optional skills drop, overflow to another queue, offers expire). The storage
 * layer turns each planned offer into one conditional transaction, so a plan made
 * from stale reads can lose a race but never over-fill an agent.
 */
import type { Channel, Priority } from '../vocabulary.js';
import { PRIORITIES } from '../vocabulary.js';
import type { SkillRequirement } from './rules.js';

export const PRESENCES = ['available', 'busy', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

export interface Agent {
  readonly agentId: string;
  readonly name?: string;
  /** Skill name to proficiency, 1-10. */
  readonly skills: Readonly<Record<string, number>>;
  /** Cases at once, per channel; a channel not listed takes none. */
  readonly capacity: Readonly<Partial<Record<Channel, number>>>;
  /** Cases offered or assigned by routing, per channel. */
  readonly load: Readonly<Partial<Record<Channel, number>>>;
  readonly presence: Presence;
  /**
   * Teams the agent belongs to, as routing knows them (record-level access):
   * a case of a type restricted to teams goes only to an agent in one of them.
   * Absent: none.
   */
  readonly teams?: readonly string[];
  /** Since when the agent has had nothing new: longest idle is served first among equals. */
  readonly idleSince: string;
  readonly version: number;
}

export interface Queue {
  readonly queueId: string;
  readonly name?: string;
  /** After this long waiting, optional skills stop counting (absent: never). */
  readonly optionalSkillWaitSeconds?: number;
  /** After `afterSeconds` waiting here, the case moves to `queue`. */
  readonly overflow?: { readonly queue: string; readonly afterSeconds: number };
  /** How long an agent has to accept an offer. */
  readonly offerTimeoutSeconds: number;
  readonly version: number;
}

export const DEFAULT_OFFER_TIMEOUT_SECONDS = 60;

/** A case waiting in a queue, as the dispatcher sees it. */
export interface WaitingCase {
  readonly caseId: string;
  readonly queue: string;
  readonly priority: Priority;
  readonly channel: Channel;
  readonly skills: readonly SkillRequirement[];
  /** First entered routing: orders the queue. */
  readonly since: string;
  /** Entered this queue: times optional-skill drop and overflow. */
  readonly queuedAt: string;
  readonly declinedBy: readonly string[];
  /**
   * Agents who let an offer of this case expire, the longest ago first. Silence is
   * not a decline: they stay eligible, behind every agent who has not timed out,
   * so the case goes to someone else if it can and back to them if it cannot.
   */
  readonly timedOutBy?: readonly string[];
  /** A rule named an assignee who had no capacity: only they may get it. */
  readonly reservedFor?: string;
  /** The case's type: its access rule (as in force now, not as when the case arrived) decides who may be offered it. */
  readonly caseType?: string;
  /**
   * The teams the case's type is restricted to, resolved from the type's current
   * access rule by whoever reads the waiting list (never stored: a type can be
   * restricted later). Absent: unrestricted.
   */
  readonly teams?: readonly string[];
  /** The routing item's version the entry was written with: an offer is conditioned on it. */
  readonly routingVersion: number;
}

export const freeCapacity = (agent: Pick<Agent, 'capacity' | 'load'>, channel: Channel): number =>
  (agent.capacity[channel] ?? 0) - (agent.load[channel] ?? 0);

const waitedSeconds = (from: string, now: string) => (Date.parse(now) - Date.parse(from)) / 1000;

/** The skills that count now: optional ones only until the queue's wait for them runs out. */
export function skillsInForce(
  c: Pick<WaitingCase, 'skills' | 'queuedAt'>,
  queue: Pick<Queue, 'optionalSkillWaitSeconds'> | undefined,
  now: string,
): SkillRequirement[] {
  const wait = queue?.optionalSkillWaitSeconds;
  const dropOptional = wait !== undefined && waitedSeconds(c.queuedAt, now) >= wait;
  return c.skills.filter((s) => !s.optional || !dropOptional);
}

/**
 * Agents' skill maps as `Map`s, built once per skills object. Every agent's skills
 * object has its own keys in its own order, so looking skills up on the objects
 * themselves is a megamorphic property load: with 1,000 agents it was 90% of a
 * decision's time.
 */
const skillTables = new WeakMap<object, Map<string, number>>();
function skillTable(skills: Readonly<Record<string, number>>): Map<string, number> {
  let table = skillTables.get(skills);
  if (!table) {
    table = new Map(Object.entries(skills));
    skillTables.set(skills, table);
  }
  return table;
}

export function hasSkills(agent: Pick<Agent, 'skills'>, skills: readonly SkillRequirement[]): boolean {
  if (skills.length === 0) return true;
  const table = skillTable(agent.skills);
  for (let i = 0; i < skills.length; i++) {
    const s = skills[i]!;
    if (!((table.get(s.skill) ?? 0) >= s.level)) return false;
  }
  return true;
}

/**
 * Whether an agent is in one of `teams` (absent: an unrestricted case, open to all).
 * The same rule as the case reads (`core/access.ts` inTeams), applied to the agent's configured teams.
 */
export function inTeamFor(agent: Pick<Agent, 'teams'>, teams: readonly string[] | undefined): boolean {
  if (teams === undefined) return true;
  const mine = agent.teams ?? [];
  return teams.some((team) => mine.includes(team));
}

/** Why an agent outside a restricted case's teams may not have it, in words for decisions and refusals. */
export const notInTeamWhy = (teams: readonly string[]): string => `not eligible: not in team ${teams.join(' or ')}`;

/** Whether `agent` may be offered `c` now. */
export function eligible(agent: Agent, c: WaitingCase, skills: readonly SkillRequirement[]): boolean {
  // Skills first: with many skills they rule out most agents, and cost a lookup or two.
  return (
    hasSkills(agent, skills) &&
    inTeamFor(agent, c.teams) &&
    agent.presence === 'available' &&
    freeCapacity(agent, c.channel) > 0 &&
    (c.reservedFor === undefined || c.reservedFor === agent.agentId) &&
    (c.declinedBy.length === 0 || !c.declinedBy.includes(agent.agentId))
  );
}

/** Better first: most free capacity on the case's channel, then longest idle, then id (so ties are stable). */
export function compareAgents(channel: Channel) {
  return (a: Agent, b: Agent): number =>
    freeCapacity(b, channel) - freeCapacity(a, channel) ||
    (a.idleSince < b.idleSince ? -1 : a.idleSince > b.idleSince ? 1 : 0) ||
    (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0);
}

/** Where an agent stands among those who let this case's offer expire: -1 for none (first), else oldest timeout first. */
const timeoutRank = (c: Pick<WaitingCase, 'timedOutBy'>, agentId: string): number =>
  c.timedOutBy === undefined || c.timedOutBy.length === 0 ? -1 : c.timedOutBy.indexOf(agentId);

/** The best eligible agent for a case, in one pass (no sort: this runs per case over every agent). */
export function bestAgent(agents: readonly Agent[], c: WaitingCase, skills: readonly SkillRequirement[]): Agent | undefined {
  const better = compareAgents(c.channel);
  let best: Agent | undefined;
  let bestRank = 0;
  for (const agent of agents) {
    if (!eligible(agent, c, skills)) continue;
    const rank = timeoutRank(c, agent.agentId);
    if (best === undefined || rank < bestRank || (rank === bestRank && better(agent, best) < 0)) {
      best = agent;
      bestRank = rank;
    }
  }
  return best;
}

/** Highest priority first, then longest waiting, then id. */
export function compareWaiting(a: WaitingCase, b: WaitingCase): number {
  return (
    PRIORITIES.indexOf(b.priority) - PRIORITIES.indexOf(a.priority) ||
    (a.since < b.since ? -1 : a.since > b.since ? 1 : 0) ||
    (a.caseId < b.caseId ? -1 : 1)
  );
}

export interface PlannedOffer {
  readonly caseId: string;
  readonly agentId: string;
  readonly channel: Channel;
  readonly queue: string;
  /** The agent's version as planned from (informational; the transaction checks capacity itself). */
  readonly routingVersion: number;
}

/**
 * Offers for as many waiting cases as the agents can take, best case first, each
 * to its best agent, counting each planned offer against that agent's capacity.
 */
export function planOffers(
  waiting: readonly WaitingCase[],
  agents: readonly Agent[],
  queues: ReadonlyMap<string, Queue>,
  now: string,
): PlannedOffer[] {
  const pool = new Map(agents.map((a) => [a.agentId, a]));
  const offers: PlannedOffer[] = [];
  for (const c of [...waiting].sort(compareWaiting)) {
    const agent = bestAgent([...pool.values()], c, skillsInForce(c, queues.get(c.queue), now));
    if (!agent) continue;
    offers.push({ caseId: c.caseId, agentId: agent.agentId, channel: c.channel, queue: c.queue, routingVersion: c.routingVersion });
    pool.set(agent.agentId, { ...agent, load: { ...agent.load, [c.channel]: (agent.load[c.channel] ?? 0) + 1 }, idleSince: now });
  }
  return offers;
}

/** Cases that have waited in their queue past its overflow timeout, and where they go. */
export function overflowsDue(
  waiting: readonly WaitingCase[],
  queues: ReadonlyMap<string, Queue>,
  now: string,
): { caseId: string; from: string; to: string }[] {
  return waiting.flatMap((c) => {
    const overflow = queues.get(c.queue)?.overflow;
    return overflow && overflow.queue !== c.queue && waitedSeconds(c.queuedAt, now) >= overflow.afterSeconds
      ? [{ caseId: c.caseId, from: c.queue, to: overflow.queue }]
      : [];
  });
}

export const WAITING_REASONS = [
  'noAgentInTeam',
  'noAgentHasSkills',
  'reservedAgentBusy',
  'noAgentTakesChannel',
  'allDeclined',
  'noAgentAvailable',
  'agentsAtCapacity',
  'placeable',
] as const;
export type WaitingReason = (typeof WAITING_REASONS)[number];

/**
 * Why a case is still waiting, given the agents as they are: the first filter
 * that leaves nobody. `placeable` means some agent could take it now (a dispatch
 * pass is due). Only agents who declined count for `allDeclined` (one whose offer
 * timed out stays eligible), and an agent with no capacity on the case's channel
 * at all does not take that channel: that is not being at capacity. A case of
 * a type restricted to teams that no agent (present or not) is in waits for
 * `noAgentInTeam`: nobody else may have it, however free.
 */
export function waitingReason(c: WaitingCase, agents: readonly Agent[], skills: readonly SkillRequirement[]): WaitingReason {
  let pool = agents.filter((a) => c.reservedFor === undefined || a.agentId === c.reservedFor);
  if (c.reservedFor !== undefined && pool.length === 0) return 'reservedAgentBusy';
  if (c.teams !== undefined) {
    pool = pool.filter((a) => inTeamFor(a, c.teams));
    if (pool.length === 0) return 'noAgentInTeam';
  }
  pool = pool.filter((a) => hasSkills(a, skills));
  if (pool.length === 0) return c.reservedFor ? 'reservedAgentBusy' : 'noAgentHasSkills';
  pool = pool.filter((a) => (a.capacity[c.channel] ?? 0) > 0);
  if (pool.length === 0) return 'noAgentTakesChannel';
  pool = pool.filter((a) => !c.declinedBy.includes(a.agentId));
  if (pool.length === 0) return 'allDeclined';
  pool = pool.filter((a) => a.presence === 'available');
  if (pool.length === 0) return 'noAgentAvailable';
  pool = pool.filter((a) => freeCapacity(a, c.channel) > 0);
  if (pool.length === 0) return 'agentsAtCapacity';
  return 'placeable';
}
