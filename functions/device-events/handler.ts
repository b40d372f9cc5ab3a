/**
 * The `caseway.devices` consumer: a signal put on Caseway's bus (by a gateway,
 * a partner's bridge, or a test with PutEvents) goes through the same service as
 * the HTTP endpoint. Idempotent on the signal's id. A signal that cannot be
 * processed (bad detail, unknown asset) throws: EventBridge retries, then parks it
 * in the rule's dead-letter queue, where an operator can replay it; nothing is dropped.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { validationFailed } from '../core/errors.js';
import { issuesOf } from '../http/http-handler.js';
import { SignalBatch, SignalSchema } from '../http/device-schemas.js';
import { deviceContext, ingestSignals, type SignalResult } from '../services/proactive.js';
import { logger } from '../observability.js';

export const DEVICE_SOURCE = 'caseway.devices';

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<SignalResult[]> {
  const detail = event.detail;
  const parsed = detail !== null && typeof detail === 'object' && 'signals' in detail ? SignalBatch.safeParse(detail) : SignalSchema.safeParse(detail);
  if (!parsed.success) throw validationFailed(issuesOf(parsed.error, 'detail', detail), `Event ${event.id} carries no valid device signal.`);
  const batch = 'signals' in parsed.data ? parsed.data.signals : [parsed.data];
  const results = await ingestSignals(batch, deviceContext(event.id), (i) => ('signals' in parsed.data ? `detail.signals.${i}` : 'detail'));
  logger.info('Device signals processed', { eventId: event.id, results: results.map((r) => ({ signalId: r.signalId, effects: r.effects.length, duplicate: r.duplicate })) });
  return results;
}
