/**
 * SLA clocks in the case write paths. Each write path asks here what its change
 * does to the clocks, and gets back the case with its new `sla`, the `Sla*` audit
 * events that explain it (sealed onto the chain after the change's own event) and
 * any other writes (an entitlement's count): all commit in the change's transaction.
 *
 * Policies and calendars are read through the config cache (`config-kinds.ts`
 * says for how long): they change a few times a year, cases change all day.
 */
import { hasRole, isStaff, type Caller } from '#core/caller.js';
import type { Case } from '#core/case.js';
import { auditEvent, type AuditEvent, type ChangeContext } from '#core/audit-event.js';
import type { Effect } from '#core/case-type.js';
import {
  openSla,
  slaOnMerge,
  slaOnPolicyChange,
  slaOnRequesterComment,
  slaOnStaffReply,
  slaOnTransition,
  type Place,
  type SlaChange,
  type SlaSetup,
} from '#core/sla/case-sla.js';
import { chooseEntitlement, choosePolicy, type Entitlement } from '#core/sla/policy.js';
import type { SlaPolicy, SlaState } from '#core/sla/state.js';
import * as repo from '#adapters/dynamodb/entitlement-repository.js';
import { slaCalendars, slaPolicies } from '#adapters/dynamodb/config-kinds.js';
import type { TransactItem } from '#adapters/dynamodb/transactions.js';

const currentPolicies = (): Promise<SlaPolicy[]> => slaPolicies.list();

async function setupFor(policy: SlaPolicy): Promise<SlaSetup | undefined> {
  const calendar = await slaCalendars.current(policy.calendarId);
  return calendar ? { policy, calendar } : undefined;
}

const placeOf = (c: Pick<Case, 'status' | 'statusCategory'>): Place => ({ status: c.status, category: c.statusCategory });

/** A case change with its SLA consequences, ready to commit together. */
export interface WithSla {
  readonly case: Case;
  /** The change's `Sla*` audit events, each sealed onto the one before (the first onto the change's own event). */
  readonly audits: readonly AuditEvent[];
  readonly items: readonly TransactItem[];
}

function sealed(c: Case, after: AuditEvent, changes: readonly SlaChange[], ctx: ChangeContext): AuditEvent[] {
  const audits: AuditEvent[] = [];
  let head = { seq: after.seq, hash: after.hash };
  for (const change of changes) {
    const audit = auditEvent(c.caseId, head, change.action, ctx, c.version, [{ field: 'sla', before: change.before, after: change.after }], {
      reason: change.notes.join('; '),
    });
    audits.push(audit);
    head = { seq: audit.seq, hash: audit.hash };
  }
  return audits;
}

const assetOf = (c: Case): string | undefined => (typeof c.fields.assetId === 'string' && c.fields.assetId !== '' ? c.fields.assetId : undefined);

/**
 * A new case: the entitlement that covers it (its asset's, else its requester's;
 * expired and used-up ones are passed over, and the audit event says so), the
 * policy for its type, priority and entitlement level, and its clocks started.
 * No matching policy: no SLA, nothing consumed.
 */
export async function slaForNewCase(opened: { case: Case; audit: AuditEvent }, ctx: ChangeContext): Promise<WithSla> {
  const c = opened.case;
  const asset = assetOf(c);
  const [forAsset, forCustomer, policies] = await Promise.all([
    asset ? repo.entitlementsOf('asset', asset) : Promise.resolve([] as Entitlement[]),
    repo.entitlementsOf('customer', c.requester.id),
    currentPolicies(),
  ]);
  const choice = chooseEntitlement(forAsset, forCustomer, ctx.now);
  const entitlement = choice.chosen;
  const policy = choosePolicy(policies, { caseType: c.type, priority: c.priority, entitlementLevel: entitlement?.level ?? null });
  const setup = policy && (await setupFor(policy));
  if (!setup) return { case: c, audits: [], items: [] };
  const notes = entitlement || choice.notes.length === 0 ? choice.notes : [...choice.notes, 'fell back to the default policy'];
  const started = openSla(setup, entitlement ? { id: entitlement.entitlementId, level: entitlement.level } : null, placeOf(c), ctx.now, notes);
  const next = { ...c, sla: started.after };
  return {
    case: next,
    audits: sealed(next, opened.audit, [started], ctx),
    items: entitlement ? [repo.consumeEntitlement(entitlement)] : [],
  };
}

/** What a case change did besides moving fields, as far as the clocks care. */
export type SlaTrigger =
  | { readonly kind: 'revised' }
  | { readonly kind: 'transitioned'; readonly effects: readonly Effect[] }
  | { readonly kind: 'commented'; readonly visibility: 'public' | 'internal' }
  | { readonly kind: 'merged' };

const isStaffReply = (caller: Caller) => isStaff(caller) && !hasRole(caller, 'integration');

/**
 * The SLA consequences of a change from `before` to `change.case`: first a new
 * policy or policy version if the case now falls under one (priority changed,
 * policy republished), then what the change itself does to the clocks.
 */
export async function slaAfterChange(
  before: Case,
  change: { case: Case; audit: AuditEvent },
  trigger: SlaTrigger,
  ctx: ChangeContext,
): Promise<WithSla> {
  const sla: SlaState | null = before.sla ?? null;
  if (!sla) return { case: change.case, audits: [], items: [] };
  const c = change.case;
  const chosen = choosePolicy(await currentPolicies(), { caseType: c.type, priority: c.priority, entitlementLevel: sla.entitlement?.level ?? null });
  // No policy matches any more (policies were re-scoped): the case keeps the one it has.
  const policy = chosen ?? (await slaPolicies.version(sla.policyId, sla.policyVersion));
  const setup = policy && (await setupFor(policy));
  if (!setup) return { case: c, audits: [], items: [] };

  const changes: SlaChange[] = [];
  let state = sla;
  const step = (result: SlaChange | undefined) => {
    if (!result) return;
    changes.push(result);
    state = result.after;
  };
  if (trigger.kind === 'merged') {
    // The merged case keeps the policy it had: its clocks only stop.
    step(
      slaOnMerge(state, { policy: (await slaPolicies.version(sla.policyId, sla.policyVersion)) ?? setup.policy, calendar: setup.calendar }, ctx.now),
    );
    return changes.length === 0
      ? { case: c, audits: [], items: [] }
      : { case: { ...c, sla: state }, audits: sealed({ ...c, sla: state }, change.audit, changes, ctx), items: [] };
  }
  // The recompute happens where the case stood before the change; the change then acts on it.
  step(slaOnPolicyChange(state, setup, placeOf(before), ctx.now));
  if (trigger.kind === 'transitioned') step(slaOnTransition(state, setup, placeOf(before), placeOf(c), trigger.effects, ctx.now));
  if (trigger.kind === 'commented' && trigger.visibility === 'public') {
    if (isStaffReply(ctx.caller)) step(slaOnStaffReply(state, setup, ctx.now));
    else if (ctx.caller.sub === c.requester.id) step(slaOnRequesterComment(state, setup, placeOf(c), ctx.now));
  }
  if (changes.length === 0) return { case: c, audits: [], items: [] };
  const next = { ...c, sla: state };
  return { case: next, audits: sealed(next, change.audit, changes, ctx), items: [] };
}
