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
    name: 'routing',
    description: 'Route cases when they arrive or change, and free agent capacity when they are resolved, closed or reassigned',
    pattern: { source: ['caseway.cases'], 'detail-type': ['CaseCreated', 'CaseUpdated', 'StatusChanged', 'Assigned'] },
    target: { entry: 'functions/routing-consumer/handler.ts', tableAccess: 'readWrite' },
  },
];
