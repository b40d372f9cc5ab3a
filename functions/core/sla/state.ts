/**
 * The SLA state a case carries (contract 4 of the brief; owned by the sla-core
 * work, which replaces this file with its own): one clock per commitment, each
 * with the instants it warns and breaches at while running, and a generation
 * that every re-arm bumps so a timer armed for an older one does nothing.
 */
export const CLOCK_NAMES = ['firstResponse', 'nextResponse', 'resolution'] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

export interface ClockState {
  readonly status: 'running' | 'paused' | 'met' | 'breached' | 'stopped';
  /** Business minutes. */
  readonly targetMinutes: number;
  /** Business minutes accumulated before `runningSince`. */
  readonly elapsedMinutes: number;
  readonly runningSince: string | null;
  readonly warnAt: string | null;
  readonly dueAt: string | null;
  readonly metAt: string | null;
  readonly breachedAt: string | null;
  readonly generation: number;
}

export interface SlaState {
  readonly policyId: string;
  readonly policyVersion: number;
  readonly calendarId: string;
  readonly entitlement: { readonly id: string; readonly level: string } | null;
  readonly clocks: Partial<Record<ClockName, ClockState>>;
  /** Earliest dueAt of a running clock. */
  readonly nextDueAt: string | null;
  /** Rungs of the escalation ladder already climbed. */
  readonly escalationLevel: number;
}

export const ESCALATION_ACTIONS = ['alertSupervisor', 'reassign', 'raisePriority', 'notifyCustomer'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

export interface EscalationRung {
  /** Business minutes after the step before it (the breach, for the first rung). */
  readonly afterMinutes: number;
  readonly action: EscalationAction;
  readonly queue?: string;
  readonly priority?: 'low' | 'medium' | 'high' | 'urgent';
  readonly template?: string;
}
