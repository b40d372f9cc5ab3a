/**
 * What a firing SLA timer needs from SLA policy storage: the policy version the
 * case's SLA runs under (its warning percent and escalation ladder) and its
 * business calendar. Both are sla-core's data; this is the seam the timers read
 * them through (sla-core's store by default), so timer logic does not depend
 * on how policies are stored.
 */
import type { SlaSetup } from '#core/sla/case-sla.js';
import type { SlaState } from '#core/sla/state.js';
import { slaCalendars, slaPolicies } from './dynamodb/config-kinds.js';

export interface SlaRules {
  /** The policy version and calendar this SLA state was computed under. */
  setup(sla: SlaState): Promise<SlaSetup>;
}

/**
 * The rules as stored by sla-core: the exact policy version the SLA names and
 * the calendar's current version, both through the config cache the case write
 * paths read too, so a publish is seen by both at once.
 */
export function storedSlaRules(): SlaRules {
  return {
    async setup(sla) {
      const [policy, calendar] = await Promise.all([slaPolicies.version(sla.policyId, sla.policyVersion), slaCalendars.current(sla.calendarId)]);
      if (!policy) throw new Error(`SLA policy ${sla.policyId} version ${sla.policyVersion} is missing from the store`);
      if (!calendar) throw new Error(`SLA calendar ${sla.calendarId} is missing from the store`);
      return { policy, calendar };
    },
  };
}

let installed: SlaRules | undefined;

export function useSlaRules(rules: SlaRules): void {
  installed = rules;
}

/** The rules of this process: sla-core's store unless a test installed its own. */
export function slaRules(): SlaRules {
  installed ??= storedSlaRules();
  return installed;
}
