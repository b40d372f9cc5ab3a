/**
 * Load the example SLA calendar and policies through the admin API, as an admin
 * would, into a table that has no policies yet (what an admin published is theirs).
 */
import { exampleCalendars, examplePolicies } from '../seed/sla/index.js';

export async function seedSla(url: string, adminToken: string): Promise<void> {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const listed = await fetch(`${url}/sla/policies`, { headers });
  if (!listed.ok) throw new Error(`Could not list SLA policies to seed them: ${listed.status} ${await listed.text()}`);
  if (((await listed.json()) as { items: unknown[] }).items.length > 0) return;
  for (const [path, bodies] of [
    ['/sla/calendars', exampleCalendars()],
    ['/sla/policies', examplePolicies()],
  ] as const) {
    for (const body of bodies) {
      const response = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      // 409: another platform on the same table seeded it first.
      if (!response.ok && response.status !== 409)
        throw new Error(`Could not load example ${path} ${JSON.stringify(body).slice(0, 60)}: ${response.status} ${await response.text()}`);
    }
  }
}
