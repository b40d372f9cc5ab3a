/**
 * The `caseway.devices` consumer: a signal put on Caseway's bus (by a gateway,
 * a partner's bridge, or a test with PutEvents) goes through the same service as
 * the HTTP endpoint. Idempotent on the signal's id. A signal that cannot be
 * processed (bad detail, unknown asset) throws: EventBridge retries, then parks it
 * in the rule's dead-letter queue, where an operator can replay it; nothing is dropped.
 */
import { DeviceMessageContract, signalFieldOf, signalsOf, type DeviceMessage } from '#contracts/device-signals.js';
import { onEventBridge } from '#events/event-handler.js';
import { deviceContext, ingestSignals } from '#services/proactive.js';

export const handler = onEventBridge({
  name: 'device-events',
  detail: (event) => DeviceMessageContract(event.detail),
  onInvalid: { reject: 'The event carries no valid device signal.' },
  dedup: { idempotent: 'a signal id counts once: a repeat answers what it did the first time' },
  work: (event) => ingestSignals(signalsOf(event.detail), deviceContext(event.id), signalFieldOf(event.detail as DeviceMessage, 'detail')),
  summary: (results) => ({ results: results.map((r) => ({ signalId: r.signalId, effects: r.effects.length, duplicate: r.duplicate })) }),
});
