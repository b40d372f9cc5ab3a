/**
 * The event rules on Caseway's bus: the CDK `DomainEvents` construct makes one
 * EventBridge rule per entry (target: a Lambda built from the target's declaration,
 * with retries and a dead-letter queue), and the local EventBridge stand-in
 * (`lib/local/event-bus.ts`) applies the same patterns and invokes the same
 * handler modules. Each rule is declared with its function in `functions.ts`
 * (trigger `eventRule`); this is that view of them. Pure data: no CDK or AWS imports.
 *
 * A target handler receives an `EventBridgeEvent<detailType, DomainEventDetail>`
 * (`functions/adapters/events.ts`) and must be idempotent on `detail.id`: delivery
 * is at least once.
 */
import { entryOf, functionsTriggeredBy, tableAccessOf, type EventPattern, type RegisteredFunction, type Uses } from './functions.js';

export type { EventPattern } from './functions.js';

export interface EventRuleSpec {
  /** Unique, kebab-case; names the rule, its function and its dead-letter queue. */
  readonly name: string;
  readonly description: string;
  readonly pattern: EventPattern;
  readonly target: {
    /** Handler file, relative to the repository root; exports `handler`. */
    readonly entry: string;
    readonly tableAccess: 'none' | 'read' | 'readWrite';
    /**
     * What the target may touch. A registered target carries its declaration's; a rule of
     * one's own (tests, an embedding app) gets `tableAccess` on the table and what every consumer gets.
     */
    readonly uses?: Uses;
    /** The registry name of the target, when it is one of Caseway's own functions. */
    readonly function?: RegisteredFunction;
  };
}

/** What a rule target gets beside its table access, when it is not declared in the registry. */
export const CONSUMER_USES = { table: 'name', bus: 'name', identity: 'rolesClaim' } as const satisfies Uses;

/** The uses of a rule's target: its declaration's, or those its `tableAccess` implies. */
export const targetUses = (target: EventRuleSpec['target']): Uses =>
  target.uses ?? { ...CONSUMER_USES, ...(target.tableAccess === 'none' ? {} : { table: target.tableAccess }) };

export const eventRules: readonly EventRuleSpec[] = functionsTriggeredBy('eventRule').map(({ name, declaration }) => ({
  name: declaration.trigger.rule,
  description: declaration.description,
  pattern: declaration.trigger.pattern,
  target: { entry: entryOf(name), tableAccess: tableAccessOf(declaration.uses), uses: declaration.uses, function: name },
}));
