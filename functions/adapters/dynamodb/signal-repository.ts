/**
 * What signal processing reads and writes beside an asset: the metric's baseline,
 * its open conditions, the cases the asset opened, and one receipt per signal.
 * The receipt goes into the same transaction as the signal's effects, so a signal
 * delivered twice has its effect once, and one whose transaction failed left nothing.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { OpenCondition } from '#core/devices/conditions.js';
import type { RollingWindow } from '#core/devices/rolling-window.js';
import { caseTable } from '#topology/table.js';
import { dynamo, tableName } from './client.js';
import { assetCaseKey, baselineKey, caseKey, conditionKey, conditionPrefix, assetKey, signalReceiptKey, withoutStorageAttributes } from './keys.js';
import { cancellationCodes, putNew, type TransactItem } from './transactions.js';

export const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

/** What a processed signal did, kept on its receipt so a redelivery answers the same. */
export interface SignalOutcome {
  readonly signalId: string;
  readonly assetId: string;
  readonly effects: readonly {
    readonly condition: string;
    readonly action: 'opened' | 'appended' | 'recovered' | 'resolved' | 'dropped';
    readonly caseId: string;
  }[];
  readonly learned: boolean;
}

export interface StoredBaseline {
  readonly window: RollingWindow;
  /** 0 when there is none yet. */
  readonly version: number;
}

export interface SignalContext {
  readonly conditions: OpenCondition[];
  /** Read only when asked for: a storm over a limit never needs the baseline. */
  readonly baseline: StoredBaseline | undefined;
}

const get = (Key: Record<string, string>) => dynamo().send(new GetCommand({ TableName: tableName(), Key, ConsistentRead: true }));

export async function readBaseline(assetId: string, metric: string): Promise<StoredBaseline> {
  const out = await get(baselineKey(assetId, metric));
  return out.Item ? { window: { values: out.Item.values as number[] }, version: Number(out.Item.version) } : { window: { values: [] }, version: 0 };
}

/** The metric's open conditions, and its baseline when `withBaseline`, read in parallel and strongly consistent. */
export async function readSignalContext(assetId: string, metric: string, withBaseline: boolean): Promise<SignalContext> {
  const [conditions, baseline] = await Promise.all([
    dynamo().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': assetKey(assetId).pk, ':prefix': conditionPrefix(metric) },
        ConsistentRead: true,
      }),
    ),
    withBaseline ? readBaseline(assetId, metric) : undefined,
  ]);
  return { conditions: (conditions.Items ?? []).map((item) => withoutStorageAttributes<OpenCondition>(item)), baseline };
}

export async function getReceipt(assetId: string, signalId: string): Promise<SignalOutcome | undefined> {
  const out = await get(signalReceiptKey(assetId, signalId));
  return out.Item ? (out.Item.outcome as SignalOutcome) : undefined;
}

/**
 * Commit a signal's writes, the receipt last. No receipt is read before: a
 * redelivered signal is told apart by its receipt's condition failing, which
 * saves a read on every signal that is not a duplicate (nearly all of them).
 */
export async function commitSignal(items: TransactItem[]): Promise<'written' | 'stale' | 'duplicate'> {
  try {
    await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
    return 'written';
  } catch (error) {
    const codes = cancellationCodes(error);
    if (!codes) throw error;
    return codes.at(-1) === 'ConditionalCheckFailed' ? 'duplicate' : 'stale';
  }
}

/** Every open condition of an asset, all metrics. */
export async function openConditionsOf(assetId: string): Promise<OpenCondition[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': assetKey(assetId).pk, ':prefix': 'CONDITION#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((item) => withoutStorageAttributes<OpenCondition>(item));
}

/** The receipt, refused if the signal was processed already; it expires after `expiresAt` (epoch seconds). */
export const receiptItem = (outcome: SignalOutcome, at: string, expiresAt: number): TransactItem =>
  putNew({
    ...signalReceiptKey(outcome.assetId, outcome.signalId),
    entity: 'SignalReceipt',
    outcome,
    at,
    [caseTable.timeToLiveAttribute]: expiresAt,
  });

/** The baseline with the new reading, if nobody else changed it since it was read. */
export function baselineItem(assetId: string, metric: string, window: RollingWindow, readVersion: number): TransactItem {
  const Item = { ...baselineKey(assetId, metric), entity: 'Baseline', assetId, metric, values: window.values, version: readVersion + 1 };
  return readVersion === 0
    ? putNew(Item)
    : { Put: { TableName: tableName(), Item, ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': readVersion } } };
}

const conditionItem = (c: OpenCondition) => ({ ...conditionKey(c.assetId, c.metric, c.kind), entity: 'OpenCondition', ...c });

/**
 * The open condition of a new case: the item that makes a storm open one case.
 * It must not exist (or must still name the stale case it replaces), so of many
 * signals racing to open a case for the same condition exactly one commits.
 */
export function openConditionItem(c: OpenCondition, replacesCaseId?: string): TransactItem {
  if (replacesCaseId === undefined) return putNew(conditionItem(c));
  return {
    Put: {
      TableName: tableName(),
      Item: conditionItem(c),
      ConditionExpression: 'caseId = :old',
      ExpressionAttributeValues: { ':old': replacesCaseId },
    },
  };
}

export const assetCaseItem = (c: OpenCondition): TransactItem =>
  putNew({
    ...assetCaseKey(c.assetId, c.caseId),
    entity: 'AssetCase',
    assetId: c.assetId,
    caseId: c.caseId,
    metric: c.metric,
    kind: c.kind,
    openedAt: c.openedAt,
  });

export interface Aggregate {
  readonly value: number | null;
  readonly at: string;
  /** Set when the severity is a new peak: the write then holds only if nobody recorded a worse one meanwhile. */
  readonly peak?: { readonly severity: number; readonly worseIs: 'higher' | 'lower' };
  /** Set when this signal tells the case: only the one whose reported peak is still as read commits. */
  readonly reported?: { readonly was: number | null; readonly now: number | null };
}

/**
 * Count a signal into an open condition. The count is an atomic ADD and the other
 * attributes are set unconditionally, so appends from a storm do not collide on a
 * version; only a new peak or a comment is conditioned, on what it replaces.
 */
export function appendItem(c: OpenCondition, agg: Aggregate): TransactItem {
  const sets = ['lastAt = :at', 'recovered = :false'];
  const values: Record<string, unknown> = { ':one': 1, ':at': agg.at, ':case': c.caseId, ':false': false };
  const conditions = ['caseId = :case'];
  if (agg.value !== null) {
    sets.push('lastValue = :value');
    values[':value'] = agg.value;
  }
  if (agg.peak) {
    sets.push('peak = :peak');
    values[':peak'] = agg.peak.severity;
    conditions.push(`(attribute_type(peak, :null) OR peak ${agg.peak.worseIs === 'higher' ? '<' : '>'} :peak)`);
    values[':null'] = 'NULL';
  }
  if (agg.reported) {
    sets.push('reportedPeak = :reported');
    values[':reported'] = agg.reported.now;
    if (agg.reported.was === null) {
      conditions.push('attribute_type(reportedPeak, :null)');
      values[':null'] = 'NULL';
    } else {
      conditions.push('reportedPeak = :wasReported');
      values[':wasReported'] = agg.reported.was;
    }
  }
  return {
    Update: {
      TableName: tableName(),
      Key: conditionKey(c.assetId, c.metric, c.kind),
      UpdateExpression: `ADD #count :one SET ${sets.join(', ')}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: values,
    },
  };
}

/** Recovered while its case stays open (auto-resolve off), told once. */
export const markRecoveredItem = (c: OpenCondition, at: string): TransactItem => ({
  Update: {
    TableName: tableName(),
    Key: conditionKey(c.assetId, c.metric, c.kind),
    UpdateExpression: 'SET recovered = :true, lastAt = :at',
    ConditionExpression: 'caseId = :case AND recovered = :false',
    ExpressionAttributeValues: { ':true': true, ':false': false, ':at': at, ':case': c.caseId },
  },
});

/** The condition is over: its case resolved, or a person resolved it already. */
export const closeConditionItem = (c: OpenCondition): TransactItem => ({
  Delete: {
    TableName: tableName(),
    Key: conditionKey(c.assetId, c.metric, c.kind),
    ConditionExpression: 'caseId = :case',
    ExpressionAttributeValues: { ':case': c.caseId },
  },
});

/** Holds only while the case still takes work (active or waiting, not merged away). */
export const caseTakesWorkItem = (caseId: string): TransactItem => ({
  ConditionCheck: {
    TableName: tableName(),
    Key: caseKey(caseId),
    ConditionExpression: 'statusCategory IN (:active, :waiting) AND attribute_type(mergedInto, :null)',
    ExpressionAttributeValues: { ':active': 'active', ':waiting': 'waiting', ':null': 'NULL' },
  },
});
