/**
 * The example case types Caseway ships: customer support, an insurance claim and a
 * fraud investigation, as the data an admin would POST to `/case-types`. `npm start`
 * loads them into an empty table; in AWS, load them (or your own) through the API.
 */
import { readFileSync } from 'node:fs';

export const EXAMPLE_CASE_TYPE_FILES = ['support.json', 'insurance-claim.json', 'fraud-investigation.json', 'device-alert.json'] as const;

/** Each example as the body of `POST /case-types`. */
export function exampleCaseTypes(): Record<string, unknown>[] {
  return EXAMPLE_CASE_TYPE_FILES.map((file) => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as Record<string, unknown>);
}
