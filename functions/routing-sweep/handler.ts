/**
 * What the clock moves in routing, run every minute (an EventBridge schedule in
 * AWS, an interval and every clock jump locally): expired offers go back to their
 * queue, cases past their queue's overflow timeout move on, optional skills that
 * have waited long enough stop counting, and waiting cases are offered again.
 */
import { logger } from '../observability.js';
import { sweep } from '../services/routing.js';

export async function handler(): Promise<{ expired: number; overflowed: number; offered: number }> {
  const result = await sweep();
  if (result.expired + result.overflowed + result.offered > 0) logger.info('routing sweep', result);
  return result;
}
