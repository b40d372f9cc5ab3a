/**
 * The example routing agents Caseway ships, one per demo user who takes work:
 * the fraud team's agent and supervisor carry team `fraud`, so the seeded
 * fraud-investigation type (restricted to that team) has someone routing may
 * offer its cases to. Each is the body of `PUT /routing/agents/{agentId}`; they
 * start offline, as every new agent does. `npm start` loads them into a table
 * that has no agents; in AWS, define yours through the API.
 */
import { readFileSync } from 'node:fs';

export interface ExampleAgent {
  readonly agentId: string;
  readonly body: Record<string, unknown>;
}

export function exampleAgents(): ExampleAgent[] {
  const agents = JSON.parse(readFileSync(new URL('agents.json', import.meta.url), 'utf8')) as ({ agentId: string } & Record<string, unknown>)[];
  return agents.map(({ agentId, ...body }) => ({ agentId, body }));
}
