/**
 * The event rules on Caseway's bus, defined once: the CDK `DomainEvents` construct
 * makes one EventBridge rule per entry (target: a Lambda built from `target.entry`,
 * with retries and a dead-letter queue), and the local EventBridge stand-in
 * (`lib/local/event-bus.ts`) applies the same patterns and invokes the same
 * handler modules. Pure data: no CDK or AWS imports.
 *
 * A target handler receives an `EventBridgeEvent<detailType, DomainEventDetail>`
 * (`functions/adapters/events.ts`) and must be idempotent on `detail.id`: delivery
 * is at least once.
 */

import { LIVE_EVENT_PREFIXES, LIVE_EVENT_TYPES } from '#core/live.js';

/** An EventBridge event pattern, as JSON (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html). */
export type EventPattern = Readonly<Record<string, unknown>>;

export interface EventRuleSpec {
  /** Unique, kebab-case; names the rule, its function and its dead-letter queue. */
  readonly name: string;
  readonly description: string;
  readonly pattern: EventPattern;
  readonly target: {
    /** Handler file, relative to the repository root; exports `handler`. */
    readonly entry: string;
    readonly tableAccess: 'none' | 'read' | 'readWrite';
  };
}

export const eventRules: readonly EventRuleSpec[] = [
  {
    name: 'notification-sender',
    description: "Send the message a transition's notify effect asks for, and record it beside the case",
    pattern: { source: ['caseway.cases'], 'detail-type': ['NotificationRequested'] },
    target: { entry: 'functions/handlers/notification-sender.ts', tableAccess: 'readWrite' },
  },
  {
    name: 'device-signals',
    description: 'Device signals put on the bus (source caseway.devices) open, append to and resolve proactive cases',
    pattern: { source: ['caseway.devices'] },
    target: { entry: 'functions/handlers/device-events.ts', tableAccess: 'readWrite' },
  },
  {
    name: 'intake-acknowledgement',
    description: 'Acknowledge a case a person opened (or a repeat that joined their open case) with its number and response target',
    pattern: {
      source: ['caseway.cases'],
      'detail-type': ['CaseCreated', 'DuplicateIntake'],
      detail: { channel: ['email', 'chat', 'social', 'web', 'partner'] },
    },
    target: { entry: 'functions/handlers/intake-ack.ts', tableAccess: 'readWrite' },
  },
  {
    name: 'channel-messages',
    description: 'Chat and social messages that connectors put on the bus: the same intake as POST /channels/messages',
    pattern: { source: ['caseway.channels'], 'detail-type': ['ChannelMessage'] },
    target: { entry: 'functions/handlers/channel-events.ts', tableAccess: 'readWrite' },
  },
  {
    name: 'sla-timer-arming',
    description:
      'Arms and disarms SLA timers: one Step Functions execution per armed clock generation, on every SLA change and status change of a case.',
    pattern: { source: ['caseway.cases'], 'detail-type': [{ prefix: 'Sla' }, 'StatusChanged'] },
    target: { entry: 'functions/handlers/sla-arming.ts', tableAccess: 'read' },
  },
  {
    name: 'routing',
    description: 'Route cases when they arrive or change, and free agent capacity when they are resolved, closed or reassigned',
    pattern: { source: ['caseway.cases'], 'detail-type': ['CaseCreated', 'CaseUpdated', 'StatusChanged', 'Assigned'] },
    target: { entry: 'functions/handlers/routing-consumer.ts', tableAccess: 'readWrite' },
  },
  {
    name: 'live-updates',
    description: 'Push offers, new cases, SLA changes and comments to the console connections that may see them, and log them for resuming clients',
    pattern: { source: ['caseway.cases'], 'detail-type': [...LIVE_EVENT_TYPES, ...LIVE_EVENT_PREFIXES.map((prefix) => ({ prefix }))] },
    target: { entry: 'functions/handlers/live-fanout.ts', tableAccess: 'readWrite' },
  },
];
