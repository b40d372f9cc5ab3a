/**
 * Redeems a claim-checked domain event (core/claim-check.ts): reads the audit entry
 * it points at and rebuilds the event from it with the outbox's own functions, so a
 * consumer sees exactly the detail it would have received whole.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '#core/audit-event.js';
import { isClaimCheck, type Claims } from '#core/claim-check.js';
import { domainEventsOf } from '#core/domain-events.js';
import { detailOf } from '../events.js';
import { dynamo, tableName } from './client.js';
import { auditKey, withoutStorageAttributes } from './keys.js';

export const auditClaims: Claims = {
  async redeem(detail) {
    if (!isClaimCheck(detail)) return detail;
    const { caseId, seq } = detail.claimCheck;
    // The audit item was committed before the stream saw it; a consistent read finds it.
    const out = await dynamo().send(new GetCommand({ TableName: tableName(), Key: auditKey(caseId, seq), ConsistentRead: true }));
    if (!out.Item) throw new Error(`Claim check of event ${detail.id}: case ${caseId} has no audit entry ${seq}`);
    const event = domainEventsOf(withoutStorageAttributes<AuditEvent>(out.Item)).find((e) => e.id === detail.id);
    if (!event) throw new Error(`Claim check of event ${detail.id}: audit entry ${seq} of case ${caseId} makes no such event`);
    return detailOf(event);
  },
};
