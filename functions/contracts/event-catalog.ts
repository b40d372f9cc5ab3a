/**
 * Every event type a partner meets on Caseway's bus, in one list: the domain events
 * Caseway publishes (source caseway.cases), then the events it takes from connectors
 * and devices. What `GET /events/schemas` serves.
 */
import { eventJsonSchema, eventTypes, jsonSchemaOf } from './domain-events.js';
import { inboundEventSchema, inboundEventTypes } from './inbound-events.js';

export const catalogEventTypes = () => [...eventTypes(), ...inboundEventTypes()];

export function catalogJsonSchema(type: string): Record<string, unknown> | undefined {
  const inbound = inboundEventSchema(type);
  return inbound ? jsonSchemaOf(type, inbound) : eventJsonSchema(type);
}
