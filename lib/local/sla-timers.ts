/**
 * The SLA clock state machine, locally: the same ASL file, its Check task run by
 * the same handler module (imported as a cold start would, so it shares this
 * process's clock and configuration), installed as the process's timer service.
 *
 * In AWS an armed clock is a Step Functions execution, which outlives any process.
 * Locally the executions live in this process, so on every start the platform
 * re-arms them from the table (`rearmFromTable`): every case's `#SLA` item, through
 * the same use case the arming consumer runs (`armCase`), which starts one execution
 * per clock with a step ahead, at the instant the table says, by the platform's clock.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { useTimerStarter } from '#adapters/timers.js';
import { localSubstitutions, slaClockMachine } from '#topology/state-machines.js';
import { loadFunction, runAs } from './function-loader.js';
import { LocalStateMachine, type LocalExecution, type ObservableClock, type TaskHandler } from './step-functions.js';

export async function startLocalSlaTimers(
  rootDir: string,
  clock: ObservableClock,
  onFailure?: (execution: LocalExecution) => void,
): Promise<LocalStateMachine> {
  const tasks: Record<string, TaskHandler> = {};
  for (const [state, task] of Object.entries(slaClockMachine.tasks)) {
    const module = await loadFunction<{ handler: TaskHandler }>(rootDir, task.function);
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

/** The sort key of a case's SLA item (`slaKey` in functions/adapters/dynamodb/keys.ts). */
const SLA_SORT_KEY = '#SLA';
/** Cases re-armed at once: each is a few reads. */
const CONCURRENCY = 8;

type ArmCase = typeof import('#services/sla-timers.js').armCase;

/**
 * Re-arm the timers of every case whose SLA item holds clocks: running ones (their
 * warning or breach) and breached ones (the next rung of their ladder). Local only,
 * at start-up, so a Scan: the due-soon index (gsi5) holds running clocks only, and
 * a breached clock still climbing its ladder must come back too. Returns the number
 * of executions started. Call once the handlers' environment is set.
 */
export async function rearmFromTable(input: {
  rootDir: string;
  client: DynamoDBDocumentClient;
  tableName: string;
  timers: LocalStateMachine;
}): Promise<number> {
  const { armCase } = (await import(pathToFileURL(resolve(input.rootDir, 'functions/services/sla-timers.ts')).href)) as { armCase: ArmCase };
  const caseIds: string[] = [];
  let from: Record<string, unknown> | undefined;
  do {
    const page = await input.client.send(
      new ScanCommand({
        TableName: input.tableName,
        FilterExpression: 'sk = :sla AND attribute_type(sla, :map)',
        ProjectionExpression: 'caseId',
        ExpressionAttributeValues: { ':sla': SLA_SORT_KEY, ':map': 'M' },
        ...(from ? { ExclusiveStartKey: from } : {}),
      }),
    );
    for (const item of page.Items ?? []) if (typeof item.caseId === 'string') caseIds.push(item.caseId);
    from = page.LastEvaluatedKey;
  } while (from);
  let started = 0;
  for (let i = 0; i < caseIds.length; i += CONCURRENCY) {
    // In the arming consumer's environment: it is that function's use case.
    const plans = await Promise.all(
      caseIds.slice(i, i + CONCURRENCY).map((caseId) => runAs('sla-arming', () => armCase(caseId, undefined, input.timers))),
    );
    started += plans.reduce((sum, plan) => sum + plan.start.length, 0);
  }
  return started;
}
