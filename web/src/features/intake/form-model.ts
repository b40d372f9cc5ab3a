/**
 * Which questions of a case type's intake form a requester sees, and which are required:
 * only public fields, each shown while its `showIf` holds and required when `required` or
 * its `requiredIf` holds, evaluated by the API's own condition code (functions/core). The
 * API validates the submission again; this only shapes the form.
 */
import { holds, type Facts } from '../../../../functions/core/condition-eval';
import type { CaseField, CaseType, FieldValue } from '../../api/types';

export type Answers = Record<string, FieldValue | undefined>;

export interface Question {
  readonly field: CaseField;
  readonly required: boolean;
}

export function visibleQuestions(type: CaseType, answers: Answers): Question[] {
  const facts = answers as Facts;
  const fields = new Map(type.fields.map((field) => [field.name, field]));
  return (type.intake?.questions ?? []).flatMap((question) => {
    const field = fields.get(question.field);
    // The portal asks only what a requester may see and give.
    if (!field || (field.sensitivity ?? 'public') !== 'public') return [];
    if (question.showIf && !holds(question.showIf as never, facts)) return [];
    return [{ field, required: Boolean(field.required) || (field.requiredIf ? holds(field.requiredIf as never, facts) : false) }];
  });
}

const isAnswered = (value: FieldValue | undefined) => value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0);

/** The answers to send: those of visible questions only, empty ones left out. */
export function answersToSend(type: CaseType, answers: Answers): Record<string, FieldValue> {
  const shown = new Set(visibleQuestions(type, answers).map((q) => q.field.name));
  return Object.fromEntries(Object.entries(answers).filter((entry): entry is [string, FieldValue] => shown.has(entry[0]) && isAnswered(entry[1])));
}

/** Where a problem's field error belongs on the form: `body.fields.orderNumber` -> `orderNumber`, `body.subject` -> `subject`. */
export function formFieldOf(problemField: string): string {
  const path = problemField.replace(/^body\./, '');
  return path.startsWith('fields.') ? path.slice('fields.'.length).split('.')[0]! : path.split('.')[0]!;
}
