/**
 * The SLA clock state machine, locally: the same ASL file, its Check task run by
 * the same handler module (imported as a cold start would, so it shares this
 * process's clock and configuration), installed as the process's timer service.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { useTimerStarter } from '../../functions/adapters/timers.js';
import { localSubstitutions, slaClockMachine } from '../topology/state-machines.js';
import { LocalStateMachine, type LocalExecution, type ObservableClock, type TaskHandler } from './step-functions.js';

export async function startLocalSlaTimers(rootDir: string, clock: ObservableClock, onFailure?: (execution: LocalExecution) => void): Promise<LocalStateMachine> {
  const tasks: Record<string, TaskHandler> = {};
  for (const [state, task] of Object.entries(slaClockMachine.tasks)) {
    const module = (await import(pathToFileURL(resolve(rootDir, task.entry)).href)) as { handler: TaskHandler };
    tasks[state] = (input) => module.handler(input);
  }
  const machine = new LocalStateMachine({
    definitionFile: resolve(rootDir, slaClockMachine.definition),
    substitutions: localSubstitutions(slaClockMachine),
    tasks,
    clock,
    ...(onFailure ? { onFailure } : {}),
  });
  useTimerStarter(machine);
  return machine;
}
