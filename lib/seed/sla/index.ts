/**
 * The example SLA configuration Caseway ships: a London office calendar (Mon-Fri
 * 08:00-12:00 and 13:00-17:00, England and Wales bank holidays) and Basic, Silver,
 * Gold and Gold-urgent policies for the `support` type, as the bodies an admin
 * would POST to `/sla/calendars` and `/sla/policies`. `npm start` loads them into a
 * table that has none; in AWS, load them (or your own) through the API.
 */
import { readFileSync } from 'node:fs';

export const EXAMPLE_CALENDAR_FILES = ['london-office.calendar.json'] as const;
export const EXAMPLE_POLICY_FILES = [
  'support-basic.policy.json',
  'support-silver.policy.json',
  'support-gold.policy.json',
  'support-gold-urgent.policy.json',
] as const;

const read = (file: string) => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as Record<string, unknown>;

export const exampleCalendars = (): Record<string, unknown>[] => EXAMPLE_CALENDAR_FILES.map(read);
export const examplePolicies = (): Record<string, unknown>[] => EXAMPLE_POLICY_FILES.map(read);
