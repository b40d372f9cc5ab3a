/**
 * Priority as a visible score. A case type's formula blends inputs (impact,
 * urgency, risk...) read from the case's fields into one number from 0 to 100,
 * and the score falls into a band (low..urgent). The inputs travel with the score,
 * so anyone can see why a case is urgent. Staff may override the band, with a
 * reason; the score stays beside the override.
 */
import type { PriorityFormula } from './case-type.js';
import type { Facts } from './conditions.js';
import type { Priority } from './vocabulary.js';

export interface PriorityInputValue {
  readonly name: string;
  readonly field: string;
  /** The field's value, or null when it had none and the input's default was assumed. */
  readonly value: unknown;
  readonly points: number;
  readonly weight: number;
  readonly assumed: boolean;
}

export interface PriorityOverride {
  readonly priority: Priority;
  readonly by: string;
  readonly at: string;
  readonly reason?: string;
}

export interface PriorityScore {
  readonly score: number;
  /** The band the score falls in: the case's priority unless overridden. */
  readonly band: Priority;
  readonly inputs: readonly PriorityInputValue[];
  readonly override?: PriorityOverride;
}

function pointsFor(input: PriorityFormula['inputs'][number], value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && input.min !== undefined && input.max !== undefined) {
    const scaled = ((value - input.min) / (input.max - input.min)) * 100;
    return Math.min(100, Math.max(0, scaled));
  }
  if (Array.isArray(value)) {
    // A multi-choice input counts its most serious choice.
    const points = value.map((v) => input.points?.[String(v)]).filter((p): p is number => p !== undefined);
    return points.length > 0 ? Math.max(...points) : undefined;
  }
  return input.points?.[String(value)];
}

export function scorePriority(formula: PriorityFormula, facts: Facts): Omit<PriorityScore, 'override'> {
  const inputs = formula.inputs.map((input): PriorityInputValue => {
    const value = facts[input.field];
    const points = pointsFor(input, value);
    return {
      name: input.name,
      field: input.field,
      value: points === undefined ? null : value,
      points: points ?? input.default,
      weight: input.weight,
      assumed: points === undefined,
    };
  });
  const totalWeight = inputs.reduce((sum, i) => sum + i.weight, 0);
  const score = Math.round(inputs.reduce((sum, i) => sum + i.points * i.weight, 0) / totalWeight);
  const band = formula.bands.find((b) => score >= b.min)?.priority ?? formula.bands.at(-1)!.priority;
  return { score, band, inputs };
}

/** The case's priority: the override if there is one, else the band. */
export const effectivePriority = (score: PriorityScore): Priority => score.override?.priority ?? score.band;
