/**
 * ChannelMessages that connectors put on the bus (`source: caseway.channels`,
 * `detail-type: ChannelMessage`) take the same intake path as `POST /channels/messages`.
 * Idempotent on the message's deliveryId, so the bus's redeliveries replay.
 * A malformed message throws: retries cannot fix it, but the rule's dead-letter
 * queue keeps it for someone to look at, rather than dropping it.
 */
import { nowIso } from '#adapters/clock.js';
import { onEventBridge } from '#events/event-handler.js';
import { ChannelMessageBody } from '#http/channel-schemas.js';
import { intakeMessage } from '#services/message-intake.js';

export const handler = onEventBridge({
  name: 'channel-events',
  detail: ChannelMessageBody,
  onInvalid: { reject: 'The channel message is not valid.' },
  dedup: { key: (event) => event.detail.deliveryId, idempotent: 'intake keeps a record per channel delivery id and replays the first outcome' },
  work: (event) =>
    intakeMessage(event.detail, {
      caller: { sub: 'caseway-channels', name: 'Channel connector (bus)', roles: ['integration'] },
      now: nowIso(),
      channel: event.detail.channel,
      correlationId: event.id,
    }),
  summary: (result) => ({ outcome: result.result.outcome, replayed: result.replayed }),
});
