/**
 * The IoT Core topic rule's target: the rule invokes this Lambda asynchronously
 * with the message a device published (one signal, or `{ signals: [...] }`).
 * Same service as the HTTP endpoint. A message it cannot process throws: Lambda
 * retries it, then sends it to the function's dead-letter queue.
 */
import { DeviceMessageContract, signalFieldOf, signalsOf } from '#contracts/device-signals.js';
import { onInvoke } from '#events/event-handler.js';
import { deviceContext, ingestSignals } from '#services/proactive.js';

export const handler = onInvoke({
  name: 'device-ingest',
  input: DeviceMessageContract,
  field: 'message',
  onInvalid: { reject: 'The IoT message is not a valid device signal.' },
  dedup: { idempotent: 'a signal id counts once: a repeat answers what it did the first time' },
  work: (message, context) => {
    const batch = signalsOf(message);
    return ingestSignals(batch, deviceContext(context?.awsRequestId ?? `iot-${batch[0]!.signalId}`), signalFieldOf(message, 'message'));
  },
});
