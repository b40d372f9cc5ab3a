/**
 * What a firing SLA timer needs from SLA policy storage: the policy version the
 * case's SLA runs under (its warning percent and escalation ladder) and its
 * business calendar. Both are sla-core's data; this is the seam the timers read
 * them through, installed once per process (sla-core's loader at cold start,
 * tests their own), so timer logic does not depend on how policies are stored.
 */
import type { SlaSetup } from '../core/sla/case-sla.js';
import type { SlaState } from '../core/sla/state.js';

export interface SlaRules {
  /** The policy version and calendar this SLA state was computed under. */
  setup(sla: SlaState): Promise<SlaSetup>;
}

let installed: SlaRules | undefined;

export function useSlaRules(rules: SlaRules): void {
  installed = rules;
}

export function slaRules(): SlaRules {
  if (!installed) throw new Error('No SLA rules installed: the SLA policy store must be wired before timers run (see functions/adapters/sla-rules.ts).');
  return installed;
}
