/**
 * What the clock moves in routing, run every minute (an EventBridge schedule in
 * AWS, an interval and every clock jump locally): expired offers go back to their
 * queue, as do offers whose agent is no longer in the case type's teams, cases past their queue's overflow timeout move on, optional skills that
 * have waited long enough stop counting, and waiting cases are offered again.
 */
import { logger } from '../observability.js';
import { sweep } from '../services/routing.js';

export async function handler(): Promise<{ expired: number; withdrawn: number; overflowed: number; offered: number }> {
  const result = await sweep();
  if (result.expired + result.withdrawn + result.overflowed + result.offered > 0) logger.info('routing sweep', result);
  return result;
}
