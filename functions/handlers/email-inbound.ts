/**
 * AWS door of email intake: SES stores each message in the inbound-mail bucket,
 * the bucket announces the new object on EventBridge ("Object Created"), and this
 * reads the object and takes it through the same service as `POST /channels/email`.
 *
 * A message intake refuses (no sender, not RFC 822) is logged with its key and
 * left in the bucket (its lifecycle expires it): no retry could change the
 * answer. Anything else throws, so the rule retries and then dead-letters it.
 */
import { nowIso } from '#adapters/clock.js';
import { readRawMail } from '#adapters/inbound-mail.js';
import { ObjectCreatedDetail } from '#contracts/object-created.js';
import { isDomainError, type FieldIssue } from '#core/errors.js';
import { onEventBridge } from '#events/event-handler.js';
import { logger } from '../observability.js';
import { intakeEmail } from '#services/email-intake.js';
import type { IntakeResult } from '#services/intake.js';

export const handler = onEventBridge({
  name: 'email-inbound',
  detail: ObjectCreatedDetail,
  onInvalid: { reject: 'The event is not an Object Created event of the inbound-mail bucket.' },
  dedup: { idempotent: 'intake keeps a record per Message-ID and replays the first outcome' },
  work: async (event): Promise<IntakeResult | { refused: string; issues: readonly FieldIssue[] }> => {
    const { bucket, object } = event.detail;
    // EventBridge gives keys URL-encoded the way S3 notifications do.
    const key = decodeURIComponent(object.key.replace(/\+/g, ' '));
    const raw = await readRawMail(bucket.name, key);
    try {
      const {
        email: _email,
        files,
        ...outcome
      } = await intakeEmail(raw, {
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
  },
});
