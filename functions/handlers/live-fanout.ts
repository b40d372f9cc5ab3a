/**
 * Live fan-out: a consumer of the live-relevant domain events on the bus (rule
 * `live-updates` in functions/topology/event-rules.ts), and of the offer events (`CaseOffered`, `OfferClosed`). Logs each
 * event once and pushes it to every connection whose caller may see it.
 */
import { auditClaims } from '#adapters/dynamodb/audit-claims.js';
import type * as z from 'zod';
import { livePusher } from '#adapters/live-push.js';
import { DomainEventDetailContract, offerEventContract } from '#contracts/domain-events.js';
import { onEventBridge } from '#events/event-handler.js';
import { fanOut, type BusDetail } from '#services/live.js';

export const handler = onEventBridge({
  name: 'live-fanout',
  detail: (event) => (offerEventContract(event['detail-type']) ?? DomainEventDetailContract) as z.ZodType<BusDetail>,
  claims: auditClaims,
  dedup: {
    key: (event) => event.detail.id,
    idempotent:
      'the live log takes an event once (its processed-event mark commits with the entry); a redelivery pushes the logged entry again, which clients drop by id',
  },
  work: (event) => fanOut(event['detail-type'], event.detail, { pusher: livePusher(), now: Date.now }),
});
