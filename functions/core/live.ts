/**
 * Live updates: which domain events the console is told about as they happen, and
 * what each caller may learn of one. The same rules as the API, applied per event:
 * record-level access (`access.ts`) decides whether a caller hears of the case at
 * all, the field filter (`visibility.ts`) what of its changes they read. Pure: the
 * fan-out and the replay after a reconnect both call `liveMessageFor`, so a resumed
 * connection gets exactly what a connected one would have.
 */
import { maySeeCase } from './access.js';
import { isStaff, type Caller } from './caller.js';
import type { AuditEvent, FieldChange } from './audit-event.js';
import type { CaseAccess, CaseType, Sensitivity } from './case-type.js';
import { accessFor, fieldFilter } from './visibility.js';

/** A case was offered to an agent: not an audit event (routing state is not the case's history), published from the offer item. */
export const CASE_OFFERED = 'CaseOffered';
/**
 * An open offer ended (accepted, declined, expired or withdrawn), published from the removed offer
 * item: the agent's other browsers drop it at once, whichever way it ended.
 */
export const OFFER_CLOSED = 'OfferClosed';
/** The events that come from an offer item rather than an audit item. */
export const isOfferEvent = (type: string): boolean => type === CASE_OFFERED || type === OFFER_CLOSED;

/** Event types the console refreshes on; SLA events by prefix (SlaStarted, SlaBreached, ...). */
export const LIVE_EVENT_TYPES = ['CaseCreated', 'CaseUpdated', 'StatusChanged', 'Assigned', 'CommentAdded', CASE_OFFERED, OFFER_CLOSED] as const;
export const LIVE_EVENT_PREFIXES = ['Sla'] as const;

export const isLiveEvent = (type: string): boolean =>
  (LIVE_EVENT_TYPES as readonly string[]).includes(type) || LIVE_EVENT_PREFIXES.some((prefix) => type.startsWith(prefix));

/** A new case's status and owner are in its CaseCreated: the narrower events of the same change would only repeat it. */
export const isNews = (event: string, source: LiveSource): boolean =>
  source.kind === 'offer' || source.audit.action !== 'CaseCreated' || event === 'CaseCreated';

/** What a requester hears of: their case's life, never its internal workings (SLA clocks, offers, internal notes). */
const REQUESTER_EVENTS: readonly string[] = ['CaseCreated', 'CaseUpdated', 'StatusChanged', 'Assigned', 'CommentAdded'];

/** Case attributes a requester reads on their case view; anything else changed (priority explanation, SLA, brief, tasks) stays internal. */
const REQUESTER_ATTRIBUTES: readonly string[] = [
  'subject',
  'description',
  'status',
  'statusCategory',
  'priority',
  'owner',
  'queue',
  'channel',
  'resolvedAt',
  'reopenCount',
];

const FIELD_PREFIX = 'fields.';
export const REDACTED_VALUE = '[redacted]';

/** A case type as far as visibility needs it: each field's sensitivity and who is cleared for restricted ones. */
export interface LiveTypeFacts {
  readonly fields: readonly { readonly name: string; readonly sensitivity: Sensitivity }[];
  readonly clearance: CaseType['clearance'];
}

/** The facts about the case an event's recipients are judged by, taken when the event is fanned out. */
export interface LiveScope {
  readonly requesterId: string;
  /** The type's current access rule (teams), as `maySeeCase` takes it. */
  readonly access?: CaseAccess;
  readonly type: LiveTypeFacts;
}

/** An offer, as the outbox publishes it. */
export interface OfferDetail {
  readonly offerId: string;
  readonly caseId: string;
  readonly agentId: string;
  readonly queue: string;
  readonly channel: string;
  readonly offeredAt: string;
  readonly deadline: string;
  /** OfferClosed: when the offer item went. */
  readonly closedAt?: string;
}

/** What the bus carried: an audit event (restricted values already withheld) or an offer. */
export type LiveSource = { readonly kind: 'audit'; readonly audit: AuditEvent } | { readonly kind: 'offer'; readonly offer: OfferDetail };

/** One entry of the recent-event log: what was fanned out, and the facts to judge a late reader by. */
export interface LiveEntry {
  /** Monotonic over time (`<13-digit epoch ms>-<hash>`); clients resume after the last one they saw. */
  readonly id: string;
  readonly event: string;
  readonly caseId: string;
  readonly source: LiveSource;
  readonly scope: LiveScope;
}

/** What a caller is told of an event (`detail` of the `event` message). */
export interface LiveDetail {
  readonly at: string;
  readonly caseVersion?: number;
  readonly actor?: { readonly sub: string; readonly name?: string };
  readonly changes?: readonly { readonly field: string; readonly before: unknown; readonly after: unknown }[];
  readonly comment?: { readonly id: string; readonly visibility: string };
  readonly offer?: Omit<OfferDetail, 'caseId'>;
}

/** The `event` message of the live protocol. */
export interface LiveMessage {
  readonly type: 'event';
  readonly id: string;
  readonly event: string;
  readonly caseId: string;
  readonly detail: LiveDetail;
}

/** Where a fan-out must look for connections: staff connections at large, and those of these people. */
export interface Audience {
  readonly staff: boolean;
  readonly people: readonly string[];
}

/** Who could receive an entry, before each caller is judged: an offer's agent; otherwise staff and the requester. */
export function audienceOf(entry: Pick<LiveEntry, 'scope' | 'source'>): Audience {
  if (entry.source.kind === 'offer') return { staff: false, people: [entry.source.offer.agentId] };
  return { staff: true, people: [entry.scope.requesterId] };
}

/** The changes `caller` may read: hidden fields dropped, redacted ones named without values, internal attributes kept from requesters. */
function visibleChanges(changes: readonly FieldChange[], caller: Caller, type: LiveTypeFacts): LiveDetail['changes'] {
  // fieldFilter reads only each field's name and sensitivity, which is all the facts keep.
  const filter = fieldFilter(type as Pick<CaseType, 'fields' | 'clearance'>, caller);
  const staff = isStaff(caller);
  return changes.flatMap((change) => {
    if (change.field.startsWith(FIELD_PREFIX)) {
      const name = change.field.slice(FIELD_PREFIX.length);
      // A field the type no longer defines is judged by the sensitivity it had when it changed.
      const defined = type.fields.some((f) => f.name === name);
      const access = defined ? filter.access(name) : accessFor(change.sensitivity ?? 'internal', type.clearance, caller);
      if (access === 'hidden') return [];
      if (access === 'redacted')
        return [
          { field: change.field, before: change.before === null ? null : REDACTED_VALUE, after: change.after === null ? null : REDACTED_VALUE },
        ];
      return [{ field: change.field, before: change.before, after: change.after }];
    }
    if (!staff && !REQUESTER_ATTRIBUTES.includes(change.field)) return [];
    // The priority explanation quotes field values: staff learn that it changed and read it on the case, where it is filtered.
    if (change.field === 'priorityScore') return [{ field: change.field, before: null, after: null }];
    return [{ field: change.field, before: change.before, after: change.after }];
  });
}

/**
 * What `caller` is told of `entry`, or undefined when nothing: the one decision
 * behind every push and every replay.
 */
export function liveMessageFor(caller: Caller, entry: LiveEntry): LiveMessage | undefined {
  const { scope, source } = entry;
  const message = (detail: LiveDetail): LiveMessage => ({ type: 'event', id: entry.id, event: entry.event, caseId: entry.caseId, detail });
  if (!maySeeCase(caller, { requester: { id: scope.requesterId } }, scope.access)) return undefined;
  if (source.kind === 'offer') {
    if (!isStaff(caller) || caller.sub !== source.offer.agentId) return undefined;
    const { caseId: _c, ...offer } = source.offer;
    return message({ at: offer.closedAt ?? offer.offeredAt, offer });
  }
  if (!isNews(entry.event, source)) return undefined;
  const audit = source.audit;
  const staff = isStaff(caller);
  if (!staff) {
    if (!REQUESTER_EVENTS.includes(entry.event)) return undefined;
    if (audit.action === 'CommentAdded' && audit.visibility !== 'public') return undefined;
  }
  const changes = visibleChanges(audit.changes, caller, scope.type);
  // An update that changed only what the caller may not know of is no news to them.
  if (entry.event === 'CaseUpdated' && changes?.length === 0) return undefined;
  return message({
    at: audit.at,
    caseVersion: audit.caseVersion,
    ...(staff ? { actor: { sub: audit.actor.sub, ...(audit.actor.name ? { name: audit.actor.name } : {}) } } : {}),
    changes: changes ?? [],
    ...(audit.target?.kind === 'comment' ? { comment: { id: audit.target.id, visibility: audit.visibility ?? 'internal' } } : {}),
  });
}

/**
 * Live ids sort by the instant the fan-out logged them. Two fan-outs running at once
 * may log out of order by a little, so a resume replays from this long before the
 * client's last id and the client drops what it has already seen (by id).
 */
export const RESUME_OVERLAP_MS = 10_000;

const ID_PATTERN = /^(\d{13})-([0-9a-f]{8})$/;

/** FNV-1a of the domain event id: entries logged in the same millisecond still get distinct ids. */
function hash8(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

export const liveIdOf = (epochMs: number, domainEventId: string): string => `${String(epochMs).padStart(13, '0')}-${hash8(domainEventId)}`;

/** The instant of a live id, or undefined when `id` is not one (a client's `after` is checked with it). */
export function instantOfLiveId(id: string): number | undefined {
  const match = ID_PATTERN.exec(id);
  return match ? Number(match[1]) : undefined;
}
