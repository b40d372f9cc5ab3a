/**
 * The claim check for large domain events. An audit event can carry a long
 * description or many custom fields (20,000 CJK characters are 60 KB), and every
 * narrower event of the same change (StatusChanged, Assigned, ...) repeats it. Past
 * `CLAIM_CHECK_BYTES` an event goes out without the bulk: its changes name their
 * fields without the values, a routing decision keeps its step, and `claimCheck`
 * says so. The audit item the event came from stays in the table; Caseway's own
 * consumers read it back through their event wrapper and see the whole event, and a
 * partner reads the same entry in the case's history (`GET /cases/{id}/history`).
 */
export interface ClaimCheck {
  readonly reason: 'size';
  /** The whole detail's size in UTF-8 bytes. */
  readonly bytes: number;
  /** Where the whole event lives: the case's audit entry of this sequence number. */
  readonly caseId: string;
  readonly seq: number;
}

interface AuditLikeDetail {
  readonly caseId: string;
  readonly seq: number;
  readonly changes: readonly { readonly field: string; readonly sensitivity?: string }[];
  readonly routing?: { readonly step: string };
  readonly claimCheck?: ClaimCheck;
}

/** Whether a published detail is a claim check rather than the whole event. */
export const isClaimCheck = (detail: unknown): detail is { claimCheck: ClaimCheck; caseId: string; seq: number; id: string } =>
  detail !== null && typeof detail === 'object' && 'claimCheck' in detail && typeof (detail as { claimCheck?: unknown }).claimCheck === 'object';

const isAuditLike = (detail: object): detail is AuditLikeDetail =>
  typeof (detail as AuditLikeDetail).caseId === 'string' &&
  typeof (detail as AuditLikeDetail).seq === 'number' &&
  Array.isArray((detail as AuditLikeDetail).changes);

/**
 * The detail as it goes on the bus: itself when small enough; a claim check when it
 * is larger than `limit` bytes and comes from an audit entry (which can be read
 * back). Anything else is returned as it is: it has no entry to point at.
 */
export function claimChecked<D extends object>(detail: D, limit: number): D | (D & { claimCheck: ClaimCheck }) {
  return claimCheckOver(detail, Buffer.byteLength(JSON.stringify(detail), 'utf8'), limit);
}

/** `claimChecked`, as the JSON text PutEvents takes: a detail under the limit is serialized once, not once to size it and again to send it. */
export function claimCheckedText(detail: object, limit: number): string {
  const whole = JSON.stringify(detail);
  const bytes = Buffer.byteLength(whole, 'utf8');
  return bytes <= limit ? whole : JSON.stringify(claimCheckOver(detail, bytes, limit));
}

function claimCheckOver<D extends object>(detail: D, bytes: number, limit: number): D | (D & { claimCheck: ClaimCheck }) {
  if (bytes <= limit || !isAuditLike(detail)) return detail;
  return {
    ...detail,
    changes: detail.changes.map(({ field, sensitivity }) => ({ field, ...(sensitivity ? { sensitivity } : {}) })),
    ...(detail.routing ? { routing: { step: detail.routing.step } } : {}),
    claimCheck: { reason: 'size', bytes, caseId: detail.caseId, seq: detail.seq },
  };
}

/**
 * Reads a claim-checked event's whole detail back from where it points. The event
 * wrapper redeems with it; a handler names its own (adapters/dynamodb/audit-claims.ts),
 * like its dedup marks, so only functions that consume domain events carry the read.
 */
export interface Claims {
  redeem(detail: unknown): Promise<unknown>;
}
