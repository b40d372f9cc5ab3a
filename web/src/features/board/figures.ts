/**
 * The board's figures, computed from what the API lists (no endpoint sums them): open cases read
 * one by one for their SLA clocks (listings leave `sla` out), routing's queues and agents. Pure, so
 * the rules for "breaching soon" and "breached" sit in one place.
 */
// .js: the unit tests' NodeNext resolution reads this module too.
import type { components } from '../../api/schema.js';

export type Case = components['schemas']['Case'];
export type Agent = components['schemas']['Agent'];
export type Queue = components['schemas']['Queue'];
type Clock = components['schemas']['SlaClock'];

/** Also "soon" when a running clock falls due within this long, even before its policy's warning point. */
export const SOON_MS = 60 * 60 * 1000;

export type SlaStanding = 'none' | 'ok' | 'soon' | 'breached';

const clocksOf = (c: Case): [string, Clock][] =>
  Object.entries(c.sla?.clocks ?? {}).filter((entry): entry is [string, Clock] => entry[1] !== undefined);

/** Breached: a clock the SLA timer marked breached, or a running one already past its due time (its timer has not run yet). */
export function breachedClocks(c: Case, now: number): string[] {
  return clocksOf(c)
    .filter(([, clock]) => clock.status === 'breached' || (clock.status === 'running' && clock.dueAt !== null && Date.parse(clock.dueAt) <= now))
    .map(([name]) => name);
}

/** Soon: a running clock past its policy's warning point, or due within SOON_MS, and not yet due. */
export function soonClocks(c: Case, now: number): string[] {
  return clocksOf(c)
    .filter(([, clock]) => {
      if (clock.status !== 'running' || clock.dueAt === null) return false;
      const due = Date.parse(clock.dueAt);
      if (due <= now) return false;
      return due - now <= SOON_MS || (clock.warnAt !== null && Date.parse(clock.warnAt) <= now);
    })
    .map(([name]) => name);
}

export function slaStanding(c: Case, now: number): SlaStanding {
  if (!c.sla || clocksOf(c).length === 0) return 'none';
  if (breachedClocks(c, now).length > 0) return 'breached';
  return soonClocks(c, now).length > 0 ? 'soon' : 'ok';
}

export interface QueueFigures {
  readonly queueId: string;
  readonly name: string;
  readonly backlog: number;
  readonly unassigned: number;
  /** createdAt of the oldest open case, or null for an empty queue. */
  readonly oldestCreatedAt: string | null;
  readonly breachingSoon: number;
  readonly breached: number;
}

/** One row per routing queue, plus any queue an open case names that routing does not know. */
export function queueFigures(queues: readonly Queue[], cases: readonly Case[], now: number): QueueFigures[] {
  const ids = [...queues.map((q) => q.queueId), ...cases.map((c) => c.queue)];
  const unique = [...new Set(ids)];
  return unique.map((queueId) => {
    const inQueue = cases.filter((c) => c.queue === queueId);
    const oldest = inQueue.reduce<string | null>((min, c) => (min === null || Date.parse(c.createdAt) < Date.parse(min) ? c.createdAt : min), null);
    return {
      queueId,
      name: queues.find((q) => q.queueId === queueId)?.name ?? queueId,
      backlog: inQueue.length,
      unassigned: inQueue.filter((c) => c.owner === null).length,
      oldestCreatedAt: oldest,
      breachingSoon: inQueue.filter((c) => slaStanding(c, now) === 'soon').length,
      breached: inQueue.filter((c) => slaStanding(c, now) === 'breached').length,
    };
  });
}

export interface AgentLoad {
  readonly used: number;
  readonly capacity: number;
  readonly free: number;
  readonly channels: readonly { channel: string; used: number; capacity: number }[];
}

export function agentLoad(agent: Agent): AgentLoad {
  const capacity = agent.capacity as Record<string, number | undefined>;
  const load = agent.load as Record<string, number | undefined>;
  const names = [...new Set([...Object.keys(capacity), ...Object.keys(load)])].sort();
  const channels = names.map((channel) => ({ channel, used: load[channel] ?? 0, capacity: capacity[channel] ?? 0 }));
  const used = channels.reduce((sum, c) => sum + c.used, 0);
  const total = channels.reduce((sum, c) => sum + c.capacity, 0);
  return { used, capacity: total, free: Math.max(0, total - used), channels };
}

/** Cases to act on: any clock breached or an escalation rung climbed; longest breached first. */
export function escalations(cases: readonly Case[], now: number): Case[] {
  const breachedSince = (c: Case): number =>
    Math.min(
      ...clocksOf(c).map(([, clock]) =>
        clock.breachedAt
          ? Date.parse(clock.breachedAt)
          : clock.status === 'running' && clock.dueAt && Date.parse(clock.dueAt) <= now
            ? Date.parse(clock.dueAt)
            : Infinity,
      ),
    );
  return cases
    .filter((c) => breachedClocks(c, now).length > 0 || (c.sla?.escalationLevel ?? 0) > 0)
    .sort((a, b) => breachedSince(a) - breachedSince(b));
}

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, medium: 2, low: 3 };

/** Most urgent first, then oldest. */
export function byUrgency(cases: readonly Case[]): Case[] {
  return [...cases].sort(
    (a, b) => (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9) || Date.parse(a.createdAt) - Date.parse(b.createdAt),
  );
}
