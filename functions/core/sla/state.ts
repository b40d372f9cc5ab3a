/**
 * SLA state as it lives on a case, and SLA policies as versioned data.
 *
 * A case carries up to three clocks (first response, next response, resolution).
 * Each clock counts business minutes under the policy's calendar: `elapsedMinutes`
 * is what was counted before the current running segment, `runningSince` when that
 * segment began, so the elapsed time of a running clock is
 * `elapsedMinutes + businessMinutesBetween(calendar, runningSince, now)` and pausing
 * folds the segment into `elapsedMinutes`. Deadlines (`warnAt`, `dueAt`) are only
 * set while a clock runs; `generation` bumps on every re-arm so a timer armed for an
 * older deadline can tell it is stale and do nothing.
 *
 * Policies are chosen by case type x priority x entitlement level, the most
 * specific match winning (see `choosePolicy` in `policy.ts`).
 */
import * as z from 'zod';
import { CLOCKS, STATE_CATEGORIES, Slug, type StateCategory } from '../case-type.js';
import { PRIORITIES } from '../vocabulary.js';

export type ClockName = (typeof CLOCKS)[number];
export const CLOCK_NAMES: readonly ClockName[] = CLOCKS;

export const CLOCK_STATUSES = ['running', 'paused', 'met', 'breached', 'stopped'] as const;
export type ClockStatus = (typeof CLOCK_STATUSES)[number];

export interface ClockState {
  readonly status: ClockStatus;
  /** Business minutes. */
  readonly targetMinutes: number;
  /** Business minutes accumulated before `runningSince`. */
  readonly elapsedMinutes: number;
  /** ISO instant the current running segment began; null unless running. */
  readonly runningSince: string | null;
  /** ISO instants, null unless running (warnAt also null once the warning threshold is behind the clock). */
  readonly warnAt: string | null;
  readonly dueAt: string | null;
  readonly metAt: string | null;
  readonly breachedAt: string | null;
  /** Bumps on every re-arm: timers carry it, stale timers do nothing. */
  readonly generation: number;
}

export interface SlaEntitlementRef {
  readonly id: string;
  readonly level: string;
}

export interface SlaState {
  readonly policyId: string;
  readonly policyVersion: number;
  readonly calendarId: string;
  /** The entitlement chosen at create; null when none applied (the default policy). */
  readonly entitlement: SlaEntitlementRef | null;
  readonly clocks: Partial<Record<ClockName, ClockState>>;
  /** Earliest dueAt of a running clock (the listing index); null when no clock runs. */
  readonly nextDueAt: string | null;
  /** Rungs of the escalation ladder already climbed. */
  readonly escalationLevel: number;
}

/** The SLA audit actions; every one carries the state before/after in `changes` (field `sla`). */
export const SLA_ACTIONS = [
  'SlaStarted',
  'SlaPaused',
  'SlaResumed',
  'SlaRecomputed',
  'SlaMet',
  'SlaStopped',
  'SlaWarning',
  'SlaBreached',
  'SlaEscalated',
] as const;
export type SlaAction = (typeof SLA_ACTIONS)[number];

// ---------------------------------------------------------------- policies

/** A year of business minutes is the longest target we accept (no clock should run longer). */
const MAX_MINUTES = 366 * 24 * 60;
const Minutes = z.number().int().min(1).max(MAX_MINUTES);
const Label = z.string().trim().min(1).max(120);

export const ESCALATION_ACTIONS = ['alertSupervisor', 'reassign', 'raisePriority', 'notifyCustomer'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

/**
 * One rung of the escalation ladder. `afterMinutes` counts business minutes (under
 * the policy's calendar) after the resolution clock's breach: 0 acts at the breach.
 * Rungs are climbed in order; `SlaState.escalationLevel` says how many were climbed.
 */
export const EscalationRungSchema = z
  .object({
    afterMinutes: z.number().int().min(0).max(MAX_MINUTES),
    action: z.enum(ESCALATION_ACTIONS),
    /** reassign: the queue the case moves to. */
    queue: Slug.optional(),
    /** raisePriority: the priority the case is raised to (never lowered). */
    priority: z.enum(PRIORITIES).optional(),
    /** alertSupervisor / notifyCustomer: the notification template. */
    template: Slug.optional(),
  })
  .strict()
  .superRefine((rung, ctx) => {
    if (rung.action === 'reassign' && !rung.queue)
      ctx.addIssue({ code: 'custom', path: ['queue'], message: 'reassign needs the queue to move the case to' });
    if (rung.action === 'raisePriority' && !rung.priority)
      ctx.addIssue({ code: 'custom', path: ['priority'], message: 'raisePriority needs the priority to raise the case to' });
  });
export type EscalationRung = z.infer<typeof EscalationRungSchema>;

/** Which clock stops counting while a case is in these state categories or states. */
export const PauseRuleSchema = z
  .object({
    clock: z.enum(CLOCKS),
    categories: z.array(z.enum(STATE_CATEGORIES)).max(4).default([]),
    states: z.array(Slug).max(50).default([]),
  })
  .strict();
export type PauseRule = z.infer<typeof PauseRuleSchema>;

/** Waiting on the customer stops the resolution clock unless a policy says otherwise. */
export const DEFAULT_PAUSES: readonly PauseRule[] = [{ clock: 'resolution', categories: ['waiting'], states: [] }];
export const DEFAULT_WARNING_PERCENT = 75;

/** Which cases a policy is for; an absent dimension matches anything. */
export const PolicyMatchSchema = z
  .object({
    caseType: Slug.optional(),
    priority: z.enum(PRIORITIES).optional(),
    /** An entitlement level such as gold; absent: cases with or without an entitlement. */
    entitlementLevel: Slug.optional(),
  })
  .strict();
export type PolicyMatch = z.infer<typeof PolicyMatchSchema>;

export const SlaPolicyInputSchema = z
  .object({
    name: Label,
    description: z.string().trim().min(1).max(1000).optional(),
    calendarId: Slug,
    match: PolicyMatchSchema.default({}),
    /** Business minutes per clock; a clock without a target is not started. */
    targets: z
      .object({ firstResponse: Minutes.optional(), nextResponse: Minutes.optional(), resolution: Minutes.optional() })
      .strict()
      .refine((t) => Object.values(t).some((v) => v !== undefined), { message: 'at least one clock needs a target' }),
    warningPercent: z.number().int().min(1).max(99).default(DEFAULT_WARNING_PERCENT),
    pauses: z
      .array(PauseRuleSchema)
      .max(20)
      .default(() => DEFAULT_PAUSES.map((p) => ({ ...p, categories: [...p.categories], states: [...p.states] }))),
    escalation: z.array(EscalationRungSchema).max(10).default([]),
  })
  .strict()
  .superRefine((policy, ctx) => {
    policy.escalation.forEach((rung, i) => {
      const previous = policy.escalation[i - 1];
      if (previous && rung.afterMinutes < previous.afterMinutes) {
        ctx.addIssue({ code: 'custom', path: ['escalation', i, 'afterMinutes'], message: 'rungs climb in order: afterMinutes may not go down' });
      }
    });
  });
export type SlaPolicyInput = z.infer<typeof SlaPolicyInputSchema>;

export interface SlaPolicy extends SlaPolicyInput {
  readonly policyId: string;
  readonly version: number;
  readonly publishedAt: string;
  readonly publishedBy: string;
}

/** Whether `clock` stops counting in this state under these pause rules. */
export function pausesIn(pauses: readonly PauseRule[], clock: ClockName, status: string, category: StateCategory): boolean {
  return pauses.some((p) => p.clock === clock && (p.categories.includes(category) || p.states.includes(status)));
}
