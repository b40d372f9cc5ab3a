/**
 * The state machines: the ASL file, and for each Task state the handler module
 * behind it and the `${Substitution}` its Lambda ARN fills (declared with the
 * function in `functions.ts`, trigger `stateMachineTask`). CDK
 * (`lib/constructs/sla-timers.ts`) builds a function per task and substitutes its
 * ARN; the local stand-in (`lib/local/step-functions.ts`) maps the Task state to
 * the same module. Pure data: no CDK or AWS imports.
 */
import { entryOf, functionsTriggeredBy, tableAccessOf, type RegisteredFunction } from './functions.js';

export interface TaskSpec {
  /** Handler file, relative to the repository root; exports `handler`. */
  readonly entry: string;
  /** The placeholder in the ASL file that takes this function's ARN. */
  readonly substitution: string;
  readonly tableAccess: 'none' | 'read' | 'readWrite';
  /** The registry name of the function. */
  readonly function: RegisteredFunction;
}

export interface StateMachineSpec {
  /** ASL file, relative to the repository root. */
  readonly definition: string;
  /** Task state name -> what runs it. */
  readonly tasks: Readonly<Record<string, TaskSpec>>;
}

/** One execution per armed SLA clock: wait, check, loop (see the file's Comment). */
export const slaClockMachine: StateMachineSpec = {
  definition: 'statemachines/sla-clock.asl.json',
  tasks: Object.fromEntries(
    functionsTriggeredBy('stateMachineTask')
      .filter(({ declaration }) => declaration.trigger.machine === 'slaClock')
      .map(({ name, declaration: { trigger, uses } }) => [
        trigger.state,
        { entry: entryOf(name), substitution: trigger.substitution, tableAccess: tableAccessOf(uses), function: name },
      ]),
  ),
};

/** What each `${Substitution}` holds locally: ARNs that only have to be well-formed (the tasks run in process). */
export const localSubstitutions = (spec: StateMachineSpec): Record<string, string> =>
  Object.fromEntries(
    Object.values(spec.tasks).map((task) => [task.substitution, `arn:aws:lambda:us-east-1:000000000000:function:caseway-local-${task.substitution}`]),
  );
