/**
 * Conditions as data: when an intake question shows, when a field becomes
 * required, when a transition's guard holds. One small language, so a case type
 * can be read (and checked at publish time) without running code.
 *
 *   { "field": "claimType", "op": "equals", "value": "auto" }
 *   { "all": [ ... ] }   { "any": [ ... ] }   { "not": { ... } }
 *
 * `field` names a custom field, or one of the case's own attributes in
 * `CASE_ATTRIBUTES` (`priority`, `channel`, ...).
 */
import * as z from 'zod';
import { SafeNumber } from './input-limits.js';
import { COMPARISONS, type Condition } from './condition-eval.js';

export { COMPARISONS, holds, type Comparison, type Condition, type Facts } from './condition-eval.js';

/** Case attributes a condition may test besides custom fields. */
export const CASE_ATTRIBUTES = ['priority', 'channel', 'status', 'owner', 'queue'] as const;

const Scalar = z.union([z.string().max(200), SafeNumber, z.boolean()]);

const Comparison_ = z
  .object({
    field: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/),
    op: z.enum(COMPARISONS),
    value: z.union([Scalar, z.array(z.union([z.string().max(200), SafeNumber])).max(50)]).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const needsValue = !['present', 'absent'].includes(c.op);
    if (needsValue && c.value === undefined) ctx.addIssue({ code: 'custom', message: `op ${c.op} needs a value`, path: ['value'] });
    if ((c.op === 'in' || c.op === 'notIn') && !Array.isArray(c.value))
      ctx.addIssue({ code: 'custom', message: `op ${c.op} needs a list`, path: ['value'] });
    if (['gt', 'gte', 'lt', 'lte'].includes(c.op) && typeof c.value !== 'number' && typeof c.value !== 'string') {
      ctx.addIssue({ code: 'custom', message: `op ${c.op} compares with a number or a date`, path: ['value'] });
    }
  });

// The id makes the OpenAPI document refer to the recursive schema by name instead of unrolling it forever.
export const ConditionSchema: z.ZodType<Condition> = z
  .lazy(() =>
    z.union([
      Comparison_,
      z.object({ all: z.array(ConditionSchema).min(1).max(20) }).strict(),
      z.object({ any: z.array(ConditionSchema).min(1).max(20) }).strict(),
      z.object({ not: ConditionSchema }).strict(),
    ]),
  )
  .meta({ id: 'Condition', description: 'A comparison of a field with a value, or all/any/not of conditions.' }) as z.ZodType<Condition>;

/** Every field a condition reads, so a type can be checked for references to fields it does not define. */
export function fieldsReadBy(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(fieldsReadBy);
  if ('any' in condition) return condition.any.flatMap(fieldsReadBy);
  if ('not' in condition) return fieldsReadBy(condition.not);
  return [condition.field];
}

/** A condition as a sentence, for messages and the workflow map. */
export function describeCondition(condition: Condition): string {
  if ('all' in condition) return condition.all.map(describeCondition).join(' and ');
  if ('any' in condition) return `(${condition.any.map(describeCondition).join(' or ')})`;
  if ('not' in condition) return `not (${describeCondition(condition.not)})`;
  const value = condition.value === undefined ? '' : ` ${JSON.stringify(condition.value)}`;
  return `${condition.field} ${condition.op}${value}`;
}
