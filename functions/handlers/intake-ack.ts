/**
 * The automatic acknowledgement, as a consumer of `CaseCreated` and
 * `DuplicateIntake` on the bus rather than a step at the end of intake: the
 * event exists if and only if the case (or the repeat) committed, so a crash
 * between the write and the send loses nothing (the bus redelivers), and a slow
 * mail provider never slows intake down. Idempotent on `detail.id`, which is the
 * notification's id. Machines never get here: an ignored auto-reply or bounce
 * writes no audit event.
 */
import { auditClaims } from '#adapters/dynamodb/audit-claims.js';
import { notifier } from '#adapters/notifications.js';
import * as repo from '#adapters/dynamodb/case-repository.js';
import { DomainEventDetailContract, type DomainEventDetail } from '#contracts/domain-events.js';
import { acknowledgementOf, type AckData } from '#core/intake/acknowledgement.js';
import type { ClockState } from '#core/sla/state.js';
import { onEventBridge } from '#events/event-handler.js';

/** The instant a running clock is due; a paused, met or stopped one promises nothing. */
const runningDue = (clock: ClockState | undefined): string | null => (clock?.status === 'running' ? clock.dueAt : null);

/** Channels a person writes through themselves: a case an agent logged from a phone call needs no receipt. */
export const ACKNOWLEDGED_CHANNELS = ['email', 'chat', 'social', 'web', 'partner'] as const;

export const handler = onEventBridge({
  name: 'intake-ack',
  detail: DomainEventDetailContract,
  claims: auditClaims,
  dedup: {
    key: (event) => event.detail.id,
    idempotent: 'the notifier sends a message id once: its guard is the processed-event mark of consumer `notifier`',
  },
  work: (event) => acknowledge(event.detail),
  summary: (result) => result,
});

async function acknowledge(detail: DomainEventDetail): Promise<{ sent: boolean; reason?: string }> {
  if (detail.action !== 'CaseCreated' && detail.action !== 'DuplicateIntake') return { sent: false, reason: 'not an intake event' };
  if (!(ACKNOWLEDGED_CHANNELS as readonly string[]).includes(detail.channel))
    return { sent: false, reason: `channel ${detail.channel} is not acknowledged` };
  const stored = await repo.getCase(detail.caseId);
  if (!stored) throw new Error(`Case ${detail.caseId} of event ${detail.id} is not in the table`);
  const c = stored.case;
  const address = c.requester.email;
  if (!address) return { sent: false, reason: 'requester has no email address' };
  const score = detail.changes.find((ch) => ch.field === 'intake.duplicate')?.after as { score?: number } | undefined;
  const data: AckData = {
    caseId: c.caseId,
    subject: c.subject,
    ...(c.requester.name ? { requesterName: c.requester.name } : {}),
    firstResponseDueAt: runningDue(c.sla?.clocks.firstResponse),
    ...(detail.action === 'DuplicateIntake' ? { duplicate: { score: score?.score ?? 0 } } : {}),
  };
  const { template, view } = acknowledgementOf(data);
  await notifier().send({
    id: detail.id,
    caseId: c.caseId,
    to: { address, ...(c.requester.name ? { name: c.requester.name } : {}) },
    template,
    data: view,
    channel: 'email',
  });
  return { sent: true };
}
