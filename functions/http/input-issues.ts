/** Zod's complaints about a request as the API's problems name them (read no configuration, so declarations may import it). */
import type * as z from 'zod';
import type { FieldIssue } from '#core/errors.js';
import { fieldIssues } from '#core/field-issues.js';

/** Fields a client may send by habit that live elsewhere: the unknown-field problem says where. */
const ELSEWHERE: Readonly<Record<string, string>> = {
  'body.status': 'The state of a case changes only along its workflow: POST /cases/{id}/transitions with the target state.',
};

/** Zod's complaints as the API's problems name them, with a hint where a field lives elsewhere. */
export function issuesOf(error: z.ZodError, where: string, input: unknown): FieldIssue[] {
  return fieldIssues(error, where, input, (field) => ELSEWHERE[field]);
}
