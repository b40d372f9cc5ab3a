/**
 * What a firing SLA timer needs from SLA policy storage: the policy version the
 * case's SLA runs under (its warning percent and escalation ladder) and its
 * business calendar. Both are sla-core's data; this is the seam the timers read
 * them through (sla-core's store by default), so timer logic does not depend
 * on how policies are stored.
 */
import type { SlaSetup } from '../core/sla/case-sla.js';
import type { SlaPolicy, SlaState } from '../core/sla/state.js';
import * as slaStore from './dynamodb/sla-repository.js';
import { currentCalendar } from './sla-calendars.js';

export interface SlaRules {
  /** The policy version and calendar this SLA state was computed under. */
  setup(sla: SlaState): Promise<SlaSetup>;
}

/**
 * The rules as stored by sla-core: the exact policy version the SLA names
 * (versions never change, so they are kept once read) and the calendar's current
 * version, through the same brief cache the case write paths read
 * (`sla-calendars.ts`), so a publish is seen by both at once.
 */
export function storedSlaRules(): SlaRules {
  const policies = new Map<string, Promise<SlaPolicy | undefined>>();
  const policyOf = (id: string, version: number) => {
    const key = `${id}#${version}`;
    let hit = policies.get(key);
    if (!hit) {
      hit = slaStore.getPolicyVersion(id, version);
      policies.set(key, hit);
      hit.then((p) => p ?? policies.delete(key), () => policies.delete(key));
    }
    return hit;
  };
  return {
    async setup(sla) {
      const [policy, calendar] = await Promise.all([policyOf(sla.policyId, sla.policyVersion), currentCalendar(sla.calendarId)]);
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
