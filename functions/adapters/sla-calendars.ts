/**
 * The current version of each business calendar, cached briefly in this container:
 * the case write paths and the SLA timers read calendars through here, so both
 * see a newly published version at the same moment (at once in the container that
 * published it, within `CACHE_MS` elsewhere).
 */
import type { Calendar } from '../core/sla/calendar.js';
import { getCurrentCalendar } from './dynamodb/sla-repository.js';

const CACHE_MS = 10_000;
const cache = new Map<string, { at: number; calendar: Promise<Calendar | undefined> }>();

export function currentCalendar(calendarId: string): Promise<Calendar | undefined> {
  const hit = cache.get(calendarId);
  if (hit && Date.now() - hit.at <= CACHE_MS) return hit.calendar;
  const calendar = getCurrentCalendar(calendarId);
  cache.set(calendarId, { at: Date.now(), calendar });
  calendar.catch(() => cache.delete(calendarId));
  return calendar;
}

/** After a publish in this container. */
export function forgetCalendars(): void {
  cache.clear();
}
