/**
 * The family a survivor's reads cover. Apart from ./links.ts, which writes links and
 * so reaches the SLA clocks (and date-holidays' data): comments, history and
 * attachments read through it without that weight.
 */
import type { Caller } from '#core/caller.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import * as links from '#adapters/dynamodb/link-repository.js';
import { visibleOnly } from './case-access.js';

/** A bound on how many cases a survivor's merged view reads. */
const MAX_MERGED = 50;

/**
 * A survivor and every case merged into it, directly or through a case that was
 * merged in later itself, as far as the caller may see them: the survivor first,
 * then the merged ones breadth first. Only for reads of the family's items.
 */
export async function mergedFamily(caseId: string, caller: Caller): Promise<string[]> {
  const family = [caseId];
  for (let i = 0; i < family.length && family.length < MAX_MERGED; i++) {
    for (const merged of await links.mergedInto(family[i]!)) {
      if (family.includes(merged) || family.length >= MAX_MERGED) continue;
      const found = await repo.getCase(merged);
      // Their items are read with the survivor's: a restricted one's read is recorded like any other.
      const visible = found !== undefined && (await visibleOnly(caller, [found.case])).length === 1;
      if (visible) family.push(merged);
    }
  }
  return family;
}
