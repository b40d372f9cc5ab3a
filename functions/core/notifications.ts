/**
 * Who may read what was sent about a case, and whom a notify effect reaches. Pure:
 * the service reads the case and the caller, this decides.
 */
import type { Caller } from './caller.js';
import { hasRole } from './caller.js';
import type { Case } from './case.js';
import type { Effect } from './case-type.js';
import { forbidden } from './errors.js';

/** Messages quote cases to their requesters: staff who handle cases read them, not requesters or integrations. */
export function assertMayReadNotifications(caller: Caller): void {
  if (!(['agent', 'supervisor', 'admin'] as const).some((role) => hasRole(caller, role))) {
    throw forbidden('Only agents, supervisors and admins may read the messages sent about a case.');
  }
}

export type Recipient =
  { readonly kind: 'address'; readonly address: string; readonly name?: string } | { readonly kind: 'none'; readonly why: string };

/**
 * The address a notify effect goes to. Only the requester has an address on the
 * case; owners, queues and supervisors are staff ids with no directory to look them
 * up in yet, so those are skipped (and logged), not failed: retrying cannot help.
 */
export function recipientOf(effect: Extract<Effect, { kind: 'notify' }>, subject: Pick<Case, 'requester'>): Recipient {
  if (effect.to !== 'requester') return { kind: 'none', why: `no email directory for '${effect.to}' recipients yet` };
  const { email, name } = subject.requester;
  if (!email) return { kind: 'none', why: 'the requester has no email address' };
  return { kind: 'address', address: email, ...(name ? { name } : {}) };
}

/** What a template may show about the case: never internal notes or restricted fields. */
export function templateDataOf(
  subject: Pick<Case, 'caseId' | 'subject' | 'requester' | 'status'>,
  reason: string | undefined,
): Record<string, unknown> {
  return {
    caseId: subject.caseId,
    subject: subject.subject,
    status: subject.status,
    ...(subject.requester.name ? { requesterName: subject.requester.name } : {}),
    ...(reason ? { reason } : {}),
  };
}
