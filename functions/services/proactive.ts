/**
 * Proactive cases: what a device signal does to its asset's cases. The HTTP
 * endpoint, the IoT Core rule's Lambda and the `caseway.devices` event consumer
 * all call `ingestSignals`.
 *
 * One signal, one transaction: the receipt (so a redelivery does nothing), the
 * baseline if the reading was normal, and every case change the core decided,
 * each with its audit event. Opening a case puts the condition's item with
 * `attribute_not_exists`, so when a thousand signals race to open the same
 * condition exactly one transaction commits; the others re-read, find the
 * condition open, and count themselves into it.
 */
import { caseCommitItems, newCaseItems, putNew, type TransactItem } from '#adapters/dynamodb/transactions.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import * as assets from '#adapters/dynamodb/asset-repository.js';
import * as signals from '#adapters/dynamodb/signal-repository.js';
import type { SignalOutcome } from '#adapters/dynamodb/signal-repository.js';
import type { StoredCase } from '#core/case.js';
import type { ChangeContext } from '#core/audit-event.js';
import { transitionCase } from '#core/case-lifecycle.js';
import { writeComment } from '#core/comment.js';
import { validationFailed, type FieldIssue } from '#core/errors.js';
import type { Asset } from '#core/devices/asset.js';
import { caseForCondition, conditionId, decide, isWorse, type Action, type ConditionState, type OpenCondition } from '#core/devices/conditions.js';
import { EMPTY_WINDOW, pushReading } from '#core/devices/rolling-window.js';
import type { Signal } from '#core/devices/signal.js';
import { transitionsFrom } from '#core/workflow.js';
import { guardContextOf } from './tasks.js';
import { nowIso } from '#adapters/clock.js';
import { currentType, nextCaseId, prepareCase, returnCaseId } from './cases.js';
import { timeOrderedId, typeOf, untilWritten } from './case-access.js';
import { slaAfterChange, slaForNewCase } from './sla.js';

/** How long a receipt is kept: longer than any redelivery (IoT retries for minutes, EventBridge for a day). */
const RECEIPT_TTL_SECONDS = 7 * 24 * 3600;

/** The transition that resolves a device case when its asset recovers. */
const RECOVERED_TRANSITION = 'recovered';

export interface SignalResult extends SignalOutcome {
  /** The signal was processed before: this is what it did then. */
  readonly duplicate: boolean;
}

const needsCase = (action: Action): action is Extract<Action, { condition: OpenCondition }> =>
  action.type === 'recover' || (action.type === 'append' && action.comment !== null);

const takesWork = (stored: StoredCase | undefined) =>
  stored !== undefined && stored.case.mergedInto === null && (stored.case.statusCategory === 'active' || stored.case.statusCategory === 'waiting');

/**
 * Process signals in order per asset and metric (a baseline learns in the order
 * readings came), different asset-metric pairs side by side. Every asset must
 * exist before anything is written: `fieldOf(i)` names the signal in the problem.
 */
export async function ingestSignals(batch: readonly Signal[], ctx: ChangeContext, fieldOf: (index: number) => string): Promise<SignalResult[]> {
  const ids = [...new Set(batch.map((s) => s.assetId))];
  const found = new Map<string, Asset>();
  await Promise.all(
    ids.map(async (id) => {
      const asset = await assets.getAsset(id);
      if (asset) found.set(id, asset);
    }),
  );
  const issues: FieldIssue[] = batch.flatMap((s, i) =>
    found.has(s.assetId) ? [] : [{ field: `${fieldOf(i)}.assetId`, rule: 'unknown_reference', message: `There is no asset ${s.assetId}.` }],
  );
  if (issues.length > 0) throw validationFailed(issues);

  const results: SignalResult[] = new Array(batch.length);
  const groups = new Map<string, number[]>();
  batch.forEach((s, i) => groups.set(`${s.assetId}\n${s.metric}`, [...(groups.get(`${s.assetId}\n${s.metric}`) ?? []), i]));
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      for (const i of indexes) results[i] = await processSignal(found.get(batch[i]!.assetId)!, batch[i]!, ctx);
    }),
  );
  return results;
}

/** One signal: read, decide, commit, and on a lost race read and decide again. */
export async function processSignal(asset: Asset, signal: Signal, ctx: ChangeContext): Promise<SignalResult> {
  // A case number is reserved once per signal and kept across retries, so a lost race wastes at most one.
  let reservedCaseId: string | undefined;
  const caseIdFor = async () => (reservedCaseId ??= await nextCaseId(ctx.now));
  let attempts = 0;
  const result = await untilWritten(`Asset ${asset.assetId}`, async (): Promise<SignalResult | 'stale'> => {
    const context = await signals.readSignalContext(asset.assetId, signal.metric, asset.anomaly.enabled);
    // The first attempt assumes each condition's case still takes work and lets the commit check it
    // (a storm then reads no case at all); a retry, or a change to the case itself, reads the cases.
    const fresh = attempts++ > 0;
    const cases = new Map<string, StoredCase | undefined>();
    const load = async (condition: OpenCondition): Promise<ConditionState> => {
      const stored = await repo.getCase(condition.caseId);
      cases.set(condition.caseId, stored);
      return { condition, caseOpen: takesWork(stored) };
    };
    let states = await Promise.all(context.conditions.map((c) => (fresh ? load(c) : { condition: c, caseOpen: true })));
    let baseline = context.baseline;
    const decideNow = () => decide(asset, signal, baseline?.window ?? EMPTY_WINDOW, states);
    let decision = decideNow();
    if (!fresh && decision.actions.some(needsCase)) {
      states = await Promise.all(context.conditions.map(load));
      decision = decideNow();
    }
    // Without anomaly detection the baseline only matters to a reading that will join it.
    if (decision.learn && baseline === undefined) {
      baseline = await signals.readBaseline(asset.assetId, signal.metric);
      decision = decideNow();
    }
    const effects: SignalOutcome['effects'][number][] = [];
    const items: TransactItem[] = [];
    for (const action of decision.actions) {
      const planned = await itemsFor(action, asset, signal, decision.z, ctx, cases, caseIdFor);
      effects.push(planned.effect);
      items.push(...planned.items);
    }
    if (decision.learn && baseline) {
      items.push(
        signals.baselineItem(asset.assetId, signal.metric, pushReading(baseline.window, signal.value!, asset.anomaly.window), baseline.version),
      );
    }
    const outcome: SignalOutcome = { signalId: signal.signalId, assetId: asset.assetId, effects, learned: decision.learn };
    const expiresAt = Math.floor(Date.parse(ctx.now) / 1000) + RECEIPT_TTL_SECONDS;
    items.push(signals.receiptItem(outcome, ctx.now, expiresAt));
    const committed = await signals.commitSignal(items);
    if (committed === 'written') return { ...outcome, duplicate: false };
    if (committed === 'stale') return 'stale';
    const earlier = await signals.getReceipt(asset.assetId, signal.signalId);
    // A receipt that expired between the failed write and this read: decide again, as for a new signal.
    return earlier ? { ...earlier, duplicate: true } : 'stale';
  });
  // Lost the race to open (another signal opened the case, this one counted into it): every
  // transaction that carried the reserved number was cancelled, so the number goes back.
  if (reservedCaseId !== undefined && !result.effects.some((e) => e.action === 'opened' && e.caseId === reservedCaseId)) returnCaseId(reservedCaseId);
  return result;
}

interface Planned {
  readonly effect: SignalOutcome['effects'][number];
  readonly items: TransactItem[];
}

async function itemsFor(
  action: Action,
  asset: Asset,
  signal: Signal,
  z: number | null,
  ctx: ChangeContext,
  cases: Map<string, StoredCase | undefined>,
  caseIdFor: () => Promise<string>,
): Promise<Planned> {
  if (action.type === 'open') {
    const type = await currentType('device-alert');
    const prepared = await prepareCase(caseForCondition(asset, signal, action.kind, action.limit, z), type, ctx);
    const drafted = prepared(await caseIdFor());
    // The asset's entitlement (or its owner's) picks the SLA, as for any case opened at intake.
    const sla = await slaForNewCase(drafted, ctx);
    const opened = { ...drafted, case: sla.case };
    const condition: OpenCondition = {
      assetId: asset.assetId,
      metric: signal.metric,
      kind: action.kind,
      caseId: opened.case.caseId,
      limit: action.limit,
      openedAt: ctx.now,
      openedBy: signal.signalId,
      count: 1,
      lastValue: signal.value ?? null,
      lastAt: signal.at,
      peak: action.severity,
      reportedPeak: action.severity,
      recovered: false,
    };
    return {
      effect: { condition: conditionId(signal.metric, action.kind), action: 'opened', caseId: opened.case.caseId },
      items: [
        ...newCaseItems(opened, sla.audits),
        ...sla.items,
        signals.openConditionItem(condition, action.replaces?.caseId),
        signals.assetCaseItem(condition),
      ],
    };
  }

  const { condition } = action;
  const effectOf = (kind: SignalOutcome['effects'][number]['action']) => ({
    condition: conditionId(condition.metric, condition.kind),
    action: kind,
    caseId: condition.caseId,
  });
  if (action.type === 'drop') return { effect: effectOf('dropped'), items: [signals.closeConditionItem(condition)] };

  const comment = (body: string): TransactItem[] => {
    const stored = cases.get(condition.caseId)!;
    const { comment: written, audit } = writeComment(stored, timeOrderedId(ctx.now), { body, visibility: 'internal' }, undefined, ctx);
    return caseCommitItems({ head: stored.head, audit, items: [putNew(repo.commentItem(written))] });
  };

  if (action.type === 'append') {
    const reported =
      action.comment !== null ? { was: condition.reportedPeak, now: action.newPeak ? action.severity : condition.reportedPeak } : undefined;
    const peak =
      action.newPeak && action.severity !== null
        ? { severity: action.severity, worseIs: isWorse(condition.kind, 1, 0) ? ('higher' as const) : ('lower' as const) }
        : undefined;
    const aggregate = { value: signal.value ?? null, at: signal.at, ...(peak ? { peak } : {}), ...(reported ? { reported } : {}) };
    // The case as read (or assumed) must still take work when this commits; a person may have resolved it meanwhile.
    const stillOpen = signals.caseTakesWorkItem(condition.caseId);
    return {
      effect: effectOf('appended'),
      items: [signals.appendItem(condition, aggregate), stillOpen, ...(action.comment !== null ? comment(action.comment) : [])],
    };
  }

  // Recovery: through the workflow when the asset says so and the case's state allows it, else told once on the case.
  const stored = cases.get(condition.caseId)!;
  const type = await typeOf(stored.case);
  const canResolve = asset.autoResolve && transitionsFrom(type, stored.case.status).some((t) => t.id === RECOVERED_TRANSITION);
  if (canResolve) {
    const guards = await guardContextOf(stored.case.caseId, type, stored.case.status);
    const moved = transitionCase(stored, { to: 'resolved', transition: RECOVERED_TRANSITION, reason: action.comment }, type, ctx, guards);
    // Resolving stops the clocks, in the same commit, as a resolution by a person does.
    const sla = await slaAfterChange(stored.case, moved, { kind: 'transitioned', effects: moved.audit.effects ?? [] }, ctx);
    return {
      effect: effectOf('resolved'),
      items: [
        ...caseCommitItems({
          head: stored.head,
          audit: moved.audit,
          followUps: sla.audits,
          case: { next: sla.case, expectedVersion: stored.case.version },
        }),
        ...sla.items,
        signals.closeConditionItem(condition),
      ],
    };
  }
  return { effect: effectOf('recovered'), items: [signals.markRecoveredItem(condition, signal.at), ...comment(action.comment)] };
}

/** Who changes cases when a signal arrives without an HTTP caller (IoT rule, event bus). */
export const DEVICE_CALLER = { sub: 'caseway-devices', name: 'Caseway devices', roles: ['integration'] } as const;

export const deviceContext = (correlationId: string): ChangeContext => ({
  caller: { ...DEVICE_CALLER, roles: [...DEVICE_CALLER.roles] },
  now: nowIso(),
  channel: 'iot',
  correlationId,
});
