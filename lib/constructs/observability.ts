/**
 * What watches the platform: the alarms that mean "a user saw a failure" (the API
 * answered 5xx, a function threw), the rate of SLA breaches, and one dashboard of the
 * whole platform. The dashboard is drawn from the lists the alarms are made of (every
 * function, stream consumer, dead-letter queue, state machine and rule the caller hands
 * over), so nothing alarmed is missing from it. Where alarms notify is the caller's
 * (`Caseway` adds the alarm topic to every one).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SLA_BREACHES } from '#topology/metrics.js';

/** A function by the name its alarm and its dashboard rows carry. */
export interface WatchedFunction {
  readonly name: string;
  readonly fn: lambda.IFunction;
}

/** A consumer of a DynamoDB stream, and the alarm on its iterator age. */
export interface WatchedStream {
  readonly name: string;
  readonly fn: lambda.IFunction;
  readonly iteratorAgeAlarm: cloudwatch.Alarm;
}

/** A dead-letter queue and the alarm on what is in it. */
export interface WatchedQueue {
  readonly name: string;
  readonly queue: sqs.IQueue;
  readonly alarm: cloudwatch.Alarm;
}

/** An EventBridge rule; `busName` for a rule on a custom bus (its metrics carry the bus's name too). */
export interface WatchedRule {
  readonly name: string;
  readonly rule: events.IRule;
  readonly busName?: string;
}

export interface SlaBreachAlarmProps {
  /**
   * More SLA breaches than this within `period` raise the alarm.
   * @default 10
   */
  readonly threshold?: number;
  /** @default Duration.hours(1) */
  readonly period?: Duration;
}

export interface ObservabilityProps {
  /** The API whose 5xx answers raise an alarm. */
  readonly api: apigw.IHttpApi;
  /** Every function: each one's errors raise an alarm, and its errors, throttles and duration are charted. */
  readonly functions: readonly WatchedFunction[];
  readonly streams: readonly WatchedStream[];
  readonly deadLetterQueues: readonly WatchedQueue[];
  /** State machines, each with the alarm on its failed executions. */
  readonly stateMachines: readonly { readonly name: string; readonly machine: sfn.IStateMachine; readonly failedAlarm: cloudwatch.Alarm }[];
  readonly rules: readonly WatchedRule[];
  readonly slaBreaches?: SlaBreachAlarmProps;
  /**
   * Name of the dashboard.
   * @default `Caseway-<stack name>`
   */
  readonly dashboardName?: string;
}

export class Observability extends Construct {
  /** Every alarm of the platform: those made here, and those handed over with what they watch. */
  readonly alarms: cloudwatch.Alarm[] = [];
  /** SLA clocks breaching faster than `slaBreaches` allows. */
  readonly slaBreachAlarm: cloudwatch.Alarm;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    // Any server error is a bug or an outage: handlers map every expected failure to 4xx.
    const anyIn = {
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    const names = new Set<string>();
    for (const { name } of props.functions) {
      if (names.has(name)) throw new Error(`Two watched functions are named ${name}`);
      names.add(name);
    }

    this.alarms.push(
      props.api.metricServerError({ period, statistic: cloudwatch.Stats.SUM }).createAlarm(this, 'Api5xx', {
        alarmDescription: 'The Caseway API answered with a 5xx status.',
        ...anyIn,
      }),
    );
    for (const { name, fn } of props.functions) {
      this.alarms.push(
        fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }).createAlarm(this, `Errors-${name}`, {
          alarmDescription: `Caseway function '${name}' failed an invocation.`,
          ...anyIn,
        }),
      );
    }

    const breaches = new cloudwatch.Metric({
      namespace: SLA_BREACHES.namespace,
      metricName: SLA_BREACHES.metricName,
      dimensionsMap: { ...SLA_BREACHES.dimensions },
      statistic: cloudwatch.Stats.SUM,
      period: props.slaBreaches?.period ?? Duration.hours(1),
    });
    const breachThreshold = props.slaBreaches?.threshold ?? 10;
    if (!Number.isInteger(breachThreshold) || breachThreshold < 0)
      throw new Error(`slaBreaches.threshold must be a whole number of breaches (0 or more), got ${breachThreshold}`);
    this.slaBreachAlarm = breaches.createAlarm(this, 'SlaBreachRate', {
      alarmDescription: `More than ${breachThreshold} SLA clocks breached within ${breaches.period.toHumanString()}: queues may be understaffed or work stuck.`,
      threshold: breachThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(
      this.slaBreachAlarm,
      ...props.streams.map((s) => s.iteratorAgeAlarm),
      ...props.deadLetterQueues.map((q) => q.alarm),
      ...props.stateMachines.map((m) => m.failedAlarm),
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? `Caseway-${Stack.of(this).stackName}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(...platformWidgets(props, breaches));
  }
}

const WIDE = 24;
const HALF = 12;

/** One graph of one metric per item, labelled by the item's name. */
function graph<T extends { readonly name: string }>(title: string, items: readonly T[], metric: (item: T) => cloudwatch.IMetric, width = HALF) {
  return new cloudwatch.GraphWidget({ title, width, height: 6, left: items.map((item) => withLabel(metric(item), item.name)) });
}

const withLabel = (metric: cloudwatch.IMetric, label: string): cloudwatch.IMetric =>
  metric instanceof cloudwatch.Metric || metric instanceof cloudwatch.MathExpression ? metric.with({ label }) : metric;

function platformWidgets(props: ObservabilityProps, breaches: cloudwatch.Metric): cloudwatch.IWidget[] {
  const period = Duration.minutes(5);
  const sum = { period, statistic: cloudwatch.Stats.SUM };
  const { api } = props;
  return [
    new cloudwatch.TextWidget({ markdown: '# Caseway\nAPI, functions, streams, dead letters, SLA clocks and the bus.', width: WIDE, height: 1 }),
    new cloudwatch.GraphWidget({
      title: 'API requests and 5xx',
      width: HALF,
      left: [api.metricCount(sum).with({ label: 'requests' })],
      right: [api.metricServerError(sum).with({ label: '5xx' }), api.metricClientError(sum).with({ label: '4xx' })],
    }),
    new cloudwatch.GraphWidget({
      title: 'API latency (ms)',
      width: HALF,
      left: ['p50', 'p90', 'p99'].map((statistic) => api.metricLatency({ period, statistic }).with({ label: statistic })),
    }),
    new cloudwatch.GraphWidget({ title: 'SLA clocks breached', width: HALF, left: [breaches.with({ label: 'breaches', period })] }),
    graph('Function errors', props.functions, ({ fn }) => fn.metricErrors(sum), WIDE),
    graph('Function throttles', props.functions, ({ fn }) => fn.metricThrottles(sum), WIDE),
    graph('Function duration p99 (ms)', props.functions, ({ fn }) => fn.metricDuration({ period, statistic: 'p99' }), WIDE),
    graph('Stream iterator age (max, ms)', props.streams, ({ fn }) => fn.metric('IteratorAge', { period, statistic: cloudwatch.Stats.MAXIMUM })),
    graph('Dead-letter queue depth', props.deadLetterQueues, ({ queue }) =>
      queue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
    ),
    graph('State machine executions failed', props.stateMachines, ({ machine }) => machine.metricFailed(sum)),
    graph(
      'EventBridge failed invocations',
      props.rules,
      ({ rule, busName }) =>
        new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName: 'FailedInvocations',
          dimensionsMap: { ...(busName ? { EventBusName: busName } : {}), RuleName: rule.ruleName },
          ...sum,
        }),
    ),
  ];
}
