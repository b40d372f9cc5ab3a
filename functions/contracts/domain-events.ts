/**
 * The contract of Caseway's domain events, declared once and used by all three
 * parties: the outbox publisher produces them (`detailOf` gives `DomainEventDetail`),
 * consumers check what they receive against `DomainEventDetailContract` (through
 * the event wrapper, `functions/events/event-handler.ts`), and partners read the
 * same declaration as JSON Schema (`GET /events/schemas`, generated from zod, so
 * the schema and the code that checks it cannot drift): one schema per domain
 * event type, each the whole EventBridge event with `detail-type` and `source`
 * fixed and `detail` = the audit event (restricted values withheld) plus the
 * stable `id` to deduplicate on and, for effect events, the effect.
 *
 * A case type's `emitEvent` effects put events of names the case type chooses;
 * they share `CaseTypeEvent`'s schema.
 */
import { SLA_ACTIONS } from '#core/sla/state.js';
import * as z from 'zod';
import type { AuditAction } from '#core/audit-event.js';
import type { DomainEvent } from '#core/domain-events.js';
import { CASE_OFFERED, OFFER_CLOSED, type OfferDetail } from '#core/live.js';
import { EffectSchema, SENSITIVITIES } from '#core/case-type.js';
import { EVENT_SOURCE } from '#core/domain-events.js';
import { AuditRecord } from './audit-event.js';

/** Every audit action: each is also the type of the event its audit item becomes. */
const AUDIT_ACTIONS = [
  'CaseCreated',
  'CaseUpdated',
  'Transitioned',
  'TypeMigrated',
  'CommentAdded',
  'TaskAdded',
  'TaskUpdated',
  'AttachmentAdded',
  'AttachmentVersionAdded',
  'CaseLinked',
  'CaseUnlinked',
  'CaseMerged',
  'MergeReceived',
  'HandoffEdited',
  'ArticleLinked',
  'DuplicateIntake',
  'RoutingDecided',
  ...SLA_ACTIONS,
] as const satisfies readonly AuditAction[];
// Fails to compile when an action is added to AuditAction and not here.
const _everyAction: Record<AuditAction, true> = Object.fromEntries(AUDIT_ACTIONS.map((a) => [a, true])) as Record<
  (typeof AUDIT_ACTIONS)[number],
  true
>;
void _everyAction;

type EffectKind = z.infer<typeof EffectSchema>['kind'];

interface EventTypeSpec {
  readonly description: string;
  /** Only events of one audit action carry it. */
  readonly action?: string;
  /** Effect events carry an effect of this kind. */
  readonly effect?: EffectKind;
  /** Events that are not audit events carry a detail of their own. */
  readonly detail?: z.ZodType;
}

/**
 * `CaseOffered`'s detail: published from an inserted offer item (routing state is
 * not the case's history), with the offer's stable event id.
 */
export const OfferEventDetail = z.object({
  id: z.string().min(1),
  offerId: z.string().min(1),
  caseId: z.string().min(1),
  agentId: z.string().min(1),
  queue: z.string(),
  channel: z.string(),
  offeredAt: z.iso.datetime(),
  deadline: z.iso.datetime(),
});
/** `OfferClosed`'s detail: published from the removed offer item, whichever way the offer ended. */
export const OfferClosedEventDetail = OfferEventDetail.extend({ closedAt: z.iso.datetime() });
// Fails to compile when the offer the core publishes and these contracts part ways.
const _offerMatches: [z.infer<typeof OfferEventDetail>, OfferDetail & { id: string }, OfferDetail] = [
  {} as OfferDetail & { id: string },
  {} as z.infer<typeof OfferEventDetail>,
  {} as z.infer<typeof OfferClosedEventDetail>,
];
void _offerMatches;

/** The detail contract of an event published from an offer item, by its type; undefined for the others. */
export const offerEventContract = (type: string): z.ZodType<OfferDetail & { id: string }> | undefined =>
  type === CASE_OFFERED ? OfferEventDetail : type === OFFER_CLOSED ? OfferClosedEventDetail : undefined;

const DERIVED: Record<string, EventTypeSpec> = {
  StatusChanged: { description: "The case's status changed (any audit event whose changes include `status`)." },
  Assigned: { description: "The case's owner changed (any audit event whose changes include `owner`)." },
  Mentioned: { description: 'A comment mentioned people (`detail.mentions`).', action: 'CommentAdded' },
  ClockActionRequested: {
    description: "A transition's timer effect: an SLA clock is to start, stop, pause or resume (`detail.effect`).",
    effect: 'timer',
  },
  NotificationRequested: { description: "A transition's notify effect: a templated message is to be sent (`detail.effect`).", effect: 'notify' },
  CaseTypeEvent: {
    description: "A transition's emitEvent effect: `detail-type` is the name the case type gives (`detail.effect.event`).",
    effect: 'emitEvent',
  },
  [CASE_OFFERED]: {
    description: 'Routing offered the case to an agent (published from the offer item, not an audit event).',
    detail: OfferEventDetail,
  },
  [OFFER_CLOSED]: {
    description: 'An open offer ended: accepted, declined, expired or withdrawn (published from the removed offer item).',
    detail: OfferClosedEventDetail,
  },
};

export const EVENT_TYPES: Record<string, EventTypeSpec> = {
  ...Object.fromEntries(AUDIT_ACTIONS.map((action) => [action, { description: `A ${action} audit event.`, action }])),
  ...DERIVED,
};

const Detail = AuditRecord.omit({ handoff: true }).extend({
  id: z.string().min(1).meta({ description: 'Stable id of this domain event: the same on every delivery and redelivery. Deduplicate on it.' }),
  effect: EffectSchema.optional().meta({ description: 'For effect events: the effect to carry out.' }),
  changes: z.array(
    z.object({
      field: z.string(),
      before: z
        .unknown()
        .optional()
        .meta({ description: 'null for restricted fields: that they changed leaves the platform, not their values. Absent in a claim check.' }),
      after: z.unknown().optional().meta({ description: 'Absent in a claim check.' }),
      sensitivity: z.enum(SENSITIVITIES).optional(),
    }),
  ),
  claimCheck: z
    .object({ reason: z.literal('size'), bytes: z.number().int(), caseId: z.string(), seq: z.number().int() })
    .optional()
    .meta({
      description:
        "Set when the event was too large for the bus (over 64 KB): the changes' values and the routing details are left out. " +
        'The whole entry is the case history entry of this seq (GET /cases/{caseId}/history).',
    }),
});

/**
 * What a consumer finds in an EventBridge event's `detail`: the audit event, with
 * the domain event's stable id (deduplicate on it; EventBridge's own `id` is kept
 * across retries of one PutEvents entry, but a second publication of the same
 * domain event, as a retried outbox batch makes, gets a new one) and, for effect events, the effect to carry out.
 */
export type DomainEventDetail = DomainEvent['detail'] & { readonly id: string; readonly effect?: DomainEvent['effect'] };

/**
 * A consumer's contract: the published `detail`, checked; the detail is then handed
 * on as it came (nothing stripped: the strict schema test proves the schema names
 * every field the platform sends), typed as the producer types it.
 */
export const DomainEventDetailContract = z.unknown().superRefine((value, ctx) => {
  const checked = Detail.safeParse(value);
  if (!checked.success) for (const issue of checked.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
}) as unknown as z.ZodType<DomainEventDetail>;

/**
 * An EventBridge event around a detail: the envelope every event on Caseway's bus has,
 * whoever puts it there (the outbox, or a connector: ./inbound-events.ts).
 */
export function busEventSchema(spec: { type: string; source: string; description: string; detail: z.ZodType; detailType?: z.ZodType }): z.ZodType {
  return z
    .object({
      version: z.literal('0'),
      id: z.string().meta({ description: "EventBridge's id of this event (the same across retries of one delivery, new on a republication)." }),
      'detail-type': spec.detailType ?? z.literal(spec.type),
      source: z.literal(spec.source),
      account: z.string(),
      time: z.iso.datetime(),
      region: z.string(),
      resources: z.array(z.string()),
      detail: spec.detail,
    })
    .meta({ title: spec.type, description: spec.description });
}

/** The zod schema of one event type's whole EventBridge event. */
export function eventSchema(type: string): z.ZodType | undefined {
  const spec = EVENT_TYPES[type];
  if (!spec) return undefined;
  let detail: z.ZodType = spec.detail ?? Detail;
  if (spec.action) detail = Detail.extend({ action: z.literal(spec.action) });
  if (spec.effect) {
    const effect = EffectSchema.options.find((o) => o.shape.kind.value === spec.effect)!;
    detail = Detail.extend({ effect });
  }
  const detailType = type === 'CaseTypeEvent' ? z.string().regex(/^[A-Z][A-Za-z0-9]{2,63}$/) : undefined;
  return busEventSchema({ type, source: EVENT_SOURCE, description: spec.description, detail, ...(detailType ? { detailType } : {}) });
}

/**
 * One event type's JSON Schema (draft 2020-12). Published open (unknown properties
 * allowed: fields may be added, never removed or changed, and consumers should
 * ignore what they do not know); `strict` closes every object, which the tests use
 * to prove the schema names every field the platform really sends.
 */
export function eventJsonSchema(type: string, options: { strict?: boolean } = {}): Record<string, unknown> | undefined {
  const schema = eventSchema(type);
  return schema ? jsonSchemaOf(type, schema, options) : undefined;
}

/** A bus event's zod schema as the JSON Schema partners read. */
export function jsonSchemaOf(type: string, schema: z.ZodType, options: { strict?: boolean } = {}): Record<string, unknown> {
  return {
    $id: `caseway:events:${type}`,
    ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: options.strict ? 'output' : 'input', unrepresentable: 'any' }),
  };
}

export function eventTypes(): { type: string; source: string; description: string }[] {
  return Object.entries(EVENT_TYPES).map(([type, spec]) => ({ type, source: EVENT_SOURCE, description: spec.description }));
}
