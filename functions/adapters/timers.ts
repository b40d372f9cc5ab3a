/**
 * The timer seam: SLA clocks start and stop through this. In AWS a Step Functions
 * execution per clock (its execution name is the idempotency key); locally, the
 * same state machine file run by the platform's Step Functions stand-in
 * (`lib/local/step-functions.ts`), which installs itself here.
 */
import { ExecutionAlreadyExists, ExecutionDoesNotExist, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { config } from '../config.js';

export interface TimerRequest {
  /** Unique per armed clock, e.g. `<caseId>-resolution-<version>`; starting it twice is a no-op. */
  readonly name: string;
  readonly fireAt: Date;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface TimerStarter {
  start(timer: TimerRequest): Promise<void>;
  /** Cancel if running; unknown or finished timers are ignored. */
  stop(name: string): Promise<void>;
}

/**
 * AWS: one Step Functions execution per armed clock. The execution name is the
 * timer's name, so starting it again (a redelivered event) is answered
 * `ExecutionAlreadyExists` and counts as done; stopping uses the execution ARN,
 * which is the machine's ARN with `execution` for `stateMachine` and the name after it.
 */
export class StepFunctionsTimerStarter implements TimerStarter {
  constructor(
    private readonly stateMachineArn: string,
    private readonly client: SFNClient = new SFNClient({}),
  ) {}

  async start(timer: TimerRequest): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: timer.name, input: JSON.stringify(timer.input) }),
      );
    } catch (error) {
      // Same name and same input: the execution this call asked for exists already.
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }

  async stop(name: string): Promise<void> {
    try {
      await this.client.send(
        new StopExecutionCommand({ executionArn: executionArnOf(this.stateMachineArn, name), cause: 'SLA clock re-armed, stopped or met' }),
      );
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return;
      throw error;
    }
  }
}

export function executionArnOf(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  if (parts.length !== 7 || parts[5] !== 'stateMachine') throw new Error(`Not a state machine ARN: ${stateMachineArn}`);
  return [...parts.slice(0, 5), 'execution', parts[6], name].join(':');
}

let localTimers: TimerStarter | undefined;

/** The local platform installs its Step Functions stand-in here (never in AWS). */
export function useTimerStarter(timers: TimerStarter | undefined): void {
  localTimers = timers;
  chosen = undefined;
}

let chosen: TimerStarter | undefined;

/** The timer service of this process: Step Functions when the machine's ARN is configured, else the local stand-in. */
export function timerStarter(): TimerStarter {
  if (chosen) return chosen;
  const arn = config().SLA_STATE_MACHINE_ARN;
  if (arn) return (chosen = new StepFunctionsTimerStarter(arn));
  if (localTimers) return (chosen = localTimers);
  throw new Error('No timer service: set SLA_STATE_MACHINE_ARN (AWS) or start the local platform, which installs its Step Functions stand-in.');
}
