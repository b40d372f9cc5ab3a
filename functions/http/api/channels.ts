/** The channel doors, raw email and normalised chat/social messages: what the channels handler serves. */
import * as z from 'zod';
import { ChannelMessageBody, IntakeOutcomeRecord } from '../channel-schemas.js';
import { operation } from '../operation.js';
import { hasRole, type Caller } from '#core/caller.js';
import { DomainError, forbidden } from '#core/errors.js';
import { changeContextOf } from '../change-context.js';
import { config } from '#functions/config.js';
import { intakeEmail } from '#services/email-intake.js';
import { intakeMessage } from '#services/message-intake.js';
import type { IntakeResult } from '#services/intake.js';

/** Channels are connectors' work (a mail relay, a chat bridge), not a person's. */
function assertConnector(caller: Caller): void {
  if (!hasRole(caller, 'integration')) throw forbidden('Only an integration (a channel connector) may deliver channel traffic.');
}

/**
 * The status is a function of the outcome the delivery record keeps, so a replay
 * repeats the first answer's status exactly (201 for the delivery that created
 * the case, however often it is retried), marked `Idempotent-Replayed`.
 */
const answer = ({ result, replayed }: IntakeResult) => ({
  status: result.outcome === 'created' ? (201 as const) : (200 as const),
  body: { ...result, replayed },
  headers: {
    ...('caseId' in result ? { location: `/cases/${result.caseId}` } : {}),
    ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
  },
});

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
    maxBodyBytes: () => config().MAX_EMAIL_BYTES,
    handle: async (request) => {
      assertConnector(request.caller);
      const { event } = request;
      const mediaType = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (mediaType !== 'message/rfc822') {
        throw new DomainError('UnsupportedMediaType', 'Send the raw message as message/rfc822.', [
          { field: 'header.content-type', rule: 'media_type', message: 'Expected message/rfc822.' },
        ]);
      }
      const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
      const { email: _email, files, ...outcome } = await intakeEmail(raw, changeContextOf(request));
      const answered = answer(outcome);
      return files.length > 0 ? { ...answered, body: { ...answered.body, attachments: files } } : answered;
    },
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
    handle: async (request) => {
      assertConnector(request.caller);
      return answer(await intakeMessage(request.body, changeContextOf(request)));
    },
  }),
};
