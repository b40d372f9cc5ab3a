import { hasRole, type Caller } from '#core/caller.js';
import { DomainError, forbidden } from '#core/errors.js';
import { channels } from '#http/api/channels.js';
import { changeContextOf } from '#http/change-context.js';
import { serve } from '#http/http-handler.js';
import { config } from '../config.js';
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

export const handler = serve(channels, {
  intakeEmail: {
    maxBodyBytes: config().MAX_EMAIL_BYTES,
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
  },
  intakeMessage: async (request) => {
    assertConnector(request.caller);
    return answer(await intakeMessage(request.body, changeContextOf(request)));
  },
});
