/**
 * Key templates for every item in the single table, derived from the access
 * patterns in the README. All key strings are built here and nowhere else.
 *
 * | item               | pk                       | sk                          |
 * |--------------------|--------------------------|-----------------------------|
 * | case               | CASE#<caseId>            | #CASE                       |
 * | case's chain head  | CASE#<caseId>            | #HEAD                       |
 * | its handoff brief  | CASE#<caseId>            | #HANDOFF                    |
 * | its attachment list| CASE#<caseId>            | #ATTACHMENTS                |
 * | audit event        | CASE#<caseId>            | AUDIT#<seq, 10 digits>      |
 * | comment            | CASE#<caseId>            | COMMENT#<commentId>         |
 * | task               | CASE#<caseId>            | TASK#<taskId>               |
 * | link (one end)     | CASE#<caseId>            | LINK#<targetCaseId>         |
 * | attachment         | CASE#<caseId>            | ATTACHMENT#<attachmentId>   |
 * | its SLA clocks     | CASE#<caseId>            | #SLA                        |
 * | pending upload     | CASE#<caseId>            | UPLOAD#<uploadId>           |
 * | case type version  | CASETYPE#<typeId>        | VERSION#<version, 10 digits>|
 * | case type (current)| CASETYPE#<typeId>        | #CURRENT                    |
 * | counter            | COUNTER#<prefix>#<year>  | COUNTER                     |
 * | idempotency        | IDEMPOTENCY#<sha256>     | IDEMPOTENCY                 |
 * | event processed    | EVENT#<domain event id>  | CONSUMER#<consumer>         |
 * | notification       | CASE#<caseId>            | NOTIFICATION#<sentAt>#<id>  |
 * | read of a restricted case | READS#<caseId>    | <at>#<readId>               |
 * |   ... by reader (gsi2)| READER#<sub>          | <at>#<readId>               |
 * | live connection    | LIVE#CONN#<connectionId> | #CONNECTION                 |
 * |   ... staff's, sharded | LIVE#STAFF#<0..3>     | CONN#<connectionId>         |
 * |   ... by person    | LIVE#PERSON#<sub>        | CONN#<connectionId>         |
 * | live event log     | LIVE#LOG#<hour>#<shard>  | <live id>                   |
 *
 * A case's own items sort first in its partition (`#` < `A`), so one Query for
 * `begins_with(sk, '#')` reads the case with its chain head.
 */
import type { Case } from '#core/case.js';
import { caseIndexes, caseTable } from '#topology/table.js';
import { shardFor, stableHash } from './shard-plan.js';

export const {
  byStatus: STATUS_INDEX,
  byOwner: OWNER_INDEX,
  byRequester: REQUESTER_INDEX,
  byOpen: OPEN_INDEX,
  bySlaDue: SLA_DUE_INDEX,
} = caseIndexes;

export const AUDIT_PREFIX = caseTable.auditSortKeyPrefix;
export const COMMENT_PREFIX = 'COMMENT#';
export const TASK_PREFIX = 'TASK#';
export const LINK_PREFIX = 'LINK#';
export const ATTACHMENT_PREFIX = 'ATTACHMENT#';
export const UPLOAD_PREFIX = 'UPLOAD#';
/** Sort keys of a case's own items (the case and its chain head) start with this. */
export const CASE_OWN_PREFIX = '#';

const casePartition = (caseId: string) => `CASE#${caseId}`;
export const caseKey = (caseId: string) => ({ pk: casePartition(caseId), sk: '#CASE' });
export const headKey = (caseId: string) => ({ pk: casePartition(caseId), sk: '#HEAD' });
/** The handoff brief lives beside the case, not in it: see `caseItem`. */
export const handoffKey = (caseId: string) => ({ pk: casePartition(caseId), sk: '#HANDOFF' });
/** The summary of a case's attachments, beside the case for the same reason. */
export const attachmentSummaryKey = (caseId: string) => ({ pk: casePartition(caseId), sk: '#ATTACHMENTS' });
/** A case's SLA state, beside it: see `slaItem`. */
export const slaKey = (caseId: string) => ({ pk: casePartition(caseId), sk: '#SLA' });
export const auditKey = (caseId: string, seq: number) => ({ pk: casePartition(caseId), sk: `${AUDIT_PREFIX}${String(seq).padStart(10, '0')}` });
export const commentKey = (caseId: string, commentId: string) => ({ pk: casePartition(caseId), sk: `${COMMENT_PREFIX}${commentId}` });
export const linkKey = (caseId: string, targetId: string) => ({ pk: casePartition(caseId), sk: `${LINK_PREFIX}${targetId}` });
export const taskKey = (caseId: string, taskId: string) => ({ pk: casePartition(caseId), sk: `${TASK_PREFIX}${taskId}` });
export const attachmentKey = (caseId: string, attachmentId: string) => ({ pk: casePartition(caseId), sk: `${ATTACHMENT_PREFIX}${attachmentId}` });
export const uploadKey = (caseId: string, uploadId: string) => ({ pk: casePartition(caseId), sk: `${UPLOAD_PREFIX}${uploadId}` });
/** Marks an SLA timer step as done (one per armed clock and step), so a redelivered or retried timer never acts twice. */
export const slaTimerStepKey = (caseId: string, step: string) => ({ pk: casePartition(caseId), sk: `SLATIMER#${step}` });
/** The position an audit item's key gives it, which must equal its own `seq`. */
export const seqOfAuditKey = (sk: string): number => Number(sk.slice(AUDIT_PREFIX.length));
/** The case an item's partition belongs to. */
export const caseIdOfPartition = (pk: string): string => pk.slice('CASE#'.length);

export const caseTypeVersionKey = (typeId: string, version: number) => ({
  pk: `CASETYPE#${typeId}`,
  sk: `VERSION#${String(version).padStart(10, '0')}`,
});
export const caseTypeCurrentKey = (typeId: string) => ({ pk: `CASETYPE#${typeId}`, sk: '#CURRENT' });
export const CASE_TYPE_VERSION_PREFIX = 'VERSION#';
/** All current case types share one small partition of the status index: there are tens of them, not millions. */
export const CASE_TYPES_PARTITION = 'CASETYPES';

export const counterKey = (prefix: string, year: number) => ({ pk: `COUNTER#${prefix}#${year}`, sk: 'COUNTER' });
/** A consumer's mark that it has handled a domain event (delivery is at least once). */
export const processedEventKey = (eventId: string, consumer: string) => ({ pk: `EVENT#${eventId}`, sk: `CONSUMER#${consumer}` });
export const NOTIFICATION_PREFIX = 'NOTIFICATION#';
/**
 * The read-access log: one item per read of a restricted case, in a partition of
 * its own per case (never the case's partition, whose queries must not see it)
 * and, through the owner index, per reader.
 */
export const readsPartition = (caseId: string) => `READS#${caseId}`;
export const readerPartition = (sub: string) => `READER#${sub}`;
export const caseIdOfReads = (pk: string): string => pk.slice('READS#'.length);
export const notificationKey = (caseId: string, messageId: string) => ({ pk: casePartition(caseId), sk: `${NOTIFICATION_PREFIX}${messageId}` });
export const idempotencyKey = (hash: string) => ({ pk: `IDEMPOTENCY#${hash}`, sk: 'IDEMPOTENCY' });

/*
 * Shared listings are spread over shards, as many as the design rate needs (shard-plan.ts):
 * a case's shard is the stable hash of its id modulo the count of the kind.
 */
export const statusPartition = (status: string, shard: number) => `STATUS#${status}#${shard}`;
export const openPartition = (shard: number) => `OPEN#${shard}`;
export const ownerPartition = (owner: string) => `OWNER#${owner}`;
/**
 * A requester's cases. Shard 0 keeps the unsharded key every earlier version wrote, so
 * a requester's old cases stay where readers look; an integration filing thousands of
 * cases a second spreads over the rest.
 */
export const requesterPartition = (requesterId: string, shard = 0) =>
  shard === 0 ? `REQUESTER#${requesterId}` : `REQUESTER#${requesterId}#${shard}`;
/** Open tasks by assignee share the owner index, under their own partition prefix. */
export const assigneeTasksPartition = (assignee: string) => `TASKS#${assignee}`;
/** Soonest due first; tasks without a due date after all dated ones. */
export const dueSortKey = (t: { dueAt: string | null; caseId: string; taskId: string }) => `${t.dueAt ?? '~'}#${t.caseId}#${t.taskId}`;

/** Newest first is a descending Query on this: ISO time, then the id to break ties. */
export const recencySortKey = (c: Pick<Case, 'createdAt' | 'caseId'>) => `${c.createdAt}#${c.caseId}`;

/**
 * Index attributes of a case item. A case with no owner carries no owner-index
 * keys, and only open cases (active or waiting) carry open-work keys (both sparse).
 */
export function caseIndexKeys(c: Case): Record<string, string> {
  const recency = recencySortKey(c);
  const open = c.statusCategory === 'active' || c.statusCategory === 'waiting';
  return {
    [STATUS_INDEX.partitionKey]: statusPartition(c.status, shardFor('status', c.caseId)),
    [STATUS_INDEX.sortKey]: recency,
    ...(c.owner ? { [OWNER_INDEX.partitionKey]: ownerPartition(c.owner), [OWNER_INDEX.sortKey]: recency } : {}),
    [REQUESTER_INDEX.partitionKey]: requesterPartition(c.requester.id, shardFor('requester', c.caseId)),
    [REQUESTER_INDEX.sortKey]: recency,
    ...(open ? { [OPEN_INDEX.partitionKey]: openPartition(shardFor('open', c.caseId)), [OPEN_INDEX.sortKey]: recency } : {}),
  };
}

/** Attributes that exist only for the table's sake and never leave the repository. */
export const STORAGE_ATTRIBUTES = new Set([
  'pk',
  'sk',
  'entity',
  caseTable.timeToLiveAttribute,
  ...caseTable.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
]);

export function withoutStorageAttributes<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !STORAGE_ATTRIBUTES.has(key))) as T;
}

/*
 * Knowledge articles.
 *
 * | item                    | pk                        | sk                                  |
 * |-------------------------|---------------------------|-------------------------------------|
 * | article                 | ARTICLE#<articleId>       | #ARTICLE                            |
 * | article's counters      | ARTICLE#<articleId>       | #STATS                              |
 * | article version         | ARTICLE#<articleId>       | VERSION#<version, 10 digits>        |
 * | what a case taught it   | ARTICLE#<articleId>       | LEARNED#<linkedAt>#<caseId>         |
 * | case's linked article   | CASE#<caseId>             | ARTICLE#<articleId>                 |
 * | feedback (dedupe)       | FEEDBACK#<suggestionId>   | <event>#<articleId>                 |
 */
export const ARTICLE_VERSION_PREFIX = 'VERSION#';
export const LEARNED_PREFIX = 'LEARNED#';
/** Sort-key prefix of a case's linked articles, in the case's partition. */
export const CASE_ARTICLE_PREFIX = 'ARTICLE#';
export const ARTICLE_PARTITION_PREFIX = 'ARTICLE#';
export const ARTICLE_SORT_KEY = '#ARTICLE';

const articlePartition = (articleId: string) => `${ARTICLE_PARTITION_PREFIX}${articleId}`;
export const articleKey = (articleId: string) => ({ pk: articlePartition(articleId), sk: ARTICLE_SORT_KEY });
export const articleStatsKey = (articleId: string) => ({ pk: articlePartition(articleId), sk: '#STATS' });
export const articleVersionKey = (articleId: string, version: number) => ({
  pk: articlePartition(articleId),
  sk: `${ARTICLE_VERSION_PREFIX}${String(version).padStart(10, '0')}`,
});
export const learnedKey = (articleId: string, linkedAt: string, caseId: string) => ({
  pk: articlePartition(articleId),
  sk: `${LEARNED_PREFIX}${linkedAt}#${caseId}`,
});
export const caseArticleKey = (caseId: string, articleId: string) => ({ pk: casePartition(caseId), sk: `${CASE_ARTICLE_PREFIX}${articleId}` });
export const articleIdOfPartition = (pk: string): string => pk.slice(ARTICLE_PARTITION_PREFIX.length);
export const feedbackKey = (suggestionId: string, event: string, articleId: string) => ({
  pk: `FEEDBACK#${suggestionId}`,
  sk: `${event}#${articleId}`,
});
/**
 * Articles by lifecycle state, most recently changed first, share a partition of the
 * status index per state: people write articles, a few a minute, far below a
 * partition's 1,000 writes/s, so no sharding.
 */
export const articleStatusPartition = (status: string) => `ARTICLES#${status}`;

/*
 * SLA calendars, policies and entitlements.
 *
 * | item                     | pk                          | sk                           | gsi1pk (status index)            | gsi1sk              |
 * |--------------------------|-----------------------------|------------------------------|----------------------------------|---------------------|
 * | calendar version         | SLACALENDAR#<calendarId>    | VERSION#<version, 10 digits> |                                  |                     |
 * | calendar (current)       | SLACALENDAR#<calendarId>    | #CURRENT                     | SLACALENDARS                     | <calendarId>        |
 * | policy version           | SLAPOLICY#<policyId>        | VERSION#<version, 10 digits> |                                  |                     |
 * | policy (current)         | SLAPOLICY#<policyId>        | #CURRENT                     | SLAPOLICIES                      | <policyId>          |
 * | entitlement              | ENTITLEMENT#<entitlementId> | #ENTITLEMENT                 | ENTITLEMENTS#<kind>#<holderId>   | <validFrom>#<id>    |
 *
 * The current items hold the whole current definition (they are small, and tens of
 * them at most): one Query of their partition gives every policy a case may match.
 * Due-soon cases: a case's `#SLA` item carries gsi5 keys only while a clock runs (sparse).
 */
export const SLA_VERSION_PREFIX = 'VERSION#';
export const SLA_CALENDARS_PARTITION = 'SLACALENDARS';
export const SLA_POLICIES_PARTITION = 'SLAPOLICIES';
export const slaCalendarVersionKey = (id: string, version: number) => ({
  pk: `SLACALENDAR#${id}`,
  sk: `${SLA_VERSION_PREFIX}${String(version).padStart(10, '0')}`,
});
export const slaCalendarCurrentKey = (id: string) => ({ pk: `SLACALENDAR#${id}`, sk: '#CURRENT' });
export const slaPolicyVersionKey = (id: string, version: number) => ({
  pk: `SLAPOLICY#${id}`,
  sk: `${SLA_VERSION_PREFIX}${String(version).padStart(10, '0')}`,
});
export const slaPolicyCurrentKey = (id: string) => ({ pk: `SLAPOLICY#${id}`, sk: '#CURRENT' });
export const entitlementKey = (id: string) => ({ pk: `ENTITLEMENT#${id}`, sk: '#ENTITLEMENT' });
export const entitlementHolderPartition = (kind: string, holderId: string) => `ENTITLEMENTS#${kind}#${holderId}`;
export const slaDuePartition = (shard: number) => `SLADUE#${shard}`;
/** Soonest first is an ascending Query on this. */
export const slaDueSortKey = (nextDueAt: string, caseId: string) => `${nextDueAt}#${caseId}`;

/**
 * Assets and their signals (proactive cases).
 *
 * | item                          | pk                          | sk                          |
 * |-------------------------------|-----------------------------|-----------------------------|
 * | asset                         | ASSET#<assetId>             | #ASSET                      |
 * | a metric's baseline           | ASSET#<assetId>             | BASELINE#<metric>           |
 * | an open condition             | ASSET#<assetId>             | CONDITION#<metric>#<kind>   |
 * | a case the asset opened       | ASSET#<assetId>             | CASE#<caseId>               |
 * | signal receipt (dedupe, TTL)  | SIGNAL#<assetId>#<signalId> | SIGNAL                      |
 *
 * Assets by owner use the requester index under `ASSETS#<ownerId>`, sorted by asset id.
 * The receipt has a partition of its own per signal, so a storm spreads its writes.
 */
export const ASSET_PARTITION_PREFIX = 'ASSET#';
export const ASSET_SORT_KEY = '#ASSET';
export const CONDITION_PREFIX = 'CONDITION#';
export const ASSET_CASE_PREFIX = 'CASE#';
const assetPartition = (assetId: string) => `${ASSET_PARTITION_PREFIX}${assetId}`;
export const assetKey = (assetId: string) => ({ pk: assetPartition(assetId), sk: ASSET_SORT_KEY });
export const baselineKey = (assetId: string, metric: string) => ({ pk: assetPartition(assetId), sk: `BASELINE#${metric}` });
export const conditionPrefix = (metric: string) => `${CONDITION_PREFIX}${metric}#`;
export const conditionKey = (assetId: string, metric: string, kind: string) => ({
  pk: assetPartition(assetId),
  sk: `${conditionPrefix(metric)}${kind}`,
});
export const assetCaseKey = (assetId: string, caseId: string) => ({ pk: assetPartition(assetId), sk: `${ASSET_CASE_PREFIX}${caseId}` });
export const signalReceiptKey = (assetId: string, signalId: string) => ({ pk: `SIGNAL#${assetId}#${signalId}`, sk: 'SIGNAL' });
export const assetsOfOwnerPartition = (ownerId: string) => `ASSETS#${ownerId}`;

/**
 * Intake (channels).
 *
 * | item                         | pk                              | sk                    |
 * |------------------------------|---------------------------------|-----------------------|
 * | delivery (idempotency)       | DELIVERY#<sha256(channel, id)>  | DELIVERY              |
 * | requester's recent intakes   | INTAKE#<requesterId>            | INTAKE                |
 * | external thread -> case      | THREAD#<sha256(channel, id)>    | THREAD                |
 * | what a delivery brought      | CASE#<caseId>                   | INTAKE#<deliveryHash> |
 */
export const deliveryKey = (hash: string) => ({ pk: `DELIVERY#${hash}`, sk: 'DELIVERY' });
export const intakeGuardKey = (requesterId: string) => ({ pk: `INTAKE#${requesterId}`, sk: 'INTAKE' });
export const threadKey = (hash: string) => ({ pk: `THREAD#${hash}`, sk: 'THREAD' });
export const caseIntakeKey = (caseId: string, deliveryHash: string) => ({ pk: casePartition(caseId), sk: `INTAKE#${deliveryHash}` });

/**
 * Routing.
 *
 * | item                     | pk                               | sk                                      |
 * |--------------------------|----------------------------------|-----------------------------------------|
 * | case's routing state     | CASE#<caseId>                    | #ROUTING                                |
 * | ruleset version          | ROUTING#RULES                    | VERSION#<version, 10 digits>            |
 * | ruleset (current)        | ROUTING#RULES                    | #CURRENT                                |
 * | queue                    | ROUTING#QUEUES                   | QUEUE#<queueId>                         |
 * | agent (config + load)    | ROUTING#AGENTS#<0..31>           | AGENT#<agentId>                         |
 * | waiting case             | ROUTING#WAITING#<0..47>          | <9 - priority rank>#<since>#<caseId>    |
 * | open offer               | ROUTING#OFFERS#<0..15>           | OFFER#<offerId>                         |
 *
 * Waiting cases, agents and offers are spread over shards by a hash of their id
 * (`stableHash`, FNV-1a; fixed counts sized for 2,000 routed cases a second), so
 * no one partition takes every routing write (see the counts below). Inside a
 * waiting shard the key order is the dispatch order (best case first), so the
 * best waiting case overall is the best of the shards' first items: dispatch
 * merges the shards' heads and reads on only as far as it places cases.
 * Queues and rulesets change by hand: one partition each.
 */
export const routingKey = (caseId: string) => ({ pk: casePartition(caseId), sk: '#ROUTING' });
export const ROUTING_RULES_PARTITION = 'ROUTING#RULES';
export const ROUTING_RULES_VERSION_PREFIX = 'VERSION#';
export const routingRulesVersionKey = (version: number) => ({
  pk: ROUTING_RULES_PARTITION,
  sk: `${ROUTING_RULES_VERSION_PREFIX}${String(version).padStart(10, '0')}`,
});
export const routingRulesCurrentKey = () => ({ pk: ROUTING_RULES_PARTITION, sk: '#CURRENT' });
export const ROUTING_QUEUES_PARTITION = 'ROUTING#QUEUES';
export const routingQueueKey = (queueId: string) => ({ pk: ROUTING_QUEUES_PARTITION, sk: `QUEUE#${queueId}` });

/**
 * Agent shards. Every offer takes a unit of an agent's capacity and every release
 * gives it back, each a transactional update (2 WCU): at the target of 2,000
 * routed cases a second that is 8,000 WCU/s on the agents, before presence
 * changes and reconfigurations. 32 shards keep each at about 250 WCU/s, a quarter
 * of a partition's 1,000 (16 would sit at exactly half, with no room for presence).
 * An agent is read by key (offers, presence), so this count is fixed: changing it
 * re-keys every agent.
 */
export const AGENT_SHARDS = 32;
export const ROUTING_AGENTS_PREFIX = 'ROUTING#AGENTS#';
export const agentShardOf = (agentId: string): number => stableHash(agentId) % AGENT_SHARDS;
export const routingAgentsPartition = (shard: number) => `${ROUTING_AGENTS_PREFIX}${shard}`;
export const routingAgentKey = (agentId: string) => ({ pk: routingAgentsPartition(agentShardOf(agentId)), sk: `AGENT#${agentId}` });

/**
 * Waiting shards. At 10,000 case creates a second, every case waiting in one
 * queue, each waiting put is a transactional write of a small item (2 WCU):
 * 20,000 WCU/s; each entry is deleted again when the case is offered, at the
 * routing target of 2,000 a second another 4,000 WCU/s. To keep the hottest
 * shard at or under half a partition's 1,000 WCU/s: 24,000 / 500 = 48 shards.
 *
 * The count may grow without re-keying anything: a case's routing state records
 * the shard its entry went to (`waitingShard`, so the entry is deleted where it
 * is), and readers read shards 0..N-1, old entries included.
 */
export const WAITING_SHARDS = 48;
export const ROUTING_WAITING_PREFIX = 'ROUTING#WAITING#';
/** Where waiting entries were kept before they were sharded: read by the full pass until they drain. */
export const LEGACY_WAITING_PARTITION = 'ROUTING#WAITING';
export const waitingShardOf = (caseId: string, shards = WAITING_SHARDS): number => stableHash(caseId) % shards;
export const waitingPartition = (shard: number | undefined) => (shard === undefined ? LEGACY_WAITING_PARTITION : `${ROUTING_WAITING_PREFIX}${shard}`);
/** Best first within a shard: highest priority, then longest waiting, then id. */
export const waitingSortKey = (w: { priority: string; since: string; caseId: string }) =>
  `${9 - ['low', 'medium', 'high', 'urgent'].indexOf(w.priority)}#${w.since}#${w.caseId}`;
/** A waiting entry's key, in the shard its routing state names (none: the legacy partition). */
export const waitingKey = (w: { priority: string; since: string; caseId: string; waitingShard?: number }) => ({
  pk: waitingPartition(w.waitingShard),
  sk: waitingSortKey(w),
});
/**
 * Offer shards. Each offer is put when made and deleted when accepted, declined or
 * expired, each a transactional write (2 WCU): 8,000 WCU/s at 2,000 routed cases a
 * second. Sixteen shards keep each at 500, half a partition's 1,000. An offer is
 * read by key, so the count is fixed. The prefix is shared with the outbox filter
 * (functions/topology/table.ts), which publishes offers made and ended.
 */
export const OFFER_SHARDS = 16;
export const ROUTING_OFFERS_PREFIX = caseTable.offerItems.partitionKeyPrefix;
export const routingOffersPartition = (shard: number) => `${ROUTING_OFFERS_PREFIX}${shard}`;
export const routingOfferKey = (offerId: string) => ({
  pk: routingOffersPartition(stableHash(offerId) % OFFER_SHARDS),
  sk: `${caseTable.offerItems.sortKeyPrefix}${offerId}`,
});

/**
 * Live updates: a connection's own item, and one index item per partition a fan-out
 * reads (staff connections, sharded; everyone's by person). Read with strongly
 * consistent Queries on the table, not a GSI: a connection that has been told `ready`
 * must be found by the very next fan-out.
 */
/** Staff connections are written once per connection, not per event: four shards are plenty at any rate. */
export const LIVE_STAFF_SHARDS = 4;
export const liveConnectionKey = (connectionId: string) => ({ pk: `LIVE#CONN#${connectionId}`, sk: '#CONNECTION' });
export const liveStaffPartition = (shard: number) => `LIVE#STAFF#${shard}`;
export const livePersonPartition = (sub: string) => `LIVE#PERSON#${sub}`;
export const LIVE_CONNECTION_PREFIX = 'CONN#';
/** The recent-event log, by hour and spread over shards by case (`shardFor('liveLog', caseId)`), sorted by live id. */
export const liveLogPartition = (hour: string, shard: number) => `LIVE#LOG#${hour}#${shard}`;
/** The hour bucket of an instant: `2026-12-03T08`. */
export const liveHourOf = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 13);
export const liveStaffShardOf = (connectionId: string): number => stableHash(connectionId) % LIVE_STAFF_SHARDS;
