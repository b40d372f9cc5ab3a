/**
 * ChannelMessages that connectors put on the bus (`source: caseway.channels`,
 * `detail-type: ChannelMessage`) take the same intake path as `POST /channels/messages`.
 * Idempotent on the message's deliveryId, so the bus's redeliveries replay.
 * A malformed message throws: retries cannot fix it, but the rule's dead-letter
 * queue keeps it for someone to look at, rather than dropping it.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { nowIso } from '../adapters/clock.js';
import { validationFailed } from '../core/errors.js';
import { ChannelMessageBody } from '../http/channel-schemas.js';
import { issuesOf } from '../http/http-handler.js';
import { intakeMessage } from '../services/message-intake.js';
import type { IntakeResult } from '../services/intake.js';

export const CHANNEL_SOURCE = 'caseway.channels';

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<IntakeResult> {
  const parsed = ChannelMessageBody.safeParse(event.detail);
  if (!parsed.success) throw validationFailed(issuesOf(parsed.error, 'detail', event.detail));
  const message = parsed.data;
  return intakeMessage(message, {
    caller: { sub: 'caseway-channels', name: 'Channel connector (bus)', roles: ['integration'] },
    now: nowIso(),
    channel: message.channel,
    correlationId: event.id,
  });
}
