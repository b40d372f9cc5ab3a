/**
 * Custom metrics CDK alarms on and charts, named once for the function that publishes
 * them and the stack that watches them. Powertools publishes each with the dimensions
 * `service` (POWERTOOLS_SERVICE_NAME) and `operation` (the handler's name), and an
 * alarm must name exactly those to see it.
 */
import { SHARED_FUNCTION_ENVIRONMENT } from './function-environment.js';

export interface CustomMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: { readonly service: string; readonly operation: string };
}

/** An SLA clock breached at its due instant: counted once, by the timer check that committed the breach. */
export const SLA_BREACHES: CustomMetric = {
  namespace: SHARED_FUNCTION_ENVIRONMENT.POWERTOOLS_METRICS_NAMESPACE!,
  metricName: 'SlaBreaches',
  dimensions: { service: SHARED_FUNCTION_ENVIRONMENT.POWERTOOLS_SERVICE_NAME!, operation: 'sla-timer' },
};
