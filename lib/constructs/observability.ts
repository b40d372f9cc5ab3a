/**
 * The alarms that mean "a user saw a failure": the API answered 5xx, or a function
 * threw. Each has a single purpose and no tuning knobs; where they notify is the
 * deployer's choice (`alarmActions`).
 */
import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface ObservabilityProps {
  /** The API whose 5xx answers raise an alarm. */
  readonly api: apigw.IHttpApi;
  /** Functions whose errors raise an alarm, by a name used in the alarm's id. */
  readonly functions: Record<string, lambda.IFunction>;
}

export class Observability extends Construct {
  /** Every alarm created here. */
  readonly alarms: cloudwatch.Alarm[] = [];

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

    this.alarms.push(
      props.api.metricServerError({ period, statistic: cloudwatch.Stats.SUM }).createAlarm(this, 'Api5xx', {
        alarmDescription: 'The Caseway API answered with a 5xx status.',
        ...anyIn,
      }),
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarms.push(
        fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }).createAlarm(this, `Errors-${name}`, {
          alarmDescription: `Caseway function '${name}' failed an invocation.`,
          ...anyIn,
        }),
      );
    }
  }
}
