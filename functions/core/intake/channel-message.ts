/**
 * A message from any conversational channel (chat, social, ...), normalised by
 * whatever connector received it, and what intake makes of a message of any channel.
 */
import type { Channel } from '../vocabulary.js';
import type { InboundAttachment } from './email.js';

export const MESSAGE_CHANNELS = ['chat', 'social', 'phone', 'partner'] as const satisfies readonly Channel[];
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export interface ChannelMessage {
  readonly channel: MessageChannel;
  /** The connector's id for this delivery: a redelivery carries the same one. */
  readonly deliveryId: string;
  /** The conversation the message belongs to on its platform. */
  readonly externalThreadId: string;
  readonly author: { readonly id: string; readonly name?: string; readonly email?: string };
  readonly text: string;
  readonly attachments: readonly InboundAttachment[];
  /** Optional case type for a new case (default: support). */
  readonly type?: string;
}

/** A channel author's identity as a requester id: namespaced, so `chat:42` never collides with a JWT sub or another platform's 42. */
export const requesterIdOf = (channel: string, authorId: string): string => `${channel}:${authorId}`;
export const emailRequesterId = (address: string): string => `email:${address.trim().toLowerCase()}`;

/** The first line of a chat message, shortened: a subject for the case it opens. */
export function subjectOf(text: string, max = 120): string {
  const line = text.trim().split(/\r?\n/, 1)[0]!.trim();
  if (line.length <= max) return line || '(no text)';
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

export type IntakeOutcome =
  | { readonly outcome: 'created'; readonly caseId: string; readonly relatedTo?: string }
  | { readonly outcome: 'appended'; readonly caseId: string; readonly commentId: string; readonly via: string }
  | { readonly outcome: 'duplicate'; readonly caseId: string; readonly commentId: string; readonly score: number }
  | { readonly outcome: 'ignored'; readonly kind: string; readonly reason: string };
