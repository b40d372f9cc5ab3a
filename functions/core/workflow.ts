/**
 * Workflows as readable motion. A case moves only along the transitions its type
 * version defines; each transition's guards say when it may be taken, its effects
 * say everything it does. Nothing else changes a case's state, so the transit map
 * (`transitMap`, also as Mermaid) is the whole truth an auditor needs.
 */
import { type Caller, type Role, ROLES } from './caller.js';
import type { CaseType, Effect, Guard, StateCategory, Transition } from './case-type.js';
import { describeCondition, type Facts, fieldsReadBy, holds } from './conditions.js';
import { fieldFilter, type FieldFilter } from './visibility.js';

/** Who may take a transition that has no role guard: staff and integrations, not requesters. */
export const DEFAULT_TRANSITION_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'requester');

/** What guards look at besides the case itself. */
export interface GuardContext {
  readonly openMandatoryTasks: number;
}

export interface GuardFailure {
  readonly guard: Guard['kind'];
  readonly message: string;
}

export interface TransitionOption {
  readonly transition: string;
  readonly label: string;
  readonly to: string;
  readonly toLabel: string;
  readonly reopen: boolean;
  readonly reasonRequired: boolean;
  /** False when a guard fails now; `blockedBy` says which and why. */
  readonly allowed: boolean;
  readonly blockedBy: readonly GuardFailure[];
}

export const rolesFor = (t: Transition): readonly Role[] => t.guards.find((g) => g.kind === 'role')?.roles ?? DEFAULT_TRANSITION_ROLES;
export const callerMayTake = (t: Transition, caller: Caller): boolean => caller.roles.some((r) => rolesFor(t).includes(r));

const present = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

/** A missing field named only to those who may know of it: a requester hears that the team still has something to add. */
function missingMessage(missing: readonly string[], filter: FieldFilter): string {
  const shown = filter.known(missing);
  const unseen = missing.length - shown.length;
  const parts = [...shown, ...(unseen === 0 ? [] : [unseen === 1 ? 'a detail our team fills in' : `${unseen} details our team fills in`])];
  return `Needs ${parts.join(', ')}.`;
}

/**
 * An administrator's message for a failing condition, to a caller who reads every
 * field it tests. Anyone else hears only which of those fields they may know of:
 * the message may name a value or threshold ("fraud score under 80") they may not learn.
 */
function conditionMessage(message: string, fields: readonly string[], filter: FieldFilter): string {
  if (fields.every((f) => filter.access(f) === 'read')) return message;
  const shown = [...new Set(filter.known(fields))];
  return shown.length > 0 ? `A condition on ${shown.join(', ')} is not met.` : 'A check our team makes is not met yet.';
}

/**
 * The guards (other than role) that fail for a case whose facts, after the
 * transition's own changes, are `facts`; their messages pass the caller's field
 * filter, since the caller reads them.
 */
export function failingGuards(t: Transition, facts: Facts, context: GuardContext, filter: FieldFilter): GuardFailure[] {
  const failures: GuardFailure[] = [];
  for (const guard of t.guards) {
    switch (guard.kind) {
      case 'role':
        break;
      case 'fieldsPresent': {
        const missing = guard.fields.filter((f) => !present(facts[f]));
        if (missing.length > 0) failures.push({ guard: 'fieldsPresent', message: missingMessage(missing, filter) });
        break;
      }
      case 'noOpenMandatoryTasks':
        if (context.openMandatoryTasks > 0) {
          failures.push({
            guard: 'noOpenMandatoryTasks',
            message: `${context.openMandatoryTasks} mandatory task${context.openMandatoryTasks === 1 ? ' is' : 's are'} still open.`,
          });
        }
        break;
      case 'ownerAssigned':
        if (!present(facts.owner)) failures.push({ guard: 'ownerAssigned', message: 'The case has no owner.' });
        break;
      case 'condition':
        if (!holds(guard.when, facts))
          failures.push({ guard: 'condition', message: conditionMessage(guard.message, fieldsReadBy(guard.when), filter) });
        break;
    }
  }
  return failures;
}

export const transitionsFrom = (type: CaseType, status: string): Transition[] => type.workflow.transitions.filter((t) => t.from.includes(status));

const labelOf = (type: CaseType, state: string) => type.workflow.states.find((s) => s.id === state)?.label ?? state;

/** What the caller may do from `status` now: each transition their role allows, with the guards that block it. */
export function optionsFor(type: CaseType, status: string, facts: Facts, caller: Caller, context: GuardContext): TransitionOption[] {
  const filter = fieldFilter(type, caller);
  return transitionsFrom(type, status)
    .filter((t) => callerMayTake(t, caller))
    .map((t) => {
      const blockedBy = failingGuards(t, facts, context, filter);
      return {
        transition: t.id,
        label: t.label,
        to: t.to,
        toLabel: labelOf(type, t.to),
        reopen: t.reopen,
        reasonRequired: t.reasonRequired,
        allowed: blockedBy.length === 0,
        blockedBy,
      };
    });
}

export const categoryOf = (type: CaseType, status: string): StateCategory => type.workflow.states.find((s) => s.id === status)?.category ?? 'active';

/** Who acts when the workflow moves a case by itself: recorded as the actor of the transition. */
export const AUTOMATION_CALLER: Caller = { sub: 'caseway-automation', name: 'Caseway automation', roles: [] };

export interface AutomaticMove {
  readonly transition: Transition;
  /** Declared on the type, or the default for types that declare none. */
  readonly rule: 'declared' | 'default';
}

/**
 * The transition a requester's public reply takes from `status`, if any. A type
 * that declares automations gets exactly those. One that declares none gets the
 * default: from a waiting state, the first transition to an active state that
 * the requester may take themselves, so the default only ever does what the
 * requester could have done (a case blocked on a third party, or referred, stays).
 */
export function onRequesterReply(type: CaseType, status: string): AutomaticMove | undefined {
  const declared = type.workflow.automations;
  if (declared) {
    const rule = declared.find((a) => a.on === 'requesterReply' && a.from.includes(status));
    const t = rule && transitionsFrom(type, status).find((c) => c.to === rule.to && (rule.transition === undefined || c.id === rule.transition));
    return t && { transition: t, rule: 'declared' };
  }
  if (categoryOf(type, status) !== 'waiting') return undefined;
  const t = transitionsFrom(type, status).find((c) => categoryOf(type, c.to) === 'active' && rolesFor(c).includes('requester'));
  return t && { transition: t, rule: 'default' };
}

/** An effect as a sentence, for the transit map. */
export function describeEffect(effect: Effect): string {
  switch (effect.kind) {
    case 'setField':
      return effect.value === null ? `clear ${effect.field}` : `set ${effect.field} = ${JSON.stringify(effect.value)}`;
    case 'setOwner':
      return effect.owner === 'caller' ? 'assign to the caller' : 'unassign';
    case 'emitEvent':
      return `emit ${effect.event}`;
    case 'timer':
      return `${effect.action} the ${effect.clock} clock`;
    case 'notify':
      return `notify ${effect.to} (${effect.template})`;
  }
}

export function describeGuard(guard: Guard): string {
  switch (guard.kind) {
    case 'fieldsPresent':
      return `${guard.fields.join(', ')} present`;
    case 'role':
      return `role ${guard.roles.join(' or ')}`;
    case 'noOpenMandatoryTasks':
      return 'no open mandatory task';
    case 'ownerAssigned':
      return 'has an owner';
    case 'condition':
      return describeCondition(guard.when);
  }
}

export interface TransitMap {
  readonly typeId: string;
  readonly version: number;
  readonly initial: string;
  readonly states: CaseType['workflow']['states'];
  readonly transitions: readonly {
    readonly id: string;
    readonly label: string;
    readonly from: readonly string[];
    readonly to: string;
    readonly reopen: boolean;
    readonly reasonRequired: boolean;
    readonly roles: readonly Role[];
    readonly guards: readonly { readonly kind: Guard['kind']; readonly description: string }[];
    readonly effects: readonly { readonly kind: Effect['kind']; readonly description: string }[];
  }[];
  /** The same map as a Mermaid `stateDiagram-v2`. */
  readonly mermaid: string;
}

/** Mermaid state ids allow letters, digits and underscores; slugs may hold hyphens. */
const mermaidId = (id: string) => id.replace(/-/g, '_');
/** Transition text runs to the end of the line; these would end or comment it. */
const mermaidText = (text: string) => text.replace(/[:;#\n\r]/g, ' ').trim();

export function mermaidOf(type: CaseType): string {
  const wf = type.workflow;
  const lines = ['stateDiagram-v2', `  [*] --> ${mermaidId(wf.initial)}`];
  for (const s of wf.states) lines.push(`  state "${mermaidText(s.label).replace(/"/g, "'")}" as ${mermaidId(s.id)}`);
  for (const t of wf.transitions) {
    const conditions = t.guards.map(describeGuard);
    const text = mermaidText(`${t.label}${conditions.length ? ` [${conditions.join(', ')}]` : ''}`);
    for (const from of t.from) lines.push(`  ${mermaidId(from)} --> ${mermaidId(t.to)}: ${text}`);
  }
  for (const s of wf.states)
    if (s.category === 'closed' && !wf.transitions.some((t) => t.from.includes(s.id))) lines.push(`  ${mermaidId(s.id)} --> [*]`);
  return lines.join('\n');
}

export function transitMap(type: CaseType): TransitMap {
  return {
    typeId: type.typeId,
    version: type.version,
    initial: type.workflow.initial,
    states: type.workflow.states,
    transitions: type.workflow.transitions.map((t) => ({
      id: t.id,
      label: t.label,
      from: t.from,
      to: t.to,
      reopen: t.reopen,
      reasonRequired: t.reasonRequired,
      roles: rolesFor(t),
      guards: t.guards.filter((g) => g.kind !== 'role').map((g) => ({ kind: g.kind, description: describeGuard(g) })),
      effects: t.effects.map((e) => ({ kind: e.kind, description: describeEffect(e) })),
    })),
    mermaid: mermaidOf(type),
  };
}
