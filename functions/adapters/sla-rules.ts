/**
 * What a firing SLA timer needs from SLA policy storage: the policy version the
 * case's SLA runs under (its warning percent and escalation ladder) and its
 * business calendar. Both are sla-core's data; this is the seam the timers read
 * them through (sla-core's store by default), so timer logic does not depend
 * on how policies are stored.
 */
import type { SlaSetup } from '../core/sla/case-sla.js';
import type { Calendar } from '../core/sla/calendar.js';
import type { SlaPolicy, SlaState } from '../core/sla/state.js';
import * as slaStore from './dynamodb/sla-repository.js';

export interface SlaRules {
  /** The policy version and calendar this SLA state was computed under. */
  setup(sla: SlaState): Promise<SlaSetup>;
}

const CALENDAR_CACHE_MS = 10_000;

/**
 * The rules as stored by sla-core: the exact policy version the SLA names
 * (versions never change, so they are kept once read) and the calendar's current
 * version, briefly cached (a timer never runs under a calendar older than that).
 */
export function storedSlaRules(): SlaRules {
  const policies = new Map<string, Promise<SlaPolicy | undefined>>();
  const calendars = new Map<string, { at: number; calendar: Promise<Calendar | undefined> }>();
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
  const calendarOf = (id: string) => {
    const hit = calendars.get(id);
    if (hit && Date.now() - hit.at <= CALENDAR_CACHE_MS) return hit.calendar;
    const calendar = slaStore.getCurrentCalendar(id);
    calendars.set(id, { at: Date.now(), calendar });
    calendar.catch(() => calendars.delete(id));
    return calendar;
  };
  return {
    async setup(sla) {
      const [policy, calendar] = await Promise.all([policyOf(sla.policyId, sla.policyVersion), calendarOf(sla.calendarId)]);
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
