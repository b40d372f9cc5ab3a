/**
 * Live fan-out: a consumer of the live-relevant domain events on the bus (rule
 * `live-updates` in lib/topology/event-rules.ts). Logs each event once (idempotent
 * on `detail.id`) and pushes it to every connection whose caller may see it.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { livePusher } from '../adapters/live-push.js';
import { logger } from '../observability.js';
import { fanOut, type BusDetail } from '../services/live.js';

export async function handler(event: EventBridgeEvent<string, BusDetail>): Promise<{ sent: number }> {
  logger.appendKeys({ eventId: event.detail.id });
  return fanOut(event['detail-type'], event.detail, { pusher: livePusher(), now: Date.now });
}
