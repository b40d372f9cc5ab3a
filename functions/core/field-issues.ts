/**
 * Zod's complaints as Caseway's problems name them: the field as a dotted path
 * (`body.fields.amount`, `detail.caseId`), rule `required` where nothing was given, a
 * shared building block's own rule name, and for a union the complaints of the
 * alternative the input came closest to, so the problem names the field rather than
 * "none of these". One translation for the API and the event handlers alike.
 */
import type * as z from 'zod';
import type { FieldIssue } from './errors.js';

type ZodIssue = z.ZodError['issues'][number];

/** The value at `path` inside `input`, or undefined where the path leads nowhere. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * The alternative of a union the input came closest to: the one whose complaints
 * reach deepest into the input (it recognised the most), then the one with fewest.
 * Undefined when none got past the union's own level: then "none of these" is the news.
 */
function closestAlternative(alternatives: readonly (readonly ZodIssue[])[]): readonly ZodIssue[] | undefined {
  const reach = (issues: readonly ZodIssue[]) => Math.max(0, ...issues.map((i) => i.path.length));
  const best = [...alternatives].filter((a) => a.length > 0).sort((a, b) => reach(b) - reach(a) || a.length - b.length)[0];
  return best && reach(best) > 0 ? best : undefined;
}

/** Union complaints replaced by those of the alternative the input was closest to. */
function flatIssues(issues: readonly ZodIssue[], prefix: readonly PropertyKey[] = []): ZodIssue[] {
  return issues.flatMap((issue) => {
    const at = { ...issue, path: [...prefix, ...issue.path] } as ZodIssue;
    if (issue.code !== 'invalid_union') return [at];
    const closest = closestAlternative(issue.errors as ZodIssue[][]);
    return closest ? flatIssues(closest, at.path) : [at];
  });
}

/** `unknownKey` may say where a field the input should not carry belongs instead. */
export function fieldIssues(
  error: z.ZodError,
  where: string,
  input: unknown,
  unknownKey: (field: string) => string | undefined = () => undefined,
): FieldIssue[] {
  return flatIssues(error.issues).flatMap((issue) => {
    const base = [where, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: `${base}.${key}`,
        rule: 'unrecognized_key',
        message: unknownKey(`${base}.${key}`) ?? `${key} is not a known field here.`,
      }));
    }
    const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    // A shared building block (SafeNumber, say) names its own rule; other custom checks stay 'custom'.
    const named = issue.code === 'custom' && typeof issue.params?.rule === 'string' ? issue.params.rule : undefined;
    return [{ field: base, rule: missing ? 'required' : (named ?? issue.code), message: missing ? 'Required.' : issue.message }];
  });
}
