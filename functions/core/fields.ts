/**
 * Custom fields against their case type: is each value of the right kind, may
 * this caller write it, is everything required present, and what may a caller
 * read. Issues name the field (`body.fields.<name>`) and the rule, as the API
 * promises; nothing here throws, so one request reports every problem at once.
 */
import { type Caller, isStaff } from './caller.js';
import { type CaseType, fieldOf, fieldValueProblem, type Sensitivity } from './case-type.js';
import { type Condition, describeCondition, type Facts, holds } from './conditions.js';
import type { FieldIssue } from './errors.js';
import { accessFor, fieldFilter } from './visibility.js';
import type { FieldValue } from './vocabulary.js';

export type Fields = Readonly<Record<string, FieldValue>>;
/** A change to fields: a value sets, null removes. */
export type FieldsPatch = Readonly<Record<string, FieldValue | null>>;

/** Case attributes conditions may read, beside the custom fields. */
export interface CaseFacts {
  readonly priority?: string;
  readonly channel?: string;
  readonly status?: string;
  readonly owner?: string | null;
  readonly queue?: string;
}

export const factsOf = (fields: Fields, attributes: CaseFacts): Facts => ({ ...fields, ...attributes });

export interface FieldCheck {
  /** The type the case is on. */
  readonly type: CaseType;
  readonly caller: Caller;
  /** Intake checks the form (question visibility, required answers); update checks a change to an open case. */
  readonly mode: 'intake' | 'update';
  /** The fields before the change (none at intake). */
  readonly current: Fields;
  readonly change: FieldsPatch;
  readonly attributes: CaseFacts;
  /** Where the fields sit in the request, for issue paths. */
  readonly at?: string;
}

export interface FieldCheckResult {
  /** The fields after the change. */
  readonly fields: Record<string, FieldValue>;
  /** Values that are wrong: 400. */
  readonly invalid: FieldIssue[];
  /** Values the caller may not write: 403. */
  readonly forbidden: FieldIssue[];
}

/** A caller writes exactly the fields they may read: the one visibility rule decides both. */
const mayWrite = (sensitivity: Sensitivity, type: CaseType, caller: Caller): boolean => accessFor(sensitivity, type.clearance, caller) === 'read';

/**
 * Check a change to a case's custom fields and return the fields it leads to.
 * Requesters may write only the public fields their intake form asks (and, later,
 * those public fields again); staff any field their clearance lets them read.
 */
export function checkFields(check: FieldCheck): FieldCheckResult {
  const { type, caller, mode, current, change } = check;
  const at = check.at ?? 'body.fields';
  const invalid: FieldIssue[] = [];
  const forbidden: FieldIssue[] = [];
  const next: Record<string, FieldValue> = { ...current };

  for (const [name, value] of Object.entries(change)) {
    const def = fieldOf(type, name);
    if (!def) {
      invalid.push({ field: `${at}.${name}`, rule: 'unknown_field', message: `${type.name} (version ${type.version}) has no field ${name}.` });
      continue;
    }
    if (!mayWrite(def.sensitivity, type, caller)) {
      forbidden.push({ field: `${at}.${name}`, rule: 'not_permitted', message: `${name} is ${def.sensitivity}: you may not write it.` });
      continue;
    }
    if (value === null) {
      delete next[name];
      continue;
    }
    const problem = fieldValueProblem(def, value);
    if (problem) invalid.push({ field: `${at}.${name}`, ...problem });
    else next[name] = value;
  }

  const facts = factsOf(next, check.attributes);
  if (mode === 'intake') {
    // Walk the form top to bottom: a hidden question must not be answered, a shown required one must be.
    const shown = new Set<string>();
    for (const question of type.intake.questions) {
      const visible = !question.showIf || holds(question.showIf, facts);
      if (visible) shown.add(question.field);
      else if (next[question.field] !== undefined && change[question.field] !== undefined) {
        invalid.push({
          field: `${at}.${question.field}`,
          rule: 'not_applicable',
          message: `${question.field} is asked only when ${describeShowIf(question.showIf)}, which does not hold here; leave it out.`,
        });
        delete next[question.field];
      }
    }
    if (!isStaff(caller)) {
      for (const name of Object.keys(change)) {
        const refused = forbidden.some((issue) => issue.field === `${at}.${name}`);
        if (!refused && fieldOf(type, name) && !type.intake.questions.some((q) => q.field === name)) {
          forbidden.push({ field: `${at}.${name}`, rule: 'not_on_form', message: `${name} is not on the intake form; staff fill it in.` });
        }
      }
    }
    for (const def of type.fields) {
      if (def.required && shown.has(def.name) && next[def.name] === undefined && !invalid.some((i) => i.field === `${at}.${def.name}`)) {
        invalid.push({ field: `${at}.${def.name}`, rule: 'required', message: `${def.label} is required.` });
      }
    }
  } else {
    for (const def of type.fields) {
      if (def.required && current[def.name] !== undefined && next[def.name] === undefined) {
        invalid.push({ field: `${at}.${def.name}`, rule: 'required', message: `${def.label} is required and cannot be removed.` });
      }
    }
  }
  // requiredIf binds in every mode, but only a change that touches the condition or the field is held to it,
  // so a case that predates a rule is not frozen by it.
  for (const def of type.fields) {
    if (!def.requiredIf || next[def.name] !== undefined || invalid.some((i) => i.field === `${at}.${def.name}`)) continue;
    if (holds(def.requiredIf, facts)) {
      invalid.push({ field: `${at}.${def.name}`, rule: 'required', message: `${def.label} is required when ${describeShowIf(def.requiredIf)}.` });
    }
  }
  return { fields: next, invalid, forbidden };
}

const describeShowIf = (condition: Condition | undefined): string => (condition ? describeCondition(condition) : 'always');

/** What a caller may read of a case's fields: requesters the public ones; staff all but what needs clearance they lack. */
export function readableFields(
  type: Pick<CaseType, 'fields' | 'clearance'>,
  fields: Fields,
  caller: Caller,
): { fields: Record<string, FieldValue>; redacted: string[] } {
  return fieldFilter(type, caller).values(fields);
}

/** The sensitivity a field change is recorded with in the audit trail (so history and events redact without the type). */
export const sensitivityOf = (type: Pick<CaseType, 'fields'>, name: string): Sensitivity => fieldOf(type, name)?.sensitivity ?? 'internal';
