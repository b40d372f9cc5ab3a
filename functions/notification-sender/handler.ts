/**
 * Consumer of `NotificationRequested`: a transition's notify effect becomes an email
 * to its recipient, recorded beside the case. Idempotent on `detail.id`.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { DomainEventDetail } from '../adapters/events.js';
import { carryOutNotification } from '../services/notifications.js';

export const handler = async (event: EventBridgeEvent<string, DomainEventDetail>): Promise<void> => {
  await carryOutNotification(event.detail);
};
