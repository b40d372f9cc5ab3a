/**
 * A normalised ChannelMessage (chat, social, ...) into the intake path, from
 * `POST /channels/messages` or a `caseway.channels` event on the bus.
 */
import type { ChangeContext } from '#core/audit-event.js';
import { requesterIdOf, subjectOf, type ChannelMessage } from '#core/intake/channel-message.js';
import { intake, type IntakeResult } from './intake.js';

export async function intakeMessage(message: ChannelMessage, ctx: ChangeContext): Promise<IntakeResult> {
  const { author } = message;
  return intake(
    {
      channel: message.channel,
      deliveryId: message.deliveryId,
      requester: {
        id: requesterIdOf(message.channel, author.id).slice(0, 128),
        ...(author.name ? { name: author.name } : {}),
        ...(author.email ? { email: author.email } : {}),
      },
      subject: subjectOf(message.text),
      text: message.text,
      attachments: message.attachments,
      externalThreadId: message.externalThreadId,
      ...(message.type ? { type: message.type } : {}),
      ...(author.email ? { from: author.email } : {}),
    },
    ctx,
  );
}
