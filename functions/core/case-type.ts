/**
 * Case types as versioned configuration: what a kind of work holds (typed custom
 * fields with their sensitivity), how it is asked for (the intake form), how it
 * moves (the workflow), where it starts (the default queue) and how urgent it is
 * (the priority formula). A support ticket, an insurance claim and a fraud
 * investigation differ only in this data.
 *
 * The zod schema here is the one definition: the admin API validates with it, the
 * shipped examples are checked against it, and `checkCaseType` adds the rules a
 * schema cannot express (a guard naming a field the type does not have, a
 * transition into a state that does not exist, ...).
 */
import * as z from 'zod';
import { ROLES, type Role } from './caller.js';
import { CASE_ATTRIBUTES, ConditionSchema, fieldsReadBy, type Condition } from './conditions.js';
import { CASE_ID_PATTERN } from './case-number.js';
import { PRIORITIES, type FieldValue, type Priority } from './vocabulary.js';
import type { FieldIssue } from './errors.js';
import { SafeNumber, unsafeNumberReason } from './input-limits.js';

export const Slug = z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, 'a lower-case slug such as support or in_review');
const FieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'letters, digits and _, starting with a letter');
const Label = z.string().trim().min(1).max(120);
const Help = z.string().trim().min(1).max(500);
const IsoDate = z.iso.date();

export const SENSITIVITIES = ['public', 'internal', 'restricted'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

const fieldBase = {
  name: FieldName,
  label: Label,
  help: Help.optional(),
  /** Must be answered at intake, and can never be removed. */
  required: z.boolean().default(false),
  /** Must be present whenever this holds (checked at intake and on every change). */
  requiredIf: ConditionSchema.optional(),
  /** public: everyone who sees the case; internal: staff only; restricted: staff with clearance. */
  sensitivity: z.enum(SENSITIVITIES).default('public'),
};

const Option = z.object({ value: z.string().min(1).max(64), label: Label }).strict();

export const FieldDefinitionSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...fieldBase,
      type: z.literal('text'),
      minLength: z.number().int().min(0).optional(),
      maxLength: z.number().int().min(1).max(4000).default(4000),
      pattern: z.string().max(200).optional(),
      patternExample: z
        .string()
        .min(1)
        .max(100)
        .optional()
        .meta({ description: 'A value that fits the pattern, shown instead of the pattern when a value does not ("AB-12345").' }),
    })
    .strict(),
  z
    .object({ ...fieldBase, type: z.literal('number'), min: SafeNumber.optional(), max: SafeNumber.optional(), integer: z.boolean().default(false) })
    .strict(),
  z.object({ ...fieldBase, type: z.literal('boolean') }).strict(),
  z.object({ ...fieldBase, type: z.literal('date'), min: IsoDate.optional(), max: IsoDate.optional() }).strict(),
  z.object({ ...fieldBase, type: z.literal('enum'), options: z.array(Option).min(1).max(100) }).strict(),
  z
    .object({
      ...fieldBase,
      type: z.literal('multiEnum'),
      options: z.array(Option).min(1).max(100),
      minItems: z.number().int().min(0).optional(),
      maxItems: z.number().int().min(1).max(50).optional(),
    })
    .strict(),
  /** Another case (by case id) or an asset (by asset id). */
  z.object({ ...fieldBase, type: z.literal('reference'), target: z.enum(['case', 'asset']) }).strict(),
]);
export type FieldDefinition = z.infer<typeof FieldDefinitionSchema>;
export type FieldType = FieldDefinition['type'];

export const IntakeQuestionSchema = z.object({ field: FieldName, showIf: ConditionSchema.optional() }).strict();

export const STATE_CATEGORIES = ['active', 'waiting', 'resolved', 'closed'] as const;
/** active and waiting are open work; resolved awaits confirmation; closed is done. */
export type StateCategory = (typeof STATE_CATEGORIES)[number];
export const OPEN_CATEGORIES: readonly StateCategory[] = ['active', 'waiting'];

export const StateSchema = z
  .object({
    id: Slug,
    label: Label,
    category: z.enum(STATE_CATEGORIES),
    /** Whether fields, subject, owner... may change in this state (a closed case is frozen). */
    editable: z.boolean().default(true),
  })
  .strict();

export const GuardSchema = z.discriminatedUnion('kind', [
  /** These fields (after the transition's own field changes) must have values. */
  z.object({ kind: z.literal('fieldsPresent'), fields: z.array(FieldName).min(1).max(50) }).strict(),
  /** Only callers with one of these roles may take the transition. Without it: staff only. */
  z.object({ kind: z.literal('role'), roles: z.array(z.enum(ROLES)).min(1) }).strict(),
  /** No mandatory task of the case may still be open. */
  z.object({ kind: z.literal('noOpenMandatoryTasks') }).strict(),
  /** The case must have an owner. */
  z.object({ kind: z.literal('ownerAssigned') }).strict(),
  /** A condition over fields and case attributes, with the sentence shown when it fails. */
  z.object({ kind: z.literal('condition'), when: ConditionSchema, message: z.string().min(1).max(300) }).strict(),
]);
export type Guard = z.infer<typeof GuardSchema>;

export const CLOCKS = ['firstResponse', 'nextResponse', 'resolution'] as const;
export const CLOCK_ACTIONS = ['start', 'stop', 'pause', 'resume'] as const;
export const NOTIFY_TARGETS = ['requester', 'owner', 'queue', 'supervisors'] as const;

const EffectValue = z.union([z.string().max(4000), SafeNumber, z.boolean(), z.array(z.string().max(200)).max(50), z.null()]);

export const EffectSchema = z.discriminatedUnion('kind', [
  /** Set (or, with null, clear) a custom field. */
  z.object({ kind: z.literal('setField'), field: FieldName, value: EffectValue }).strict(),
  /** Assign the case to whoever takes the transition, or unassign it. */
  z.object({ kind: z.literal('setOwner'), owner: z.enum(['caller', 'nobody']) }).strict(),
  /** Put a named domain event on the bus (e.g. ClaimApproved). */
  z.object({ kind: z.literal('emitEvent'), event: z.string().regex(/^[A-Z][A-Za-z0-9]{2,63}$/, 'PascalCase event name') }).strict(),
  /** Start, stop, pause or resume an SLA clock (the clocks act on the event this puts on the bus). */
  z.object({ kind: z.literal('timer'), action: z.enum(CLOCK_ACTIONS), clock: z.enum(CLOCKS) }).strict(),
  /** Send a templated message (the notification adapter acts on the event this puts on the bus). */
  z.object({ kind: z.literal('notify'), template: Slug, to: z.enum(NOTIFY_TARGETS) }).strict(),
]);
export type Effect = z.infer<typeof EffectSchema>;

export const TransitionSchema = z
  .object({
    id: Slug,
    label: Label,
    from: z.array(Slug).min(1).max(50),
    to: Slug,
    /** Reopening a resolved or closed case: counted on the case (reopen rate). */
    reopen: z.boolean().default(false),
    /** The caller must say why. */
    reasonRequired: z.boolean().default(false),
    guards: z.array(GuardSchema).max(20).default([]),
    effects: z.array(EffectSchema).max(20).default([]),
  })
  .strict();
export type Transition = z.infer<typeof TransitionSchema>;

export const AUTOMATION_TRIGGERS = ['requesterReply'] as const;

/**
 * Something the workflow does by itself: on a requester's public reply (through
 * the API or a channel's thread) to a case in one of `from`, take the type's
 * transition from there to `to` (the one named, else the first declared), as the
 * system, in the same commit as the reply. Guards other than roles still apply.
 */
export const AutomationSchema = z
  .object({
    on: z.enum(AUTOMATION_TRIGGERS),
    from: z.array(Slug).min(1).max(50),
    to: Slug,
    transition: Slug.optional(),
  })
  .strict();
export type Automation = z.infer<typeof AutomationSchema>;

export const WorkflowSchema = z
  .object({
    initial: Slug,
    states: z.array(StateSchema).min(2).max(50),
    transitions: z.array(TransitionSchema).min(1).max(200),
    /**
     * Absent: the default, where a requester's reply in a waiting state takes the
     * first transition from there to an active state that the requester may take
     * themselves (what they would do anyway). `[]`: no automation.
     */
    automations: z.array(AutomationSchema).max(20).optional(),
  })
  .strict();
export type Workflow = z.infer<typeof WorkflowSchema>;
export type WorkflowState = z.infer<typeof StateSchema>;

const PriorityInput = z
  .object({
    /** What the input is called beside the score: impact, urgency, risk... */
    name: Slug,
    /** The custom field (or `priority`, `channel`) it is read from. */
    field: FieldName,
    weight: z.number().positive().max(100),
    /** Points (0-100) per enum option or boolean (`true`/`false`); numbers are scaled between `min` and `max`. */
    points: z.record(z.string().max(64), z.number().min(0).max(100)).optional(),
    min: SafeNumber.optional(),
    max: SafeNumber.optional(),
    /** Points assumed while the field has no value (shown as assumed). */
    default: z.number().min(0).max(100).default(50),
  })
  .strict();

export const PriorityFormulaSchema = z
  .object({
    inputs: z.array(PriorityInput).min(1).max(10),
    /** Score thresholds, highest first: the first band whose `min` the score reaches. */
    bands: z
      .array(z.object({ priority: z.enum(PRIORITIES), min: z.number().min(0).max(100) }).strict())
      .min(1)
      .max(PRIORITIES.length),
  })
  .strict();
export type PriorityFormula = z.infer<typeof PriorityFormulaSchema>;

/** A team name as tokens carry it, after the operator's group -> team mapping. */
export const TeamName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes');

export const CaseAccessSchema = z
  .object({
    /** Staff must belong to at least one of these teams to see a case of the type at all. */
    teams: z.array(TeamName).min(1).max(20),
  })
  .strict()
  .meta({ description: 'Restricts every case of the type to members of the listed teams: to anyone else they do not exist (404).' });
export type CaseAccess = z.infer<typeof CaseAccessSchema>;

/** What an admin sends to create a type or publish a new version of it. */
export const CaseTypeInputSchema = z
  .object({
    name: Label,
    description: z.string().trim().min(1).max(2000).optional(),
    fields: z.array(FieldDefinitionSchema).max(100).default([]),
    intake: z
      .object({ questions: z.array(IntakeQuestionSchema).max(100) })
      .strict()
      .default({ questions: [] }),
    workflow: WorkflowSchema,
    defaultQueue: Slug,
    priority: PriorityFormulaSchema.optional(),
    /** Roles that may read restricted fields. */
    clearance: z.array(z.enum(ROLES)).default(['supervisor', 'admin']),
    /** Record-level access: only members of these teams (and the requester, on their own case) see cases of the type. */
    access: CaseAccessSchema.optional(),
    /**
     * How long files attached to cases of this type are kept: a retention class of
     * the deployment (`functions/topology/attachments.ts`). The type decides, not the
     * uploader; staff may choose another class per file (a legal hold). Absent:
     * the deployment's default class.
     */
    attachmentRetention: Slug.optional(),
  })
  .strict();
export type CaseTypeInput = z.infer<typeof CaseTypeInputSchema>;

/** How cases on the previous version move to this one: every state the new version lacks must be mapped. */
export const MigrationSchema = z.object({ states: z.record(Slug, Slug) }).strict();
export type Migration = z.infer<typeof MigrationSchema>;

export interface CaseType extends CaseTypeInput {
  readonly typeId: string;
  readonly version: number;
  readonly publishedAt: string;
  readonly publishedBy: string;
  /** From the version before this one, if any. */
  readonly migration?: Migration & { readonly fromVersion: number };
}

export const ASSET_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The rule a value breaks, or undefined when it fits its definition. */
export function fieldValueProblem(def: FieldDefinition, value: FieldValue): { rule: string; message: string } | undefined {
  const wrongType = (expected: string) => ({ rule: 'invalid_type', message: `${def.name} must be ${expected}.` });
  switch (def.type) {
    case 'text': {
      if (typeof value !== 'string') return wrongType('text');
      if (def.minLength !== undefined && value.trim().length < def.minLength)
        return { rule: 'too_small', message: `${def.name} needs at least ${def.minLength} characters.` };
      if (value.length > def.maxLength) return { rule: 'too_big', message: `${def.name} takes at most ${def.maxLength} characters.` };
      if (def.pattern !== undefined && !new RegExp(def.pattern, 'u').test(value)) {
        // People read the message at the field: an example says more to them than a regular expression.
        return {
          rule: 'invalid_format',
          message: def.patternExample ? `${def.label} must look like ${def.patternExample}.` : `${def.name} must match ${def.pattern}.`,
        };
      }
      return undefined;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrongType('a number');
      // An import turns digits into numbers without the body's checks: the field holds only what the table stores as given.
      const unsafe = unsafeNumberReason(value);
      if (unsafe) return { rule: 'unsafe_number', message: `${def.name} ${unsafe}.` };
      if (def.integer && !Number.isInteger(value)) return { rule: 'not_integer', message: `${def.name} must be a whole number.` };
      if (def.min !== undefined && value < def.min) return { rule: 'too_small', message: `${def.name} must be at least ${def.min}.` };
      if (def.max !== undefined && value > def.max) return { rule: 'too_big', message: `${def.name} must be at most ${def.max}.` };
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : wrongType('true or false');
    case 'date': {
      if (
        typeof value !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
        Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
        new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
      ) {
        return { rule: 'invalid_date', message: `${def.name} must be a calendar date such as 2026-03-31.` };
      }
      if (def.min !== undefined && value < def.min) return { rule: 'too_small', message: `${def.name} must be on or after ${def.min}.` };
      if (def.max !== undefined && value > def.max) return { rule: 'too_big', message: `${def.name} must be on or before ${def.max}.` };
      return undefined;
    }
    case 'enum': {
      const allowed = def.options.map((o) => o.value);
      if (typeof value !== 'string' || !allowed.includes(value))
        return { rule: 'invalid_option', message: `${def.name} must be one of ${allowed.join(', ')}.` };
      return undefined;
    }
    case 'multiEnum': {
      const allowed = def.options.map((o) => o.value);
      if (!Array.isArray(value)) return wrongType('a list of options');
      const bad = value.filter((v) => !allowed.includes(v));
      if (bad.length > 0)
        return {
          rule: 'invalid_option',
          message: `${bad.join(', ')} ${bad.length === 1 ? 'is not an option' : 'are not options'} of ${def.name} (${allowed.join(', ')}).`,
        };
      if (new Set(value).size !== value.length) return { rule: 'duplicate', message: `${def.name} lists an option twice.` };
      if (def.minItems !== undefined && value.length < def.minItems)
        return { rule: 'too_small', message: `${def.name} needs at least ${def.minItems} options.` };
      if (def.maxItems !== undefined && value.length > def.maxItems)
        return { rule: 'too_big', message: `${def.name} takes at most ${def.maxItems} options.` };
      return undefined;
    }
    case 'reference': {
      const pattern = def.target === 'case' ? CASE_ID_PATTERN : ASSET_ID_PATTERN;
      // Bounded too: the case id pattern takes any number of digits, and the reference is looked up by key.
      if (typeof value !== 'string' || value.length > 100 || !pattern.test(value))
        return {
          rule: 'invalid_reference',
          message: `${def.name} must be ${def.target === 'case' ? 'a case id such as CASE-2026-000123' : 'an asset id'}.`,
        };
      return undefined;
    }
  }
}

const issue = (field: string, rule: string, message: string): FieldIssue => ({ field, rule, message });

/**
 * The rules of a well-formed type that its schema cannot see. `at` prefixes the
 * field paths in the issues (e.g. `body`), so the admin API can name them.
 */
export function checkCaseType(input: CaseTypeInput, at = 'body', options: { retentionClasses?: readonly string[] } = {}): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (input.attachmentRetention !== undefined && options.retentionClasses && !options.retentionClasses.includes(input.attachmentRetention)) {
    issues.push(
      issue(
        `${at}.attachmentRetention`,
        'unknown_retention_class',
        `${input.attachmentRetention} is not a retention class; there are ${options.retentionClasses.join(', ')}.`,
      ),
    );
  }
  const fieldNames = new Set(input.fields.map((f) => f.name));
  const known = (name: string) => fieldNames.has(name) || (CASE_ATTRIBUTES as readonly string[]).includes(name);

  input.fields.forEach((f, i) => {
    if (input.fields.findIndex((g) => g.name === f.name) !== i)
      issues.push(issue(`${at}.fields.${i}.name`, 'duplicate', `Field ${f.name} is defined twice.`));
    if ((CASE_ATTRIBUTES as readonly string[]).includes(f.name))
      issues.push(issue(`${at}.fields.${i}.name`, 'reserved', `${f.name} is a case attribute, not a custom field.`));
    if (f.requiredIf) {
      for (const name of fieldsReadBy(f.requiredIf))
        if (!known(name))
          issues.push(issue(`${at}.fields.${i}.requiredIf`, 'unknown_field', `requiredIf reads ${name}, which the type does not define.`));
    }
    if ((f.type === 'enum' || f.type === 'multiEnum') && new Set(f.options.map((o) => o.value)).size !== f.options.length) {
      issues.push(issue(`${at}.fields.${i}.options`, 'duplicate', `Field ${f.name} lists an option twice.`));
    }
    if (f.type === 'text' && f.patternExample !== undefined && f.pattern === undefined) {
      issues.push(issue(`${at}.fields.${i}.patternExample`, 'without_pattern', `Field ${f.name} gives an example of a pattern it does not have.`));
    }
    if (f.type === 'text' && f.pattern !== undefined) {
      try {
        const pattern = new RegExp(f.pattern, 'u');
        // An example that does not fit would tell people to type what is then refused.
        if (f.patternExample !== undefined && !pattern.test(f.patternExample)) {
          issues.push(issue(`${at}.fields.${i}.patternExample`, 'invalid_format', `The example of ${f.name} does not match its pattern.`));
        }
      } catch {
        issues.push(issue(`${at}.fields.${i}.pattern`, 'invalid_pattern', `The pattern of ${f.name} is not a valid regular expression.`));
      }
    }
  });

  const asked = new Set<string>();
  input.intake.questions.forEach((q, i) => {
    if (!fieldNames.has(q.field))
      issues.push(
        issue(`${at}.intake.questions.${i}.field`, 'unknown_field', `The intake form asks for ${q.field}, which the type does not define.`),
      );
    if (asked.has(q.field)) issues.push(issue(`${at}.intake.questions.${i}.field`, 'duplicate', `The intake form asks for ${q.field} twice.`));
    // A question may only depend on answers given before it: the form is read top to bottom.
    for (const name of q.showIf ? fieldsReadBy(q.showIf) : []) {
      if (fieldNames.has(name) && !asked.has(name))
        issues.push(
          issue(
            `${at}.intake.questions.${i}.showIf`,
            'forward_reference',
            `The question for ${q.field} depends on ${name}, which is not asked before it.`,
          ),
        );
      else if (!known(name))
        issues.push(issue(`${at}.intake.questions.${i}.showIf`, 'unknown_field', `showIf reads ${name}, which the type does not define.`));
    }
    asked.add(q.field);
  });
  input.fields.forEach((f, i) => {
    const sensitive = f.sensitivity !== 'public';
    if (sensitive && asked.has(f.name))
      issues.push(
        issue(`${at}.fields.${i}.sensitivity`, 'not_public', `${f.name} is on the intake form, so requesters answer it: it must be public.`),
      );
    if (f.required && !asked.has(f.name))
      issues.push(issue(`${at}.fields.${i}.required`, 'not_asked', `${f.name} is required at intake but the intake form does not ask for it.`));
  });

  const wf = input.workflow;
  const stateIds = new Set(wf.states.map((s) => s.id));
  wf.states.forEach((s, i) => {
    if (wf.states.findIndex((t) => t.id === s.id) !== i)
      issues.push(issue(`${at}.workflow.states.${i}.id`, 'duplicate', `State ${s.id} is defined twice.`));
  });
  if (!stateIds.has(wf.initial))
    issues.push(issue(`${at}.workflow.initial`, 'unknown_state', `The initial state ${wf.initial} is not one of the states.`));
  const transitionIds = new Set<string>();
  wf.transitions.forEach((t, i) => {
    const path = `${at}.workflow.transitions.${i}`;
    if (transitionIds.has(t.id)) issues.push(issue(`${path}.id`, 'duplicate', `Transition ${t.id} is defined twice.`));
    transitionIds.add(t.id);
    if (!stateIds.has(t.to)) issues.push(issue(`${path}.to`, 'unknown_state', `Transition ${t.id} goes to ${t.to}, which is not a state.`));
    t.from.forEach((from, j) => {
      if (!stateIds.has(from))
        issues.push(issue(`${path}.from.${j}`, 'unknown_state', `Transition ${t.id} starts from ${from}, which is not a state.`));
      if (from === t.to) issues.push(issue(`${path}.from.${j}`, 'self_transition', `Transition ${t.id} goes from ${from} to itself.`));
    });
    t.guards.forEach((g, j) => {
      const names = g.kind === 'fieldsPresent' ? g.fields : g.kind === 'condition' ? fieldsReadBy(g.when) : [];
      for (const name of names)
        if (!known(name)) issues.push(issue(`${path}.guards.${j}`, 'unknown_field', `Guard reads ${name}, which the type does not define.`));
    });
    t.effects.forEach((e, j) => {
      if (e.kind !== 'setField') return;
      const def = input.fields.find((f) => f.name === e.field);
      if (!def) issues.push(issue(`${path}.effects.${j}.field`, 'unknown_field', `Effect sets ${e.field}, which the type does not define.`));
      const problem = def && e.value !== null ? fieldValueProblem(def, e.value) : undefined;
      if (problem) issues.push(issue(`${path}.effects.${j}.value`, problem.rule, problem.message));
    });
    if (t.reopen) {
      const fromDone = t.from.every((from) => ['resolved', 'closed'].includes(wf.states.find((s) => s.id === from)?.category ?? ''));
      if (!fromDone)
        issues.push(
          issue(`${path}.reopen`, 'not_a_reopen', `Transition ${t.id} is marked reopen but does not start only from resolved or closed states.`),
        );
    }
  });
  (wf.automations ?? []).forEach((a, i) => {
    const path = `${at}.workflow.automations.${i}`;
    if (!stateIds.has(a.to)) issues.push(issue(`${path}.to`, 'unknown_state', `The automation moves cases to ${a.to}, which is not a state.`));
    const named = a.transition === undefined ? undefined : wf.transitions.find((t) => t.id === a.transition);
    if (a.transition !== undefined && !named)
      issues.push(issue(`${path}.transition`, 'unknown_transition', `There is no transition ${a.transition}.`));
    else if (named && named.to !== a.to)
      issues.push(issue(`${path}.transition`, 'wrong_target', `Transition ${named.id} goes to ${named.to}, not ${a.to}.`));
    a.from.forEach((from, j) => {
      if (!stateIds.has(from)) issues.push(issue(`${path}.from.${j}`, 'unknown_state', `The automation starts from ${from}, which is not a state.`));
      else if (stateIds.has(a.to) && !named && !wf.transitions.some((t) => t.from.includes(from) && t.to === a.to)) {
        // The automation takes a transition of the workflow, so the transit map stays the whole truth.
        issues.push(
          issue(`${path}.from.${j}`, 'no_transition', `No transition leads from ${from} to ${a.to}: declare one for the automation to take.`),
        );
      } else if (named && !named.from.includes(from)) {
        issues.push(issue(`${path}.from.${j}`, 'no_transition', `Transition ${named.id} does not start from ${from}.`));
      }
    });
  });
  // Every state is reachable from the initial one: an unreachable state is a typo or dead config.
  const reachable = new Set([wf.initial]);
  for (let grew = true; grew;) {
    grew = false;
    for (const t of wf.transitions) {
      if (!reachable.has(t.to) && t.from.some((f) => reachable.has(f))) {
        reachable.add(t.to);
        grew = true;
      }
    }
  }
  wf.states.forEach((s, i) => {
    if (!reachable.has(s.id))
      issues.push(issue(`${at}.workflow.states.${i}.id`, 'unreachable', `State ${s.id} cannot be reached from ${wf.initial}.`));
  });

  if (input.priority) {
    input.priority.inputs.forEach((p, i) => {
      if (!known(p.field))
        issues.push(
          issue(`${at}.priority.inputs.${i}.field`, 'unknown_field', `Priority input ${p.name} reads ${p.field}, which the type does not define.`),
        );
      const def = input.fields.find((f) => f.name === p.field);
      if (def?.type === 'number' && (p.min === undefined || p.max === undefined || p.max <= p.min)) {
        issues.push(issue(`${at}.priority.inputs.${i}`, 'scale_required', `Priority input ${p.name} reads a number: give min < max to scale it.`));
      }
    });
    const mins = input.priority.bands.map((b) => b.min);
    if (mins.some((m, i) => i > 0 && m >= mins[i - 1]!))
      issues.push(issue(`${at}.priority.bands`, 'not_descending', 'List priority bands from the highest threshold down.'));
    if (mins.at(-1) !== 0) issues.push(issue(`${at}.priority.bands`, 'no_floor', 'The last band must start at 0, so every score has a band.'));
  }
  return issues;
}

/** States of `previous` that `next` lacks, and are not mapped by `migration` to a state `next` has. */
export function checkMigration(previous: CaseType, next: CaseTypeInput, migration: Migration | undefined, at = 'body.migration'): FieldIssue[] {
  const nextStates = new Set(next.workflow.states.map((s) => s.id));
  const issues: FieldIssue[] = [];
  for (const state of previous.workflow.states) {
    if (nextStates.has(state.id) && !migration?.states[state.id]) continue;
    const target = migration?.states[state.id];
    if (target === undefined) {
      issues.push(
        issue(
          `${at}.states.${state.id}`,
          'required',
          `Version ${previous.version} has state ${state.id}, which the new version lacks: map it to one of ${[...nextStates].join(', ')}.`,
        ),
      );
    } else if (!nextStates.has(target)) {
      issues.push(issue(`${at}.states.${state.id}`, 'unknown_state', `${target} is not a state of the new version.`));
    }
  }
  for (const from of Object.keys(migration?.states ?? {})) {
    if (!previous.workflow.states.some((s) => s.id === from))
      issues.push(issue(`${at}.states.${from}`, 'unknown_state', `${from} is not a state of version ${previous.version}.`));
  }
  return issues;
}

export const stateOf = (type: CaseType, id: string): WorkflowState | undefined => type.workflow.states.find((s) => s.id === id);
export const fieldOf = (type: Pick<CaseType, 'fields'>, name: string): FieldDefinition | undefined => type.fields.find((f) => f.name === name);
export const canReadRestricted = (type: Pick<CaseType, 'clearance'>, roles: readonly Role[]) => roles.some((r) => type.clearance.includes(r));
export type { Condition, Priority };
