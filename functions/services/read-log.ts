/**
 * The read-access log, for auditors: who read which restricted case, when,
 * through what, and which fields the answer carried. Written by `case-access.ts`
 * on every read of a case whose type is restricted to teams; read here.
 *
 * Admins query it. The log names cases and field names, never their values, so
 * it tells an admin who looked without letting them look: reading the cases
 * themselves stays with the teams.
 */
import { hasRole, type Caller } from '#core/caller.js';
import { forbidden } from '#core/errors.js';
import { readsBy, readsOfCase, type CaseRead } from '#adapters/dynamodb/read-log-repository.js';
import type { Page } from '#adapters/dynamodb/paging.js';

export type ReadLogQuery = { readonly caseId: string; readonly actor?: undefined } | { readonly actor: string; readonly caseId?: undefined };

export function listReads(query: ReadLogQuery, caller: Caller, limit: number, cursor?: string): Promise<Page<CaseRead>> {
  if (!hasRole(caller, 'admin')) throw forbidden('The read-access log is for admins.');
  return query.caseId !== undefined ? readsOfCase(query.caseId, limit, cursor) : readsBy(query.actor!, limit, cursor);
}
