/**
 * Reading cases: one case, and listings. Apart from ./cases.ts, whose writes reach the
 * SLA clocks and with them the holiday calendars (date-holidays' data, about 1.4 MiB):
 * the functions that only read cases are spared that weight at every cold start.
 */
import { isStaff, type Caller } from '#core/caller.js';
import { caseView, type CaseView } from '#core/case-view.js';
import { forbidden, validationFailed } from '#core/errors.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import { pageVisibleTo, typeOf, visibleCase } from './case-access.js';

export async function getCase(caseId: string, caller: Caller): Promise<CaseView> {
  const { case: c } = await visibleCase(caseId, caller);
  return caseView(c, await typeOf(c), caller);
}

export interface ListRequest {
  readonly statuses?: readonly string[];
  readonly owner?: string;
  readonly requester?: string;
  readonly type?: string;
  readonly queue?: string;
  /** Staff: cases with a running SLA clock due before this instant, soonest first. */
  readonly slaDueBefore?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** Requesters list their own cases; staff list by requester, owner, status, type or queue (open work by default). */
export async function listCases(request: ListRequest, caller: Caller): Promise<repo.Page<CaseView>> {
  const { limit, cursor, slaDueBefore, ...selector } = request;
  if (slaDueBefore !== undefined) {
    if (!isStaff(caller)) throw forbidden('Listing cases by SLA deadline is for staff.');
    const others = Object.entries(selector)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k);
    if (others.length > 0) {
      throw validationFailed(
        others.map((k) => ({
          field: `query.${k === 'statuses' ? 'status' : k}`,
          rule: 'not_with_slaDueBefore',
          message: 'slaDueBefore lists by deadline alone; drop this filter.',
        })),
      );
    }
    // Normalised to UTC: stored deadlines are UTC ISO strings, compared as text.
    const before = new Date(slaDueBefore).toISOString();
    const page = await pageVisibleTo(caller, limit, cursor, (size, from) => repo.listCasesDueBefore(before, size, from));
    const items = await Promise.all(page.items.map(async (c) => caseView(c, await typeOf(c), caller)));
    return { ...page, items };
  }
  if (!isStaff(caller) && selector.requester !== undefined && selector.requester !== caller.sub)
    throw forbidden('Requesters can list only their own cases.');
  const mine = isStaff(caller) ? selector : { ...selector, requester: caller.sub };
  const page = await pageVisibleTo(caller, limit, cursor, (size, from) => repo.listCases(mine, size, from));
  const items = await Promise.all(page.items.map(async (c) => caseView(c, await typeOf(c), caller)));
  return { ...page, items };
}
