/**
 * What a firing SLA timer needs from the SLA policy: the escalation ladder of the
 * policy version the case follows, and business-minute maths on its calendar.
 * Both belong to sla-core (policies and calendars are its data); this is the seam
 * the timers read them through, so the timer logic does not depend on how they
 * are stored. A process installs the implementation once (sla-core's, at cold
 * start); nothing here decides business time itself.
 */
import type { BusinessInstant } from '../core/sla/timer-steps.js';
import type { EscalationRung, SlaState } from '../core/sla/state.js';

export interface SlaRules {
  /** The ladder of the policy version the case's SLA was computed under (empty: none). */
  ladder(sla: SlaState): Promise<readonly EscalationRung[]>;
  /** Business-minute arithmetic on the case's calendar. */
  businessInstant(sla: SlaState): Promise<BusinessInstant>;
}

let installed: SlaRules | undefined;

export function useSlaRules(rules: SlaRules): void {
  installed = rules;
}

export function slaRules(): SlaRules {
  if (!installed) throw new Error('No SLA rules installed: the SLA policy store must be wired before timers run (see functions/adapters/sla-rules.ts).');
  return installed;
}
