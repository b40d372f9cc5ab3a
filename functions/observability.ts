/**
 * Powertools for AWS Lambda, set up once per container. Service name, log level,
 * namespace and whether tracing/metrics are on all come from the standard
 * POWERTOOLS_* environment variables, which is how local mode quiets them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'caseway' });
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'caseway' });

/** Metrics of one Lambda: every data point carries the operation it serves. */
export const metricsFor = (operation: string) =>
  new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Caseway',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'caseway',
    defaultDimensions: { operation },
  });
