/** OpenAPI descriptions of the channel doors: raw email and normalised chat/social messages. */
import * as z from 'zod';
import { json, type Operation } from './shared.js';
import { ChannelMessageBody, IntakeOutcomeRecord } from '../channel-schemas.js';

const OUTCOME = 'What intake made of it: a new case (201), a comment on an existing case (appended, or duplicate with its score), or an automated message recorded and ignored (200). A redelivery answers exactly as the first delivery did (the same status, 201 included, and body) with Idempotent-Replayed: true.';

export const channelOperations: Record<string, Operation> = {
  'POST /channels/email': {
    operationId: 'intakeEmail',
    summary: 'Deliver one inbound email, raw (integration role): opens a case, threads a reply onto its case, or records an auto-reply or bounce without answering it',
    description:
      'Idempotent on the Message-ID. A reply threads onto its case by In-Reply-To/References (our Message-IDs `<{caseId}.{id}@{domain}>`), a `cases+{caseId}@` address or a `[{caseId}]` subject token, when the sender is the requester. In AWS, SES stores inbound mail in S3 and the same service runs from the S3 event.',
    request: { body: { content: { 'message/rfc822': { schema: z.string().meta({ format: 'binary' }) } }, required: true } },
    ok: { status: 201, description: OUTCOME, schema: IntakeOutcomeRecord, headers: { Location: 'The case the message went to.' } },
    problems: [400, 401, 403, 413, 415],
  },
  'POST /channels/messages': {
    operationId: 'intakeMessage',
    summary: 'Deliver one chat or social message (integration role): opens a case, or joins the open case of its thread',
    description: 'Idempotent on deliveryId. A thread whose case is closed opens a new case related to the old one. The same message can arrive as a `caseway.channels` event on the bus.',
    request: { body: { ...json(ChannelMessageBody), required: true } },
    ok: { status: 201, description: OUTCOME, schema: IntakeOutcomeRecord, headers: { Location: 'The case the message went to.' } },
    problems: [400, 401, 403, 413, 415],
  },
};
