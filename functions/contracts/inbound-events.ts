/**
 * Events Caseway takes from the bus rather than publishes: what a chat or social
 * connector, or a device fleet, puts on Caseway's bus to open and update cases.
 * Their consumers check them against these same schemas (the channel-events and
 * device-events handlers), and partners read them as JSON Schema beside the domain
 * events (`GET /events/schemas`), so a connector can be checked before it is deployed.
 */
import * as z from 'zod';
import { ChannelMessageBody } from '#http/channel-schemas.js';
import { SignalBatch, SignalSchema } from '#http/device-schemas.js';
import { busEventSchema } from './domain-events.js';

export const CHANNELS_SOURCE = 'caseway.channels';
export const DEVICES_SOURCE = 'caseway.devices';

interface InboundEventSpec {
  readonly source: string;
  readonly description: string;
  readonly detail: z.ZodType;
  /** Any `detail-type` is taken (the rule matches on the source alone). */
  readonly anyDetailType?: true;
}

const INBOUND_EVENTS: Record<string, InboundEventSpec> = {
  ChannelMessage: {
    source: CHANNELS_SOURCE,
    description:
      'Put by a chat or social connector: one message, taken like POST /channels/messages (a new case, a reply on an open one, or a repeat). Idempotent on detail.deliveryId.',
    detail: ChannelMessageBody,
  },
  DeviceSignal: {
    source: DEVICES_SOURCE,
    description:
      'Put by a device fleet (any detail-type): one signal or { signals: [...] }, taken like POST /devices/signals (opens, appends to or resolves a proactive case).',
    detail: z.union([SignalSchema, SignalBatch]),
    anyDetailType: true,
  },
};

export function inboundEventTypes(): { type: string; source: string; description: string }[] {
  return Object.entries(INBOUND_EVENTS).map(([type, spec]) => ({ type, source: spec.source, description: spec.description }));
}

/** The zod schema of one inbound event type's whole EventBridge event. */
export function inboundEventSchema(type: string): z.ZodType | undefined {
  const spec = Object.hasOwn(INBOUND_EVENTS, type) ? INBOUND_EVENTS[type] : undefined;
  if (!spec) return undefined;
  return busEventSchema({
    type,
    source: spec.source,
    description: spec.description,
    detail: spec.detail,
    ...(spec.anyDetailType ? { detailType: z.string().min(1).max(128) } : {}),
  });
}
