/**
 * AWS door of email intake: SES stores each message in the inbound-mail bucket,
 * the bucket announces the new object on EventBridge ("Object Created"), and this
 * reads the object and takes it through the same service as `POST /channels/email`.
 *
 * A message intake refuses (no sender, not RFC 822) is logged with its key and
 * left in the bucket (its lifecycle expires it): no retry could change the
 * answer. Anything else throws, so the rule retries and then dead-letters it.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { nowIso } from '../adapters/clock.js';
import { readRawMail } from '../adapters/inbound-mail.js';
import { isDomainError, type FieldIssue } from '../core/errors.js';
import { logger } from '../observability.js';
import { intakeEmail } from '../services/email-intake.js';
import type { IntakeResult } from '../services/intake.js';

const ObjectCreated = z.object({ bucket: z.object({ name: z.string().min(1) }), object: z.object({ key: z.string().min(1) }) });

export async function handler(event: EventBridgeEvent<'Object Created', unknown>): Promise<IntakeResult | { refused: string; issues: readonly FieldIssue[] }> {
  const { bucket, object } = ObjectCreated.parse(event.detail);
  // EventBridge gives keys URL-encoded the way S3 notifications do.
  const key = decodeURIComponent(object.key.replace(/\+/g, ' '));
  const raw = await readRawMail(bucket.name, key);
  try {
    const { email: _email, files, ...outcome } = await intakeEmail(raw, {
      caller: { sub: 'caseway-email', name: 'Inbound email (SES)', roles: ['integration'] },
      now: nowIso(),
      channel: 'email',
      correlationId: event.id,
    });
    logger.info('Inbound email taken in', { key, outcome: outcome.result.outcome, replayed: outcome.replayed, files });
    return outcome;
  } catch (error) {
    if (!isDomainError(error) || error.kind !== 'ValidationFailed') throw error;
    logger.warn('Inbound email refused; it stays in the bucket until its lifecycle expires it', { key, issues: error.issues });
    return { refused: error.message, issues: error.issues };
  }
}
