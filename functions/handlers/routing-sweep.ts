/**
 * What the clock moves in routing, run every minute (an EventBridge schedule in
 * AWS, an interval and every clock jump locally): expired offers go back to their
 * queue, as do offers whose agent is no longer in the case type's teams, cases past their queue's overflow timeout move on, optional skills that
 * have waited long enough stop counting, and waiting cases are offered again.
 */
import { onSchedule } from '#events/event-handler.js';
import { sweep } from '#services/routing.js';

export const handler = onSchedule({
  name: 'routing-sweep',
  dedup: { idempotent: 'each sweep acts on what is due now, with conditional writes; a second run finds nothing left to do' },
  work: () => sweep(),
  summary: (result) => (result.expired + result.withdrawn + result.overflowed + result.offered > 0 ? result : undefined),
});
