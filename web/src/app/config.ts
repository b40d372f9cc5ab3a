/** The run-time configuration (`/config.json`), read once before anything renders. */
import type { ConsoleConfig } from '../../../functions/topology/console-config';

export type { ConsoleConfig };

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  return (await response.json()) as ConsoleConfig;
}
