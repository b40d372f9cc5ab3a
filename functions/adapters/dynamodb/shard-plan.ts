/**
 * How many partitions each shared listing is spread over, chosen from the rate a
 * deployment is built for (`CASES_PER_SECOND`): every shared partition is planned at
 * 40 % of DynamoDB's 1,000 write units a second per partition key, so that the
 * busiest shard of an uneven second (a hash spreads a second's arrivals within about
 * 15 % of the mean, three standard deviations at 400 a shard) stays under half.
 *
 * Counts only ever need to grow. Writers put an item in shard `hash(id) mod N`;
 * readers read shards 0..N-1 and merge them. Raising the rate raises N: items already
 * written sit in shards below the old N, which readers still read, and an item moves
 * shard only when its index keys are rewritten anyway. Nothing is re-keyed and nothing
 * stops. Lowering the rate after writing at a higher one would hide cases in the upper
 * shards from listings until it is raised again (nothing is lost); the floors below are
 * the counts every earlier version of Caseway wrote with, so no setting hides old data.
 */
import * as z from 'zod';
import { DEFAULT_CASES_PER_SECOND, MAX_CASES_PER_SECOND } from '#topology/table.js';

/** DynamoDB's ceiling for one partition key, whatever the table's capacity mode. */
export const PARTITION_WRITE_UNITS = 1000;
/** The share of that ceiling a shared partition is planned to use, on average, at the design rate. */
export const PLANNED_SHARE = 0.4;

/**
 * Write units one case puts on each kind of shared partition as it is created,
 * measured by `npm run bench:key-heat` (a case item up to 1 KB, one entry per index;
 * the live log takes two entries per created case, each over 1 KB in a transaction
 * with its dedupe mark: 2 x 2 x 2).
 */
export const UNITS_PER_CASE = {
  /** gsi1 `STATUS#<status>#<shard>`: every new case lands in its type's initial status. */
  status: 1,
  /** gsi4 `OPEN#<shard>`. */
  open: 1,
  /** gsi5 `SLADUE#<shard>`: the `#SLA` item of a case whose clock runs. */
  slaDue: 1,
  /** gsi3 `REQUESTER#<who>[#<shard>]`, planned for one integration that files every case. */
  requester: 1,
  /** table `LIVE#LOG#<hour>#<shard>`. */
  liveLog: 8,
} as const;

export type ShardedKind = keyof typeof UNITS_PER_CASE;
export type ShardPlan = Readonly<Record<ShardedKind, number>>;

/** The counts Caseway wrote with before they followed the rate (a requester was one partition). */
export const SHARD_FLOORS: ShardPlan = { status: 8, open: 8, slaDue: 8, requester: 1, liveLog: 4 };

/** The shards each kind needs at `casesPerSecond`, never fewer than its floor. */
export function shardPlanFor(casesPerSecond: number): ShardPlan {
  const budget = PARTITION_WRITE_UNITS * PLANNED_SHARE;
  const plan = {} as Record<ShardedKind, number>;
  for (const kind of Object.keys(UNITS_PER_CASE) as ShardedKind[])
    plan[kind] = Math.max(SHARD_FLOORS[kind], Math.ceil((casesPerSecond * UNITS_PER_CASE[kind]) / budget));
  return plan;
}

const Settings = z.object({
  /** The create rate the key design is built for (`-c casesPerSecond`). */
  CASES_PER_SECOND: z.coerce.number().int().min(1).max(MAX_CASES_PER_SECOND).default(DEFAULT_CASES_PER_SECOND),
});

/**
 * One plan per value of the setting, computed once: a container in Lambda has one
 * value; a test may move the rate between calls, as a redeployment does.
 */
const plans = new Map<string | undefined, ShardPlan>();

export function shardPlan(): ShardPlan {
  const setting = process.env.CASES_PER_SECOND;
  let plan = plans.get(setting);
  if (!plan) {
    const parsed = Settings.safeParse({ CASES_PER_SECOND: setting });
    if (!parsed.success)
      throw new Error(`Caseway table configuration is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    plan = shardPlanFor(parsed.data.CASES_PER_SECOND);
    plans.set(setting, plan);
  }
  return plan;
}

/** FNV-1a: a cheap, stable spread of ids over shards. */
export function stableHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The shard of `kind` that `id` writes to under the plan in force. */
export const shardFor = (kind: ShardedKind, id: string): number => stableHash(id) % shardPlan()[kind];

/** Every shard of `kind` a reader must read: 0..N-1. */
export const shardsOf = (kind: ShardedKind): number[] => Array.from({ length: shardPlan()[kind] }, (_, shard) => shard);
