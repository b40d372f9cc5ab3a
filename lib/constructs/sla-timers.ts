/**
 * SLA timers in AWS: the SLA clock state machine (Standard: its executions wait
 * for days and are billed per state transition, not per second), built from the
 * same ASL file the local platform runs, with a Lambda per Task state substituted
 * in, logging of every execution event and X-Ray tracing. Whatever arms the
 * timers (every function whose declaration uses `slaTimers`: the `sla-timer-arming`
 * event consumer) is given start/stop rights on exactly this machine's executions
 * and its ARN, through the functions' resources.
 */
import * as path from 'node:path';
import { ArnFormat, Aws, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { functionRegistry } from '#topology/functions.js';
import { environmentFor } from '#topology/function-environment.js';
import { slaClockMachine } from '#topology/state-machines.js';
import type { CaseStore } from './case-store.js';
import { REPOSITORY_ROOT } from './caseway-function.js';
import { functionFor, FunctionResources } from './function-resources.js';
import { acknowledgeWildcardResource } from './nag.js';

export interface SlaTimersProps {
  readonly store: CaseStore;
  /**
   * The stack's resources the task functions' declarations draw grants and settings from; this adds
   * the machine, for the functions that start and stop its executions.
   * @default - made of `store`
   */
  readonly resources?: FunctionResources;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

export class SlaTimers extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** Task state name -> its function. */
  readonly taskFunctions: Record<string, NodejsFunction>;
  readonly logGroup: logs.LogGroup;
  /** A clock execution failed after its retries: a warning, breach or escalation may not have happened. */
  readonly failedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SlaTimersProps) {
    super(scope, id);
    const logSettings = { logRetention: props.logRetention, logRemovalPolicy: props.logRemovalPolicy };

    this.taskFunctions = {};
    const substitutions: Record<string, string> = {};
    const resources = props.resources ?? FunctionResources.of({ store: props.store });
    for (const [state, task] of Object.entries(slaClockMachine.tasks)) {
      const fn = functionFor(this, `${state}Task`, task.function, {
        resources,
        description: `SLA clock state machine, ${state}: ${functionRegistry[task.function].description}`,
        ...logSettings,
      }).function;
      this.taskFunctions[state] = fn;
      substitutions[task.substitution] = fn.functionArn;
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // Step Functions needs a name under /aws/vendedlogs/ to keep its resource policy small. The group is
      // retained, so the name ends in the stack's own id, new each time the stack is created: a stack
      // deployed again after a destroy makes its own group instead of failing on the one it left behind.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-sla-clock-${Fn.select(2, Fn.split('/', Aws.STACK_ID))}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.stateMachine = new sfn.StateMachine(this, 'SlaClock', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(path.join(REPOSITORY_ROOT, slaClockMachine.definition)),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    for (const fn of Object.values(this.taskFunctions)) fn.grantInvoke(this.stateMachine);
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Tracing and logging are on: xray:PutTraceSegments/PutTelemetryRecords/GetSampling* and the logs:*LogDelivery actions Step Functions needs do not support resource-level permissions.',
    });
    for (const fn of Object.values(this.taskFunctions)) {
      // grantInvoke names the function and `${functionArn}:*` (its versions and aliases).
      acknowledgeWildcardResource(
        [this.stateMachine],
        `${fn.functionArn}:*`,
        'lambda:InvokeFunction on the task function and its versions/aliases (CDK grantInvoke); nothing else.',
      );
    }

    resources.provide('slaTimers', {
      values: this.values(),
      grant: (fn) => this.grantStartStop(fn),
    });

    this.failedAlarm = new cloudwatch.Alarm(this, 'ExecutionsFailed', {
      alarmDescription:
        'An SLA clock execution failed after its retries: a warning, breach or escalation of some case may be missing. Its history names the case.',
      metric: this.stateMachine.metricFailed({ statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Let `fn` start and stop this machine's executions, and tell it the machine's ARN: for a function
   * made outside the registry (a declared one that uses `slaTimers` gets both from its declaration).
   */
  grantTimers(fn: lambda.Function): void {
    const environment = environmentFor<string>({ uses: { slaTimers: 'startStop' } }, { slaTimers: this.values() });
    for (const [key, value] of Object.entries(environment)) fn.addEnvironment(key, value);
    this.grantStartStop(fn);
  }

  private values() {
    return { stateMachineArn: this.stateMachine.stateMachineArn };
  }

  private grantStartStop(fn: lambda.Function): void {
    const executions = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.stateMachine.stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // From the same ARN the policy holds: with a concrete env it reads arn:aws:states:eu-west-1:123456789012:...
    // On the function and on its role: a function built elsewhere (a rule target of EventConsumers) keeps its role beside it.
    acknowledgeWildcardResource(
      [fn, ...(fn.role ? [fn.role] : [])],
      executions,
      'Executions are named <caseId>-<clock>-<generation> at run time: stopping them needs every execution of this one state machine, and nothing else.',
    );
    this.stateMachine.grantStartExecution(fn);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StopExecution'], resources: [executions] }));
  }
}
