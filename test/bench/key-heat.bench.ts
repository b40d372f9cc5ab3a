/**
 * `npm run bench:key-heat`: how hot each DynamoDB partition runs when cases arrive at
 * a given rate, measured from the platform's own writes rather than from a model of them.
 *
 * The whole local platform creates cases through `POST /cases` (support cases with the
 * example SLA policy and routing rules), and every write any function makes on the way
 * (the create's transaction, the outbox, routing, SLA timers, the live log) is captured
 * from the DynamoDB client: its table item, and the index entries it puts, each with its
 * size. Writes per case, per partition key, times the target rate give each partition's
 * write units per second at that rate, set against DynamoDB's per-partition limit of
 * 1,000 write units a second (a transactional write costs two per KB, an index entry
 * one per KB). Two populations of requesters: many people, and one integration that
 * files every case (a device fleet, a partner's gateway).
 *
 * The platform runs with `CASES_PER_SECOND` set to the target rate, so the shard counts
 * are the ones a deployment built for that rate would write with (shard-plan.ts); a
 * sharded kind's figure is its mean shard at the rate, the planned share the hash keeps
 * every shard near. `--rate-plan M` plans for another rate (e.g. the default, to see
 * what the target rate does to a deployment that was not raised).
 *
 *   --rate N        target creates per second (default 10,000)
 *   --rate-plan M   the rate the shards are planned for (default: --rate)
 *   --cases N       cases created for the measurement (default 300; --smoke: 12)
 *   --description-bytes N  each case's description this long (default: one short sentence), to
 *                   see what index projections cost: it also prints the index write units per case
 *                   as deployed (every index projects ALL) against KEYS_ONLY (one unit an entry)
 */
import { AGENT_SHARDS, OFFER_SHARDS, WAITING_SHARDS } from '#adapters/dynamodb/keys.js';
import { parseArgs } from 'node:util';
import { caseTable } from '#topology/table.js';
import { PARTITION_WRITE_UNITS, shardPlanFor } from '#adapters/dynamodb/shard-plan.js';
import { startPlatform } from '#lib/local/platform.js';
import { sized } from './smoke.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '10000' },
    'rate-plan': { type: 'string' },
    cases: { type: 'string' },
    'description-bytes': { type: 'string' },
    smoke: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const RATE = Number(values.rate);
const PLANNED_RATE = Number(values['rate-plan'] ?? values.rate);
const CASES = Number(values.cases ?? sized(300, 12));
const DESCRIPTION = values['description-bytes'] ? 'x'.repeat(Number(values['description-bytes'])) : 'Measuring partition heat.';
const PARTITION_WCU = PARTITION_WRITE_UNITS;

interface Write {
  /** `table` or an index name. */
  readonly where: string;
  readonly partition: string;
  readonly units: number;
}

/** DynamoDB's item size: attribute names and values in UTF-8, numbers about their digits, plus a little per container. */
function itemBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return Math.ceil(String(value).length / 2) + 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + itemBytes(v), 0);
  if (typeof value === 'object')
    return 3 + Object.entries(value as Record<string, unknown>).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + 1 + itemBytes(v), 0);
  return 8;
}

const unitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** An item's table write and its index entries (an index holds the whole item: every index projects ALL). */
function writesOfItem(item: Record<string, unknown>, transactional: boolean): Write[] {
  const bytes = itemBytes(item);
  const writes: Write[] = [{ where: 'table', partition: String(item[caseTable.partitionKey]), units: unitsOf(bytes) * (transactional ? 2 : 1) }];
  for (const index of caseTable.indexes) {
    const key = item[index.partitionKey];
    if (typeof key === 'string') writes.push({ where: index.indexName, partition: key, units: unitsOf(bytes) });
  }
  return writes;
}

/** An update's table write; an index entry for each index key it sets (the rest of the item is not in the request, so 1 unit). */
function writesOfUpdate(input: UpdateInput, transactional: boolean): Write[] {
  const bytes = itemBytes(input.Key) + itemBytes(input.ExpressionAttributeValues ?? {});
  const writes: Write[] = [{ where: 'table', partition: String(input.Key[caseTable.partitionKey]), units: unitsOf(bytes) * (transactional ? 2 : 1) }];
  const names = input.ExpressionAttributeNames ?? {};
  for (const [, name, value] of (input.UpdateExpression ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const attribute = name!.startsWith('#') ? names[name!] : name;
    const index = caseTable.indexes.find((i) => i.partitionKey === attribute);
    const partition = input.ExpressionAttributeValues?.[value!];
    if (index && typeof partition === 'string') writes.push({ where: index.indexName, partition, units: 1 });
  }
  return writes;
}

type Item = Record<string, unknown>;
interface UpdateInput {
  Key: Item;
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}
interface WriteInputs {
  Item: Item;
  Key: Item;
  RequestItems: Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>;
  TransactItems: { Put?: { Item: Item }; Update?: UpdateInput; Delete?: { Key: Item } }[];
}

const deleted = (key: Item, units: number): Write[] => [{ where: 'table', partition: String(key[caseTable.partitionKey]), units }];

function writesOf(command: string, input: WriteInputs & UpdateInput): Write[] {
  switch (command) {
    case 'PutItemCommand':
      return writesOfItem(input.Item, false);
    case 'UpdateItemCommand':
      return writesOfUpdate(input, false);
    case 'DeleteItemCommand':
      return deleted(input.Key, 1);
    case 'BatchWriteItemCommand':
      return Object.values(input.RequestItems)
        .flat()
        .flatMap((r) => (r.PutRequest ? writesOfItem(r.PutRequest.Item, false) : deleted(r.DeleteRequest!.Key, 1)));
    case 'TransactWriteItemsCommand':
      return input.TransactItems.flatMap((t) =>
        t.Put ? writesOfItem(t.Put.Item, true) : t.Update ? writesOfUpdate(t.Update, true) : t.Delete ? deleted(t.Delete.Key, 2) : [],
      );
    default:
      return [];
  }
}

/** A partition key as a kind: ids, hours and shard numbers become placeholders. */
const kindOf = (partition: string) =>
  partition
    .replace(/CASE-\d{4}-\d+/g, '<case>')
    .replace(/^(CASE|EVENT|IDEMPOTENCY|READS|LIVE#CASE)#.*/, '$1#<id>')
    .replace(/^(REQUESTER|OWNER|READER)#.*/, '$1#<who>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}/, '<hour>')
    .replace(/#\d{1,3}$/, '#<shard>');

/** The shard count the plan gives a kind of partition key (1 for one the plan does not shard). */
function plannedShards(kind: string): number {
  const plan = shardPlanFor(PLANNED_RATE);
  const planned: [RegExp, number][] = [
    [/^STATUS#/, plan.status],
    [/^OPEN#/, plan.open],
    [/^SLADUE#/, plan.slaDue],
    [/^LIVE#LOG#/, plan.liveLog],
    // Routing's shards are fixed counts (keys.ts, Routing), not the plan's.
    [/^ROUTING#WAITING#/, WAITING_SHARDS],
    [/^ROUTING#AGENTS#/, AGENT_SHARDS],
    [/^ROUTING#OFFERS#/, OFFER_SHARDS],
  ];
  return planned.find(([pattern]) => pattern.test(kind))?.[1] ?? 1;
}

interface Kind {
  readonly where: string;
  readonly kind: string;
  /** Distinct partition keys of this kind the run wrote. */
  readonly partitions: number;
  /** Write units a second on each of them at the target rate; for a key of its own per case, the units its case writes there. */
  readonly wcu: number;
  readonly perCase: boolean;
}

/**
 * A kind whose keys are one per case (a case's own partition, an event's mark) takes
 * its case's writes once, whatever the rate; any other kind's writes spread over its
 * partitions (a sharded one over its shards), and grow with the rate.
 */
function kindsOf(writes: readonly Write[], cases: number): Kind[] {
  const grouped = new Map<string, { where: string; kind: string; partitions: Set<string>; units: number }>();
  for (const w of writes) {
    const kind = kindOf(w.partition);
    const key = `${w.where} ${kind}`;
    const entry = grouped.get(key) ?? { where: w.where, kind, partitions: new Set<string>(), units: 0 };
    entry.partitions.add(w.partition);
    entry.units += w.units;
    grouped.set(key, entry);
  }
  return [...grouped.values()]
    .map(({ where, kind, partitions: seen, units }) => {
      // A short run need not touch every shard of a wide kind; its writes spread over all of them all the same.
      const partitions = { size: Math.max(seen.size, plannedShards(kind)) };
      // One key per case (its own partition, an event's mark, a person's requester key), not a shared one however many shards it has.
      const perCase = kind.includes('<id>') || (!kind.includes('<shard>') && partitions.size >= cases);
      return {
        where,
        kind,
        partitions: partitions.size,
        perCase,
        wcu: perCase ? units / partitions.size : ((units / cases) * RATE) / partitions.size,
      };
    })
    .sort((a, b) => Number(a.perCase) - Number(b.perCase) || b.wcu - a.wcu);
}

const POPULATIONS = ['many requesters', 'one integration'] as const;

async function main() {
  // Nothing here publishes metrics; Powertools would say so once per invocation.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  // Read by the platform as it starts: every function writes and reads with this rate's shard counts.
  process.env.CASES_PER_SECOND = String(PLANNED_RATE);
  console.log(
    `Partition heat at ${RATE.toLocaleString('en')} creates/s, from the writes of ${CASES} real creates per population (limit ${PARTITION_WCU} WCU/s a partition key)`,
  );
  console.log(
    `Shards planned for ${PLANNED_RATE.toLocaleString('en')} creates/s: ${Object.entries(shardPlanFor(PLANNED_RATE))
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}`,
  );
  const platform = await startPlatform({ port: 0, inMemory: true, quiet: true, seedRouting: true });
  const { dynamo } = await import('#adapters/dynamodb/client.js');
  let writes: Write[] = [];
  let recording = false;
  let countingReads = false;
  const reads = { queries: 0, items: 0 };
  /** What one page of a listing reads: queries and items (DynamoDB's ScannedCount), against the items it returns. */
  const pageReads = async (path: string) => {
    Object.assign(reads, { queries: 0, items: 0 });
    countingReads = true;
    const response = await fetch(`${platform.url}${path}`, { headers: { authorization: `Bearer ${platform.tokens.supervisor!}` } });
    countingReads = false;
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    const returned = ((await response.json()) as { items: unknown[] }).items.length;
    console.log(
      `${path}: ${returned} cases returned, ${reads.queries} queries read ${reads.items} items (${(reads.items / Math.max(1, returned)).toFixed(1)} per case returned)`,
    );
  };
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      if (recording) writes.push(...writesOf(String(context.commandName ?? ''), args.input as WriteInputs & UpdateInput));
      const result = await next(args);
      if (countingReads && context.commandName === 'QueryCommand') {
        reads.queries += 1;
        reads.items += (result.output as { ScannedCount?: number }).ScannedCount ?? 0;
      }
      return result;
    },
    { step: 'initialize', name: 'benchKeyHeat' },
  );
  const settle = async () => {
    await platform.events.idle();
    await platform.slaTimers.settled();
    await platform.events.idle();
  };
  try {
    await settle();
    for (const population of POPULATIONS) {
      writes = [];
      recording = true;
      for (let i = 0; i < CASES; i++) {
        const requester = population === 'one integration' ? 'partner-gateway' : `person-${i}`;
        const response = await fetch(`${platform.url}/cases`, {
          method: 'POST',
          headers: { authorization: `Bearer ${platform.tokens.agent!}`, 'content-type': 'application/json' },
          body: JSON.stringify({ subject: `Heat ${i}`, description: DESCRIPTION, requester: { id: requester }, priority: 'medium' }),
        });
        if (response.status !== 201) throw new Error(`create ${i}: ${response.status} ${await response.text()}`);
      }
      await settle();
      recording = false;
      const kinds = kindsOf(writes, CASES);
      const indexWrites = writes.filter((w) => w.where !== 'table');
      const perCase = (units: number) => (units / CASES).toFixed(1);
      console.log(
        `\n${population}: index entries ${perCase(indexWrites.length)} a case, ` +
          `${perCase(indexWrites.reduce((sum, w) => sum + w.units, 0))} write units as deployed (ALL), ${perCase(indexWrites.length)} if KEYS_ONLY; ` +
          `table ${perCase(writes.filter((w) => w.where === 'table').reduce((sum, w) => sum + w.units, 0))} units a case`,
      );

      console.log(`\n${population}: write units a second on each partition of a kind, at ${RATE.toLocaleString('en')} creates/s`);
      console.log('| where | partition key | keys seen | WCU/s each | of the limit |');
      console.log('|---|---|---:|---:|---:|');
      for (const k of kinds) {
        const wcu = k.perCase ? `${k.wcu.toFixed(1)} once per case` : Math.round(k.wcu).toLocaleString('en');
        console.log(`| ${k.where} | ${k.kind} | ${k.partitions} | ${wcu} | ${k.perCase ? '-' : `${(k.wcu / PARTITION_WCU).toFixed(2)}x`} |`);
      }
      if (population === 'many requesters') {
        console.log('\nReads of one page (the listing merges its shards):');
        await pageReads('/cases?status=new&limit=25');
        await pageReads('/cases?limit=25');
      }
      const shared = kinds.filter((k) => !k.perCase);
      const hottest = shared[0]!;
      console.log(
        `${population}: hottest ${hottest.where} ${hottest.kind} at ${(hottest.wcu / PARTITION_WCU).toFixed(2)}x the limit; ` +
          `${shared.filter((k) => k.wcu > PARTITION_WCU / 2).length} of ${shared.length} shared kinds above 50 %; ` +
          `it caps creates at ${Math.round((RATE * PARTITION_WCU) / hottest.wcu).toLocaleString('en')}/s`,
      );
    }
  } finally {
    await platform.stop();
  }
}

await main();
