/**
 * Use cases of assets: register, read (with its open conditions and the cases it
 * opened), revise with If-Match, list by owner. Admins and integrations manage
 * assets; staff read them; an owner reads their own.
 */
import { hasRole, isStaff, type Caller } from '#core/caller.js';
import { conflict, forbidden, notFound, preconditionFailed } from '#core/errors.js';
import { DEFAULT_ANOMALY, type AnomalySettings, type Asset, type Threshold } from '#core/devices/asset.js';
import type { OpenCondition } from '#core/devices/conditions.js';
import type { Party } from '#core/case.js';
import type { Priority } from '#core/vocabulary.js';
import * as repo from '#adapters/dynamodb/asset-repository.js';
import { openConditionsOf } from '#adapters/dynamodb/signal-repository.js';
import type { Page } from '#adapters/dynamodb/paging.js';

export interface NewAsset {
  readonly assetId: string;
  readonly name: string;
  readonly owner: Party;
  readonly entitlementId: string | null;
  readonly thresholds: readonly Threshold[];
  readonly anomaly?: Partial<AnomalySettings>;
  readonly autoResolve: boolean;
  readonly priority: Priority;
}

export type AssetPatch = Partial<Omit<NewAsset, 'assetId'>>;

const mayManage = (caller: Caller) => hasRole(caller, 'admin') || hasRole(caller, 'integration');
const mayRead = (caller: Caller, asset: Asset) => isStaff(caller) || asset.owner.id === caller.sub;

function assertManager(caller: Caller): void {
  if (!mayManage(caller)) throw forbidden('Only admins and integrations register and change assets.');
}

/** Defaults fill what the caller left out; the merged settings must still hold the rules the schema checks per request. */
function anomalyOf(base: AnomalySettings, change: Partial<AnomalySettings> | undefined): AnomalySettings {
  const merged = { ...base, ...change };
  if (merged.minSamples > merged.window || merged.zRecover >= merged.zOpen) {
    throw conflict('These anomaly settings contradict the ones the asset has: minSamples must be at most window, and zRecover below zOpen.', {
      anomaly: merged,
    });
  }
  return merged;
}

export async function registerAsset(input: NewAsset, caller: Caller, now: string): Promise<Asset> {
  assertManager(caller);
  const asset: Asset = {
    assetId: input.assetId,
    name: input.name,
    owner: input.owner,
    entitlementId: input.entitlementId,
    thresholds: input.thresholds,
    anomaly: anomalyOf(DEFAULT_ANOMALY, input.anomaly),
    autoResolve: input.autoResolve,
    priority: input.priority,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  if (!(await repo.insertAsset(asset))) throw conflict(`Asset ${input.assetId} is registered already.`);
  return asset;
}

export interface AssetDetail extends Asset {
  readonly openConditions: Omit<OpenCondition, 'assetId' | 'openedBy' | 'reportedPeak'>[];
  readonly cases: Awaited<ReturnType<typeof repo.casesOfAsset>>;
}

const notYours = (assetId: string) => notFound(`Asset ${assetId} does not exist or is not yours to see.`);

export async function getAsset(assetId: string, caller: Caller): Promise<AssetDetail> {
  const asset = await repo.getAsset(assetId);
  if (!asset || !mayRead(caller, asset)) throw notYours(assetId);
  const [conditions, cases] = await Promise.all([openConditionsOf(assetId), repo.casesOfAsset(assetId, 100)]);
  return {
    ...asset,
    openConditions: conditions.map(({ assetId: _a, openedBy: _o, reportedPeak: _r, ...shown }) => shown),
    cases,
  };
}

export async function updateAsset(assetId: string, patch: AssetPatch, ifMatch: number, caller: Caller, now: string): Promise<Asset> {
  assertManager(caller);
  const current = await repo.getAsset(assetId);
  if (!current) throw notYours(assetId);
  if (current.version !== ifMatch) {
    throw preconditionFailed(`Asset ${assetId} is at version ${current.version}, not ${ifMatch}; read it again and reapply your change.`, {
      currentVersion: current.version,
    });
  }
  const { anomaly, ...rest } = patch;
  const next: Asset = { ...current, ...rest, anomaly: anomalyOf(current.anomaly, anomaly), updatedAt: now, version: current.version + 1 };
  if (!(await repo.replaceAsset(next, current.version))) {
    throw preconditionFailed(`Asset ${assetId} changed while this change was made; read it again and reapply your change.`, {
      currentVersion: current.version + 1,
    });
  }
  return next;
}

export function listAssets(ownerId: string, caller: Caller, limit: number, cursor?: string): Promise<Page<Asset>> {
  if (!isStaff(caller) && ownerId !== caller.sub) throw forbidden('Requesters can list only their own assets.');
  return repo.listAssetsOfOwner(ownerId, limit, cursor);
}
