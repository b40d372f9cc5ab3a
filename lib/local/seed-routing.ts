/**
 * Load the example routing agents through the admin API, as an admin would, into
 * a table that has no agents yet (the agents an admin defined there are theirs).
 */
import { exampleAgents } from '../seed/routing/index.js';

export async function seedRouting(url: string, adminToken: string): Promise<void> {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const listed = await fetch(`${url}/routing/agents`, { headers });
  if (!listed.ok) throw new Error(`Could not list routing agents to seed them: ${listed.status} ${await listed.text()}`);
  if (((await listed.json()) as { items: unknown[] }).items.length > 0) return;
  for (const { agentId, body } of exampleAgents()) {
    // If-Match 0: create only; 412 means another platform on the same table seeded it first.
    const response = await fetch(`${url}/routing/agents/${encodeURIComponent(agentId)}`, {
      method: 'PUT',
      headers: { ...headers, 'if-match': '"0"' },
      body: JSON.stringify(body),
    });
    if (!response.ok && response.status !== 412)
      throw new Error(`Could not load example agent ${agentId}: ${response.status} ${await response.text()}`);
  }
}
