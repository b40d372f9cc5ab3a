/**
 * Use cases of the audit trail: read it (restricted values hidden from those
 * without clearance) and verify it end to end against its hash chain and head.
 */
import { verifyChain, type ChainReport } from '#core/audit-chain.js';
import type { Caller } from '#core/caller.js';
import type { AuditEvent } from '#core/audit-event.js';
import { canReadHistory, hasClearance, historyView } from '#core/case-view.js';
import { forbidden } from '#core/errors.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import type { Page } from '#adapters/dynamodb/paging.js';
import { typeOf, visibleCase } from './case-access.js';
import { mergedFamily } from './merged-family.js';

async function readableBy(caseId: string, caller: Caller) {
  const { case: c } = await visibleCase(caseId, caller);
  if (!canReadHistory(caller)) throw forbidden('The audit history is visible to staff only.');
  return c;
}

/**
 * A case's history; with `includeMerged`, followed by the trails of the cases
 * merged into it (each event names its case; restricted values are hidden by
 * each case's own type).
 */
export async function history(caseId: string, caller: Caller, limit: number, cursor?: string, includeMerged = false): Promise<Page<AuditEvent>> {
  const c = await readableBy(caseId, caller);
  const caseIds = includeMerged ? await mergedFamily(caseId, caller) : [caseId];
  const clearance = new Map<string, boolean>([[caseId, hasClearance(await typeOf(c), caller)]]);
  for (const id of caseIds.slice(1)) {
    const merged = await repo.getCase(id);
    clearance.set(id, merged !== undefined && hasClearance(await typeOf(merged.case), caller));
  }
  const page = await repo.listHistories(caseIds, limit, cursor);
  return { ...page, items: page.items.map((event) => historyView(event, clearance.get(event.caseId) ?? false)) };
}

/**
 * Recompute every link of the case's chain and compare the end with the recorded
 * head: any altered, removed or reordered event shows up as a problem.
 */
export async function verifyHistory(caseId: string, caller: Caller): Promise<ChainReport> {
  await readableBy(caseId, caller);
  return verifyTrail(caseId);
}

/** The check itself, for the CLI, which runs with the table's credentials rather than as a caller. */
export async function verifyTrail(caseId: string): Promise<ChainReport> {
  const { events, head } = await repo.readTrail(caseId);
  return verifyChain(caseId, events, head);
}
