/**
 * Intake's items: one record per channel delivery (the idempotency key of every
 * channel, written in the same transaction as what the delivery did), one guard
 * per requester holding their recent intakes (the version every intake decision
 * is conditioned on), the external-thread -> case map, and beside each case what
 * each delivery brought (sender, attachments, classification).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { IntakeOutcome } from '#core/intake/channel-message.js';
import type { RecentIntake } from '#core/intake/dedup.js';
import { dynamo, tableName } from './client.js';
import { caseIntakeKey, deliveryKey, intakeGuardKey, threadKey } from './keys.js';
import { putIfVersion, putNew, type TransactItem } from './transactions.js';

export interface DeliveryRecord {
  readonly channel: string;
  readonly deliveryId: string;
  readonly at: string;
  readonly result: IntakeOutcome;
  /** For ignored mail: who sent it and what it said it was about, so an operator can look. */
  readonly from?: string;
  readonly subject?: string;
}

const get = async (Key: Record<string, string>) => (await dynamo().send(new GetCommand({ TableName: tableName(), Key, ConsistentRead: true }))).Item;

export async function getDelivery(hash: string): Promise<DeliveryRecord | undefined> {
  const item = await get(deliveryKey(hash));
  return item ? (item.record as DeliveryRecord) : undefined;
}

/** A delivery's record; it must not exist yet, so two copies of one delivery cannot both commit. */
export const newDeliveryItem = (hash: string, record: DeliveryRecord): TransactItem => putNew({ ...deliveryKey(hash), entity: 'Delivery', record });

export interface IntakeGuard {
  readonly version: number;
  readonly recent: readonly RecentIntake[];
}

export async function getIntakeGuard(requesterId: string): Promise<IntakeGuard> {
  const item = await get(intakeGuardKey(requesterId));
  return item ? { version: Number(item.version), recent: (item.recent ?? []) as RecentIntake[] } : { version: 0, recent: [] };
}

/** The guard after an intake, conditioned on the version read (0: it must not exist yet). */
export function guardItem(requesterId: string, read: IntakeGuard, recent: readonly RecentIntake[]): TransactItem {
  const item = { ...intakeGuardKey(requesterId), entity: 'IntakeGuard', requesterId, version: read.version + 1, recent };
  return read.version === 0 ? putNew(item) : putIfVersion(item, read.version);
}

export interface ThreadMapping {
  readonly caseId: string;
  readonly version: number;
}

export async function getThread(hash: string): Promise<ThreadMapping | undefined> {
  const item = await get(threadKey(hash));
  return item ? { caseId: String(item.caseId), version: Number(item.version) } : undefined;
}

/** Point a thread at a case: new, or moved on from the case it was read pointing at. */
export function threadItem(hash: string, channel: string, externalThreadId: string, caseId: string, read: ThreadMapping | undefined): TransactItem {
  const item = { ...threadKey(hash), entity: 'ThreadMapping', channel, externalThreadId, caseId, version: (read?.version ?? 0) + 1 };
  return read ? putIfVersion(item, read.version) : putNew(item);
}

export interface CaseIntakeRecord {
  readonly caseId: string;
  readonly channel: string;
  readonly deliveryId: string;
  readonly at: string;
  readonly outcome: IntakeOutcome['outcome'];
  readonly from: { readonly id: string; readonly address?: string; readonly name?: string };
  readonly commentId?: string;
  readonly attachments: readonly { readonly name: string; readonly contentType: string; readonly size: number }[];
  readonly classification?: string;
  readonly threadSignal?: string;
}

export const caseIntakeItem = (deliveryHash: string, record: CaseIntakeRecord): TransactItem =>
  putNew({ ...caseIntakeKey(record.caseId, deliveryHash), entity: 'CaseIntake', ...record });
