/** The channel doors, raw email and normalised chat/social messages: what the channels handler serves. */
import * as z from 'zod';
import { ChannelMessageBody, IntakeOutcomeRecord } from '../channel-schemas.js';
import { operation } from '../operation.js';

/** A redelivery answers as the first delivery did: the same status and body, with Idempotent-Replayed. */
const outcomes = {
  201: {
    description: 'A new case. A redelivery answers exactly as the first delivery did (201 included) with Idempotent-Replayed: true.',
    schema: IntakeOutcomeRecord,
    headers: { Location: 'The case the message went to.' },
  },
  200: {
    description:
      'A comment on an existing case (appended, or duplicate with its score), or an automated message recorded and ignored; a redelivery of such a message answers the same, with Idempotent-Replayed: true.',
    schema: IntakeOutcomeRecord,
    headers: { Location: 'The case the message went to, if any.' },
  },
};

export const channels = {
  intakeEmail: operation({
    operationId: 'intakeEmail',
    method: 'POST',
    path: '/channels/email',
    fn: 'channels',
    auth: 'jwt',
    summary:
      'Deliver one inbound email, raw (integration role): opens a case, threads a reply onto its case, or records an auto-reply or bounce without answering it',
    description:
      'Idempotent on the Message-ID. A reply threads onto its case by In-Reply-To/References (our Message-IDs `<{caseId}.{id}@{domain}>`), a `cases+{caseId}@` address or a `[{caseId}]` subject token, when the sender is the requester. In AWS, SES stores inbound mail in S3 and the same service runs from the S3 event.',
    rawBody: { 'message/rfc822': z.string().meta({ format: 'binary' }) },
    responses: outcomes,
    problems: [400, 401, 403, 413, 415],
  }),
  intakeMessage: operation({
    operationId: 'intakeMessage',
    method: 'POST',
    path: '/channels/messages',
    fn: 'channels',
    auth: 'jwt',
    summary: 'Deliver one chat or social message (integration role): opens a case, or joins the open case of its thread',
    description:
      'Idempotent on deliveryId. A thread whose case is closed opens a new case related to the old one. The same message can arrive as a `caseway.channels` event on the bus.',
    body: ChannelMessageBody,
    responses: outcomes,
    problems: [400, 401, 403, 413, 415],
  }),
};
