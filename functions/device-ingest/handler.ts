/**
 * The IoT Core topic rule's target: the rule invokes this Lambda asynchronously
 * with the message a device published (one signal, or `{ signals: [...] }`).
 * Same service as the HTTP endpoint. A message it cannot process throws: Lambda
 * retries it, then sends it to the function's dead-letter queue.
 */
import { validationFailed } from '../core/errors.js';
import { issuesOf } from '../http/http-handler.js';
import { SignalBatch, SignalSchema } from '../http/device-schemas.js';
import { deviceContext, ingestSignals, type SignalResult } from '../services/proactive.js';

export async function handler(message: unknown, context?: { awsRequestId?: string }): Promise<SignalResult[]> {
  const parsed = message !== null && typeof message === 'object' && 'signals' in message ? SignalBatch.safeParse(message) : SignalSchema.safeParse(message);
  if (!parsed.success) throw validationFailed(issuesOf(parsed.error, 'message', message), 'The IoT message is not a valid device signal.');
  const batch = 'signals' in parsed.data ? parsed.data.signals : [parsed.data];
  return ingestSignals(batch, deviceContext(context?.awsRequestId ?? `iot-${batch[0]!.signalId}`), (i) => ('signals' in parsed.data ? `message.signals.${i}` : 'message'));
}
