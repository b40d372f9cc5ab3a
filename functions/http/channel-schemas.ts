/** What the channel doors accept and answer: the normalised ChannelMessage, and an intake's outcome. */
import * as z from 'zod';
import { MESSAGE_CHANNELS } from '#core/intake/channel-message.js';

const Identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^#\s]+$/, 'must not contain "#" or whitespace');

export const InboundAttachmentSchema = z
  .object({
    name: z.string().trim().min(1).max(255),
    contentType: z
      .string()
      .trim()
      .min(3)
      .max(255)
      .regex(/^[\w.+-]+\/[\w.+-]+/, 'a media type, e.g. image/png'),
    size: z
      .number()
      .int()
      .min(0)
      .max(5 * 1024 ** 3),
  })
  .strict()
  .meta({ id: 'InboundAttachment' });

export const ChannelMessageBody = z
  .object({
    channel: z.enum(MESSAGE_CHANNELS),
    deliveryId: z
      .string()
      .min(1)
      .max(256)
      .meta({ description: "The connector's id of this delivery: a redelivery must carry the same one (the idempotency key)." }),
    externalThreadId: z.string().min(1).max(256).meta({ description: 'The conversation on the platform: its messages join one open case.' }),
    author: z.object({ id: Identifier, name: z.string().trim().min(1).max(200).optional(), email: z.email().max(254).optional() }).strict(),
    text: z.string().trim().min(1).max(20_000),
    attachments: z.array(InboundAttachmentSchema).max(50).default([]),
    type: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,63}$/)
      .optional()
      .meta({ description: 'Case type of a new case (default support).' }),
  })
  .strict()
  .meta({ id: 'ChannelMessage' });

export const IntakeOutcomeRecord = z
  .object({
    outcome: z.enum(['created', 'appended', 'duplicate', 'ignored']),
    caseId: z.string().optional(),
    commentId: z.string().optional(),
    via: z.string().optional().meta({ description: 'What threaded it: inReplyTo, references, plusAddress, subjectToken, thread.' }),
    score: z.number().optional().meta({ description: 'Duplicate: the similarity to the earlier message.' }),
    relatedTo: z.string().optional().meta({ description: 'Created as the follow-up of this closed case.' }),
    kind: z.string().optional().meta({ description: 'Ignored: autoReply, bounce or bulk.' }),
    reason: z.string().optional(),
    replayed: z.boolean(),
    attachments: z
      .array(z.object({ name: z.string(), attachmentId: z.string().optional(), skipped: z.string().optional() }))
      .optional()
      .meta({ description: "Email: the files stored as the case's attachments, or why one was skipped (the raw message keeps it)." }),
  })
  .meta({ id: 'IntakeOutcome' });
