/**
 * The Step Functions timer service, at the boundary we cannot reach here: the
 * requests it sends (intercepted at `client.send`), and how it treats the
 * service's answers for an execution that exists already or is gone.
 */
import { ExecutionAlreadyExists, ExecutionDoesNotExist, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { executionArnOf, StepFunctionsTimerStarter } from '#adapters/timers.js';

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:CasewaySlaClock-abc123';

function intercepted(answer: (command: unknown) => unknown = () => ({})) {
  const client = new SFNClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const sent: unknown[] = [];
  client.send = (async (command: unknown) => {
    sent.push(command);
    return answer(command);
  }) as SFNClient['send'];
  return { client, sent };
}

describe('StepFunctionsTimerStarter', () => {
  it('starts an execution named for the timer, with its input as JSON', async () => {
    const { client, sent } = intercepted(() => ({ executionArn: 'x', startDate: new Date() }));
    const input = {
      caseId: 'CASE-2026-000001',
      clock: 'resolution',
      generation: 3,
      next: { kind: 'warning', rung: 0, at: '2026-12-01T10:00:00.000Z' },
    };
    await new StepFunctionsTimerStarter(MACHINE, client).start({
      name: 'CASE-2026-000001-resolution-3',
      fireAt: new Date('2026-12-01T10:00:00Z'),
      input,
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(StartExecutionCommand);
    expect((sent[0] as StartExecutionCommand).input).toEqual({
      stateMachineArn: MACHINE,
      name: 'CASE-2026-000001-resolution-3',
      input: JSON.stringify(input),
    });
  });

  it('takes ExecutionAlreadyExists as done: the name is the idempotency key', async () => {
    const { client } = intercepted(() => {
      throw new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} });
    });
    await expect(new StepFunctionsTimerStarter(MACHINE, client).start({ name: 'n', fireAt: new Date(), input: {} })).resolves.toBeUndefined();
  });

  it('passes other errors on, so the event is retried', async () => {
    const { client } = intercepted(() => {
      throw new Error('throttled');
    });
    await expect(new StepFunctionsTimerStarter(MACHINE, client).start({ name: 'n', fireAt: new Date(), input: {} })).rejects.toThrow('throttled');
    await expect(new StepFunctionsTimerStarter(MACHINE, client).stop('n')).rejects.toThrow('throttled');
  });

  it('stops an execution by the ARN its name gives, and ignores one that does not exist', async () => {
    const { client, sent } = intercepted(() => ({ stopDate: new Date() }));
    await new StepFunctionsTimerStarter(MACHINE, client).stop('CASE-2026-000001-resolution-2');
    expect(sent[0]).toBeInstanceOf(StopExecutionCommand);
    expect((sent[0] as StopExecutionCommand).input).toMatchObject({
      executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:CasewaySlaClock-abc123:CASE-2026-000001-resolution-2',
    });

    const gone = intercepted(() => {
      throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
    });
    await expect(new StepFunctionsTimerStarter(MACHINE, gone.client).stop('x')).resolves.toBeUndefined();
  });

  it('refuses an ARN that is not a state machine', () => {
    expect(() => executionArnOf('arn:aws:lambda:eu-west-1:123456789012:function:f', 'n')).toThrow(/Not a state machine/);
    expect(executionArnOf('arn:aws-cn:states:cn-north-1:123456789012:stateMachine:m', 'n')).toBe(
      'arn:aws-cn:states:cn-north-1:123456789012:execution:m:n',
    );
  });
});
